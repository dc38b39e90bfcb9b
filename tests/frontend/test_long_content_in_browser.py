"""Long words and long translations in Chromium: the results table on a phone keeps the
votes in view in every language, a title typed without spaces wraps on its page, and
the audit trail keeps the reason beside the decision on a desktop screen however long
the words typed into it, and a long e-mail address never widens a phone's page.

No database access while Chromium runs (Playwright's event loop keeps Django from the
database in this thread)."""

import pytest
from django.urls import reverse
from django.utils import translation

from awards.models import AuditAction, ProjectStatus
from awards.services import results_publish
from awards.services.audit import audit_record
from tests.factories import ProjectFactory, UserFactory
from tests.frontend.browser import CHROMIUM, CHROMIUM_ARGS, session_of
from tests.frontend.test_results_pages import decide

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
UNBROKEN = "https://example.org/" + "x" * 230
LONG_ADDRESS = "mohammed.abdelrahman.alhashimi@ministry-of-communications.gov.eg"

# Where each cell of a table ends, against the box it scrolls in.
CELLS_IN_VIEW = """(selector) => [...document.querySelectorAll(selector)].map(table => {
  const box = table.closest('.table-scroll').getBoundingClientRect();
  return [...table.querySelectorAll('thead th')].map(cell => {
    const edge = cell.getBoundingClientRect();
    return edge.left >= box.left - 1 && edge.right <= box.right + 1;
  });
})"""


@pytest.fixture
def sync_api():
    return pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.mark.slow
def test_long_words_and_translations_stay_in_view(sync_api, live_server):
    secretariat = UserFactory(is_staff=True, email_confirmed=True, mfa=True, roles=["Secretariat"])
    edition, projects = decide(secretariat)
    results_publish(edition=edition, by=secretariat)
    submitter = UserFactory(email_confirmed=True)
    draft = ProjectFactory(
        category=projects[(1, "top")].category,
        submitted_by=submitter,
        status=ProjectStatus.DRAFT,
        title=UNBROKEN,
    )
    audit_record(
        edition=edition,
        actor=secretariat,
        action=AuditAction.VOTER_EXCLUDED,
        subject=submitter,
        reason=UNBROKEN + " " + UNBROKEN,
        details={"votes_invalidated": 3},
    )
    results = {}
    for language in ("en", "ru", "ar", "fr", "zh-hans"):
        with translation.override(language):
            results[language] = reverse("frontend:results", args=[edition.year])
    draft_page = reverse("frontend:my-project", args=[edition.year, draft.pk])
    audit_page = reverse("frontend:audit", args=[edition.year])
    voter = UserFactory(email=LONG_ADDRESS, email_confirmed=True)
    with translation.override("ar"):
        voter_pages = [reverse("frontend:home"), reverse("frontend:profile")]
    sessions = {
        "submitter": session_of(submitter),
        "secretariat": session_of(secretariat),
        "voter": session_of(voter),
    }
    seen = {}

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:

            def visit(url: str, viewport: dict, who: str | None = None):
                context = browser.new_context(viewport=viewport)
                if who:
                    context.add_cookies(
                        [{"name": "sessionid", "value": sessions[who], "url": live_server.url}]
                    )
                page = context.new_page()
                page.set_default_timeout(10_000)
                assert page.goto(f"{live_server.url}{url}").status == 200, url
                return page

            for language, url in results.items():
                page = visit(url, PHONE)
                seen[("results", language)] = page.evaluate(CELLS_IN_VIEW, ".table--standings")
            page = visit(draft_page, DESKTOP, "submitter")
            seen["draft"] = page.evaluate("document.documentElement.scrollWidth")
            page = visit(audit_page, DESKTOP, "secretariat")
            seen["audit"] = page.evaluate(CELLS_IN_VIEW, ".audit-trail")
            for url in voter_pages:
                page = visit(url, PHONE, "voter")
                seen[url] = page.evaluate("document.documentElement.scrollWidth")
        finally:
            browser.close()

    for language in results:
        tables = seen[("results", language)]
        assert len(tables) == 2, language
        # Rank, Champion, valid votes and the bar: every column in view on a phone.
        assert tables == [[True] * 4] * 2, language
    assert seen["draft"] <= DESKTOP["width"]
    # When, Decision, By, Account concerned, Reason.
    assert seen["audit"] == [[True] * 5]
    for url in voter_pages:
        assert seen[url] <= PHONE["width"], url
