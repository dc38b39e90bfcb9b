"""Moments in real Chromium: the server writes them in UTC; local-time.js shows them in
the reader's time zone and language, with the zone's name and the UTC time beside."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from awards.phases import Phase, timeline_around
from tests.factories import EditionFactory
from tests.frontend.browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Voting halfway at 09:00 UTC on 30 July 2020: it closes at 21:00 UTC on 21 August,
# which is already 22 August in Tokyo and still 21 August in New York.
VOTING_CLOSES = datetime(2020, 8, 21, 21, 0, tzinfo=UTC)


@pytest.fixture
def edition():
    times = timeline_around(current=Phase.VOTING, at=datetime(2020, 7, 30, 9, 0, tzinfo=UTC))
    assert times["voting_closes_at"] == VOTING_CLOSES
    return EditionFactory(year=2020, title="WSIS Prizes 2020", **times)


@pytest.fixture
def open_edition_page(live_server, edition):
    """The edition page in Chromium, in a context with this time zone (and English of
    Britain, so that the words are known), with or without JavaScript."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    playwright = sync_api.sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)

    def open_page(timezone_id: str, *, javascript: bool = True, language: str = "en"):
        context = browser.new_context(
            base_url=live_server.url,
            timezone_id=timezone_id,
            locale="en-GB",
            java_script_enabled=javascript,
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        with translation.override(language):
            page.goto(reverse("frontend:edition", args=[2020]))
        return page

    yield open_page
    browser.close()
    playwright.stop()


def moment_text(page, moment: datetime) -> str:
    # The first: voting's close, which is also the opening of the next phase.
    element = page.locator(f'time[datetime="{moment.isoformat()}"]').first
    return " ".join(element.inner_text().split())


def test_a_deadline_shows_in_tokyo_time_with_utc_beside(open_edition_page, edition):
    page = open_edition_page("Asia/Tokyo")

    shown = moment_text(page, VOTING_CLOSES)

    assert shown.startswith("22 August 2020")
    assert "06:00 Japan Standard Time" in shown
    # The day differs in UTC: the UTC time comes with its date.
    assert shown.endswith("(21 August 2020 at 21:00 UTC)")


def test_a_deadline_shows_in_new_york_time_with_utc_beside(open_edition_page, edition):
    page = open_edition_page("America/New_York")

    shown = moment_text(page, VOTING_CLOSES)

    assert shown.startswith("21 August 2020")
    assert "17:00 Eastern Daylight Time" in shown
    # The same day in UTC: the UTC time alone.
    assert shown.endswith("(21:00 UTC)")


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/New_York"])
def test_every_moment_of_the_timeline_is_in_the_readers_zone(open_edition_page, edition, zone):
    page = open_edition_page(zone)

    moments = page.locator("time.moment")
    assert moments.count() == 12, "each phase opens and closes"
    for index in range(moments.count()):
        element = moments.nth(index)
        at = datetime.fromisoformat(element.get_attribute("datetime"))
        local = at.astimezone(ZoneInfo(zone))
        shown = " ".join(element.inner_text().split())
        assert f"{local:%H:%M}" in shown.split("(")[0], shown
        assert f"{at:%H:%M} UTC)" in shown, shown
        assert element.get_attribute("data-time-zone") == zone


def test_without_javascript_the_deadline_shows_in_utc(open_edition_page, edition):
    page = open_edition_page("Asia/Tokyo", javascript=False)

    assert moment_text(page, VOTING_CLOSES) == "21 August 2020, 21:00 UTC"


def test_the_local_time_is_in_the_pages_language_not_the_browsers(open_edition_page, edition):
    # A British English browser reading the French page.
    page = open_edition_page("Asia/Tokyo", language="fr")

    shown = moment_text(page, VOTING_CLOSES)

    assert shown.startswith("22 août 2020")
    assert "heure normale du Japon" in shown
    assert shown.endswith("UTC)")


def test_an_arabic_page_writes_its_digits_one_way(open_edition_page, edition):
    # The server's dates and the browser's local times use the digits of the "ar"
    # locale: Western ones, never mixed with Arabic-Indic ones on one page.
    page = open_edition_page("Asia/Tokyo", language="ar")

    shown = moment_text(page, VOTING_CLOSES)
    body = page.locator("main").inner_text()

    assert "أغسطس" in shown
    assert "2020" in shown and "06:00" in shown
    assert not any("\u0660" <= character <= "\u0669" for character in body)
    assert "2020" in page.locator("time.moment").first.get_attribute("title")
