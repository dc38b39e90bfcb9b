"""Where an account signed up from: every way of signing up keeps the network (never
the address) and the browser's family; accounts made by staff or commands keep none."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

FIREFOX_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
)
SAFARI_ON_IOS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
FROM = {"REMOTE_ADDR": "203.0.113.45", "HTTP_USER_AGENT": FIREFOX_ON_WINDOWS}
VOTER = {"email": "nadia@example.org", "name": "Nadia Okafor", "country": "NG"}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def traces(email: str = "nadia@example.org") -> tuple[str, str]:
    account = User.objects.get(email=email)
    return account.signup_network, account.signup_browser


@pytest.mark.parametrize(
    "password",
    [{}, {"password1": PASSWORD, "password2": PASSWORD}],
    ids=["with-a-code", "with-a-password"],
)
def test_signup_page_keeps_the_network_and_browser(client, committed, password):
    response = committed(client.post, reverse("account_signup"), {**VOTER, **password}, **FROM)

    assert response.status_code == 302
    assert traces() == ("203.0.113.0/24", "Firefox on Windows")


@pytest.mark.parametrize("kind", ["app", "browser"])
@pytest.mark.parametrize("password", [{}, {"password": PASSWORD}], ids=["code", "password"])
def test_headless_signup_keeps_the_network_and_browser(committed, kind, password):
    response = committed(
        Client().post,
        f"/_allauth/{kind}/v1/auth/signup",
        {**VOTER, **password},
        content_type="application/json",
        REMOTE_ADDR="2001:db8:abcd:12::7",
        HTTP_USER_AGENT=SAFARI_ON_IOS,
    )

    # 401: a code or the confirmation is pending; 200 logged in. Either way, made.
    assert response.status_code in (200, 401)
    assert traces() == ("2001:db8:abcd::/48", "Safari on iOS")


def test_signup_behind_a_trusted_proxy_keeps_the_clients_network(client, committed, settings):
    settings.TRUSTED_PROXIES = 1

    committed(
        client.post,
        reverse("account_signup"),
        VOTER,
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.77",
        HTTP_USER_AGENT="",
    )

    assert traces() == ("198.51.100.0/24", "")


def test_an_account_made_in_the_admin_has_no_traces(client, admin_user):
    client.force_login(admin_user)

    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "nadia@example.org",
            "name": "Nadia Okafor",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        **FROM,
    )

    assert response.status_code == 302
    assert traces() == ("", "")


def test_an_account_made_by_a_command_has_no_traces(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)

    call_command(
        "createsuperuser", interactive=False, email="root@example.org", name="Root", verbosity=0
    )

    assert traces("root@example.org") == ("", "")
