"""The vote of the deadline rush, answered ahead of the rest of the stack.

Most votes of the final days come from API clients: a JSON ``PUT`` of the ballot
endpoint with an ``X-Session-Token``. ``QuickVoteMiddleware`` answers such a vote right
after the security middleware (so its response carries the same security headers as
any other), with the same authentication, throttle and service as the endpoint, and
skips what the vote does not use: sessions and CSRF for cookies, messages, the URL
resolver, and DRF's request cycle. Once a session has voted it reads the session, the
throttle's count and the account's remembered session hash in one cache command
(``accounts.backends``), and writes the vote in one statement that also checks that the
account may vote: one cache command and one database statement per vote.

It answers only a vote it has recorded. Anything else (another way of signing in, a
refusal, bad input) goes on down the stack, and the endpoint answers it, so every
refusal keeps one shape and one code. None of the refusals writes anything, a vote is
an upsert, so going through twice changes nothing, and the throttle counts the request
once.
"""

import json
import re
from collections.abc import Callable

from allauth.core.internal.sessionkit import get_session_user
from allauth.headless import app_settings as headless_settings
from allauth.headless.tokens.strategies.base import AbstractTokenStrategy
from allauth.usersessions import app_settings as usersessions_settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare

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

# The path of ``api:ballot-category`` (``<int:...>`` matches [0-9]+).
VOTE_PATH = re.compile(r"/api/v1/editions/(?P<year>[0-9]+)/ballot/(?P<category>[0-9]+)/")

_ALLOW = ", ".join(BallotCategoryView().allowed_methods)


class QuickVoteMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        view = BallotCategoryView
        if (
            view.authentication_classes[:1] != [SessionTokenAuthentication]
            or not set(view.throttle_classes) <= {AnonymousThrottle, AccountThrottle}
            or usersessions_settings.TRACK_ACTIVITY
        ):
            # It signs in and throttles as the endpoint did when it was written.
            raise MiddlewareNotUsed("the vote endpoint signs in or throttles otherwise")
        self.get_response = get_response
        # allauth builds the strategy anew on every use; it keeps no state.
        self.tokens = headless_settings.TOKEN_STRATEGY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "PUT" and "HTTP_X_SESSION_TOKEN" in request.META:
            match = VOTE_PATH.fullmatch(request.path_info)
            if match is not None:
                response = vote_quickly(
                    request,
                    self.tokens,
                    year=int(match["year"]),
                    category=int(match["category"]),
                )
                if response is not None:
                    return response
        return self.get_response(request)


def _signed_in(
    request: HttpRequest, tokens: AbstractTokenStrategy, token: str
) -> tuple[SessionBase, int, str, bool, str | None] | None:
    """The session of a session token, the account it names, its auth hash, whether
    the account's throttle lets this request through, and the account's remembered
    session hash; None if the token names no account."""
    throttle = AccountThrottle()
    cache_key = session_cache_key(token, throttle.cache_alias)
    data = account_id = None
    if cache_key is not None:
        # With the session, once a request of the session has remembered its account,
        # the account's count and remembered hash: one command.
        data, account_id, allowed, remembered = throttle.allow_named_account(
            request,
            key=cache_key,
            account_key=session_account_key(token),
            also_get=session_hash_key(IDENT),
        )
    session = session_read(token, data) if data is not None else tokens.lookup_session(token)
    signed_in = session_account(session) if session is not None else None
    if signed_in is None:
        return None
    voter_id, session_hash = signed_in
    if account_id is not None:
        if account_id != voter_id:
            return None
        return session, voter_id, session_hash, allowed, remembered
    # The account's count and remembered hash (and, for the session's next request,
    # its account): one command.
    allowed, remembered = throttle.allow_account(
        request,
        voter_id,
        also_get=session_hash_key(voter_id),
        add=(session_account_key(token), voter_id, SESSION_ACCOUNT_TTL)
        if cache_key is not None
        else None,
    )
    return session, voter_id, session_hash, allowed, remembered


def vote_quickly(
    request: HttpRequest, tokens: AbstractTokenStrategy, *, year: int, category: int
) -> HttpResponse | None:
    """The response to a recorded vote, or None for the endpoint to answer."""
    request.get_host()  # refuses a host outside ALLOWED_HOSTS, as the stack would
    meta = request.META
    if not meta.get("CONTENT_TYPE", "").startswith("application/json"):
        return None
    accept = meta.get("HTTP_ACCEPT", "*/*")
    if "application/json" not in accept and "*/*" not in accept:
        return None
    signed_in = _signed_in(request, tokens, meta["HTTP_X_SESSION_TOKEN"])
    if signed_in is None:
        return None
    session, voter_id, session_hash, allowed, remembered = signed_in
    if not allowed:
        return None
    if remembered is None or not constant_time_compare(remembered, session_hash):
        # Django's own check, which reads the account (and ends a stale session).
        voter = get_session_user(session)
        if voter is None:
            return None
        session_hash_remember(voter)
    try:
        nominee = json.loads(request.body).get("nominee")
    except (ValueError, AttributeError):
        return None
    if type(nominee) is not int or nominee < 1:
        return None
    chosen = voting_category(year=year, number=category)
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
    body = b'{"category":%d,"nominee":%d}' % (category, cast.nominee_id)
    return HttpResponse(
        body,
        status=201 if cast.outcome == Outcome.CREATED else 200,
        content_type="application/json",
        headers={"Allow": _ALLOW, "Vary": "Accept", "Content-Length": str(len(body))},
    )
