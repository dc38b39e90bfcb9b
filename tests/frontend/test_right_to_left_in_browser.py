"""Arabic pages in Chromium: laid out right to left as mirrors of the English ones, by the
style sheet's logical properties (no mirrored copy of it). Each page is screenshot (into
the test's temporary folder) and its layout measured: the site's name and the page's
heading start at the right, the ballot's numbers stand at the right of its rows, and a
form's labels and fields start at the right.

No database access while Chromium runs (Playwright's event loop keeps Django from the
database in this thread)."""

import pytest
from django.urls import reverse
from django.utils import translation

from awards.phases import Phase
from tests.factories import (
    PASSWORD,
    CategoryFactory,
    EditionFactory,
    ProjectFactory,
    UserFactory,
)
from tests.frontend.browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

YEAR = 2020

# Where an element's box stands in the page.
BOX = (
    "(selector) => { const r = document.querySelector(selector).getBoundingClientRect();"
    " return {left: r.left, right: r.right, width: window.innerWidth}; }"
)
# Where an element's first content (its text, or its first child) stands in the
# element's content box: at the start of the line, the right in Arabic.
START = (
    "(selector) => { const e = document.querySelector(selector);"
    " const cs = getComputedStyle(e), r = e.getBoundingClientRect();"
    " const range = document.createRange(); range.selectNodeContents(e);"
    " const first = e.firstElementChild && !e.firstChild.textContent.trim()"
    "   ? e.firstElementChild.getBoundingClientRect() : range.getClientRects()[0];"
    " return {first_left: first.left, first_right: first.right,"
    "  content_left: r.left + parseFloat(cs.paddingLeft) + parseFloat(cs.borderLeftWidth),"
    "  content_right: r.right - parseFloat(cs.paddingRight) - parseFloat(cs.borderRightWidth)};"
    " }"
)


@pytest.fixture
def sync_api():
    return pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def arabic(name: str, *args) -> str:
    with translation.override("ar"):
        return reverse(name, args=args)


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 375])
def test_arabic_pages_are_laid_out_right_to_left(sync_api, live_server, tmp_path, width):
    edition = EditionFactory(year=YEAR, phase=Phase.VOTING)
    category = CategoryFactory(edition=edition, number=1)
    for n in (1, 2):
        ProjectFactory(category=category, title=f"Village libraries {n}")
    voter = UserFactory(email="layla@example.org", email_confirmed=True)
    pages = {
        "home": (arabic("frontend:home"), "h1"),
        "gallery": (arabic("frontend:category", YEAR, 1), ".back-link"),
        "ballot": (arabic("frontend:ballot", YEAR), ".ballot-row"),
        "form": (arabic("frontend:profile"), "form label"),
    }
    seen: dict[str, dict] = {}

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.set_default_timeout(10_000)
            page.goto(f"{live_server.url}{arabic('account_login')}")
            page.locator("input[name=login]").fill(voter.email)
            page.locator("input[name=password]").fill(PASSWORD)
            page.locator("form button[type=submit]").first.click()
            page.wait_for_load_state()
            for name, (url, measured) in pages.items():
                page.goto(f"{live_server.url}{url}")
                page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)
                seen[name] = {
                    "dir": page.evaluate("document.documentElement.dir"),
                    "lang": page.evaluate("document.documentElement.lang"),
                    "direction": page.evaluate("getComputedStyle(document.body).direction"),
                    "site_name": page.evaluate(BOX, ".site-name"),
                    "measured": page.evaluate(START, measured),
                }
        finally:
            browser.close()

    for name, found in seen.items():
        assert (found["dir"], found["lang"], found["direction"]) == ("rtl", "ar", "rtl"), name
        # The site's name starts at the right edge (in English, at the left).
        assert found["site_name"]["right"] > found["site_name"]["width"] * 0.8, name
        # What the page measures (its heading's text, the ballot's first row's number,
        # a form's label) starts at the right of its box and leaves the left free.
        box = found["measured"]
        assert abs(box["first_right"] - box["content_right"]) <= 2, (name, box)
        assert box["first_left"] > box["content_left"] + 2, (name, box)
        assert (tmp_path / f"{name}-{width}.png").stat().st_size > 0


def test_english_pages_stay_left_to_right(client):
    response = client.get(reverse("frontend:home"))

    assert b'<html lang="en" dir="ltr">' in response.content
