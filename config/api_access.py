"""How API clients are recognised and throttled.

Kept apart from ``config.api``: DRF resolves these classes while its views module
loads, so this module must not import DRF's views.
"""

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """The ``X-Session-Token`` of django-allauth's headless API, as API clients send it.

    A token that is unknown, expired or not (yet) logged in is refused with 401 instead
    of being treated as anonymous, so that a client learns it must log in again.
    """

    allow_anonymous_users = False
    allow_invalid_session_tokens = False


class _RatesFromSettings:
    """DRF copies the rates when the class is defined; reading them on use lets the
    settings (and tests) change them."""

    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousThrottle(_RatesFromSettings, AnonRateThrottle):
    scope = "anonymous"


class AccountThrottle(_RatesFromSettings, UserRateThrottle):
    scope = "account"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None  # anonymous requests have their own throttle
        return super().get_cache_key(request, view)
