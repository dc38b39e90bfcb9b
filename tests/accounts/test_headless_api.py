import time
from importlib import import_module

import pytest
from django.core import mail

from accounts.models import User
from accounts.permissions import has_confirmed_email
from tests.accounts.conftest import APP, confirmation_key
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def edition():
    return EditionFactory(year=2020)


def test_app_signs_up_confirms_logs_in_and_calls_the_api(
    app_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signed_up = app_client.signup()

    assert signed_up.status_code == 200
    user = User.objects.get(email="ada@example.org")
    assert (user.name, user.country.code, user.organisation) == (
        "Ada Lovelace",
        "KE",
        "Analytical Engines",
    )
    assert not has_confirmed_email(user)
    assert len(mail.outbox) == 1
    key = confirmation_key(mail.outbox[0])
    assert key in mail.outbox[0].body

    verified = app_client.post(f"{APP}/auth/email/verify", {"key": key})
    assert verified.status_code == 200
    assert has_confirmed_email(User.objects.get(pk=user.pk))

    app_client.token = None
    logged_in = app_client.login()
    assert logged_in.status_code == 200
    assert logged_in.json()["meta"]["is_authenticated"] is True
    assert app_client.token

    me = app_client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["email"] == "ada@example.org"
    assert me.json()["email_verified"] is True
    ballot = app_client.get("/api/v1/editions/2020/ballot/")
    assert ballot.status_code == 200
    assert ballot.json()["votes"] == []


def test_app_session_status_and_logout(app_client):
    app_client.signup()

    status = app_client.get(f"{APP}/auth/session")
    assert status.status_code == 200
    assert status.json()["data"]["user"]["email"] == "ada@example.org"

    assert app_client.delete(f"{APP}/auth/session").status_code == 401
    refused = app_client.get("/api/v1/me/")
    assert refused.status_code == 401


def test_unconfirmed_account_may_log_in_but_not_vote(app_client):
    app_client.signup()

    assert app_client.get("/api/v1/me/").json()["email_verified"] is False
    ballot = app_client.get("/api/v1/editions/2020/ballot/")
    assert ballot.status_code == 403
    assert ballot.json()["code"] == "email_not_verified"


def test_wrong_session_token_is_401(app_client):
    app_client.token = "not-a-real-session-token"

    response = app_client.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "X-Session-Token"


@pytest.mark.parametrize("engine", ["db", "cached_db"])
def test_expired_session_token_is_401(app_client, settings, engine):
    settings.SESSION_ENGINE = f"django.contrib.sessions.backends.{engine}"
    app_client.signup()
    assert app_client.get("/api/v1/me/").status_code == 200
    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    session = session_store(session_key=app_client.token)
    session.set_expiry(1)  # the session (and any cached copy of it) ends in a second
    session.save()
    time.sleep(1.2)

    response = app_client.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_no_token_is_401_for_authenticated_endpoints(client):
    for path in ["/api/v1/me/", "/api/v1/editions/2020/ballot/"]:
        response = client.get(path)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


def test_signup_refuses_a_disposable_domain(app_client):
    response = app_client.signup(email="someone@mailinator.com")

    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["param"] == "email"
    assert error["code"] == "disposable_email"
    assert "disposable" in error["message"]
    assert not User.objects.filter(email="someone@mailinator.com").exists()


def test_signup_refuses_a_subdomain_of_a_disposable_domain(app_client):
    response = app_client.signup(email="someone@inbox.mailinator.com")

    assert response.status_code == 400
    assert not User.objects.exists()


def test_signup_refuses_an_address_longer_than_an_account_keeps(app_client):
    email = f"ada@{'a' * 60}.{'b' * 60}.{'c' * 60}.{'d' * 60}.example.org"

    response = app_client.signup(email=email)

    # allauth would cut it to 254 characters and confirm an address nobody has.
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "email"
    assert not User.objects.exists()


def test_signup_needs_no_name_or_country_but_refuses_an_unknown_country(app_client):
    response = app_client.signup(name="", country="XX")

    assert response.status_code == 400
    assert {e["param"] for e in response.json()["errors"]} == {"country"}
    assert not User.objects.exists()

    response = app_client.signup(name="", country="")

    assert response.status_code == 200
    user = User.objects.get()
    assert (user.name, user.country.code) == ("", "")


def test_confirmation_mail_has_text_and_html_bodies(app_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        app_client.signup()

    message = mail.outbox[0]
    assert message.subject.startswith("[WSIS Prizes] ")
    html = {mime: content for content, mime in message.alternatives}["text/html"]
    assert confirmation_key(message) in html
