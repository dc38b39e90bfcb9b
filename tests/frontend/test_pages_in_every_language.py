"""Every public and voter page answers in each of the six languages: the page says its
language and direction, no placeholder of a translation is left unfilled, and the
footer's English words are gone."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from awards.phases import Phase
from awards.services import edition_categories_create_standard
from tests.factories import EditionFactory, ProjectFactory, UserFactory, VoteFactory

pytestmark = pytest.mark.django_db

LANGUAGES = [("ar", "rtl"), ("zh-hans", "ltr"), ("fr", "ltr"), ("ru", "ltr"), ("es", "ltr")]
UNFILLED = re.compile(r"%\(\w+\)[sd]|\{\{|\{%")
SITE_NAME = re.compile(r'<a class="site-name" href="[^"]*">([^<]*)</a>')


def assert_in_the_language(client, pages: list[str], language: str, direction: str) -> None:
    for url in pages:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert f'<html lang="{language}" dir="{direction}">' in html, url
        assert not UNFILLED.findall(html), (url, UNFILLED.findall(html)[:3])
        assert "API documentation" not in html, url
        with translation.override(language):
            assert SITE_NAME.findall(html) == [translation.gettext("WSIS Prizes")], url


@pytest.mark.parametrize("language, direction", LANGUAGES)
def test_public_and_voter_pages_in_each_language(client, language, direction):
    edition = EditionFactory(year=2020, phase=Phase.VOTING)
    categories = edition_categories_create_standard(edition=edition)
    nominee = ProjectFactory(category=categories[0])
    voter = UserFactory(email_confirmed=True)
    VoteFactory(nominee=nominee, voter=voter)
    client.force_login(voter)
    with translation.override(language):
        pages = [
            reverse("frontend:home"),
            reverse("frontend:category", args=[2020, 1]),
            reverse("frontend:nominee", args=[2020, nominee.pk]),
            reverse("frontend:search", args=[2020]) + "?q=village",
            reverse("frontend:ballot", args=[2020]),
            reverse("frontend:ballot-category", args=[2020, 1]),
            reverse("frontend:ballot-confirm", args=[2020, 1]) + f"?nominee={nominee.pk}",
            reverse("frontend:ballot-withdraw", args=[2020, 1]),
            reverse("frontend:profile"),
            reverse("account_email"),
        ]

    assert_in_the_language(client, pages, language, direction)


@pytest.mark.parametrize("language, direction", LANGUAGES)
def test_the_ways_in_in_each_language(client, language, direction):
    with translation.override(language):
        pages = [
            reverse("account_login"),
            reverse("account_signup"),
            reverse("account_request_login_code"),
        ]

    assert_in_the_language(client, pages, language, direction)
