import json
import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.template.loader import get_template
from django.test.html import Element
from django.urls import reverse

from accounts.adapter import DISPOSABLE_MESSAGE
from accounts.models import User
from accounts.permissions import has_confirmed_email
from awards.models import ActionLine, ProjectStatus
from awards.services import edition_categories_create_standard
from tests.factories import (
    PASSWORD,
    CategoryFactory,
    EditionFactory,
    ProjectFactory,
    UserFactory,
)
from tests.frontend.html import (
    attribute,
    error_summary,
    find,
    h1,
    label_texts,
    page,
    text,
)

pytestmark = pytest.mark.django_db

HOME = reverse("frontend:home")
SIGNUP = reverse("account_signup")
LOGIN = reverse("account_login")
LOGOUT = reverse("account_logout")
EMAIL = reverse("account_email")
MFA_ACTIVATE = reverse("mfa_activate_totp")
PROFILE = reverse("frontend:profile")
PROFILE_DATA = reverse("frontend:profile-data")
PROFILE_DELETE = reverse("frontend:profile-delete")
SECRETARIAT = reverse("frontend:secretariat")
JURY = reverse("frontend:jury")
BANNER = "Confirm your e-mail address to vote or submit a project"
FRONTEND_TEMPLATES = Path(__file__).resolve().parents[2] / "frontend" / "templates"

SIGNUP_DATA = {
    "name": "Nadia Okafor",
    "country": "NG",
    "organisation": "Lagos Digital Hub",
    "stakeholder_type": "civil_society",
    "email": "nadia@example.org",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def _log_in_with_password_just_given(client, user) -> None:
    """Logged in, and the password given again just now, as deleting the account and
    downloading the data ask."""
    client.force_login(user)
    reauthenticated = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert reauthenticated.status_code == 302


def _logged_in_user_id(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def _uses_site_layout(response) -> bool:
    return "frontend/base.html" in [template.name for template in response.templates]


def _banner(response) -> list:
    return find(page(response), class_="account-banner")


# The site's templates must win over django-allauth's, or none of the pages below
# looks like the site.


@pytest.mark.parametrize(
    "name",
    [
        "allauth/layouts/base.html",
        "allauth/elements/field.html",
        "account/signup.html",
        "account/email/email_confirmation_message.txt",
    ],
)
def test_site_templates_override_allauth_templates(name):
    origin = Path(get_template(name).origin.name)

    assert origin.is_relative_to(FRONTEND_TEMPLATES), (
        f"{name} comes from {origin}: list 'frontend' before 'allauth' in INSTALLED_APPS"
    )


# Sign-up


def test_signup_page_asks_the_address_and_offers_the_rest(client):
    response = client.get(SIGNUP)

    assert response.status_code == 200
    assert _uses_site_layout(response)
    assert h1(response) == "Sign up"
    labels = label_texts(page(response))
    # An address alone signs up: the password and the profile may come later.
    assert next(iter(labels)) == "id_email", "the address comes first"
    assert labels["id_name"] == "Full name (optional)"
    assert labels["id_country"] == "Country (optional)"
    assert labels["id_organisation"] == "Organisation (optional)"
    assert labels["id_stakeholder_type"] == "Stakeholder type (optional)"
    assert {"id_email", "id_password1", "id_password2"} <= labels.keys()


def test_signup_creates_the_account_logs_in_and_sends_the_confirmation(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, SIGNUP_DATA)

    assert response.status_code == 302
    user = User.objects.get(email="nadia@example.org")
    assert (user.name, user.country.code, user.organisation, user.stakeholder_type) == (
        "Nadia Okafor",
        "NG",
        "Lagos Digital Hub",
        "civil_society",
    )
    assert _logged_in_user_id(client) == user.pk
    assert not has_confirmed_email(user)
    [message] = mail.outbox
    assert message.to == ["nadia@example.org"]
    assert message.subject == "[WSIS Prizes] Please Confirm Your Email Address"
    [link] = re.findall(r"http://testserver/accounts/confirm-email/[^/\s]+/", message.body)
    key = link.rstrip("/").rsplit("/", 1)[1]
    assert f"enter this confirmation key in it: {key}" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    assert key in html


def test_signup_confirmation_link_shows_a_page_then_confirms_on_post(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNUP, SIGNUP_DATA)
    [link] = re.findall(r"http://testserver(/accounts/confirm-email/[^/\s]+/)", mail.outbox[0].body)
    user = User.objects.get(email="nadia@example.org")

    response = client.get(link)

    assert response.status_code == 200
    assert _uses_site_layout(response)
    assert "Confirm that nadia@example.org is your e-mail address" in text(page(response))
    assert not has_confirmed_email(user), "opening the link alone confirms nothing"

    response = client.post(link, follow=True)

    assert response.status_code == 200
    assert has_confirmed_email(User.objects.get(pk=user.pk))
    assert "You have confirmed nadia@example.org" in text(page(response))
    assert _banner(response) == []


def test_signup_with_a_disposable_address_is_refused_on_the_page(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP, {**SIGNUP_DATA, "email": "someone@mailinator.com"})

    assert response.status_code == 200
    assert DISPOSABLE_MESSAGE in error_summary(response)
    assert not User.objects.exists()
    assert mail.outbox == []
    assert _logged_in_user_id(client) is None


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("en", "This password is too short: it must have at least 8 characters."),
        ("ar", "كلمة المرور هذه قصيرة جدًا: يجب أن تتكون من 8 أحرف على الأقل."),
        ("zh-hans", "密码太短。密码至少要有 8 个字符。"),
    ],
)
def test_signup_with_a_short_password_is_refused_in_the_pages_language(client, language, refusal):
    prefix = "" if language == "en" else f"/{language}"

    response = client.post(
        prefix + SIGNUP, {**SIGNUP_DATA, "password1": "a1b2c3", "password2": "a1b2c3"}
    )

    assert response.status_code == 200
    assert refusal in error_summary(response)
    assert not User.objects.exists()


