import re

import pytest
from django.core import mail
from django.test import Client

from tests.factories import PASSWORD

APP = "/_allauth/app/v1"


class AppClient:
    """An API client as a partner app is: JSON, no cookies, the session token in the
    X-Session-Token header once it has one."""

    def __init__(self) -> None:
        self.client = Client()
        self.token: str | None = None

    def _headers(self) -> dict[str, str]:
        return {"HTTP_X_SESSION_TOKEN": self.token} if self.token else {}

    def _fresh(self) -> Client:
        self.client.cookies.clear()
        return self.client

    def post(self, path: str, data: dict | None = None):
        response = self._fresh().post(
            path, data or {}, content_type="application/json", **self._headers()
        )
        token = response.json().get("meta", {}).get("session_token") if response.content else None
        if token:
            self.token = token
        return response

    def get(self, path: str, **headers):
        return self._fresh().get(path, **self._headers(), **headers)

    def put(self, path: str, data: dict):
        return self._fresh().put(path, data, content_type="application/json", **self._headers())

    def delete(self, path: str):
        return self._fresh().delete(path, **self._headers())

    def signup(self, email: str = "ada@example.org", **fields):
        body = {
            "email": email,
            "password": PASSWORD,
            "name": "Ada Lovelace",
            "country": "KE",
            "organisation": "Analytical Engines",
            "stakeholder_type": "academia",
            **fields,
        }
        return self.post(f"{APP}/auth/signup", body)

    def login(self, email: str = "ada@example.org", password: str = PASSWORD):
        return self.post(f"{APP}/auth/login", {"email": email, "password": password})


@pytest.fixture
def app_client() -> AppClient:
    return AppClient()


def login_code(message: mail.EmailMessage) -> str:
    """The code of a login code e-mail (as allauth makes them: ABCD-EFGH)."""
    match = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", message.body, re.MULTILINE)
    assert match, message.body
    return match.group(1)


def confirmation_key(message: mail.EmailMessage) -> str:
    match = re.search(r"/accounts/confirm-email/([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(1)
