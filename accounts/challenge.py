"""Friction instead of refusal at sign-up.

A campus or a ministry signs up from one gateway address, while a ring of scripts
spreads over many: refusing an address beyond a small allowance shuts out the first
and barely slows the second. So the accounts made from one client address are
counted (``config.network.client_ip``; an IPv6 client by its /64, which it can roam
freely):

- up to ``SIGNUP_ALLOWANCE`` accounts in 10 minutes sign up as before;
- beyond, each sign-up asks a proof-of-work challenge (ALTCHA, self-hosted): the
  browser's widget solves it in about a second, an app solves it as README.md's
  "Sign-up challenge" says;
- past ``SIGNUP_LIMIT_PER_HOUR`` accounts in an hour, sign-up is refused (429) until
  the hour has moved on.

A challenge (altcha's v1 protocol: find the number ``n`` up to ``maxnumber`` such
that SHA-256 of ``salt`` followed by ``n`` in decimal is ``challenge``) is signed with
a key of its own derived from SECRET_KEY, expires after ``CHALLENGE_LIFETIME``
seconds, and its solution is accepted once: the solved challenges are remembered in
the cache until they expire.

A sign-up counts when its form is valid (an account is made, or, for an address that
has one already, the e-mail saying so is sent), in buckets of a minute each.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import ipaddress
import json
import math
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

import altcha
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.network import client_ip

ALGORITHM = "SHA-256"
# How long a challenge may wait for its solution, and so how long a solved one is
# remembered: long enough to fill in the form after the page has solved it.
CHALLENGE_LIFETIME = 10 * 60
# The window of the allowance, and the hard limit's.
ALLOWANCE_WINDOW = 10 * 60
LIMIT_WINDOW = 60 * 60
BUCKET = 60
# A solution is a few hundred characters; anything much longer is not one.
PAYLOAD_MAX_LENGTH = 2000
FIELD = "altcha"

# The sign-up views: allauth's page and its headless API (browser and app clients).
SIGNUP_PAGE = "account_signup"
SIGNUP_API = frozenset({"headless:app:account:signup", "headless:browser:account:signup"})


class ChallengeRefusal(Exception):
    """A sign-up whose challenge is missing or not accepted."""

    code = "challenge_invalid"
    message = _("The check was not completed correctly: complete it again.")

    def __str__(self) -> str:
        return str(self.message)


class ChallengeRequired(ChallengeRefusal):
    code = "challenge_required"
    message = _(
        "Many accounts have been made from your network in the last few minutes: "
        "complete the check to show that a person is signing up."
    )


class ChallengeInvalid(ChallengeRefusal):
    pass


class ChallengeExpired(ChallengeRefusal):
    code = "challenge_expired"
    message = _("The check has expired: complete it again.")


class ChallengeReused(ChallengeRefusal):
    code = "challenge_reused"
    message = _("This check has been used already: complete a new one.")


CHALLENGE_CODES = frozenset(
    refusal.code
    for refusal in (ChallengeRequired, ChallengeInvalid, ChallengeExpired, ChallengeReused)
)
SIGNUP_LIMIT_CODE = "signup_limit"


# --- Counting the sign-ups of an address ------------------------------------------------


def client_key(request: HttpRequest) -> str:
    """The client address the counts go by: the address, or an IPv6 client's /64."""
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def _bucket_key(address: str, minute: int) -> str:
    return f"accounts:signups:{address}:{minute}"