# The header


def test_header_offers_log_in_and_sign_up_to_anonymous_visitors(client):
    response = client.get(HOME)

    [links] = find(page(response), "ul", class_="account-links")
    assert [(text(a), attribute(a, "href")) for a in find(links, "a")] == [
        ("Log in", LOGIN),
        ("Sign up", SIGNUP),
    ]
    assert _banner(response) == []


def test_header_links_a_signed_in_user_to_the_profile_and_logs_out_by_post(client):
    client.force_login(UserFactory(name="Amina Diallo", email_confirmed=True))

    response = client.get(HOME)

    [links] = find(page(response), "ul", class_="account-links")
    [profile_link] = [a for a in find(links, "a") if attribute(a, "href") == PROFILE]
    assert "Amina Diallo" in text(profile_link)
    [form] = find(links, "form")
    assert (attribute(form, "method"), attribute(form, "action")) == ("post", LOGOUT)
    assert find(form, "input", name="csrfmiddlewaretoken")
    assert text(find(form, "button")[0]) == "Log out"


def test_logout_button_logs_out(client):
    client.force_login(UserFactory())

    response = client.post(LOGOUT, follow=True)

    assert _logged_in_user_id(client) is None
    assert "You have logged out." in text(page(response))


def test_banner_shows_for_a_signed_in_user_whose_address_is_unconfirmed(client):
    client.force_login(UserFactory())

    [banner] = _banner(client.get(HOME))

    assert BANNER in text(banner)
    assert find(banner, "a", href=EMAIL)


def test_banner_hidden_for_a_confirmed_user(client):
    client.force_login(UserFactory(email_confirmed=True))

    assert _banner(client.get(HOME)) == []


def test_email_page_lets_an_unconfirmed_user_resend_the_confirmation(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="kofi@example.org")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    client.force_login(user)

    response = client.get(EMAIL)

    assert _uses_site_layout(response)
    assert "kofi@example.org is not confirmed yet" in text(page(response))
    assert _banner(response) == [], "the page says it in full"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(EMAIL, {"email": user.email, "action_send": ""})
    [message] = mail.outbox
    assert message.to == ["kofi@example.org"]


@pytest.mark.parametrize(
    ("roles", "is_staff", "links"),
    [
        ([], False, []),
        (["Jury"], False, [("Jury", JURY)]),
        (["Secretariat"], True, [("Secretariat", SECRETARIAT)]),
    ],
)
def test_header_links_role_pages_only_for_their_role(client, roles, is_staff, links):
    client.force_login(UserFactory(roles=roles, is_staff=is_staff, email_confirmed=True))

    [nav] = find(page(client.get(HOME)), "nav")

    role_links = [(text(a), attribute(a, "href")) for a in find(nav, "a")]
    assert [link for link in role_links if link[1] in (JURY, SECRETARIAT)] == links


