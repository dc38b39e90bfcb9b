"""One set of answers from the vote endpoint: the same requests, sent as an app sends
them (``X-Session-Token``) and as the site's pages do (session cookie and CSRF token),
and how each is answered, status and ``{"detail", "code"}``.

Whatever ended a session (a logout, its expiry, a new password however it was set, a
deactivated account), its token is refused with the same 401, on the first vote after
and on every one after that."""

import json
import re

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.cached_db import SessionStore as CachedSessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import caches
from django.test import Client, TestCase
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import timezone

from accounts.models import User
from tests.accounts.conftest import APP, AppClient
from tests.factories import PASSWORD, UserFactory
from voting.models import Vote

pytestmark = pytest.mark.django_db

VOTE = "/api/v1/editions/2020/ballot/1/"
NEW_PASSWORD = "a new and different password"

NOT_AUTHENTICATED = {
    "detail": "Authentication credentials were not provided.",
    "code": "not_authenticated",
}
TOKEN_REFUSED = {
    "detail": "This session token is unknown or its session has ended: log in again.",
    "code": "authentication_failed",
}
CSRF_FAILED = {
    "detail": (
        "The CSRF check failed: send the CSRF token of the csrftoken cookie in the "
        "X-CSRFToken header."
    ),
    "code": "csrf_failed",
}
UNSUPPORTED = 'Unsupported media type "{}" in request.'
TOO_DEEP = {"detail": "The JSON sent is nested too deeply.", "code": "parse_error"}
INVALID = "Some of the data sent is not valid."


def invalid(**errors: str) -> dict:
    return {
        "detail": INVALID,
        "code": "invalid",
        "errors": {field: [message] for field, message in errors.items()},
    }


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# --- The doors -----------------------------------------------------------------------------


class Door:
    """Sends requests to the vote endpoint through one door, signed in as ``voter``."""

    headers: dict[str, str]

    def __init__(self, voter: User) -> None:
        self.client = Client(enforce_csrf_checks=True)

    def send(self, body: str | bytes, content_type: str | None, method: str = "PUT"):
        extra = {} if content_type is not None else {"CONTENT_TYPE": ""}
        return self.client.generic(
            method, VOTE, body, content_type=content_type or "", **self.headers, **extra
        )

    def vote(self, nominee: int):
        return self.send(json.dumps({"nominee": nominee}), "application/json")


class TokenDoor(Door):
    """As an app: logged in through allauth's app API, the token in ``X-Session-Token``."""

    def __init__(self, voter: User) -> None:
        super().__init__(voter)
        self.app = AppClient()
        assert self.app.login(email=voter.email).status_code == 200

    @property
    def token(self) -> str:
        """The token the app holds: the last one allauth's answers gave it."""
        return self.app.token

    @property
    def headers(self) -> dict[str, str]:
        return {"HTTP_X_SESSION_TOKEN": self.token}


class BrowserDoor(Door):
    """As the site's pages: the session cookie of a login, and the CSRF token of the
    csrftoken cookie in the X-CSRFToken header."""

    def __init__(self, voter: User) -> None:
        super().__init__(voter)
        login = self.client.get("/accounts/login/")
        csrf = login.cookies["csrftoken"].value
        signed_in = self.client.post(
            "/accounts/login/",
            {"login": voter.email, "password": PASSWORD},
            HTTP_X_CSRFTOKEN=csrf,
        )
        assert signed_in.status_code == 302, signed_in.content
        self.headers = {"HTTP_X_CSRFTOKEN": self.client.cookies["csrftoken"].value}


DOORS = {"session token": TokenDoor, "browser session": BrowserDoor}


@pytest.fixture(params=list(DOORS))
def door(request, voter) -> Door:
    return DOORS[request.param](voter)


# --- What is sent ------------------------------------------------------------------------

