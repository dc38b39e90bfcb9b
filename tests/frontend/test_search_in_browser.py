"""The search of every category in real Chromium: from the edition page or a gallery
to a nominee of another category."""

import pytest
from django.urls import reverse

from awards.phases import Phase
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory
from tests.frontend.browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def contest():
    edition = EditionFactory(year=2020, title="WSIS Prizes 2020", phase=Phase.VOTING)
    schools = CategoryFactory(edition=edition, number=3, title="Access to information")
    clinics = CategoryFactory(edition=edition, number=10, title="E-health")
    ProjectFactory(category=schools, title="Solar schools")
    ProjectFactory(category=schools, title="Village libraries")
    return ProjectFactory(category=clinics, title="Solar clinics", organisation_name="Sun Care")


@pytest.fixture
def browser_page(live_server, contest):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    playwright = sync_api.sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    page = browser.new_context(base_url=live_server.url).new_page()
    page.set_default_timeout(10_000)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    yield page
    assert [line for line in console if "Content Security Policy" in line] == []
    browser.close()
    playwright.stop()


def search_from(page, address: str, words: str) -> None:
    page.goto(address)
    form = page.get_by_role("search", name="Search the nominees of every category")
    form.get_by_role("searchbox").fill(words)
    form.get_by_role("button", name="Search").click()
    page.wait_for_url("**/editions/2020/search/?q=*")


def test_search_from_the_edition_page_reaches_a_nominee_of_another_category(browser_page, contest):
    page = browser_page
    search_from(page, reverse("frontend:edition", args=[2020]), "solar")

    assert page.locator("h2#results-heading").inner_text() == "2 nominees found for “solar”"
    hit = page.locator("li.search-hit").filter(has_text="Solar clinics")
    assert hit.locator(".nominee-card__category").inner_text() == "Category 10: E-health"
    hit.get_by_role("link", name="Solar clinics").click()

    page.wait_for_url(f"**{reverse('frontend:nominee', args=[2020, contest.pk])}")
    assert page.locator("h1").inner_text() == "Solar clinics"
    assert "Sun Care" in page.locator(".nominee__organisation").inner_text()


def test_search_from_a_gallery_finds_the_other_categories_too(browser_page, contest):
    page = browser_page
    search_from(page, reverse("frontend:category", args=[2020, 3]), "clinics")

    hits = page.locator("li.search-hit")
    assert hits.count() == 1
    hits.first.get_by_role("link", name="Category 10: E-health").click()

    page.wait_for_url(f"**{reverse('frontend:category', args=[2020, 10])}")
    assert "E-health" in page.locator("h1").inner_text()