# Log in


def test_login_page_renders_in_the_site_layout(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert _uses_site_layout(response)
    assert h1(response) == "Log in"
    assert label_texts(page(response))["id_login"] == "Email"


def test_login_with_the_right_password_logs_in(client):
    user = UserFactory(email="amina@example.org", email_confirmed=True)

    response = client.post(LOGIN, {"login": "amina@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert _logged_in_user_id(client) == user.pk


def test_login_with_a_wrong_password_shows_an_error(client):
    UserFactory(email="amina@example.org")

    response = client.post(LOGIN, {"login": "amina@example.org", "password": "wrong"})

    assert response.status_code == 200
    assert "password you specified are not correct" in error_summary(response)
    assert text(find(page(response), "title")[0]) == "Error: Log in · WSIS Prizes"
    assert _logged_in_user_id(client) is None


def test_login_asks_for_the_authenticator_code_of_an_account_with_mfa(client):
    UserFactory(email="jury@example.org", mfa=True, email_confirmed=True)
    response = client.post(LOGIN, {"login": "jury@example.org", "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})

    assert response.status_code == 200
    assert _uses_site_layout(response)
    assert "Incorrect code." in error_summary(response)
    assert _logged_in_user_id(client) is None


def test_mfa_activation_page_shows_the_qr_code(client):
    client.force_login(UserFactory(email_confirmed=True))
    response = client.get(MFA_ACTIVATE, follow=True)
    assert _uses_site_layout(response)
    assert h1(response) == "Confirm Access", "allauth asks for the password first"
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    response = client.get(MFA_ACTIVATE)

    assert response.status_code == 200
    assert _uses_site_layout(response)
    [qr_code] = find(page(response), "img", class_="qr-code")
    assert attribute(qr_code, "src").startswith("data:image/svg+xml")
    assert attribute(qr_code, "alt")
    assert "id_code" in label_texts(page(response))


# Profile


def test_profile_sends_anonymous_visitors_to_log_in(client):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={PROFILE}"


def test_profile_shows_the_owners_details_and_address(client):
    user = UserFactory(
        name="Amina Diallo", email="amina@example.org", country="SN", email_confirmed=True
    )
    client.force_login(user)

    response = client.get(PROFILE)

    assert response.status_code == 200
    content = page(response)
    assert attribute(find(content, "input", name="name")[0], "value") == "Amina Diallo"
    [country] = find(content, "select", name="country")
    assert [attribute(option, "value") for option in find(country, "option", selected=None)] == [
        "SN"
    ]
    [email_section] = find(content, "section", aria_labelledby="email-heading")
    assert "amina@example.org Confirmed" in text(email_section)
    for url in (EMAIL, reverse("account_change_password"), reverse("mfa_index")):
        assert find(content, "a", href=url)
    assert text(find(content, "a", href=PROFILE_DATA)[0]) == "Download my data"
    assert text(find(content, "a", href=PROFILE_DELETE)[0]) == "Delete my account"


def test_profile_says_when_the_address_is_not_confirmed(client):
    client.force_login(UserFactory(email="kofi@example.org"))

    [email_section] = find(page(client.get(PROFILE)), "section", aria_labelledby="email-heading")

    assert "kofi@example.org Not confirmed" in text(email_section)


def test_profile_edit_saves_the_details(client):
    user = UserFactory(name="Amina Diallo")
    client.force_login(user)

    response = client.post(
        PROFILE,
        {
            "name": "Amina N. Diallo",
            "country": "SN",
            "organisation": "Dakar Open Data",
            "stakeholder_type": "academia",
        },
        follow=True,
    )

    assert response.redirect_chain == [(PROFILE, 302)]
    assert "Your profile has been saved." in text(page(response))
    user.refresh_from_db()
    assert (user.name, user.country.code, user.organisation, user.stakeholder_type) == (
        "Amina N. Diallo",
        "SN",
        "Dakar Open Data",
        "academia",
    )


def test_profile_edit_refused_keeps_the_saved_details(client):
    user = UserFactory(name="Amina Diallo")
    client.force_login(user)

    response = client.post(PROFILE, {"name": "", "country": "XX"})

    assert response.status_code == 200
    assert "Full name: This field is required." in error_summary(response)
    [links] = find(page(response), "ul", class_="account-links")
    assert "Amina Diallo" in text(links), "the header shows the saved name"
    user.refresh_from_db()
    assert user.name == "Amina Diallo"


def test_profile_data_sends_anonymous_visitors_to_log_in(client):
    response = client.get(PROFILE_DATA)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_profile_data_downloads_the_owners_data_only(client):
    me = UserFactory(email="amina@example.org", name="Amina Diallo")
    other = UserFactory(email="kofi@example.org")
    edition = EditionFactory()
    ProjectFactory(submitted_by=me, title="Solar schools", category__edition=edition)
    ProjectFactory(submitted_by=other, title="Kofi's telehealth", category__edition=edition)
    _log_in_with_password_just_given(client, me)

    response = client.get(PROFILE_DATA)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="wsis-prizes-my-data.json"'
    body = response.content.decode()
    assert body.startswith('{\n  "account"'), "pretty-printed"
    data = json.loads(body)
    assert data["account"]["email"] == "amina@example.org"
    assert data["account"]["name"] == "Amina Diallo"
    assert [project["title"] for project in data["projects"]] == ["Solar schools"]
    assert "kofi" not in body.lower()


@pytest.mark.parametrize("path", [PROFILE_DATA, PROFILE_DELETE])
def test_profile_data_and_delete_ask_for_the_password_again(client, path):
    user = UserFactory()
    client.force_login(user)

    response = (
        client.post(path, {"confirm": "DELETE"}) if path == PROFILE_DELETE else client.get(path)
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert User.objects.filter(pk=user.pk).exists()


def test_profile_delete_sends_anonymous_visitors_to_log_in(client):
    response = client.get(PROFILE_DELETE)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_profile_delete_page_explains_what_happens(client):
    _log_in_with_password_just_given(client, UserFactory())

    response = client.get(PROFILE_DELETE)

    assert response.status_code == 200
    content = text(page(response))
    assert "While public voting is open, your votes are withdrawn" in content
    assert "After voting has closed, your votes stay in the counts" in content
    assert "The projects you submitted stay with their organisation" in content
    assert label_texts(page(response))["id_confirm"] == "Type DELETE to confirm"


def test_profile_delete_with_a_wrong_confirmation_deletes_nothing(client):
    user = UserFactory()
    _log_in_with_password_just_given(client, user)

    response = client.post(PROFILE_DELETE, {"confirm": "delete"})

    assert response.status_code == 200
    assert "Type DELETE, in capital letters" in error_summary(response)
    assert text(find(page(response), "title")[0]).startswith("Error: Delete your account")
    assert User.objects.filter(pk=user.pk).exists()
    assert _logged_in_user_id(client) == user.pk


def test_profile_delete_with_delete_removes_the_account_and_logs_out(client):
    user = UserFactory()
    project = ProjectFactory(submitted_by=user)
    _log_in_with_password_just_given(client, user)

    response = client.post(PROFILE_DELETE, {"confirm": "DELETE"}, follow=True)

    assert response.redirect_chain == [(HOME, 302)]
    assert "Your account has been deleted." in text(page(response))
    assert not User.objects.filter(pk=user.pk).exists()
    assert _logged_in_user_id(client) is None
    project.refresh_from_db()
    assert project.submitted_by is None


# Role pages


def test_secretariat_page_sends_anonymous_visitors_to_log_in(client):
    response = client.get(SECRETARIAT)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={SECRETARIAT}"


def test_secretariat_page_refuses_other_accounts_with_a_reason(client):
    client.force_login(UserFactory(email_confirmed=True, mfa=True))

    response = client.get(SECRETARIAT)

    assert response.status_code == 403
    assert _uses_site_layout(response)
    assert "This page is for the WSIS Prizes secretariat." in text(page(response))


def test_secretariat_page_without_mfa_leads_to_authenticator_setup(client):
    client.force_login(UserFactory(is_staff=True, roles=["Secretariat"], email_confirmed=True))

    response = client.get(SECRETARIAT)

    assert response.status_code == 302
    assert response["Location"] == MFA_ACTIVATE


def test_secretariat_page_shows_the_projects_by_status(admin_client):
    edition = EditionFactory(title="WSIS Prizes 2031")
    category = CategoryFactory(edition=edition)
    ProjectFactory.create_batch(2, category=category, status=ProjectStatus.NOMINEE)
    ProjectFactory(category=category, status=ProjectStatus.REJECTED)

    response = admin_client.get(SECRETARIAT)

    assert response.status_code == 200
    content = page(response)
    assert "WSIS Prizes 2031" in text(find(content, "p", class_="lead")[0])
    [table] = find(content, "table")
    rows = [
        tuple(text(cell) for cell in row.children if isinstance(cell, Element))
        for row in find(table, "tr")
    ]
    assert rows == [
        ("Status", "Projects"),
        ("Draft", "0"),
        ("Submitted", "0"),
        ("Nominee", "2"),
        ("Rejected", "1"),
        ("Champion", "0"),
        ("Winner", "0"),
        ("All projects", "3"),
    ]
    for url in (
        reverse("admin:awards_edition_changelist"),
        reverse("admin:awards_category_changelist"),
        reverse("admin:accounts_user_changelist"),
    ):
        assert find(content, "a", href=url)


@pytest.mark.parametrize("projects", [1, 30])
def test_secretariat_page_counts_in_one_query(admin_client, django_assert_num_queries, projects):
    category = CategoryFactory(edition=EditionFactory())
    ProjectFactory.create_batch(projects, category=category)

    # Session, user (with its address check), authenticator (the gate), edition, the
    # counts; then the header's role groups.
    with django_assert_num_queries(6):
        response = admin_client.get(SECRETARIAT)

    assert response.status_code == 200


def test_secretariat_page_without_edition_says_so(admin_client):
    response = admin_client.get(SECRETARIAT)

    assert response.status_code == 200
    assert "No edition has been set up yet." in text(page(response))


def test_jury_page_sends_anonymous_visitors_to_log_in(client):
    response = client.get(JURY)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={JURY}"


def test_jury_page_refuses_other_accounts_with_a_reason(client):
    client.force_login(UserFactory(email_confirmed=True, mfa=True))

    response = client.get(JURY)

    assert response.status_code == 403
    assert "This page is for members of the Expert Group." in text(page(response))


def test_jury_page_without_mfa_leads_to_authenticator_setup(client):
    client.force_login(UserFactory(roles=["Jury"], email_confirmed=True))

    response = client.get(JURY)

    assert response.status_code == 302
    assert response["Location"] == MFA_ACTIVATE


def test_jury_page_shows_the_expert_group_page(client):
    client.force_login(UserFactory(roles=["Jury"], email_confirmed=True, mfa=True))

    response = client.get(JURY)

    assert response.status_code == 200
    assert h1(response) == "Expert Group"
    assert "Your assigned categories will appear here when the secretariat assigns them" in (
        text(page(response))
    )


# The header's cost


@pytest.mark.parametrize("categories", [1, 18])
def test_home_query_count_for_an_anonymous_visitor(client, django_assert_num_queries, categories):
    edition = EditionFactory()
    if categories == 1:
        CategoryFactory(edition=edition, number=1, action_line=ActionLine.objects.get(code="C1"))
    else:
        edition_categories_create_standard(edition=edition)

    # The edition and the categories: the account links cost nothing.
    with django_assert_num_queries(2):
        response = client.get(HOME)

    assert find(page(response), "ul", class_="account-links")


@pytest.mark.parametrize("confirmed", [True, False])
@pytest.mark.parametrize("categories", [1, 18])
def test_home_query_count_for_a_signed_in_user(
    client, django_assert_num_queries, categories, confirmed
):
    edition = EditionFactory()
    if categories == 1:
        CategoryFactory(edition=edition, number=1, action_line=ActionLine.objects.get(code="C1"))
    else:
        edition_categories_create_standard(edition=edition)
    client.force_login(UserFactory(email_confirmed=confirmed))

    # Session, and the user with its address check; the edition and the categories;
    # then the header's role groups (for the Secretariat and Jury links).
    with django_assert_num_queries(5):
        response = client.get(HOME)

    assert bool(_banner(response)) is not confirmed