# (content type or None for none, body with {nominee} for the nominee's id, answer);
# an answer of None is the vote cast: 201 and the vote.
BODIES = {
    "json": ("application/json", '{{"nominee": {nominee}}}', None),
    "json, charset": ("application/json; charset=utf-8", '{{"nominee": {nominee}}}', None),
    "json, other fields too": (
        "application/json",
        '{{"nominee": {nominee}, "comment": "my choice"}}',
        None,
    ),
    "a json-like type": (
        "application/jsonfoo",
        '{{"nominee": {nominee}}}',
        (
            415,
            {"detail": UNSUPPORTED.format("application/jsonfoo"), "code": "unsupported_media_type"},
        ),
    ),
    "text": (
        "text/plain",
        '{{"nominee": {nominee}}}',
        (415, {"detail": UNSUPPORTED.format("text/plain"), "code": "unsupported_media_type"}),
    ),
    "form": (
        "application/x-www-form-urlencoded",
        "nominee={nominee}",
        (
            415,
            {
                "detail": UNSUPPORTED.format("application/x-www-form-urlencoded"),
                "code": "unsupported_media_type",
            },
        ),
    ),
    "multipart": (
        MULTIPART_CONTENT,
        "multipart",
        (415, {"detail": UNSUPPORTED.format(MULTIPART_CONTENT), "code": "unsupported_media_type"}),
    ),
    "no content type": (
        None,
        '{{"nominee": {nominee}}}',
        (415, {"detail": UNSUPPORTED.format(""), "code": "unsupported_media_type"}),
    ),
    "no content type, no body": (None, "", (400, invalid(nominee="This field is required."))),
    "json, no body": ("application/json", "", (400, invalid(nominee="This field is required."))),
    "malformed json": (
        "application/json",
        '{{"nominee": 1',
        (
            400,
            {
                "detail": "JSON parse error - Expecting ',' delimiter: line 1 column 14 (char 13)",
                "code": "parse_error",
            },
        ),
    ),
    "not utf-8": (
        "application/json",
        b'{"nominee": "\xff"}',
        (
            400,
            {
                "detail": "JSON parse error - 'utf-8' codec can't decode byte 0xff in position "
                "13: invalid start byte",
                "code": "parse_error",
            },
        ),
    ),
    "null": (
        "application/json",
        "null",
        (400, invalid(non_field_errors="No data provided")),
    ),
    "a list": (
        "application/json",
        "[{nominee}]",
        (400, invalid(non_field_errors="Invalid data. Expected a dictionary, but got list.")),
    ),
    "nested as deep as allowed": (
        "application/json",
        '{{"nominee": ' + nested(31) + "}}",
        (400, invalid(nominee="A valid integer is required.")),
    ),
    "nested too deep": ("application/json", '{{"nominee": ' + nested(32) + "}}", (400, TOO_DEEP)),
    "nested past the parser's stack": ("application/json", nested(100_000), (400, TOO_DEEP)),
    "larger than allowed": (
        "application/json",
        '{{"nominee": {nominee}, "padding": "' + "x" * (2_621_440) + '"}}',
        (
            413,
            {
                "detail": "The request is larger than this endpoint accepts.",
                "code": "request_too_large",
            },
        ),
    ),
    "no nominee": ("application/json", "{{}}", (400, invalid(nominee="This field is required."))),
    "nominees": (
        "application/json",
        '{{"nominees": [{nominee}]}}',
        (400, invalid(nominee="This field is required.")),
    ),
    "nominee as a word": (
        "application/json",
        '{{"nominee": "first"}}',
        (400, invalid(nominee="A valid integer is required.")),
    ),
    "nominee as a fraction": (
        "application/json",
        '{{"nominee": 1.5}}',
        (400, invalid(nominee="A valid integer is required.")),
    ),
    "nominee as true": (
        "application/json",
        '{{"nominee": true}}',
        (400, invalid(nominee="A valid integer is required.")),
    ),
    "nominee null": (
        "application/json",
        '{{"nominee": null}}',
        (400, invalid(nominee="This field may not be null.")),
    ),
    "nominee negative": (
        "application/json",
        '{{"nominee": -3}}',
        (400, invalid(nominee="Ensure this value is greater than or equal to 1.")),
    ),
    "nominee past any id": (
        "application/json",
        '{{"nominee": {big}}}',
        (
            400,
            {
                "detail": "This is not an accepted nominee of this edition.",
                "code": "not_a_nominee",
                "errors": {"nominee": ["This is not an accepted nominee of this edition."]},
            },
        ),
    ),
}


