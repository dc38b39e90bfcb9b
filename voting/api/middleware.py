"""The vote of the deadline rush, answered ahead of the rest of the stack.

Most votes of the final days come from API clients: a JSON ``PUT`` of the ballot
endpoint with an ``X-Session-Token``. ``QuickVote`` answers such a vote with the same
authentication, throttle and service as the endpoint, and skips what the vote does not
use: sessions and CSRF for cookies, messages, the URL resolver, and DRF's request
cycle. Once a session has voted it reads the session, the throttle's count and the
account's remembered session hash in one cache command (``accounts.backends``), and
writes the vote in one statement that also checks that the account may vote: one cache
command and one database statement per vote.

It answers only a vote it has recorded. Anything else (another way of signing in, a
refusal, bad input) goes on down the stack, and the endpoint answers it, so every
refusal keeps one shape and one code. None of the refusals writes anything, a vote is
an upsert, so going through twice changes nothing, and the throttle counts the request
once.

Two doors lead to it:

- ``QuickVoteApplication`` wraps the WSGI application the site is served with
  (``config.wsgi``) and answers before Django's handler: no request and response
  objects, no signals, no middleware. Its responses carry the headers the middleware
  above ``QuickVoteMiddleware`` adds (security headers, frame options), read once from
  those middleware. Between votes it keeps its database connection (up to
  ``HOLD_SECONDS``) instead of returning it to the pool after each one.
- ``QuickVoteMiddleware`` answers right after the security middleware, for a request
  that came in another way (the test client, ASGI).
"""

import contextlib
import io
import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from functools import reduce
from http import HTTPStatus

from allauth.core.internal.sessionkit import get_session_user
from allauth.headless import app_settings as headless_settings
from allauth.usersessions import app_settings as usersessions_settings
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import DisallowedHost, MiddlewareNotUsed
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare
from django.utils.module_loading import import_string

from accounts.backends import (
    SESSION_ACCOUNT_TTL,
    session_account,
    session_account_key,
    session_cache_key,
    session_hash_key,
    session_hash_remember,
    session_read,
)
from config.api_access import AccountThrottle, AnonymousThrottle, SessionTokenAuthentication
from config.cache import IDENT
from config.errors import DomainError
from voting.api.views import BallotCategoryView
from voting.catalogue import voting_category
from voting.network import request_network
from voting.services import Outcome, ballot_cast_checked

logger = logging.getLogger(__name__)

# The path of ``api:ballot-category`` (``<int:...>`` matches [0-9]+).
VOTE_PATH = re.compile(r"/api/v1/editions/(?P<year>[0-9]+)/ballot/(?P<category>[0-9]+)/")
MIDDLEWARE = "voting.api.middleware.QuickVoteMiddleware"
# Set in the environ of a vote the WSGI front has tried: the middleware leaves it be.
TRIED = "wsis.quick_vote_tried"
# A vote's body is a few bytes; a longer one goes down the stack.
MAX_BODY = 1024
HOLD_SECONDS = 60
# How many Host headers found allowed are remembered (a wildcard in ALLOWED_HOSTS allows
# any number of them).
MAX_HOSTS = 64

_ALLOW = ", ".join(BallotCategoryView().allowed_methods)


