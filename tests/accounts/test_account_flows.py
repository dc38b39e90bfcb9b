import re

import pytest
from django.core import mail

from accounts.models import User
from accounts.permissions import has_confirmed_email
from tests.accounts.conftest import APP, confirmation_key
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another long passphrase 7"


def test_app_password_reset_by_emailed_key(app_client, django_capture_on_commit_callbacks):
    UserFactory(email="ada@example.org", email_confirmed=True)

    with django_capture_on_commit_callbacks(execute=True):
        requested = app_client.post(f"{APP}/auth/password/request", {"email": "ada@example.org"})

    assert requested.status_code == 200
    assert len(mail.outbox) == 1
    key = re.search(r"/accounts/password/reset/key/(\S+)/", mail.outbox[0].body).group(1)
    reset = app_client.post(f"{APP}/auth/password/reset", {"key": key, "password": NEW_PASSWORD})
    # Reset, and (as ACCOUNT_LOGIN_ON_PASSWORD_RESET is off) not logged in by it.
    assert reset.status_code == 401
    assert reset.json()["meta"]["is_authenticated"] is False
    assert User.objects.get(email="ada@example.org").check_password(NEW_PASSWORD)


def test_password_reset_for_unknown_address_reveals_nothing(
    app_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        requested = app_client.post(f"{APP}/auth/password/request", {"email": "who@example.org"})

    assert requested.status_code == 200
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" not in mail.outbox[0].body


def test_browser_password_change(client):
    user = UserFactory(email_confirmed=True)
    client.force_login(user)

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_browser_email_change_takes_effect_only_once_confirmed(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="ada@example.org", email_confirmed=True)
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/email/", {"email": "ada@new.example.org", "action_add": ""})

    user.refresh_from_db()
    assert user.email == "ada@example.org"
    assert mail.outbox[-1].to == ["ada@new.example.org"]
    key = confirmation_key(mail.outbox[-1])

    confirmed = client.post(f"/accounts/confirm-email/{key}/")

    assert confirmed.status_code == 302
    user.refresh_from_db()
    assert user.email == "ada@new.example.org"
    assert has_confirmed_email(user)


def test_browser_email_change_refuses_a_disposable_domain(client):
    user = UserFactory(email="ada@example.org", email_confirmed=True)
    client.force_login(user)

    response = client.post("/accounts/email/", {"email": "ada@mailinator.com", "action_add": ""})

    assert response.status_code == 200
    assert "disposable" in response.content.decode()
    assert not user.emailaddress_set.filter(email="ada@mailinator.com").exists()


def test_browser_logout(client):
    client.force_login(UserFactory())

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
