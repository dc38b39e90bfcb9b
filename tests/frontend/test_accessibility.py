"""Accessibility in real Chromium: axe-core checks every public and voter page at a
desktop width and at a phone's, and the keyboard alone can log in and vote.

axe-core comes from the axe-playwright-python package (its axe.min.js), evaluated in the
page through the DevTools protocol, which the Content-Security-Policy does not govern.

No database access while Chromium runs: Playwright's event loop, once started in the
test's thread, keeps Django from the database there. The data and the URLs are made
first."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import ExclusionReason
from awards.phases import Phase
from awards.services import ceremony_reveal_next, results_publish, standings_record
from awards.workflow import CROWN, project_transition
from tests.factories import (
    PASSWORD,
    CategoryFactory,
    EditionFactory,
    ProjectFactory,
    UserFactory,
    VoteFactory,
)
from tests.frontend.browser import CHROMIUM, CHROMIUM_ARGS, session_of
from voting.models import Vote

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.slow,
]

VOTING_YEAR = 2021
PUBLISHED_YEAR = 2020
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 667}
# What fails the suite: axe's two highest impacts (it also reports moderate and minor).
BLOCKING = {"serious", "critical"}
# Swagger UI (the API docs) puts each operation's path, a link, inside the button that
# opens the operation: its own markup, which no setting changes, and an open bug of its
# own. Every other rule holds there too.
API_DOCS_RULES = {"rules": {"nested-interactive": {"enabled": False}}}


@pytest.fixture
def sync_api():
    return pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture
def axe():
    module = pytest.importorskip(
        "axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed"
    )
    return module.Axe()


def published_edition(secretariat) -> None:
    """An edition whose results are published and whose ceremony revealed a Winner."""
    edition = EditionFactory(year=PUBLISHED_YEAR, phase=Phase.CEREMONY, champions_per_category=2)
    projects = []
    for number in (1, 2):
        category = CategoryFactory(edition=edition, number=number)
        projects += [
            ProjectFactory(category=category, title=f"Rural broadband {number}"),
            ProjectFactory(category=category, title=f"Open schoolbooks {number}"),
        ]
    standings_record(
        edition=edition,
        votes={project.pk: 10 + index for index, project in enumerate(projects)},
        exclusions={(projects[0].category_id, ExclusionReason.INVALIDATED): 3},
        voters=25,
    )
    for project in projects[1::2]:
        project_transition(project=project, transition=CROWN, actor=secretariat, at=timezone.now())
    ceremony_reveal_next(edition=edition, by=secretariat)
    # The other categories unrevealed: the secretariat ticks the box that says so.
    results_publish(edition=edition, by=secretariat, unrevealed_confirmed=True)


def voting_edition():
    """The current edition, in its voting phase, with nominees in three categories."""
    edition = EditionFactory(year=VOTING_YEAR, phase=Phase.VOTING)
    nominees = []
    for number, title in [(1, "Access"), (3, "Capacity building"), (7, "E-learning")]:
        category = CategoryFactory(edition=edition, number=number, title=title)
        nominees += [
            ProjectFactory(category=category, title=f"Village libraries {number}"),
            ProjectFactory(category=category, title=f"Mobile schools {number}"),
            ProjectFactory(category=category, title=f"Radio lessons {number}"),
        ]
    return edition, nominees


@pytest.fixture
def site(admin_user):
    published_edition(admin_user)
    _, nominees = voting_edition()
    voter = UserFactory(email="vera@example.org", email_confirmed=True)
    VoteFactory(nominee=nominees[0], voter=voter)
    public = [
        "/",
        reverse("frontend:edition", args=[VOTING_YEAR]),
        reverse("frontend:category", args=[VOTING_YEAR, 1]),
        reverse("frontend:category", args=[VOTING_YEAR, 3]),
        reverse("frontend:nominee", args=[VOTING_YEAR, nominees[0].pk]),
        reverse("frontend:search", args=[VOTING_YEAR]) + "?q=schools",
        # After the publication: the way to the outcome, badges and the outcome filter.
        reverse("frontend:edition", args=[PUBLISHED_YEAR]),
        reverse("frontend:category", args=[PUBLISHED_YEAR, 1]),
        reverse("frontend:results", args=[PUBLISHED_YEAR]),
        reverse("frontend:ceremony", args=[PUBLISHED_YEAR]),
        reverse("api:docs"),
    ]
    anonymous = [
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_request_login_code"),
    ]
    voter_pages = [
        reverse("frontend:ballot", args=[VOTING_YEAR]),
        reverse("frontend:ballot-category", args=[VOTING_YEAR, 1]),
        reverse("frontend:ballot-category", args=[VOTING_YEAR, 3]),
        reverse("frontend:ballot-confirm", args=[VOTING_YEAR, 3]) + f"?nominee={nominees[4].pk}",
        # The voter's vote is in category 1: the confirmation of its withdrawal.
        reverse("frontend:ballot-withdraw", args=[VOTING_YEAR, 1]),
        reverse("frontend:profile"),
    ]
    return {
        "anonymous": public + anonymous,
        "voter": public + voter_pages,
        "session": session_of(voter),
    }


def blocking_violations(axe, page, options: dict | None = None) -> list[str]:
    """axe's serious and critical violations on the page: the rule, where, and the help."""
    results = axe.run(page, options={"resultTypes": ["violations"], **(options or {})})
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}, at "
        + "; ".join(", ".join(map(str, node["target"])) for node in violation["nodes"][:3])
        + (f" and {len(violation['nodes']) - 3} more" if len(violation["nodes"]) > 3 else "")
        + f" ({violation['helpUrl']})"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
    ]


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_public_and_voter_pages_have_no_serious_axe_violation(
    sync_api, axe, live_server, site, viewport
):
    found: dict[str, list[str]] = {}
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for who in ("anonymous", "voter"):
                context = browser.new_context(base_url=live_server.url, viewport=viewport)
                if who == "voter":
                    context.add_cookies(
                        [{"name": "sessionid", "value": site["session"], "url": live_server.url}]
                    )
                page = context.new_page()
                page.set_default_timeout(10_000)
                for url in site[who]:
                    response = page.goto(url)
                    assert response.ok, (who, url, response.status)
                    options = None
                    if url == reverse("api:docs"):
                        # Swagger UI's script has drawn the operations.
                        page.locator(".opblock").first.wait_for()
                        options = API_DOCS_RULES
                    if violations := blocking_violations(axe, page, options):
                        found[f"{who} {url}"] = violations
                context.close()
        finally:
            browser.close()

    report = "\n".join(
        f"{where}:\n  " + "\n  ".join(violations) for where, violations in found.items()
    )
    assert not found, f"axe found serious or critical violations:\n{report}"