class QuickVote:
    """The vote answered: what both doors share."""

    def __init__(self) -> None:
        view = BallotCategoryView
        if (
            view.authentication_classes[:1] != [SessionTokenAuthentication]
            or not set(view.throttle_classes) <= {AnonymousThrottle, AccountThrottle}
            or usersessions_settings.TRACK_ACTIVITY
        ):
            # It signs in and throttles as the endpoint did when it was written.
            raise MiddlewareNotUsed("the vote endpoint signs in or throttles otherwise")
        # allauth builds the strategy anew on every use; it keeps no state.
        self.tokens = headless_settings.TOKEN_STRATEGY
        self.hosts: set[str] = set()  # Host headers found in ALLOWED_HOSTS

    def answer(
        self, request: HttpRequest, body: bytes, match: re.Match
    ) -> tuple[int, bytes] | None:
        """The status and body of a recorded vote, or None for the endpoint to answer.
        ``request`` needs its ``META`` alone."""
        meta = request.META
        host = meta.get("HTTP_HOST")
        if host not in self.hosts or "HTTP_X_FORWARDED_HOST" in meta:
            request.get_host()  # refuses a host outside ALLOWED_HOSTS, as the stack would
            if host is not None and len(self.hosts) < MAX_HOSTS:
                self.hosts.add(host)
        if not meta.get("CONTENT_TYPE", "").startswith("application/json"):
            return None
        accept = meta.get("HTTP_ACCEPT", "*/*")
        if "application/json" not in accept and "*/*" not in accept:
            return None
        token = meta["HTTP_X_SESSION_TOKEN"]
        signed_in = self._signed_in(request, token)
        if signed_in is None:
            return None
        session, voter_id, session_hash, allowed, remembered = signed_in
        if not allowed:
            return None
        if remembered is None or not constant_time_compare(remembered, session_hash):
            # Django's own check, which reads the account (and ends a stale session).
            if not isinstance(session, SessionBase):
                session = session_read(token, session)
            voter = get_session_user(session)
            if voter is None:
                return None
            session_hash_remember(voter)
        try:
            nominee = json.loads(body).get("nominee")
        except (ValueError, AttributeError):
            return None
        if type(nominee) is not int or nominee < 1:
            return None
        category = int(match["category"])
        chosen = voting_category(year=int(match["year"]), number=category)
        if chosen is None:
            return None
        try:
            # Writes only for an active account with a confirmed address.
            cast = ballot_cast_checked(
                edition=chosen.edition,
                category=chosen,
                voter_id=voter_id,
                nominee_id=nominee,
                network=request_network(request),
                user_agent=meta.get("HTTP_USER_AGENT", ""),
            )
        except DomainError:
            return None
        if cast is None:
            return None
        status = 201 if cast.outcome == Outcome.CREATED else 200
        return status, b'{"category":%d,"nominee":%d}' % (category, cast.nominee_id)

    def _signed_in(
        self, request: HttpRequest, token: str
    ) -> tuple[SessionBase | dict, int, str, bool, str | None] | None:
        """The session of a session token (or its data, as read from the cache), the
        account it names, its auth hash, whether the account's throttle lets this
        request through, and the account's remembered session hash; None if the token
        names no account."""
        throttle = AccountThrottle()
        cache_key = session_cache_key(token, throttle.cache_alias)
        session = account_id = None
        if cache_key is not None:
            # With the session, once a request of the session has remembered its
            # account, the account's count and remembered hash: one command.
            session, account_id, allowed, remembered = throttle.allow_named_account(
                request,
                key=cache_key,
                account_key=session_account_key(token),
                also_get=session_hash_key(IDENT),
            )
        if session is None:
            session = self.tokens.lookup_session(token)
        signed_in = session_account(session) if session is not None else None
        if signed_in is None:
            return None
        voter_id, session_hash = signed_in
        if account_id is not None:
            if account_id != voter_id:
                return None
            return session, voter_id, session_hash, allowed, remembered
        # The account's count and remembered hash (and, for the session's next
        # request, its account): one command.
        allowed, remembered = throttle.allow_account(
            request,
            voter_id,
            also_get=session_hash_key(voter_id),
            add=(session_account_key(token), voter_id, SESSION_ACCOUNT_TTL)
            if cache_key is not None
            else None,
        )
        return session, voter_id, session_hash, allowed, remembered


def _vote_match(meta: dict) -> re.Match | None:
    if meta.get("REQUEST_METHOD") != "PUT" or "HTTP_X_SESSION_TOKEN" not in meta:
        return None
    return VOTE_PATH.fullmatch(meta.get("PATH_INFO", ""))


class QuickVoteMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.quick = QuickVote()
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        match = _vote_match(request.META)
        if match is not None and TRIED not in request.META:
            answer = self.quick.answer(request, request.body, match)
            if answer is not None:
                return _response(*answer)
        return self.get_response(request)