def body_of(template: str | bytes, nominee: int) -> str | bytes:
    if isinstance(template, bytes):
        return template
    if template == "multipart":
        return encode_multipart(BOUNDARY, {"nominee": str(nominee)})
    return template.format(nominee=nominee, big=10**30)


@pytest.mark.parametrize("case", list(BODIES))
def test_every_body_has_one_answer_whatever_the_door(door, nominees, case):
    content_type, template, answer = BODIES[case]
    nominee = nominees[1][0].pk

    response = door.send(body_of(template, nominee), content_type)

    if answer is None:
        assert (response.status_code, response.json()) == (
            201,
            {"category": 1, "nominee": nominee},
        )
        assert Vote.objects.get().nominee_id == nominee
    else:
        assert (response.status_code, response.json()) == answer
        assert response["Content-Type"] == "application/json"
        assert not Vote.objects.exists()


@pytest.mark.parametrize("method", ["POST", "PATCH", "GET"])
def test_other_methods_are_405_whatever_the_door(door, nominees, method):
    response = door.send(json.dumps({"nominee": nominees[1][0].pk}), "application/json", method)

    assert response.status_code == 405
    assert response.json() == {
        "detail": f'Method "{method}" not allowed.',
        "code": "method_not_allowed",
    }
    assert not Vote.objects.exists()


# --- Who sends it -------------------------------------------------------------------------


def refused_twice(
    door: Door, nominee: int, answer: dict, status: int = 401, votes: int = 0
) -> None:
    """The refusal, the same on the first vote after the change and on the next; no vote
    is cast (beyond ``votes`` cast before)."""
    for _ in range(2):
        response = door.vote(nominee)
        assert (response.status_code, response.json()) == (status, answer)
        if status == 401:
            assert response["WWW-Authenticate"] == "X-Session-Token"
    assert Vote.objects.count() == votes


def test_no_token_is_401_not_authenticated(nominees):
    response = Client().put(VOTE, {"nominee": nominees[1][0].pk}, content_type="application/json")

    assert (response.status_code, response.json()) == (401, NOT_AUTHENTICATED)
    assert response["WWW-Authenticate"] == "X-Session-Token"


def test_an_empty_token_is_no_token(nominees):
    response = Client().put(
        VOTE,
        {"nominee": nominees[1][0].pk},
        content_type="application/json",
        HTTP_X_SESSION_TOKEN="",
    )

    assert (response.status_code, response.json()) == (401, NOT_AUTHENTICATED)


@pytest.fixture
def token_door(voter, session_engine) -> TokenDoor:
    return TokenDoor(voter)


@pytest.fixture
def other_token_door(voter, token_door) -> TokenDoor:
    """A second app of the voter's, with a session of its own."""
    return TokenDoor(voter)


def test_a_wrong_token_is_401(token_door, nominees):
    token_door.app.token = "not-a-session-token"

    refused_twice(token_door, nominees[1][0].pk, TOKEN_REFUSED)


def test_a_token_of_a_session_not_signed_in_is_401(token_door, nominees):
    anonymous = CachedSessionStore()
    anonymous["purpose"] = "a session that never signed in"
    anonymous.create()
    token_door.app.token = anonymous.session_key

    refused_twice(token_door, nominees[1][0].pk, TOKEN_REFUSED)


def test_an_expired_session_token_is_401(token_door, nominees):
    Session.objects.filter(session_key=token_door.token).update(expire_date=timezone.now())
    # Where sessions are kept in the cache too, they leave it at the same moment.
    session = CachedSessionStore(session_key=token_door.token)
    caches[settings.SESSION_CACHE_ALIAS].delete(session.cache_key)

    refused_twice(token_door, nominees[1][0].pk, TOKEN_REFUSED)


def test_a_logged_out_token_is_401(token_door, nominees):
    assert token_door.app.delete(f"{APP}/auth/session").status_code == 401

    refused_twice(token_door, nominees[1][0].pk, TOKEN_REFUSED)


def test_a_token_of_a_deactivated_account_is_401(token_door, voter, nominees):
    voter.is_active = False
    voter.save()

    refused_twice(token_door, nominees[1][0].pk, TOKEN_REFUSED)


# Every way a password is changed ends the sessions signed in with the old one.


