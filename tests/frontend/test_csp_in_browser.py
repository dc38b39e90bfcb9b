"""Pages in real Chromium under the Content-Security-Policy: each works, and the browser
reports no violation of the policy (Chromium logs each one to the console)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import ProjectStatus
from awards.phases import Phase
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory
from tests.frontend.browser import CHROMIUM, CHROMIUM_ARGS, session_of

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.slow,
]


@pytest.fixture
def sync_api():
    return pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


class Browser:
    """One Chromium page, with what the policy refused on it."""

    def __init__(self, playwright, base_url: str, session: str | None) -> None:
        self.browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = self.browser.new_context(base_url=base_url)
        if session:
            context.add_cookies([{"name": "sessionid", "value": session, "url": base_url}])
        self.page = context.new_page()
        self.page.set_default_timeout(10_000)
        self.console: list[str] = []
        self.page.on("console", lambda message: self.console.append(message.text))

    def open(self, url: str):
        response = self.page.goto(url)
        assert response.ok, (url, response.status)
        return response

    def violations(self) -> list[str]:
        return [line for line in self.console if "Content Security Policy" in line]

    def close(self) -> None:
        self.browser.close()


@pytest.fixture
def browse(sync_api, live_server):
    """Opens Chromium once the test has made its data: Playwright's event loop, once
    started in the test's thread, keeps Django from the database there."""
    started = []

    def open_browser(user=None) -> Browser:
        session = session_of(user) if user else None
        playwright = sync_api.sync_playwright().start()
        browser = Browser(playwright, live_server.url, session)
        started.append((playwright, browser))
        return browser

    yield open_browser
    for playwright, browser in started:
        browser.close()
        playwright.stop()


def test_public_pages_and_the_api_docs_work_under_the_policy(browse):
    browser = browse()
    for url in ["/", reverse("account_login"), reverse("account_signup")]:
        browser.open(url)
        assert browser.page.locator("h1").count() >= 1
    # The admin sends anonymous visitors to the site's login.
    browser.open("/admin/")
    assert "/accounts/login/" in browser.page.url

    browser.open(reverse("api:docs"))
    # Swagger UI's script (a file of its own) has drawn the schema's operations.
    browser.page.locator(".opblock").first.wait_for()
    title = browser.page.locator(".info .title").inner_text()

    assert "WSIS Prizes API" in title
    assert browser.violations() == []


def test_the_admin_and_the_secretariats_pages_work_under_the_policy(browse):
    secretariat = UserFactory(
        is_staff=True, is_superuser=True, email_confirmed=True, mfa=True, roles=["Secretariat"]
    )
    edition = EditionFactory(year=2031, phase=Phase.NOMINATION)
    category = CategoryFactory(edition=edition, number=3)
    submissions = [
        ProjectFactory(
            category=category,
            status=ProjectStatus.SUBMITTED,
            submitted_at=timezone.now() - timedelta(days=1),
        )
        for _ in range(2)
    ]
    browser = browse(secretariat)

    browser.open(reverse("admin:index"))
    browser.open(reverse("admin:awards_project_change", args=[submissions[0].pk]))
    browser.open(reverse("admin:awards_edition_change", args=[edition.pk]))
    # The admin's calendar widget, drawn by its scripts.
    browser.page.locator(".datetimeshortcuts a").first.click()
    browser.open(reverse("mfa_index"))
    browser.open(reverse("frontend:submissions", args=[2031]))
    browser.page.locator("#select-all").check()
    selected = browser.page.locator("[data-selected-count]").inner_text()

    assert selected == "2 selected"
    assert browser.violations() == []


def test_a_vote_is_one_click_under_the_policy(browse):
    """The category page's vote buttons need no script: a click votes, under the policy."""
    edition = EditionFactory(year=2020, phase=Phase.VOTING)
    category = CategoryFactory(edition=edition, number=1)
    ProjectFactory(category=category, title="Solar schools")
    ProjectFactory(category=category, title="Radio lessons")
    browser = browse(UserFactory(email_confirmed=True))

    browser.open(reverse("frontend:ballot-category", args=[2020, 1]))
    browser.page.get_by_role("button", name="Vote for this project Radio lessons").click()
    browser.page.wait_for_load_state()
    messages = browser.page.locator(".messages").inner_text()

    assert "Your vote in" in messages and "is recorded" in messages
    assert browser.violations() == []


def test_the_browser_refuses_a_logo_over_its_limit_before_sending_it(browse):
    edition = EditionFactory(year=2020, phase=Phase.SUBMISSION)
    submitter = UserFactory(email_confirmed=True)
    draft = ProjectFactory(
        category=CategoryFactory(edition=edition, number=1),
        submitted_by=submitter,
        status=ProjectStatus.DRAFT,
    )
    browser = browse(submitter)
    page_url = reverse("frontend:my-project", args=[2020, draft.pk])
    browser.open(page_url)
    sent = []
    browser.page.on("request", lambda request: sent.append(request.method))

    logo = browser.page.locator("#id_logo")
    logo.set_input_files(
        {"name": "huge.png", "mimeType": "image/png", "buffer": b"\0" * (6 * 1024 * 1024)}
    )
    browser.page.get_by_role("button", name="Upload the logo").click()
    message = logo.evaluate("input => input.validationMessage")

    assert message == "huge.png is too large: images may be 5 MB at most."
    assert "POST" not in sent
    assert browser.page.url.endswith(page_url)
    assert browser.violations() == []
