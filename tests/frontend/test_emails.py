import re

import pytest
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.core import mail
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"http://testserver/accounts/confirm-email/([^/\s]+)/")
APP_KEY_SENTENCE = "If you use a WSIS Prizes app, enter this confirmation key in it: {key}"


def _html(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def _assert_mail_layout(html: str) -> None:
    """The site's mail layout: a full document, styled inline, without tables, style
    sheets or images that mail clients strip or block."""
    assert html.startswith("<!doctype html>")
    assert (
        '<p style="margin: 0; font-size: 20px; font-weight: bold; color: #ffffff;">WSIS Prizes</p>'
        in html
    )
    assert "organised by ITU with UNESCO, UNDP and UNCTAD" in html
    for refused in ("<table", "<style", "<link", "<img", "<script"):
        assert refused not in html


@pytest.fixture
def signup_mail(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "name": "Nadia Okafor",
                "country": "NG",
                "email": "nadia@example.org",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    [message] = mail.outbox
    return message


def test_signup_confirmation_text_carries_the_link_the_key_and_what_it_enables(signup_mail):
    [key] = CONFIRM_LINK.findall(signup_mail.body)

    assert signup_mail.subject == "[WSIS Prizes] Please Confirm Your Email Address"
    assert signup_mail.body.startswith("Hello Nadia Okafor,")
    assert "Thank you for signing up to WSIS Prizes" in signup_mail.body
    assert "you can vote for the nominees and submit projects" in signup_mail.body
    assert f"http://testserver/accounts/confirm-email/{key}/" in signup_mail.body
    assert APP_KEY_SENTENCE.format(key=key) in signup_mail.body


def test_signup_confirmation_html_has_a_button_link_and_the_key(signup_mail):
    [key] = CONFIRM_LINK.findall(signup_mail.body)
    link = f"http://testserver/accounts/confirm-email/{key}/"

    html = _html(signup_mail)

    _assert_mail_layout(html)
    assert "Welcome to WSIS Prizes" in html
    # The button, then the same address written out for clients that block links.
    links = re.findall(rf'<a href="{re.escape(link)}" style="[^"]*">([^<]+)</a>', html)
    assert links == ["Confirm my e-mail address", link]
    sentence = APP_KEY_SENTENCE.format(key="")
    assert re.search(rf"{re.escape(sentence)}<code [^>]*>{re.escape(key)}</code>", html)


def test_resent_confirmation_has_text_and_html_with_link_and_key(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(name="Kofi Mensah", email="kofi@example.org")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"email": user.email, "action_send": ""})

    [message] = mail.outbox
    [key] = CONFIRM_LINK.findall(message.body)
    assert message.subject == "[WSIS Prizes] Please Confirm Your Email Address"
    assert "Once it is confirmed you can vote for the nominees and submit projects" in (
        message.body
    )
    assert APP_KEY_SENTENCE.format(key=key) in message.body
    html = _html(message)
    _assert_mail_layout(html)
    assert f'href="http://testserver/accounts/confirm-email/{key}/"' in html
    assert key in html


def test_password_reset_mail_links_to_the_reset_page(client, django_capture_on_commit_callbacks):
    UserFactory(email="amina@example.org", email_confirmed=True)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "amina@example.org"})

    [message] = mail.outbox
    assert message.subject == "[WSIS Prizes] Password Reset Email"
    [url] = re.findall(r"http://testserver/accounts/password/reset/key/\S+", message.body)
    html = _html(message)
    _assert_mail_layout(html)
    assert f'href="{url}"' in html
    assert "Choose a new password" in html
    # The text layout names the site, not an empty placeholder.
    assert message.body.rstrip().endswith("UNESCO, UNDP and UNCTAD.")
    assert "\n-- \nWSIS Prizes\n" in message.body


def test_password_reset_for_an_unknown_address_invites_to_sign_up(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    [message] = mail.outbox
    assert message.subject == "[WSIS Prizes] Unknown Account"
    html = _html(message)
    _assert_mail_layout(html)
    assert "No account uses this address" in html
    assert 'href="http://testserver/accounts/signup/"' in html


def _render_mail(template_prefix: str, context: dict):
    request = RequestFactory().get("/")
    with allauth_context.request_context(request):
        return get_adapter().render_mail(template_prefix, "someone@example.org", context)


def test_account_already_exists_mail_offers_a_password_reset():
    reset_url = "http://testserver/accounts/password/reset/"

    message = _render_mail(
        "account/email/account_already_exists",
        {"password_reset_url": reset_url, "signup_url": "http://testserver/accounts/signup/"},
    )

    assert "an account already uses it" in message.body
    assert f"choose a new one here:\n{reset_url}\n" in message.body
    html = _html(message)
    _assert_mail_layout(html)
    assert "You already have an account" in html
    assert f'href="{reset_url}"' in html


def test_mail_without_its_own_html_gets_its_text_in_the_site_layout():
    message = _render_mail(
        "account/email/password_changed",
        {"timestamp": "today", "ip": "192.0.2.1", "user_agent": "Firefox"},
    )

    html = _html(message)
    _assert_mail_layout(html)
    assert "<title>[WSIS Prizes] Password Changed</title>" in html
    assert "Your password has been changed." in html


def test_fallback_layout_keeps_line_breaks_and_makes_addresses_links():
    html = render_to_string(
        "account/email/fallback_message.html",
        {
            "text": "First line\nSecond line\n\nSee https://prizes.example.org/profile/",
            "subject": "A notice",
            "site_name": "WSIS Prizes",
        },
    )

    assert "<p>First line<br>Second line</p>" in html
    assert '<a href="https://prizes.example.org/profile/"' in html
