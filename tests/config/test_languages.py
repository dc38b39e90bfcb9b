"""Which language a request is answered in: the address's, then the visitor's choice,
then the browser's; the API by the browser's (Accept-Language)."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.services import personal_data_export
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def language_of(response) -> str:
    return response["Content-Language"]


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("fr", "fr"),
        ("ar", "ar"),
        ("zh-CN,zh;q=0.9", "zh-hans"),
        ("ru", "ru"),
        ("es-MX", "es"),
    ],
)
def test_a_page_without_a_prefix_leads_to_the_browsers_language(client, accept, expected):
    response = client.get("/editions/2020/?page=2", HTTP_ACCEPT_LANGUAGE=accept)

    assert response.status_code == 302
    assert response["Location"] == f"/{expected}/editions/2020/?page=2"
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]


def test_the_english_page_varies_by_the_browsers_language_only(client):
    # As Django's LocaleMiddleware: the shared ceremony feed stays cacheable by proxies.
    response = client.get(reverse("frontend:home"))

    assert response["Vary"].split(", ").count("Accept-Language") == 1


@pytest.mark.parametrize("accept", ["en-GB,en;q=0.9", "de", ""])
def test_english_and_languages_the_site_lacks_read_the_page_without_a_prefix(client, accept):
    response = client.get(reverse("frontend:home"), HTTP_ACCEPT_LANGUAGE=accept)

    assert response.status_code == 200
    assert language_of(response) == "en"
    assert "Accept-Language" in response["Vary"]


def test_the_address_prefix_wins_over_the_browser_and_the_choice(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"

    response = client.get("/fr/", HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 200
    assert language_of(response) == "fr"


def test_the_visitors_choice_wins_over_the_browser(client):
    home = reverse("frontend:home")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    to_russian = client.get(home, HTTP_ACCEPT_LANGUAGE="es")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(home, HTTP_ACCEPT_LANGUAGE="es")

    assert to_russian["Location"] == "/ru/"
    assert english.status_code == 200
    assert language_of(english) == "en"


def test_a_form_posted_to_a_page_without_a_prefix_is_not_redirected(client):
    response = client.post(reverse("account_login"), {}, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    assert language_of(response) == "en"


def test_the_switcher_remembers_the_choice_and_goes_back_to_the_page(client):
    response = client.post(reverse("set_language"), {"language": "ar", "next": "/ar/"})

    assert response.status_code == 302
    assert response["Location"] == "/ar/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"


def test_pages_have_an_address_in_each_language_and_the_api_one_for_all():
    with translation.override("fr"):
        assert reverse("frontend:home") == "/fr/"
        assert reverse("account_login") == "/fr/accounts/login/"
        assert reverse("api:docs") == "/api/v1/docs/"
    with translation.override("en"):
        assert reverse("frontend:home") == "/"
    with translation.override("zh-hans"):
        assert reverse("frontend:home") == "/zh-hans/"


def test_the_api_answers_in_the_browsers_language(client):
    response = client.get("/api/v1/editions/", HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 200
    assert language_of(response) == "ru"


def test_an_unknown_language_prefix_is_not_found(client):
    assert client.get("/de/").status_code == 404


# The account's saved language


def test_logging_in_makes_the_accounts_language_the_visitors_choice(client):
    person = UserFactory(language="ru")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    logged_in = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="es")

    assert logged_in.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert home["Location"] == "/ru/"


def test_logging_in_to_an_account_without_a_language_keeps_the_visitors_choice(client):
    person = UserFactory()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})

    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


def test_the_switcher_saves_the_language_of_a_signed_in_account(client):
    person = UserFactory()
    client.force_login(person)

    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})

    person.refresh_from_db()
    assert person.language == "zh-hans"
    assert response["Location"] == "/zh-hans/"


def test_the_switcher_saves_nothing_for_a_visitor_or_an_unknown_language(client):
    person = UserFactory(language="fr")
    anonymous = client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    client.force_login(person)
    unknown = client.post(reverse("set_language"), {"language": "de", "next": "/"})

    person.refresh_from_db()
    assert anonymous.status_code == unknown.status_code == 302
    assert person.language == "fr"


def test_the_profile_chooses_the_language_and_the_data_export_shows_it(client):
    person = UserFactory(country="SN")
    client.force_login(person)
    profile = reverse("frontend:profile")

    form = client.get(profile)
    saved = client.post(
        profile,
        {"name": person.name, "country": "SN", "organisation": "", "language": "ar"},
    )

    person.refresh_from_db()
    assert 'name="language"' in form.content.decode()
    assert saved.status_code == 302
    assert person.language == "ar"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    assert personal_data_export(user=person)["account"]["language"] == "ar"


@pytest.mark.parametrize("page", ["/", "/ar/", "/zh-hans/"])
def test_the_switcher_names_each_language_in_itself_on_every_page(client, page):
    response = client.get(page)

    html = response.content.decode()
    for name in ("العربيّة", "简体中文", "English", "Français", "Русский", "Español"):
        assert f">{name}</button>" in html, (page, name)


@pytest.mark.parametrize("language", ["fr", "ar", "zh-hans", "ru", "es"])
def test_the_api_says_its_detail_in_the_browsers_language_and_keeps_its_code(client, language):
    english = client.get("/api/v1/editions/1999/", HTTP_ACCEPT_LANGUAGE="en").json()
    translated = client.get("/api/v1/editions/1999/", HTTP_ACCEPT_LANGUAGE=language).json()

    assert translated["code"] == english["code"] == "not_found"
    assert translated["detail"] != english["detail"]


@pytest.mark.parametrize("language", ["fr", "ar", "zh-hans", "ru", "es"])
def test_each_language_translates_the_pages(client, language):
    english = client.get("/").content.decode()
    translated = client.get(f"/{language}/").content.decode()

    assert "API documentation" in english
    assert "API documentation" not in translated


# Dates and numbers in each language's formats


@pytest.mark.parametrize(
    "language, date, time",
    [
        ("en", "2 March 2020,", "09:05 UTC"),
        ("fr", "2 mars 2020 à", "09:05 UTC"),
        ("es", "2 de marzo de 2020,", "09:05 UTC"),
        ("ru", "2 марта 2020 \u0433.,", "9:05 UTC"),
        ("zh-hans", "2020年3月2日 ", "09:05 UTC"),
        ("ar", "2 مارس، 2020،", "9:05 ص UTC"),
    ],
)
def test_a_moment_is_written_in_the_languages_format(language, date, time):
    """The date, then the time, joined as the language joins them (the Arabic comma,
    French "à", a space in Chinese)."""
    moment = datetime(2020, 3, 2, 9, 5, tzinfo=UTC)

    with translation.override(language):
        html = render_to_string("frontend/includes/moment.html", {"moment": moment})

    assert f'<span class="nowrap">{date}</span> <span class="nowrap">{time}</span>' in html
    assert 'datetime="2020-03-02T09:05:00+00:00"' in html


@pytest.mark.parametrize(
    "language, expected", [("en", "3,845"), ("fr", "3\xa0845"), ("ru", "3\xa0845")]
)
def test_numbers_are_grouped_as_the_language_groups_them(language, expected):
    with translation.override(language):
        assert intcomma(3845) == expected
