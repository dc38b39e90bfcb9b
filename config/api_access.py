"""How API clients are recognised and throttled.

Kept apart from ``config.api``: DRF resolves these classes while its views module
loads, so this module must not import DRF's views.
"""

from typing import Any

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from allauth.headless.internal import sessionkit
from allauth.headless.tokens.strategies import sessions as allauth_sessions
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from config.cache import (
    IDENT,
    count_in_window,
    count_in_window_and_get,
    get_and_count_for,
    window_left,
)


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """The ``X-Session-Token`` of django-allauth's headless API, as API clients send it.

    A token that is unknown, expired or not (yet) logged in is refused with 401 instead
    of being treated as anonymous, so that a client learns it must log in again.
    """

    allow_anonymous_users = False
    allow_invalid_session_tokens = False

    def get_session_token(self, request: HttpRequest) -> str | None:
        # ``request.headers`` would build a mapping of every header first.
        return request.META.get("HTTP_X_SESSION_TOKEN")


# Where a request keeps what ``AccountThrottle`` counted before DRF saw it: in the WSGI
# environ, which every request object made from it shares.
ACCOUNT_COUNTED = "wsis.account_counted"


class _CountingThrottle:
    """DRF's rate throttles, counting each client's requests in a window that opens at
    its first request instead of keeping a list of their times: one cache command per
    request (``config.cache.count_in_window``) instead of a read and a write of a list
    as long as the rate. A client may reach the limit just before a window closes
    and again just after, as with any fixed window.

    DRF copies the rates when the class is defined; reading them on use lets the
    settings (and tests) change them.
    """

    scope: str
    cache_alias = "default"

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        # Apart from the lists of times DRF's own throttles keep under ``key``.
        self.key = f"{key}:count"
        return (
            count_in_window(caches[self.cache_alias], self.key, self.duration) <= self.num_requests
        )

    def wait(self) -> float:
        return window_left(caches[self.cache_alias], self.key, self.duration)


class AnonymousThrottle(_CountingThrottle, AnonRateThrottle):
    scope = "anonymous"


class AccountThrottle(_CountingThrottle, UserRateThrottle):
    scope = "account"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None  # anonymous requests have their own throttle
        return self._account_key(request.user.pk)

    def _account_key(self, account_id: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": account_id}

    def _count_key(self, account_id: Any) -> str:
        return f"{self._account_key(account_id)}:count"  # as allow_request counts

    def allow_request(self, request: Request, view: Any) -> bool:
        counted = request.META.get(ACCOUNT_COUNTED)
        if counted is not None and request.user and counted[0] == request.user.pk:
            _, allowed, self.key = counted  # counted once already, by allow_account
            return allowed
        return super().allow_request(request, view)

    def allow_account(
        self,
        request: HttpRequest,
        account_id: Any,
        *,
        also_get: str,
        add: tuple[str, Any, int] | None = None,
    ) -> tuple[bool, Any]:
        """``allow_request`` for a request of the account ``account_id`` that is not
        signed in yet, with the value cached under ``also_get`` read (and ``add``
        cached, as ``cache.add`` would) in the same cache command. The request keeps
        the answer: should DRF go through it after all, it is not counted twice."""
        cache = caches[self.cache_alias]
        if self.rate is None:
            if add is not None:
                cache.add(*add)
            return True, cache.get(also_get)
        count, value = count_in_window_and_get(
            cache, self._count_key(account_id), self.duration, also_get, add
        )
        return self._counted(request, account_id, count), value

    def allow_named_account(
        self, request: HttpRequest, *, key: str, account_key: str, also_get: str
    ) -> tuple[Any, Any, bool | None, Any]:
        """``allow_account`` for the account whose id is cached under ``account_key``,
        with the value cached under ``key`` and the one under ``also_get`` (``IDENT``
        standing for the id), all in one cache command: the value under ``key``, the
        account id, whether the account may make this request, and the other value.
        When no id is cached, the value under ``key`` alone and nothing counted; when
        ``key`` holds nothing, nothing at all."""
        if self.rate is None:
            return caches[self.cache_alias].get(key), None, None, None
        value, ident, count, other = get_and_count_for(
            caches[self.cache_alias],
            key,
            account_key,
            self._count_key(IDENT),
            self.duration,
            also_get,
        )
        if ident is None:
            return value, None, None, None
        account_id = get_user_model()._meta.pk.to_python(ident)
        return value, account_id, self._counted(request, account_id, count), other

    def _counted(self, request: HttpRequest, account_id: Any, count: int) -> bool:
        """Whether the account may make this request, its ``count``-th in the window;
        the request keeps the answer for ``allow_request``."""
        self.key = self._count_key(account_id)
        allowed = count <= self.num_requests
        request.META[ACCOUNT_COUNTED] = (account_id, allowed, self.key)
        return allowed


class SessionTokenStrategy(allauth_sessions.SessionTokenStrategy):
    """allauth's session tokens, looked up with one read instead of two (it asks
    whether the session exists, then loads it): every API request pays for this."""

    def lookup_session(self, session_token: str):
        return sessionkit.lookup_session(session_token)
