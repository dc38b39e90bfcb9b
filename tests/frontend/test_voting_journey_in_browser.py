"""The voter's way through the ballot in real Chromium: a complete ballot from an empty
one, one click per category, with a change and a withdrawal, each confirmed; and a
visitor who is not signed in votes from a nominee's card in the gallery.

No database access while Chromium runs (Playwright's event loop keeps Django from the
database in this thread): what the browser showed is kept and checked afterwards."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from awards.phases import Phase
from awards.services import edition_categories_create_standard
from tests.factories import (
    PASSWORD,
    CategoryFactory,
    EditionFactory,
    ProjectFactory,
    UserFactory,
)
from tests.frontend.browser import CHROMIUM, CHROMIUM_ARGS
from voting.models import Vote, VoteEvent

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.slow,
]

YEAR = 2020
MOST_CLICKS = 40


@pytest.fixture
def sync_api():
    return pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


class Clicks:
    """Every click of the journey goes through here, to be counted."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, locator) -> None:
        self.count += 1
        locator.click()


def log_in(page, email: str, clicks: Clicks) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    clicks(page.get_by_role("button", name="Log in"))


@pytest.mark.parametrize("width", [1280, 375])
def test_a_complete_ballot_with_a_change_and_a_withdrawal_in_at_most_40_clicks(
    sync_api, live_server, width
):
    edition = EditionFactory(year=YEAR, phase=Phase.VOTING)
    categories = edition_categories_create_standard(edition=edition)
    for category in categories:
        for n in (1, 2, 3):
            ProjectFactory(category=category, title=f"{category.title} project {n}")
    voter = UserFactory(email="vera@example.org", email_confirmed=True)
    ballot_url = f"{live_server.url}{reverse('frontend:ballot', args=[YEAR])}"
    clicks = Clicks()
    seen: dict[str, str] = {}

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 800})
            page.set_default_timeout(10_000)
            page.goto(ballot_url)
            log_in(page, voter.email, clicks)
            page.wait_for_url(ballot_url)

            clicks(page.get_by_role("link", name="Start voting"))
            for _ in categories:
                # One click on a nominee's button votes and leads on to the next
                # category without a vote; after the last, to the ballot.
                clicks(page.get_by_role("button", name=re.compile(r"^Vote for this project")).first)
                page.wait_for_load_state()
            page.wait_for_url(ballot_url)
            seen["complete"] = page.locator("main").inner_text()

            # A change, confirmed.
            clicks(page.get_by_role("link", name=re.compile(r"^Change your vote in category 3,")))
            clicks(
                page.get_by_role("button", name=re.compile(r"^Vote for this project instead")).first
            )
            seen["change"] = page.locator("h1").inner_text()
            clicks(page.get_by_role("button", name="Confirm the change"))
            page.wait_for_load_state()
            seen["changed"] = page.locator(".messages").inner_text()

            # A withdrawal, confirmed; then the vote again, which completes the ballot.
            page.goto(ballot_url)  # the address bar, not a click
            clicks(page.get_by_role("link", name=re.compile(r"^Change your vote in category 5,")))
            clicks(page.get_by_role("link", name="Withdraw my vote"))
            seen["withdraw"] = page.locator("h1").inner_text()
            clicks(page.get_by_role("button", name="Withdraw my vote"))
            page.wait_for_load_state()
            seen["withdrawn"] = page.locator(".messages").inner_text()
            clicks(page.get_by_role("button", name=re.compile(r"^Vote for this project")).first)
            page.wait_for_url(ballot_url)
            seen["final"] = page.locator("main").inner_text()
        finally:
            browser.close()

    assert clicks.count <= MOST_CLICKS, clicks.count
    assert re.search(r"18 of 18\s+categories voted", seen["complete"])
    # The receipt: each vote with the moment it was cast; the changed one says so too.
    assert len(re.findall(r"^Cast ", seen["complete"], re.MULTILINE)) == 18
    assert len(re.findall(r"; changed ", seen["final"])) == 1
    assert seen["change"] == "Confirm the change of your vote"
    assert "is changed" in seen["changed"]
    assert seen["withdraw"] == "Withdraw your vote?"
    assert "is withdrawn" in seen["withdrawn"]
    assert re.search(r"18 of 18\s+categories voted", seen["final"])
    assert Vote.objects.filter(voter=voter).count() == 18
    actions = list(VoteEvent.objects.filter(voter=voter).values_list("action", flat=True))
    assert actions.count("changed") == 1
    assert actions.count("withdrawn") == 1


def test_a_visitor_votes_from_a_gallery_card_and_comes_back_to_the_same_choice(
    sync_api, live_server
):
    edition = EditionFactory(year=YEAR, phase=Phase.VOTING)
    access = CategoryFactory(edition=edition, number=3, title="Access")
    chosen = ProjectFactory(category=access, title="Village libraries")
    ProjectFactory(category=access, title="Mobile schools")
    voter = UserFactory(email="vera@example.org", email_confirmed=True)
    clicks = Clicks()
    seen: dict[str, str] = {}

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(10_000)
            page.goto(f"{live_server.url}{reverse('frontend:category', args=[YEAR, 3])}")
            clicks(page.get_by_role("link", name="Vote for this project Village libraries"))
            seen["login"] = urlsplit(page.url).path
            log_in(page, voter.email, clicks)
            page.wait_for_url(re.compile(r"/vote/3/confirm/"))
            seen["confirm"] = page.locator(".ballot-chosen").inner_text()
            clicks(page.get_by_role("button", name="Confirm my vote"))
            page.wait_for_load_state()
            seen["after"] = urlsplit(page.url).path
            seen["messages"] = page.locator(".messages").inner_text()
        finally:
            browser.close()

    assert seen["login"] == reverse("account_login")
    assert "Village libraries" in seen["confirm"]
    assert seen["after"] == reverse("frontend:ballot", args=[YEAR])
    assert "Your vote in “Access” is recorded." in seen["messages"]
    assert Vote.objects.get(voter=voter).nominee_id == chosen.pk
    assert clicks.count == 3
