"""The passwordless way in, in real Chromium under the Content-Security-Policy: sign up
with an e-mail address alone, type the code from the e-mail, vote; then add a passkey
(a virtual authenticator, through Chrome's DevTools protocol) and log in with it alone.

No database access while Chromium runs: Playwright's event loop, once started in the
test's thread, keeps Django from the database there. The codes come from the mails the
live server sent (Django's test mailbox, in this process)."""

import re
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.permissions import has_confirmed_email
from awards.phases import Phase
from tests.accounts.conftest import login_code
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory
from tests.frontend.browser import CHROMIUM, CHROMIUM_ARGS
from voting.models import Vote

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "nadia@example.org"


@pytest.fixture
def sync_api():
    return pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def last_code_to(address: str) -> str:
    [message] = [message for message in mail.outbox if message.to == [address]][-1:]
    return login_code(message)


def type_the_code(page, address: str) -> None:
    page.wait_for_url(re.compile(r"/code/confirm/"))
    # "Log-in code" to log in, "Code" to confirm who it is again.
    page.get_by_label(re.compile(r"^(Log-in code|Code)$")).fill(last_code_to(address))
    page.get_by_role("button", name=re.compile(r"^(Log in|Confirm)$")).click()


def test_sign_up_type_the_code_vote_then_log_in_with_a_passkey(sync_api, live_server):
    edition = EditionFactory(year=2020, phase=Phase.VOTING)
    category = CategoryFactory(edition=edition, number=3, title="Access")
    chosen = ProjectFactory(category=category, title="Village libraries")
    ProjectFactory(category=category, title="Mobile schools")
    console: list[str] = []

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(base_url=live_server.url)
            page = context.new_page()
            page.set_default_timeout(10_000)
            page.on("console", lambda message: console.append(message.text))
            # A passkey on this "device": Chromium's virtual authenticator, which
            # verifies the person (as a fingerprint would) without asking.
            devtools = context.new_cdp_session(page)
            devtools.send("WebAuthn.enable")
            devtools.send(
                "WebAuthn.addVirtualAuthenticator",
                {
                    "options": {
                        "protocol": "ctap2",
                        "transport": "internal",
                        "hasResidentKey": True,
                        "hasUserVerification": True,
                        "isUserVerified": True,
                        "automaticPresenceSimulation": True,
                    }
                },
            )

            # Sign up: no password.
            page.goto(reverse("account_signup"))
            page.get_by_label("Full name").fill("Nadia Okafor")
            page.get_by_label("Country").select_option("NG")
            page.get_by_label("Email").fill(EMAIL)
            page.get_by_role("button", name="Create my account").click()
            assert page.locator("h1").inner_text() == "Type your code"
            type_the_code(page, EMAIL)
            page.wait_for_url(f"{live_server.url}/")
            welcome = page.locator(".messages").inner_text()
            banner = page.locator(".account-banner").count()

            # Vote.
            page.goto(reverse("frontend:ballot-category", args=[2020, 3]))
            page.get_by_role("button", name="Vote for this project Village libraries").click()
            page.wait_for_url(f"{live_server.url}{reverse('frontend:ballot', args=[2020])}")
            ballot = page.locator("main").inner_text()

            # Add a passkey from the profile: allauth first asks who it is (by code,
            # there being no password).
            page.goto(reverse("frontend:profile"))
            page.get_by_role("link", name="Add a passkey").click()
            page.wait_for_url(re.compile(r"/accounts/reauthenticate/code/"))
            page.get_by_role("button", name="Request Code").click()
            type_the_code(page, EMAIL)
            page.wait_for_url(re.compile(r"/2fa/webauthn/add/"))
            assert page.get_by_label("Log in with this key alone (a passkey)").is_checked()
            page.get_by_role("button", name="Add a passkey").click()
            page.wait_for_url(lambda url: "/2fa/webauthn/add/" not in url)

            # Log out, and back in with the passkey alone.
            page.get_by_role("button", name="Log out").click()
            page.goto(reverse("account_login"))
            page.get_by_role("button", name="Use my passkey").click()
            page.wait_for_url(lambda url: urlsplit(url).path != reverse("account_login"))
            header = page.locator(".account-links").inner_text()
        finally:
            browser.close()

    user = User.objects.get(email=EMAIL)
    assert not user.has_usable_password()
    assert has_confirmed_email(user)
    assert "You are logged in as Nadia Okafor." in welcome
    assert banner == 0
    assert re.search(r"1 of 1\s+category voted", ballot)
    assert "Village libraries" in ballot
    assert Vote.objects.get(voter=user, category=category).nominee_id == chosen.pk
    [passkey] = Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().is_passwordless is True
    assert passkey.last_used_at is not None
    assert "Nadia Okafor" in header
    assert [line for line in console if "Content Security Policy" in line] == []