def _response(status: int, body: bytes) -> HttpResponse:
    return HttpResponse(
        body,
        status=status,
        content_type="application/json",
        headers={"Allow": _ALLOW, "Vary": "Accept", "Content-Length": str(len(body))},
    )


class _EnvironRequest(HttpRequest):
    """A request of which the quick vote reads the environ alone (``META``): what
    ``HttpRequest`` sets up besides is left out."""

    def __init__(self, environ: dict) -> None:
        self.META = environ

    def _get_scheme(self) -> str:
        return self.META.get("wsgi.url_scheme", "http")  # as WSGIRequest


class QuickVoteApplication:
    """Django's WSGI application, with the votes of the rush answered in front of it."""

    def __init__(self, application: WSGIHandler) -> None:
        self.application = application
        self.quick: QuickVote | None = None
        if MIDDLEWARE in settings.MIDDLEWARE:
            with contextlib.suppress(MiddlewareNotUsed):
                self.quick = QuickVote()
        # The headers of a vote's response, for a plain and for a secure request.
        self._headers: dict[bool, list[tuple[str, str]] | None] = {}

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        match = _vote_match(environ) if self.quick is not None else None
        if match is not None:
            request = _EnvironRequest(environ)
            # Known before voting: where the middleware above would answer otherwise,
            # the stack answers.
            headers = self._headers_for(request)
            answer = self._vote(request, match) if headers is not None else None
            if answer is not None:
                status, body = answer
                start_response(
                    f"{status} {HTTPStatus(status).phrase}",
                    [
                        ("Content-Type", "application/json"),
                        ("Allow", _ALLOW),
                        ("Vary", "Accept"),
                        ("Content-Length", str(len(body))),
                        *headers,
                    ],
                )
                return [body]
        return self.application(environ, start_response)

    def _vote(self, request: _EnvironRequest, match: re.Match) -> tuple[int, bytes] | None:
        environ = request.META
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if not 0 < length <= MAX_BODY:
            return None
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)  # for Django, should the vote go on
        environ["CONTENT_LENGTH"] = str(len(body))
        environ[TRIED] = True
        _release_if_held_long()
        try:
            return self.quick.answer(request, body, match)
        except DisallowedHost:
            return None
        except Exception:
            # The stack answers as it answers any error (its handler starts by returning
            # a connection that failed); the log says why this one was not answered here.
            logger.exception("A vote went down the stack after an error")
            return None

    def _headers_for(self, request: _EnvironRequest) -> list[tuple[str, str]] | None:
        """What the middleware above ``QuickVoteMiddleware`` add to a vote's response
        (None if they would answer with another response), read from them once for a
        plain and once for a secure request."""
        secure = request.is_secure()
        if secure not in self._headers:
            response = _response(200, b"")
            outer = settings.MIDDLEWARE[: settings.MIDDLEWARE.index(MIDDLEWARE)]
            chain = reduce(
                lambda inner, path: import_string(path)(inner),
                reversed(outer),
                lambda request: response,
            )
            template = WSGIRequest({**request.META, "wsgi.input": io.BytesIO(b"")})
            try:
                answered = chain(template)
            except Exception:
                return None  # a refusal of this request (its host, say): the stack's to give
            own = {"Content-Type", "Allow", "Vary", "Content-Length"}
            self._headers[secure] = (
                [(name, value) for name, value in response.items() if name not in own]
                if answered is response
                else None
            )
        return self._headers[secure]


def _release_if_held_long() -> None:
    """Return the database connection to the pool once it has been held
    ``HOLD_SECONDS`` past the age the settings give it (Django's handler returns it
    at the end of each request; the WSGI front keeps it between votes)."""
    connection = connections[DEFAULT_DB_ALIAS]
    if (
        connection.close_at is not None
        and time.monotonic() >= connection.close_at + HOLD_SECONDS
        and not connection.in_atomic_block
    ):
        connection.close()


def quick_vote_application(application: WSGIHandler) -> QuickVoteApplication | WSGIHandler:
    """``application`` with the WSGI front, where the quick vote is in use."""
    front = QuickVoteApplication(application)
    return front if front.quick is not None else application