def _recent_buckets(address: str, now: float) -> list[int]:
    """The sign-ups of each minute of the last hour, oldest first."""
    minute = int(now // BUCKET)
    minutes = range(minute - LIMIT_WINDOW // BUCKET + 1, minute + 1)
    counts = cache.get_many([_bucket_key(address, m) for m in minutes])
    return [int(counts.get(_bucket_key(address, m), 0)) for m in minutes]


@dataclass(frozen=True)
class SignupStanding:
    """What an address's recent sign-ups allow it."""

    challenge_required: bool
    # None while under the hard limit; else the seconds until it may sign up again.
    limit_wait: int | None


def signup_standing(request: HttpRequest) -> SignupStanding:
    now = time.time()
    buckets = _recent_buckets(client_key(request), now)
    in_allowance_window = sum(buckets[-(ALLOWANCE_WINDOW // BUCKET) :])
    return SignupStanding(
        challenge_required=in_allowance_window >= settings.SIGNUP_ALLOWANCE,
        limit_wait=_limit_wait(buckets, now),
    )


def _limit_wait(buckets: list[int], now: float) -> int | None:
    total = sum(buckets)
    limit = settings.SIGNUP_LIMIT_PER_HOUR
    if total < limit:
        return None
    # The oldest minutes leave the hour first: wait until enough of them have.
    first_minute = int(now // BUCKET) - len(buckets) + 1
    for index, count in enumerate(buckets):
        total -= count
        if total < limit:
            leaves_at = (first_minute + index) * BUCKET + LIMIT_WINDOW
            return max(1, math.ceil(leaves_at - now))
    return LIMIT_WINDOW


def signup_record(request: HttpRequest) -> None:
    """Counts one sign-up from the request's client address."""
    key = _bucket_key(client_key(request), int(time.time() // BUCKET))
    # add then incr, both atomic on Redis: concurrent sign-ups all count.
    cache.add(key, 0, timeout=LIMIT_WINDOW + BUCKET)
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=LIMIT_WINDOW + BUCKET)


# --- The challenge ------------------------------------------------------------------------


def _hmac_key() -> str:
    # A key of its own: nothing else the site signs with SECRET_KEY can pass for a
    # sign-up challenge, nor the other way round.
    return salted_hmac(
        "accounts.challenge.signup", "signup", secret=settings.SECRET_KEY, algorithm="sha256"
    ).hexdigest()


def challenge_create() -> dict[str, str | int]:
    """A new challenge, as the widget's ``challengejson`` and the API give it."""
    expires = datetime.datetime.fromtimestamp(time.time() + CHALLENGE_LIFETIME, tz=datetime.UTC)
    challenge = altcha.create_challenge_v1(
        algorithm=ALGORITHM,
        max_number=settings.SIGNUP_CHALLENGE_MAXNUMBER,
        hmac_key=_hmac_key(),
        expires=expires,
    )
    return {
        "algorithm": challenge.algorithm,
        "challenge": challenge.challenge,
        "maxnumber": challenge.max_number,
        "salt": challenge.salt,
        "signature": challenge.signature,
    }


def _payload_read(payload: str) -> dict:
    """The solution's fields, checked for their types before altcha reads them."""
    if len(payload) > PAYLOAD_MAX_LENGTH:
        raise ChallengeInvalid
    try:
        data = json.loads(base64.b64decode(payload, validate=True))
    except (binascii.Error, ValueError):  # UnicodeDecodeError and JSON errors included
        raise ChallengeInvalid from None
    if not isinstance(data, dict):
        raise ChallengeInvalid
    number = data.get("number")
    texts = [data.get(name) for name in ("algorithm", "challenge", "salt", "signature")]
    if not all(isinstance(text, str) for text in texts):
        raise ChallengeInvalid
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        raise ChallengeInvalid
    if data["algorithm"] != ALGORITHM:
        raise ChallengeInvalid
    return data


def _expires_at(salt: str) -> float:
    """When a challenge expires, from its salt (every one of ours says)."""
    query = salt.partition("?")[2]
    values = urllib.parse.parse_qs(query).get("expires") or [""]
    try:
        return float(values[0])
    except ValueError:
        raise ChallengeInvalid from None


def _solution_verify(payload: str) -> dict:
    """The solution's fields, once it is found to solve an unexpired challenge of ours."""
    data = _payload_read(payload)
    expires_at = _expires_at(data["salt"])
    verified, _error = altcha.verify_solution_v1(data, _hmac_key(), check_expires=False)
    if not verified:
        raise ChallengeInvalid
    if expires_at <= time.time():
        raise ChallengeExpired
    return data


def challenge_check(*, required: bool, payload: str, consume: bool) -> None:
    """The challenge step of a sign-up: nothing when none is required; else the
    solution must be right and unexpired, and, with ``consume``, is used up (a second
    use is refused). A sign-up refused for another reason does not consume it."""
    if not required:
        return
    if not payload:
        raise ChallengeRequired
    data = _solution_verify(payload)
    if not consume:
        return
    # Remembered until the challenge expires, which no solution of it outlives.
    remembered = math.ceil(_expires_at(data["salt"]) - time.time()) + BUCKET
    if not cache.add(f"accounts:challenge-used:{data['challenge']}", 1, timeout=remembered):
        raise ChallengeReused


def widget_strings() -> dict[str, str]:
    """The widget's words, from the site's catalogues (the widget's own are English)."""
    return {
        "label": str(_("I am not a robot")),
        "verificationRequired": str(_("Tick the box to show that a person is signing up.")),
        "verifying": str(_("Checking…")),
        "waitAlert": str(_("Checking… please wait.")),
        "verified": str(_("Checked")),
        "expired": str(_("The check has expired: tick the box again.")),
        "error": str(_("The check failed: reload the page and try again.")),
        "loading": str(_("Loading…")),
    }


# --- The answers ------------------------------------------------------------------------


def signup_limit_message(wait: int) -> str:
    minutes = max(1, math.ceil(wait / 60))
    return ngettext(
        "Too many accounts have been made from your network in the last hour. Try again "
        "in %(minutes)d minute.",
        "Too many accounts have been made from your network in the last hour. Try again "
        "in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def _signup_limit_response(request: HttpRequest, view_name: str, wait: int) -> HttpResponse:
    message = signup_limit_message(wait)
    if view_name in SIGNUP_API:
        response: HttpResponse = JsonResponse(
            {
                "status": 429,
                "errors": [{"message": message, "code": SIGNUP_LIMIT_CODE}],
                "detail": message,
                "code": SIGNUP_LIMIT_CODE,
            },
            status=429,
        )
    else:
        response = render(request, "account/signup_limit.html", {"message": message}, status=429)
    response["Retry-After"] = str(wait)
    return response


def _with_challenge(response: HttpResponse) -> HttpResponse:
    """An API refusal of the challenge carries a new challenge, and says first what
    the client must do about it."""
    try:
        body = json.loads(response.content)
    except ValueError:
        return response
    if not isinstance(body, dict):
        return response
    errors = [error for error in body.get("errors") or [] if isinstance(error, dict)]
    refusal = next((error for error in errors if error.get("code") in CHALLENGE_CODES), None)
    if refusal is None:
        return response
    body.update(detail=refusal["message"], code=refusal["code"], challenge=challenge_create())
    response.content = json.dumps(body)
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    return response


class SignupChallengeMiddleware:
    """The hard limit, before the sign-up views (page and API) do anything; and the
    challenge added to the API's refusals of a missing or wrong solution."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 400 and _view_name(request) in SIGNUP_API:
            response = _with_challenge(response)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        view_name = _view_name(request)
        is_page = view_name == SIGNUP_PAGE
        if not (is_page or (view_name in SIGNUP_API and request.method == "POST")):
            return None
        if request.user.is_authenticated:
            return None  # the views send signed-in people elsewhere
        wait = signup_standing(request).limit_wait
        if wait is None:
            return None
        return _signup_limit_response(request, view_name, wait)


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""
