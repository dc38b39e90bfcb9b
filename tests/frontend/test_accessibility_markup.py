"""What the accessibility fixes put in the pages' HTML, checked without a browser (the
browser checks are in test_accessibility.py)."""

import pytest
from django.urls import reverse
from django.utils import translation

from awards.services import results_publish
from tests.factories import UserFactory
from tests.frontend.html import descendants, find, page, text
from tests.frontend.test_results_pages import RESULTS, decide

pytestmark = pytest.mark.django_db


def test_results_tables_are_named_regions_the_keyboard_can_scroll(client, admin_user):
    edition, _ = decide(admin_user)
    results_publish(edition=edition, by=admin_user)

    html = page(client.get(RESULTS))

    regions = find(html, "div", class_="table-scroll")
    # Two categories' Champions, then the exclusion report and its invalidated votes by
    # kind of signal.
    assert len(regions) == 4
    for region in regions:
        attributes = dict(region.attributes)
        assert attributes["tabindex"] == "0"
        assert attributes["role"] == "region"
        [caption] = find(html, "caption", id=attributes["aria-labelledby"])
        assert caption in list(descendants(region))
    names = [text(caption) for caption in find(html, "caption")]
    assert names[0].startswith("Champions of category 1")
    assert names[-2].startswith("Votes left out of the results of")
    assert names[-1].startswith("Votes the secretariat invalidated in")


@pytest.mark.parametrize(
    "accept, expected",
    [("en", '<html lang="en" dir="ltr">'), ("ar", '<html lang="ar" dir="rtl">')],
)
def test_api_docs_page_says_its_language_and_direction(client, accept, expected):
    response = client.get(reverse("api:docs"), HTTP_ACCEPT_LANGUAGE=accept)

    assert response.status_code == 200
    assert expected in response.content.decode()


@pytest.mark.parametrize("url", ["frontend:home", "account_login"])
def test_site_pages_say_their_language_and_direction(client, url):
    english = client.get(reverse(url)).content.decode()
    with translation.override("ar"):
        arabic_url = reverse(url)
    arabic = client.get(arabic_url).content.decode()

    assert '<html lang="en" dir="ltr">' in english
    assert '<html lang="ar" dir="rtl">' in arabic


def test_login_offers_the_reset_link_after_the_button(client):
    html = page(client.get(reverse("account_login")))

    [form] = find(html, "form", action=reverse("account_login"))
    order = [
        dict(element.attributes).get("name") or text(element)
        for element in descendants(form)
        if element.name in ("input", "button", "a")
        and dict(element.attributes).get("type") != "hidden"
    ]
    assert order.index("login") < order.index("password") < order.index("Log in")
    assert order.index("Log in") < order.index("Forgot your password?")
    # The link still describes the password field, as its hint.
    [password] = find(form, "input", name="password")
    [hint] = find(form, id=dict(password.attributes)["aria-describedby"])
    assert text(hint) == "Forgot your password?"


def test_header_menu_is_a_disclosure_named_menu(client):
    client.force_login(UserFactory(email_confirmed=True))

    html = page(client.get(reverse("frontend:home")))

    [header] = find(html, "header", class_="site-header")
    [menu] = find(header, "details", class_="site-menu")
    [toggle] = find(menu, "summary")
    assert text(toggle) == "Menu"
    # Everything the bar offered is in it.
    [nav] = find(menu, "nav")
    assert [text(link) for link in find(nav, "a")] == ["Home", "API docs"]
    assert find(menu, "button", type="submit")  # Log out
