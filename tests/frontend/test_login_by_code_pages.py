"""Sign-up and login with a code sent by e-mail, on the site's pages: sign up with an
address alone, type the code, vote; the code, passkey and password doors of the login
page; the messages an outsider meets; the second factor of role accounts."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.permissions import has_confirmed_email
from awards.phases import Phase
from frontend.views.account import LOGIN_CODE_GONE
from tests.accounts.conftest import login_code
from tests.factories import (
    PASSWORD,
    CategoryFactory,
    EditionFactory,
    ProjectFactory,
    UserFactory,
    mfa_activate,
)
from tests.frontend.html import attribute, error_summary, find, h1, label_texts, page, text
from voting.models import Vote

pytestmark = pytest.mark.django_db

SIGNUP = reverse("account_signup")
LOGIN = reverse("account_login")
REQUEST = reverse("account_request_login_code")
CONFIRM = reverse("account_confirm_login_code")
HOME = reverse("frontend:home")
PROFILE = reverse("frontend:profile")
VOTER = {"email": "nadia@example.org", "name": "Nadia Okafor", "country": "NG"}


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def logged_in_id(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def messages_of(response) -> list[str]:
    return [text(item) for item in find(page(response), "li", class_="message")]


def uses_site_layout(response) -> bool:
    return "frontend/base.html" in [template.name for template in response.templates]


# Sign up, type the code, vote


def test_signup_page_marks_the_password_optional(client):
    response = client.get(SIGNUP)

    labels = label_texts(page(response))
    assert labels["id_email"] == "Email"
    assert labels["id_password1"] == "Password (optional)"
    assert labels["id_password2"].endswith("(optional)")
    assert "No password? We e-mail you a code" in text(page(response))


def test_voter_signs_up_with_an_address_alone_types_the_code_and_votes(client, sent):
    edition = EditionFactory(year=2020, phase=Phase.VOTING)
    category = CategoryFactory(edition=edition, number=1)
    nominee = ProjectFactory(category=category)

    signed_up = sent(client.post, SIGNUP, VOTER)

    assert signed_up.status_code == 302
    assert signed_up["Location"] == CONFIRM
    assert logged_in_id(client) is None
    [message] = mail.outbox
    assert message.subject == "[WSIS Prizes] Your log-in code"
    assert "It also confirms this e-mail address, so that you can vote." in message.body
    [(html, _mimetype)] = message.alternatives
    assert login_code(message) in html
    form_page = client.get(CONFIRM)
    assert form_page.status_code == 200
    assert uses_site_layout(form_page)
    assert h1(form_page) == "Type your code"
    assert "nadia@example.org" in text(page(form_page))
    assert label_texts(page(form_page))["id_code"] == "Log-in code"

    confirmed = client.post(CONFIRM, {"code": login_code(message)}, follow=True)

    user = User.objects.get(email="nadia@example.org")
    assert logged_in_id(client) == user.pk
    assert has_confirmed_email(user)
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1, "no confirmation link besides the code"
    assert confirmed.redirect_chain[-1][0] == HOME
    assert find(page(confirmed), class_="account-banner") == []
    voted = client.post(
        reverse("frontend:ballot-confirm", args=[2020, 1]), {"nominee": nominee.pk}, follow=True
    )
    assert voted.status_code == 200
    assert Vote.objects.get(voter=user).nominee_id == nominee.pk
    ballot = client.get(reverse("frontend:ballot", args=[2020]))
    assert "1 of 1 category voted" in text(page(ballot))
    assert f"Your vote: {nominee.title}" in text(page(ballot))


def test_signup_with_a_password_still_logs_in_at_once_and_confirms_by_link(client, sent):
    signed_up = sent(client.post, SIGNUP, {**VOTER, "password1": PASSWORD, "password2": PASSWORD})

    assert signed_up.status_code == 302
    assert logged_in_id(client) == User.objects.get(email="nadia@example.org").pk
    [message] = mail.outbox
    assert "/accounts/confirm-email/" in message.body


def test_signup_with_one_password_only_is_refused(client):
    response = client.post(SIGNUP, {**VOTER, "password1": PASSWORD})

    assert response.status_code == 200
    assert "You must type the same password each time" in error_summary(response)
    assert not User.objects.exists()


# Logging in


def test_login_page_offers_a_code_a_passkey_and_the_password(client):
    response = client.get(LOGIN)

    assert h1(response) == "Log in"
    body = page(response)
    [code_link] = [a for a in find(body, "a") if attribute(a, "href") == REQUEST]
    assert text(code_link) == "Send me a log-in code"
    [passkey] = find(body, "button", id="passkey_login")
    assert text(passkey) == "Use my passkey"
    [passkey_form] = find(body, "form", id="mfa_login")
    assert attribute(passkey_form, "action") == reverse("mfa_login_webauthn")
    # allauth's passkey script is a file of its own, as the Content-Security-Policy wants.
    sources = [attribute(script, "src") for script in find(body, "script")]
    assert "/static/mfa/js/webauthn.js" in sources
    assert {"id_login", "id_password"} <= label_texts(body).keys()


def test_returning_voter_logs_in_with_a_code(client, sent):
    user = UserFactory(email="nadia@example.org", password=None, email_confirmed=True)
    request_page = client.get(REQUEST)
    assert h1(request_page) == "Log in with a code"
    assert "valid for 10 minutes" in text(page(request_page))

    asked = sent(client.post, REQUEST, {"email": "nadia@example.org"})

    assert asked.status_code == 302
    assert asked["Location"] == CONFIRM
    confirmed = client.post(CONFIRM, {"code": login_code(mail.outbox[-1])})
    assert confirmed.status_code == 302
    assert logged_in_id(client) == user.pk


def test_a_code_login_confirms_an_address_signed_up_with_a_password(client, sent):
    user = UserFactory(email="nadia@example.org")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)

    sent(client.post, REQUEST, {"email": "nadia@example.org"})
    client.post(CONFIRM, {"code": login_code(mail.outbox[-1])})

    assert logged_in_id(client) == user.pk
    assert has_confirmed_email(User.objects.get(pk=user.pk))


def test_password_login_still_works(client):
    user = UserFactory(email="nadia@example.org", email_confirmed=True)

    response = client.post(LOGIN, {"login": "nadia@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert logged_in_id(client) == user.pk


def test_voter_without_a_password_is_offered_to_set_one_and_logs_in_with_it(client, sent):
    sent(client.post, SIGNUP, VOTER)
    client.post(CONFIRM, {"code": login_code(mail.outbox[0])})

    profile = client.get(PROFILE)
    links = {text(a): attribute(a, "href") for a in find(page(profile), "a")}
    assert links["Set a password"] == reverse("account_set_password")
    assert links["Add a passkey"] == reverse("mfa_add_webauthn")
    set_password = client.post(
        reverse("account_set_password"),
        {"password1": "a new passphrase 9", "password2": "a new passphrase 9"},
    )
    assert set_password.status_code == 302
    client.logout()

    response = client.post(LOGIN, {"login": "nadia@example.org", "password": "a new passphrase 9"})

    assert response.status_code == 302
    assert logged_in_id(client) is not None


def test_passkey_page_offers_a_passkey_by_default(client):
    client.force_login(UserFactory(email_confirmed=True))
    # allauth asks for the password (or a code) again before a key is added.
    assert client.get(reverse("mfa_add_webauthn"))["Location"].startswith(
        reverse("account_reauthenticate")
    )
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    response = client.get(reverse("mfa_add_webauthn"))

    assert response.status_code == 200
    assert uses_site_layout(response)
    assert h1(response) == "Add a passkey"
    body = page(response)
    [passwordless] = find(body, "input", name="passwordless")
    assert "checked" in dict(passwordless.attributes)
    assert label_texts(body)["id_passwordless"] == "Log in with this key alone (a passkey)"


# Outsiders: wrong, used-up and expired codes


def test_a_wrong_code_says_so_and_lets_the_voter_try_again(client, sent):
    sent(client.post, SIGNUP, VOTER)

    wrong = client.post(CONFIRM, {"code": "BCDF-GHJK"})

    assert wrong.status_code == 200
    assert "This is not the code we sent: check it, or ask for a new one." in error_summary(wrong)
    assert text(find(page(wrong), "title")[0]).startswith("Error: ")
    assert logged_in_id(client) is None
    client.post(CONFIRM, {"code": login_code(mail.outbox[0])})
    assert logged_in_id(client) is not None


def test_the_third_wrong_code_ends_the_attempt_with_a_message(client, sent):
    UserFactory(email="nadia@example.org", email_confirmed=True)
    sent(client.post, REQUEST, {"email": "nadia@example.org"})
    right = login_code(mail.outbox[-1])

    for _ in range(2):
        assert client.post(CONFIRM, {"code": "BCDF-GHJK"}).status_code == 200
    ended = client.post(CONFIRM, {"code": "BCDF-GHJK"}, follow=True)

    assert ended.redirect_chain[-1][0] == REQUEST
    assert (
        "Too many attempts to log in with this address: wait a few minutes, then try again."
        in messages_of(ended)
    )
    again = client.post(CONFIRM, {"code": right}, follow=True)
    assert again.redirect_chain[-1][0] == REQUEST
    assert logged_in_id(client) is None


def test_the_third_wrong_code_after_a_signup_ends_it_with_a_message(client, sent):
    sent(client.post, SIGNUP, VOTER)

    for _ in range(2):
        client.post(CONFIRM, {"code": "BCDF-GHJK"})
    ended = client.post(CONFIRM, {"code": "BCDF-GHJK"}, follow=True)

    assert ended.status_code == 200
    assert (
        "Too many attempts to log in with this address: wait a few minutes, then try again."
        in messages_of(ended)
    )
    assert logged_in_id(client) is None


def test_an_expired_code_sends_the_voter_to_ask_for_a_new_one_with_a_message(
    client, sent, settings
):
    UserFactory(email="nadia@example.org", email_confirmed=True)
    sent(client.post, REQUEST, {"email": "nadia@example.org"})
    code = login_code(mail.outbox[-1])
    settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT = -1  # its time is up

    response = client.post(CONFIRM, {"code": code}, follow=True)

    assert response.redirect_chain[-1][0] == REQUEST
    assert str(LOGIN_CODE_GONE) in messages_of(response)
    assert logged_in_id(client) is None


def test_the_code_page_without_a_code_asked_for_says_why_it_sends_one_back(client):
    for method in (client.get, client.post):
        response = method(CONFIRM, follow=True)

        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == REQUEST
        assert messages_of(response) == [str(LOGIN_CODE_GONE)]


def test_a_second_request_while_a_code_waits_sends_no_second_code(client, sent):
    UserFactory(email="nadia@example.org", email_confirmed=True)
    sent(client.post, REQUEST, {"email": "nadia@example.org"})

    again = sent(client.post, REQUEST, {"email": "nadia@example.org"})

    assert again["Location"] == CONFIRM
    assert len(mail.outbox) == 1


def test_asking_for_codes_too_often_is_refused_on_the_page(sent):
    UserFactory(email="nadia@example.org", email_confirmed=True)
    # Each from a browser of its own, as anyone filling a mailbox would.
    for _ in range(3):
        assert sent(Client().post, REQUEST, {"email": "nadia@example.org"}).status_code == 302

    refused = sent(Client().post, REQUEST, {"email": "nadia@example.org"})

    assert refused.status_code == 200
    # No log-in failed: the words blame no one for failing.
    assert (
        "Too many attempts to log in with this address: wait a few minutes, then try again."
        in error_summary(refused)
    )
    assert len(mail.outbox) == 3


def test_asking_for_a_code_for_an_unknown_address_looks_alike(client, sent):
    response = sent(client.post, REQUEST, {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response["Location"] == CONFIRM
    [message] = mail.outbox
    assert message.to == ["nobody@example.org"]
    assert "/accounts/signup/" in message.body
    assert client.post(CONFIRM, {"code": "BCDF-GHJK"}).status_code == 200
    assert not User.objects.exists()


# Role accounts keep their second factor


@pytest.mark.parametrize(
    "role", [{"roles": ["Secretariat"], "is_staff": True}, {"roles": ["Jury"]}], ids=str
)
def test_a_code_login_of_a_role_account_still_asks_for_the_second_factor(client, sent, role):
    member = UserFactory(email="member@example.org", email_confirmed=True, **role)
    mfa_activate(member)
    sent(client.post, REQUEST, {"email": member.email})

    response = client.post(CONFIRM, {"code": login_code(mail.outbox[-1])})

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert logged_in_id(client) is None
    refused = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "Incorrect code." in error_summary(refused)
    assert logged_in_id(client) is None


def test_the_code_page_in_arabic_counts_the_minutes_and_names_the_code_as_the_mail_does(
    client, sent
):
    sent(client.post, "/ar" + SIGNUP, VOTER)

    form_page = client.get("/ar" + CONFIRM)
    wrong = client.post("/ar" + CONFIRM, {"code": "BCDF-GHJK"})

    # Ten minutes: the plural of three to ten ("دقائق"), not of eleven and more.
    assert "في غضون 10 دقائق" in text(page(form_page))
    assert "بعد إدخال 3 رموز خاطئة" in text(page(form_page))
    assert label_texts(page(form_page))["id_code"] == "رمز الدخول"
    assert "هذا ليس الرمز الذي أرسلناه" in error_summary(wrong)
    [message] = mail.outbox
    assert "الرمز صالح لمدة 10 دقائق" in message.body
