"""Hostile or broken requests under /api/ and /_allauth/ get a clear 4xx in JSON
``{"detail", "code"}``: never a 500, never an HTML page."""

import io

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from awards.phases import Phase
from config.parsers import MAX_JSON_DEPTH
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

MEGABYTE = 1024 * 1024


def nested_arrays(depth: int) -> str:
    return "[" * depth + "]" * depth


def nested_objects(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


# Past Python's recursion limit, within it but past what the API reads, and hidden in a
# field's value (which a form would print, recursing again).
HOSTILE_BODIES = {
    "arrays past the recursion limit": nested_arrays(100_000),
    "objects past the recursion limit": nested_objects(100_000),
    "objects just past the allowed depth": nested_objects(MAX_JSON_DEPTH + 1),
    "a field nested in depth": '{"email": ' + nested_arrays(900) + ', "key": "x"}',
}

ALLAUTH_ENDPOINTS = [
    "/_allauth/app/v1/auth/signup",
    "/_allauth/app/v1/auth/email/verify",
    "/_allauth/app/v1/auth/password/request",
    "/_allauth/browser/v1/auth/signup",
    "/_allauth/browser/v1/auth/email/verify",
    "/_allauth/browser/v1/auth/password/request",
]


@pytest.fixture
def raising_client() -> Client:
    # As a real server: an exception becomes the 500 answer instead of failing the test.
    return Client(raise_request_exception=False)


def assert_json_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.mark.parametrize("endpoint", ALLAUTH_ENDPOINTS)
@pytest.mark.parametrize("body", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
def test_deeply_nested_json_to_allauth_is_a_parse_error(raising_client, endpoint, body):
    response = raising_client.post(endpoint, body, content_type="application/json")

    assert_json_error(response, 400, "parse_error")


@pytest.fixture
def voting_voter_client():
    edition = EditionFactory(year=2020, phase=Phase.VOTING)
    ProjectFactory(category=CategoryFactory(edition=edition, number=1))
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(UserFactory(email_confirmed=True))
    return client


@pytest.fixture
def submitter_client():
    CategoryFactory(edition=EditionFactory(year=2020, phase=Phase.SUBMISSION), number=3)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(UserFactory(email_confirmed=True))
    return client


@pytest.mark.parametrize("body", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
def test_deeply_nested_json_to_the_vote_is_a_parse_error(voting_voter_client, body):
    response = voting_voter_client.put(
        "/api/v1/editions/2020/ballot/1/", body, content_type="application/json"
    )

    assert_json_error(response, 400, "parse_error")


@pytest.mark.parametrize("body", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
def test_deeply_nested_json_to_my_projects_is_a_parse_error(submitter_client, body):
    response = submitter_client.post(
        "/api/v1/editions/2020/my-projects/", body, content_type="application/json"
    )

    assert_json_error(response, 400, "parse_error")


def test_json_nested_as_deep_as_allowed_is_read(submitter_client):
    """The limit leaves room: a body nested to the allowed depth reaches the view, which
    judges its fields."""
    body = '{"category": 3, "title": "Deep", "sdgs": ' + nested_arrays(MAX_JSON_DEPTH - 1) + "}"

    response = submitter_client.post(
        "/api/v1/editions/2020/my-projects/", body, content_type="application/json"
    )

    assert_json_error(response, 400, "invalid")


@pytest.mark.parametrize("body", ["{not json", "\xff\xfe", "[1, 2]", '"text"'])
def test_allauth_body_that_is_no_json_object_is_a_parse_error(raising_client, body):
    response = raising_client.post(
        "/_allauth/app/v1/auth/signup", body.encode("latin-1"), content_type="application/json"
    )

    assert_json_error(response, 400, "parse_error")


@pytest.mark.parametrize("value", [["a long enough password 42"], {"a": 1}, 12345678, True, None])
def test_a_field_of_sign_up_or_login_that_is_not_text_is_refused(raising_client, value):
    # allauth's forms would read ["x"] as the text "['x']", and take it as a password.
    response = raising_client.post(
        "/_allauth/app/v1/auth/signup",
        {"email": "ada@example.org", "password": value, "name": "Ada", "country": "KE"},
        content_type="application/json",
    )

    body = assert_json_error(response, 400, "invalid")
    assert body["status"] == 400
    assert body["errors"] == [
        {"message": "This field takes text.", "code": "invalid", "param": "password"}
    ]
    assert not User.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_password_reset_key_without_its_account_part_is_refused(raising_client, method):
    # allauth's form failed on it with a TypeError (a server error).
    if method == "get":
        response = raising_client.get(
            "/_allauth/app/v1/auth/password/reset", HTTP_X_PASSWORD_RESET_KEY="-abc"
        )
    else:
        response = raising_client.post(
            "/_allauth/app/v1/auth/password/reset",
            {"key": "-abc", "password": "a long enough password 42"},
            content_type="application/json",
        )

    body = assert_json_error(response, 400, "invalid_password_reset")
    assert body["errors"][0]["param"] == "key"


# --- Bodies over the size limit --------------------------------------------------------------


class CountingStream(io.RawIOBase):
    """A body of ``size`` bytes made as it is read, counting what was read."""

    def __init__(self, size: int) -> None:
        self.size, self.read_so_far = size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self.size - self.read_so_far)
        buffer[:count] = b" " * count
        self.read_so_far += count
        return count


@pytest.mark.parametrize(
    "method, path",
    [
        ("post", "/_allauth/app/v1/auth/signup"),
        ("post", "/_allauth/browser/v1/auth/login"),
        ("put", "/api/v1/editions/2020/ballot/1/"),
        ("post", "/api/v1/editions/2020/my-projects/"),
        ("post", "/api/v1/no-such-endpoint/"),
    ],
)
def test_a_10_mb_body_is_refused_as_json_before_it_is_read(raising_client, method, path):
    body = CountingStream(10 * MEGABYTE)

    response = getattr(raising_client, method)(
        path,
        content_type="application/json",
        **{"wsgi.input": body, "CONTENT_LENGTH": str(body.size)},
    )

    assert_json_error(response, 413, "request_too_large")
    assert body.read_so_far == 0


def test_a_10_mb_body_to_the_vote_is_refused_for_a_signed_in_voter(voting_voter_client):
    body = ('{"nominee": 1, "padding": "' + "x" * (10 * MEGABYTE) + '"}').encode()

    response = voting_voter_client.put(
        "/api/v1/editions/2020/ballot/1/", body, content_type="application/json"
    )

    assert_json_error(response, 413, "request_too_large")


def test_a_form_body_over_the_limit_on_a_page_is_not_json(raising_client):
    response = raising_client.post(
        "/accounts/login/",
        content_type="application/x-www-form-urlencoded",
        **{"wsgi.input": CountingStream(10 * MEGABYTE), "CONTENT_LENGTH": str(10 * MEGABYTE)},
    )

    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "Too much to send" in response.content.decode()


# --- Django's other refusals -----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/editions/", "/_allauth/app/v1/config"])
def test_a_host_outside_allowed_hosts_is_refused_as_json(raising_client, path):
    response = raising_client.get(path, HTTP_HOST="attacker.example")

    assert_json_error(response, 400, "disallowed_host")


def test_a_failed_csrf_check_on_allauths_browser_api_is_json():
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)

    response = browser.post(
        "/_allauth/browser/v1/auth/login",
        {"email": "ada@example.org", "password": "x"},
        content_type="application/json",
    )

    body = assert_json_error(response, 403, "csrf_failed")
    assert "X-CSRFToken" in body["detail"]


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/_allauth/app/v1/no-such-thing"])
def test_an_unknown_path_is_a_json_404(raising_client, path):
    assert_json_error(raising_client.get(path), 404, "not_found")


def test_a_method_allauth_does_not_allow_is_a_json_405_with_allow(raising_client):
    response = raising_client.post("/_allauth/app/v1/config", {}, "application/json")

    assert_json_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


@pytest.mark.parametrize("method", ["put", "patch", "trace"])
def test_a_method_an_allauth_view_does_not_handle_is_405_whatever_its_body(raising_client, method):
    # allauth's views read any body as their form before looking at the method.
    response = getattr(raising_client, method)(
        "/_allauth/app/v1/auth/login", "{}", content_type="application/json"
    )

    assert_json_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "POST, OPTIONS"


def test_options_on_allauths_views_says_their_methods(raising_client):
    response = raising_client.options("/_allauth/app/v1/auth/session")

    assert response.status_code == 200
    assert response["Allow"] == "GET, DELETE, OPTIONS, HEAD"


def test_a_method_the_api_does_not_allow_is_a_json_405(raising_client):
    assert_json_error(raising_client.delete("/api/v1/editions/"), 405, "method_not_allowed")


def test_a_server_error_under_the_api_is_json(raising_client, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("awards.api.views.edition_list", broken)

    response = raising_client.get("/api/v1/editions/")

    body = assert_json_error(response, 500, "server_error")
    assert "a bug" not in body["detail"]


def test_a_server_error_under_allauth_is_json(raising_client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("accounts.adapter.AccountAdapter.clean_email", broken)

    response = raising_client.post(
        "/_allauth/app/v1/auth/signup",
        {"email": "ada@example.org", "password": "a long enough password 42"},
        content_type="application/json",
    )

    assert_json_error(response, 500, "server_error")


def test_pages_keep_their_html_error_pages(raising_client):
    response = raising_client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Page not found" in response.content.decode()


# --- allauth's own errors ------------------------------------------------------------------


def test_allauths_field_error_keeps_its_shape_and_gains_detail_and_code(raising_client):
    response = raising_client.post(
        "/_allauth/app/v1/auth/signup",
        {
            "email": "not an address",
            "password": "a long enough password 42",
            "name": "Ada",
            "country": "KE",
        },
        content_type="application/json",
    )

    body = assert_json_error(response, 400, "invalid")
    assert body["status"] == 400
    assert [error["param"] for error in body["errors"]] == ["email"]
    assert body["detail"] == body["errors"][0]["message"]


def test_allauths_several_field_errors_are_summed_up(raising_client):
    response = raising_client.post(
        "/_allauth/app/v1/auth/signup", {"email": "", "country": "XX"}, "application/json"
    )

    body = assert_json_error(response, 400, "invalid")
    assert len(body["errors"]) > 1
    assert body["detail"] == "Some of the data sent is not valid."


def test_allauths_login_refusal_gains_the_code_of_its_error(raising_client):
    UserFactory(email="ada@example.org")

    response = raising_client.post(
        "/_allauth/app/v1/auth/login",
        {"email": "ada@example.org", "password": "wrong"},
        content_type="application/json",
    )

    body = response.json()
    assert response.status_code == 400
    assert body["code"] == body["errors"][0]["code"]
    assert body["detail"] == body["errors"][0]["message"]


def test_allauths_401_keeps_its_flows_and_says_why(raising_client):
    response = raising_client.get("/_allauth/app/v1/auth/session")

    body = assert_json_error(response, 401, "not_authenticated")
    assert body["status"] == 401
    assert "flows" in body["data"]
    assert body["meta"]["is_authenticated"] is False


def test_allauths_429_is_json_with_detail_and_code(raising_client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1/m/ip"}
    for number in range(2):
        response = raising_client.post(
            "/_allauth/app/v1/auth/signup",
            {"email": f"p{number}@example.org", "password": "a long enough password 42"},
            content_type="application/json",
        )

    body = assert_json_error(response, 429, "throttled")
    assert body["status"] == 429
    # allauth says not when: the longest of its limits' periods, which none outlasts.
    assert response["Retry-After"] == "300"


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_write_to_the_vote_without_its_trailing_slash_is_not_found(
    voting_voter_client, settings, debug, method
):
    settings.DEBUG = debug

    response = getattr(voting_voter_client, method)(
        "/api/v1/editions/2020/ballot/1", {"nominee": 1}, format="json"
    )

    assert_json_error(response, 404, "not_found")


@pytest.mark.parametrize("debug", [True, False])
def test_a_form_posted_without_its_trailing_slash_is_not_found_and_a_read_is_redirected(
    raising_client, settings, debug
):
    settings.DEBUG = debug

    assert raising_client.post("/accounts/login", {"login": "a@example.org"}).status_code == 404
    response = raising_client.get("/accounts/login")
    assert (response.status_code, response["Location"]) == (301, "/accounts/login/")
