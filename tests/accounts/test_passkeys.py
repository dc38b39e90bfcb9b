"""Passkeys: a credential that cannot be read is refused as a wrong one (400
incorrect_code, or the page's message), on every page and endpoint that takes one,
never a server error (allauth fails on some: accounts/passkeys.py). A passkey's whole
way, added and used to log in, runs in Chromium (tests/frontend/test_passkeys_in_browser.py).
"""

import json

import pytest
from django.test import Client
from django.urls import reverse

from accounts.passkeys import credential_readable
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

UNREADABLE = [
    pytest.param({"id": "eA"}, id="id without rawId"),
    pytest.param(
        {"id": "eA", "rawId": "eQ", "type": "public-key", "response": {}}, id="ids differ"
    ),
    pytest.param(
        {
            "id": "eA",
            "rawId": "eA",
            "type": "public-key",
            "response": {
                "clientDataJSON": "eA",
                "attestationObject": "eA",
                "authenticatorData": "eA",
                "signature": "eA",
            },
        },
        id="fields that are not what they say",
    ),
    pytest.param({"rawId": "***"}, id="not base64"),
    pytest.param("a credential", id="text"),
    pytest.param(["eA"], id="a list"),
    pytest.param(7, id="a number"),
]


@pytest.mark.parametrize("credential", UNREADABLE)
@pytest.mark.parametrize("registration", [True, False], ids=["new", "assertion"])
def test_unreadable_credentials_are_told_apart(credential, registration):
    assert not credential_readable(credential, registration=registration)


@pytest.fixture
def voter():
    return UserFactory(email="ada@example.org", email_confirmed=True)


@pytest.fixture
def browser_api(voter) -> Client:
    """The browser client of the headless API, logged in and reauthenticated just now."""
    client = Client()
    client.post("/accounts/login/", {"login": voter.email, "password": PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


@pytest.mark.parametrize("credential", UNREADABLE)
@pytest.mark.parametrize("kind", ["app", "browser"])
def test_passkey_login_refuses_an_unreadable_credential(credential, kind):
    client = Client()
    path = f"/_allauth/{kind}/v1/auth/webauthn/login"
    assert client.get(path).status_code == 200  # the challenge

    response = client.post(path, {"credential": credential}, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "incorrect_code"
    assert response.json()["errors"][0]["param"] == "credential"


@pytest.mark.parametrize("credential", UNREADABLE)
def test_adding_a_passkey_refuses_an_unreadable_credential(browser_api, credential):
    path = "/_allauth/browser/v1/account/authenticators/webauthn"
    assert browser_api.get(path, {"passwordless": "true"}).status_code == 200

    response = browser_api.post(
        path, {"name": "phone", "credential": credential}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "incorrect_code"


@pytest.mark.parametrize("credential", UNREADABLE)
def test_reauthenticating_with_a_passkey_refuses_an_unreadable_credential(browser_api, credential):
    response = browser_api.post(
        "/_allauth/browser/v1/auth/webauthn/reauthenticate",
        {"credential": credential},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "incorrect_code"


@pytest.mark.parametrize("credential", UNREADABLE)
def test_the_passkey_login_page_refuses_an_unreadable_credential(credential):
    client = Client()
    login = reverse("mfa_login_webauthn")
    client.get(login, HTTP_ACCEPT="application/json", HTTP_X_REQUESTED_WITH="XMLHttpRequest")

    response = client.post(login, {"credential": json.dumps(credential)}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("account_login")
    assert "Incorrect code." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("credential", UNREADABLE)
def test_the_add_passkey_page_refuses_an_unreadable_credential(browser_api, credential):
    add = reverse("mfa_add_webauthn")
    assert browser_api.get(add).status_code == 200

    response = browser_api.post(
        add, {"name": "phone", "passwordless": "on", "credential": json.dumps(credential)}
    )

    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()


def test_the_passkey_pages_are_for_signed_in_accounts():
    client = Client()
    for name in ("mfa_add_webauthn", "mfa_list_webauthn"):
        response = client.get(reverse(name))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    api = client.get("/_allauth/browser/v1/account/authenticators/webauthn")
    assert api.status_code == 401