# --- The keyboard alone ----------------------------------------------------------------


def press_tab_until(page, predicate: str, limit: int = 60, key: str = "Tab") -> None:
    """Presses Tab until the focused element matches ``predicate`` (a JavaScript
    expression on ``element``)."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(f"(element => Boolean({predicate}))(document.activeElement)"):
            return
    raise AssertionError(f"{key} never reached an element where {predicate}")


def focused_name(page) -> str:
    return page.evaluate(
        "(e => (e.labels && e.labels[0] ? e.labels[0].innerText : e.innerText || e.value)"
        " || '')(document.activeElement)"
    ).strip()


def test_login_tab_goes_from_email_to_password_and_enter_logs_in(sync_api, live_server):
    UserFactory(email="vera@example.org", email_confirmed=True)

    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(base_url=live_server.url)
            page.set_default_timeout(10_000)
            page.goto(reverse("account_login"))
            page.get_by_label("Email").focus()
            page.keyboard.type("vera@example.org")
            page.keyboard.press("Tab")
            after_email = page.evaluate("document.activeElement.type")
            page.keyboard.type(PASSWORD)
            # On from the password ("Remember me" may come between) to the button or the
            # reset link, whichever is first.
            press_tab_until(page, "['BUTTON', 'A'].includes(element.tagName)", limit=3)
            after_password = focused_name(page)
            page.get_by_label("Password").focus()
            page.keyboard.press("Enter")
            page.wait_for_url(f"{live_server.url}/")
            header = page.locator(".site-header").inner_text()
        finally:
            browser.close()

    assert after_email == "password"
    # The next stop is the form's own button, not "Forgot your password?".
    assert after_password == "Log in"
    assert "Log out" in header


def test_a_voter_votes_with_the_keyboard_alone(sync_api, live_server):
    _, nominees = voting_edition()
    voter = UserFactory(email="kim@example.org", email_confirmed=True)
    chosen = nominees[1]  # "Mobile schools 1"
    ballot = reverse("frontend:ballot", args=[VOTING_YEAR])

    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(base_url=live_server.url)
            page.set_default_timeout(10_000)
            page.goto(ballot)
            # Sent to log in, then back to the ballot.
            assert urlsplit(page.url).path == reverse("account_login")
            page.get_by_label("Email").focus()
            page.keyboard.type(voter.email)
            page.keyboard.press("Tab")
            page.keyboard.type(PASSWORD)
            page.keyboard.press("Enter")
            page.wait_for_url(f"{live_server.url}{ballot}")

            press_tab_until(page, "element.innerText.includes('Access')")
            page.keyboard.press("Enter")
            page.wait_for_url(re.compile(r"/vote/1/$"))
            # Tab to the chosen nominee's "Vote for this project" button: one key votes.
            press_tab_until(
                page,
                "element.tagName === 'BUTTON' && element.innerText.startsWith('Vote for this')"
                f" && element.innerText.includes({chosen.title!r})",
            )
            page.keyboard.press("Enter")
            page.wait_for_url(re.compile(r"/vote/(\d+/)?$"))
            messages = page.locator(".messages").inner_text()
        finally:
            browser.close()

    assert "Your vote in “Access” is recorded." in messages
    assert Vote.objects.get(voter=voter, category__number=1).nominee_id == chosen.pk


# --- The header on a phone ------------------------------------------------------------


def header_share(page) -> float:
    """The share of the viewport's height that the site's header takes."""
    return page.evaluate(
        "document.querySelector('.site-header').getBoundingClientRect().height / window.innerHeight"
    )


def test_the_header_takes_little_of_a_phones_screen_and_its_menu_opens_by_keyboard(
    sync_api, live_server
):
    voting_edition()
    voter = UserFactory(email="kim@example.org", email_confirmed=True)
    session = session_of(voter)
    ballot = reverse("frontend:ballot", args=[VOTING_YEAR])

    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(base_url=live_server.url, viewport=PHONE)
            context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
            page = context.new_page()
            page.set_default_timeout(10_000)
            page.goto(ballot)
            folded = header_share(page)
            vote_link_hidden = not page.get_by_role("link", name="Vote", exact=True).is_visible()
            # Skip link, site name, then the menu button.
            press_tab_until(page, "element.tagName === 'SUMMARY'", limit=3)
            toggle = focused_name(page)
            page.keyboard.press("Enter")
            page.keyboard.press("Tab")
            first_in_menu = focused_name(page)
            opened = [
                page.get_by_role("link", name=name, exact=True).is_visible()
                for name in ("Home", "Vote", "My projects")
            ] + [page.get_by_role("button", name="Log out").is_visible()]
            page.keyboard.press("Shift+Tab")
            page.keyboard.press("Space")
            closed_again = not page.get_by_role("link", name="Home", exact=True).is_visible()

            page.set_viewport_size(DESKTOP)
            desktop = {
                "button": page.locator(".site-menu__toggle").is_visible(),
                "links": [
                    page.get_by_role("link", name=name, exact=True).is_visible()
                    for name in ("Home", "Vote", "My projects")
                ],
            }
        finally:
            browser.close()

    assert folded <= 0.12, f"the header takes {folded:.0%} of the screen"
    assert vote_link_hidden
    assert toggle.startswith("Menu")
    assert first_in_menu == "Home"
    assert all(opened)
    assert closed_again
    # On a wide screen the menu is the bar it always was, with no button.
    assert desktop == {"button": False, "links": [True, True, True]}
