"""What the site's log says about refused requests: a step of a log-in through
allauth's app API is not a warning; faults and other refusals still are."""

import pytest

from tests.accounts.conftest import APP, AppClient
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def warnings(caplog):
    caplog.set_level("WARNING", logger="django.request")

    def logged() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "django.request"]

    return logged


def test_a_sign_up_waiting_for_its_code_is_not_logged_as_a_warning(
    warnings, django_capture_on_commit_callbacks
):
    EditionFactory(year=2020)
    client = AppClient()
    with django_capture_on_commit_callbacks(execute=True):
        signed_up = client.post(f"{APP}/auth/signup", {"email": "ada@example.org"})
    session = client.get(f"{APP}/auth/session")

    assert (signed_up.status_code, session.status_code) == (401, 401)
    assert warnings() == []


def test_other_refusals_are_still_logged(warnings, client):
    refused_signup = AppClient().post(f"{APP}/auth/signup", {"email": "not an address"})
    api_without_token = client.get("/api/v1/me/")
    missing = client.get("/api/v1/editions/1900/")

    assert (refused_signup.status_code, api_without_token.status_code) == (400, 401)
    assert missing.status_code == 404
    assert warnings() == [
        f"Bad Request: {APP}/auth/signup",
        "Unauthorized: /api/v1/me/",
        "Not Found: /api/v1/editions/1900/",
    ]
