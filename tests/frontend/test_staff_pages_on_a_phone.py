"""The secretariat's pages with wide tables, on a phone in Chromium, in English and in
Arabic: the tables scroll within their own box and the page itself never scrolls
sideways (text a table hides for the eye once widened the whole page).

No database access while Chromium runs (Playwright's event loop keeps Django from the
database in this thread)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from awards.phases import Phase
from tests.factories import (
    CategoryFactory,
    EditionFactory,
    ProjectFactory,
    UserFactory,
    VoteFactory,
)
from tests.frontend.browser import CHROMIUM, CHROMIUM_ARGS, session_of
from voting.fraud import signals_compute

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 375, "height": 800}
AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0"


@pytest.fixture
def sync_api():
    return pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.mark.slow
def test_the_fraud_and_standings_pages_fit_a_phone(sync_api, live_server):
    edition = EditionFactory(year=2020, phase=Phase.VOTING)
    nominee = ProjectFactory(
        category=CategoryFactory(edition=edition, number=1),
        title="Community networks for remote mountain villages and their schools",
    )
    start = timezone.now() - timedelta(minutes=30)
    for minute in range(6):  # a signal, with its tables of votes and accounts
        at = start + timedelta(minutes=minute)
        VoteFactory(
            nominee=nominee,
            voter__email=f"a.rather.long.address.{minute}@mail.example.net",
            voter__date_joined=at - timedelta(hours=1),
            network="198.51.100.0/24",
            user_agent=AGENT,
            cast_at=at,
            changed_at=at,
        )
    VoteFactory(  # and a row in the table of what was invalidated
        nominee=nominee,
        invalidated_at=timezone.now(),
        invalidated_reason="Accounts made in a batch from one network for this nominee.",
        invalidated_signal="new_accounts_one_network",
    )
    signals_compute(edition=edition)
    secretariat = UserFactory(is_staff=True, email_confirmed=True, mfa=True, roles=["Secretariat"])
    session = session_of(secretariat)
    pages = []
    for language in ("en", "ar"):
        with translation.override(language):
            pages += [
                (language, reverse("frontend:fraud", args=[2020])),
                (language, reverse("frontend:standings", args=[2020])),
            ]
    widths = {}

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=PHONE)
            context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
            page = context.new_page()
            page.set_default_timeout(10_000)
            for language, url in pages:
                response = page.goto(f"{live_server.url}{url}")
                assert response.status == 200, url
                widths[(language, url)] = (
                    page.evaluate("document.documentElement.lang"),
                    page.evaluate("document.documentElement.scrollWidth"),
                    page.evaluate("document.querySelectorAll('.table-scroll table').length"),
                )
        finally:
            browser.close()

    for (language, url), (lang, width, tables) in widths.items():
        assert lang == language, url
        assert tables >= 1, url
        assert width <= PHONE["width"], (url, width)