def change_through_the_app(voter, other_token_door) -> None:
    changed = other_token_door.app.post(
        f"{APP}/account/password/change",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 200, changed.content


def change_through_the_pages(voter, other_token_door) -> None:
    browser = Client()
    browser.force_login(voter)
    changed = browser.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302, changed.content


def change_with_set_password(voter, other_token_door) -> None:
    account = User.objects.get(pk=voter.pk)
    account.set_password(NEW_PASSWORD)
    account.save()


def change_with_an_update(voter, other_token_door) -> None:
    User.objects.filter(pk=voter.pk).update(password=make_password(NEW_PASSWORD))


def change_through_the_admin(voter, other_token_door) -> None:
    secretariat = Client()
    secretariat.force_login(
        UserFactory(is_staff=True, is_superuser=True, email_confirmed=True, mfa=True)
    )
    changed = secretariat.post(
        f"/admin/accounts/user/{voter.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert changed.status_code == 302, changed.content


def change_by_a_reset(voter, other_token_door) -> None:
    app = AppClient()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the e-mail leaves on commit
        requested = app.post(f"{APP}/auth/password/request", {"email": voter.email})
    assert requested.status_code == 200
    [message] = mail.outbox
    key = re.search(r"/accounts/password/reset/key/(\S+)/", message.body).group(1)
    reset = app.post(f"{APP}/auth/password/reset", {"key": key, "password": NEW_PASSWORD})
    assert reset.status_code == 401, reset.content  # the password is set; now log in


PASSWORD_CHANGES = {
    "through the app": change_through_the_app,
    "through the pages": change_through_the_pages,
    "with set_password": change_with_set_password,
    "with an update": change_with_an_update,
    "through the admin": change_through_the_admin,
    "by a reset": change_by_a_reset,
}


@pytest.mark.parametrize("change", list(PASSWORD_CHANGES))
def test_a_token_after_a_password_change_is_401(
    token_door, other_token_door, voter, nominees, change
):
    PASSWORD_CHANGES[change](voter, other_token_door)
    assert User.objects.get(pk=voter.pk).check_password(NEW_PASSWORD)

    refused_twice(token_door, nominees[1][0].pk, TOKEN_REFUSED)


def test_the_app_that_changed_the_password_votes_with_the_token_it_was_given(
    token_door, other_token_door, voter, nominees
):
    before = other_token_door.token
    change_through_the_app(voter, other_token_door)
    after = other_token_door.token

    assert after != before  # allauth's answer to the change gives it a new token
    assert other_token_door.vote(nominees[1][0].pk).status_code == 201
    other_token_door.app.token = before
    refused_twice(other_token_door, nominees[1][0].pk, TOKEN_REFUSED, votes=1)


# --- The browser's session ------------------------------------------------------------------


@pytest.fixture
def browser_door(voter) -> BrowserDoor:
    return BrowserDoor(voter)


def test_a_browser_vote_without_the_csrf_token_is_403_csrf_failed(browser_door, nominees):
    del browser_door.headers["HTTP_X_CSRFTOKEN"]

    refused_twice(browser_door, nominees[1][0].pk, CSRF_FAILED, status=403)


def test_a_browser_vote_with_a_wrong_csrf_token_is_403_csrf_failed(browser_door, nominees):
    browser_door.headers["HTTP_X_CSRFTOKEN"] = "x" * 32

    refused_twice(browser_door, nominees[1][0].pk, CSRF_FAILED, status=403)


def test_a_browser_session_after_a_password_change_is_signed_out(browser_door, voter, nominees):
    change_with_set_password(voter, None)

    refused_twice(browser_door, nominees[1][0].pk, NOT_AUTHENTICATED)


def test_a_browser_session_and_a_token_vote_alike(browser_door, voter, nominees):
    app = TokenDoor(voter)
    first, second = nominees[1]

    cast = browser_door.vote(first.pk)
    changed = app.vote(second.pk)
    changed_back = browser_door.vote(first.pk)

    assert [(r.status_code, r.json()["nominee"]) for r in (cast, changed, changed_back)] == [
        (201, first.pk),
        (200, second.pk),
        (200, first.pk),
    ]
    assert Vote.objects.get().nominee == first
