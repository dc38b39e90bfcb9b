"""How API clients are recognised and throttled.

Kept apart from ``config.api``: DRF resolves these classes while its views module
loads, so this module must not import DRF's views.
"""

import math

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied, Throttled
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from config.errors_json import CSRF_FAILED, error_response
from config.network import client_ip

TOKEN_REFUSED = _("This session token is unknown or its session has ended: log in again.")


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """The ``X-Session-Token`` of django-allauth's headless API, as API clients send it.

    A token that is unknown, expired or not (yet) logged in is refused with 401 instead
    of being treated as anonymous, so that a client learns it must log in again. Every
    such token gets the same answer: allauth words an unknown session ("Invalid token.")
    apart from one that no longer signs anyone in (a new password, a deactivated
    account: DRF's "Incorrect authentication credentials."), and Django deletes the
    latter on reading it, so the same token would be answered one way, then the other.
    """

    allow_anonymous_users = False
    allow_invalid_session_tokens = False

    def authenticate(self, request):
        if not self.get_session_token(request):
            return None
        # Checked before the token, so that an address past the rate learns nothing
        # more about the tokens it tries.
        failures = TokenFailureThrottle()
        wait = failures.wait_before_trying(request)
        if wait is not None:
            raise Throttled(wait=wait)
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            failures.failure_record(request)
            raise AuthenticationFailed(TOKEN_REFUSED) from None


class CookieSessionAuthentication(SessionAuthentication):
    """DRF's sign-in by the session cookie of the site's pages, answering a failed CSRF
    check as Django's CSRF_FAILURE_VIEW does on the API's paths (``config.errors_json``):
    403 ``csrf_failed``, where DRF would say ``permission_denied``."""

    def enforce_csrf(self, request) -> None:
        try:
            super().enforce_csrf(request)
        except PermissionDenied:
            raise PermissionDenied(CSRF_FAILED, code="csrf_failed") from None


class _RatesFromSettings:
    """DRF copies the rates when the class is defined; reading them on use lets the
    settings (and tests) change them."""

    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class _ClientAddress:
    """Requests are told apart by the client's address as ``config.network`` reads it,
    not by DRF's own reading of X-Forwarded-For (which any client can rotate)."""

    def get_ident(self, request) -> str:
        return client_ip(request)


class AnonymousThrottle(_ClientAddress, _RatesFromSettings, AnonRateThrottle):
    scope = "anonymous"


class AccountThrottle(_ClientAddress, _RatesFromSettings, UserRateThrottle):
    scope = "account"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None  # anonymous requests have their own throttle
        return super().get_cache_key(request, view)


class TokenFailureThrottle(_ClientAddress, _RatesFromSettings, SimpleRateThrottle):
    """Failed ``X-Session-Token`` authentications, counted per address: past the rate
    the address waits, whatever token it sends."""

    scope = "token_failure"

    def get_cache_key(self, request, view=None) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def _load(self, request) -> None:
        self.key = self.get_cache_key(request)
        self.now = self.timer()
        self.history = [
            moment for moment in self.cache.get(self.key, []) if moment > self.now - self.duration
        ]

    def wait_before_trying(self, request) -> float | None:
        """None while the address may try a token, else the seconds it must wait."""
        if self.rate is None:
            return None
        self._load(request)
        if len(self.history) < self.num_requests:
            return None
        return self.wait()

    def failure_record(self, request) -> None:
        if self.rate is None:
            return
        self._load(request)
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)


class TokenFailureMiddleware:
    """The same count for django-allauth's app API, which refuses a wrong or ended
    ``X-Session-Token`` with 410 on any of its endpoints."""

    prefix = "/_allauth/app/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(self.prefix) or not request.headers.get("X-Session-Token"):
            return self.get_response(request)
        failures = TokenFailureThrottle()
        wait = failures.wait_before_trying(request)
        if wait is not None:
            refusal = Throttled(wait=wait)
            response = error_response(429, str(refusal.detail), "throttled")
            response["Retry-After"] = str(math.ceil(wait))
            return response
        response = self.get_response(request)
        if response.status_code == 410:
            failures.failure_record(request)
        return response
