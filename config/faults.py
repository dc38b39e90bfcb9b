"""What the site answers when a service it needs cannot be reached: 503, never 500.

The database unreachable (PostgreSQL restarting, the pool finding no connection in
time), SQLite locked past its timeout, Redis or the broker refusing a call that had no
fallback: each answers 503 with ``Retry-After``, as the API's JSON error
``{"detail", "code": "service_unavailable"}`` under ``/api/`` and ``/_allauth/`` and
as a plain page elsewhere. Three places catch it: this middleware (exceptions raised by
views), the API's exception handler (DRF views, ``config.api``) and ``handler500``
(exceptions raised by middleware, ``config.urls``).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from typing import TypeVar

import psycopg
from django.db import InterfaceError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
ResponseT = TypeVar("ResponseT", bound=HttpResponse)

RETRY_AFTER_SECONDS = 5
CODE = "service_unavailable"
DETAIL = _("The service is briefly unavailable. Please try again in a few seconds.")
JSON_PREFIXES = ("/api/", "/_allauth/")

# PostgreSQL error classes that say the server cannot serve now, not that the query
# is wrong: 08 connection exception, 53 insufficient resources (too many
# connections), 57 operator intervention (shutting down, starting up).
UNAVAILABLE_SQLSTATE_CLASSES = frozenset({"08", "53", "57"})


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def is_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) says a service is unreachable for now."""
    if exc is None:
        return False
    for error in _chain(exc):
        if isinstance(error, InterfaceError | RedisConnectionError | RedisTimeoutError):
            return True
        if isinstance(error, BrokerError):
            return True
        if isinstance(error, psycopg.OperationalError):
            # No SQLSTATE: the client lost or could not open the connection (the
            # pool's PoolTimeout is one of these).
            return error.sqlstate is None or error.sqlstate[:2] in UNAVAILABLE_SQLSTATE_CLASSES
        if isinstance(error, sqlite3.OperationalError):
            return "locked" in str(error)
    return False


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(JSON_PREFIXES)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with ``Retry-After``: the API's JSON error, or a page that needs nothing
    but its template (no database, no session, no context processor)."""
    if wants_json(request):
        response = JsonResponse({"detail": str(DETAIL), "code": CODE}, status=503)
    else:
        page = render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(page, status=503)
    return retry_later(response)


def retry_later(response: ResponseT) -> ResponseT:
    """``Retry-After`` on a 503, which no cache may keep."""
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def log_unavailable(request: HttpRequest, exc: BaseException) -> None:
    logger.warning("%s %s answered 503: %r", request.method, request.path, exc)


class ServiceUnavailableMiddleware:
    """Turns a view's exception that says a service is unreachable into a 503.

    Last in ``MIDDLEWARE``, so that it is asked first about a view's exception."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_unavailable(exception):
            return None
        log_unavailable(request, exception)
        return unavailable_response(request)
