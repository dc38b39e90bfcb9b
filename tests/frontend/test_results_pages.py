import csv
import io
import threading

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from awards.models import Edition, ExclusionReason, Project, ProjectStatus
from awards.phases import Phase
from awards.services import ceremony_reveal_next, results_publish, standings_record
from awards.workflow import CROWN, project_transition
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory
from tests.frontend.browser import CHROMIUM, CHROMIUM_ARGS
from tests.frontend.html import attribute, find, h1, page, text

pytestmark = pytest.mark.django_db

YEAR = 2020
RESULTS = reverse("frontend:results", args=[YEAR])
RESULTS_CSV = reverse("frontend:results-csv", args=[YEAR])
CEREMONY = reverse("frontend:ceremony", args=[YEAR])
HOST = reverse("frontend:ceremony-host", args=[YEAR])
LOGIN = reverse("account_login")
# The edition, then results_get's categories, standings and exclusions; one more for the
# header's current edition.
RESULTS_QUERIES = 5
CEREMONY_QUERIES = 3  # edition, revealed Winners, categories to reveal (no site header)
MFA_ACTIVATE = reverse("mfa_activate_totp")
VOTES = {"top": 30, "second": 20, "third": 5}


def decide(secretariat: User, categories: int = 2) -> tuple[Edition, dict]:
    """An edition at its ceremony: each category has two Champions (top, second) and a
    Winner (second in category 1, top elsewhere); 4 votes of category 1 invalidated."""
    edition = EditionFactory(year=YEAR, phase=Phase.CEREMONY, champions_per_category=2)
    projects = {}
    # Created out of order: the pages must sort by category number.
    for number in reversed(range(1, categories + 1)):
        category = CategoryFactory(edition=edition, number=number, title=f"Theme {number}")
        for rank in VOTES:
            projects[(number, rank)] = ProjectFactory(
                category=category,
                title=f"Project {rank} {number}",
                organisation_name=f"Organisation {rank} {number}",
            )
    standings_record(
        edition=edition,
        votes={project.pk: VOTES[rank] for (_, rank), project in projects.items()},
        exclusions={(projects[(1, "top")].category_id, ExclusionReason.INVALIDATED): 4},
        voters=40,
    )
    for number in range(1, categories + 1):
        project_transition(
            project=projects[(number, "second" if number == 1 else "top")],
            transition=CROWN,
            actor=secretariat,
            at=timezone.now(),
        )
    return edition, projects


def winner_of(projects: dict, number: int) -> Project:
    return projects[(number, "second" if number == 1 else "top")]


@pytest.fixture
def decided(admin_user):
    return decide(admin_user)


def words(response) -> str:
    """The page's text as read aloud: no space before the punctuation."""
    return text(page(response)).replace(" .", ".").replace(" ,", ",")


def outcome_absent(html: str, projects: dict) -> None:
    for project in projects.values():
        assert project.title not in html
        assert project.organisation_name not in html


# --- Embargo -------------------------------------------------------------------------


def test_results_page_before_publication_says_embargo_and_nothing_of_the_outcome(client, decided):
    _, projects = decided

    response = client.get(RESULTS)

    assert response.status_code == 200
    html = response.content.decode()
    assert "under embargo until the ceremony" in text(page(response))
    outcome_absent(html, projects)
    assert "vote-bar" not in html
    assert "Valid votes" not in html
    assert RESULTS_CSV not in html


def test_results_csv_is_404_before_publication(client, decided):
    assert client.get(RESULTS_CSV).status_code == 404


def test_ceremony_page_before_any_reveal_shows_no_winner(client, decided):
    _, projects = decided

    response = client.get(CEREMONY)

    assert response.status_code == 200
    outcome_absent(response.content.decode(), projects)
    assert "2 categories still to reveal" in text(page(response))


def test_unknown_edition_is_404(client):
    for url in (RESULTS, RESULTS_CSV, CEREMONY):
        assert client.get(url).status_code == 404


# --- Published results ---------------------------------------------------------------


def test_published_results_show_winner_and_champions_in_category_order(client, decided, admin_user):
    edition, projects = decided
    results_publish(edition=edition, by=admin_user)

    response = client.get(RESULTS)

    assert response.status_code == 200
    root = page(response)
    sections = find(root, "section", class_="results-category")
    assert [text(find(s, "h2")[0]) for s in sections] == ["1. Theme 1", "2. Theme 2"]
    first = sections[0]
    winner_line = text(find(first, "p", class_="results-winner")[0])
    assert winner_line.replace(" ,", ",") == "Winner Project second 1, Organisation second 1"
    rows = [[text(cell) for cell in row.children] for row in find(find(first, "tbody")[0], "tr")]
    assert [(row[0], row[1], row[2]) for row in rows] == [
        ("1", "Project top 1 Organisation top 1", "30"),
        ("2", "Project second 1 Winner Organisation second 1", "20"),
    ]
    bars = find(first, "svg", class_="vote-bar")
    assert [dict(bar.attributes)["aria-label"] for bar in bars] == [
        "30 votes, 54.5% of the category's valid votes",
        "20 votes, 36.4% of the category's valid votes",
    ]
    assert all(dict(bar.attributes)["role"] == "img" for bar in bars)
    # Not a Champion: not in the results.
    assert projects[(1, "third")].title not in response.content.decode()


def test_published_results_totals_exclusions_and_open_data_links(client, decided, admin_user):
    edition, _ = decided
    results_publish(edition=edition, by=admin_user)

    root = page(client.get(RESULTS))

    [totals] = find(root, "dl", class_="results-totals")
    assert text(totals) == "Votes cast 114 Valid votes 110 Voters 40"
    [report] = find(root, "table", class_="exclusion-report")
    assert [text(row) for row in find(find(report, "tbody")[0], "tr")] == [
        # Invalidated in a review that no kind of fraud signal names.
        "1. Theme 1 Other review by the secretariat 4"
    ]
    assert text(find(report, "tfoot")[0]) == "All categories 4"
    links = {text(a): dict(a.attributes)["href"] for a in find(root, "a")}
    assert links["Results as JSON (API)"] == f"/api/v1/editions/{YEAR}/results/"
    assert links["Champions and their votes as CSV"] == RESULTS_CSV


def test_published_results_csv_one_row_per_champion(client, decided, admin_user):
    edition, _ = decided
    results_publish(edition=edition, by=admin_user)

    response = client.get(RESULTS_CSV)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        [
            "category_number",
            "category_title",
            "rank",
            "title",
            "organisation",
            "valid_votes",
            "winner",
        ],
        ["1", "Theme 1", "1", "Project top 1", "Organisation top 1", "30", "no"],
        ["1", "Theme 1", "2", "Project second 1", "Organisation second 1", "20", "yes"],
        ["2", "Theme 2", "1", "Project top 2", "Organisation top 2", "30", "yes"],
        ["2", "Theme 2", "2", "Project second 2", "Organisation second 2", "20", "no"],
    ]


def test_results_csv_defuses_spreadsheet_formulas(client, decided, admin_user):
    edition, projects = decided
    Project.objects.filter(pk=projects[(1, "top")].pk).update(title="=HYPERLINK(1)")
    results_publish(edition=edition, by=admin_user)

    rows = list(csv.reader(io.StringIO(client.get(RESULTS_CSV).content.decode())))

    assert rows[1][3] == "'=HYPERLINK(1)"


# --- The ceremony --------------------------------------------------------------------


def test_ceremony_page_shows_exactly_the_revealed_categories(client, decided, admin_user):
    edition, projects = decided
    ceremony_reveal_next(edition=edition, by=admin_user)

    response = client.get(CEREMONY)

    root = page(response)
    items = find(root, "li", class_="ceremony__item")
    assert [text(item) for item in items] == ["1. Theme 1 Project second 1 Organisation second 1"]
    assert "1 category still to reveal" in text(root)
    html = response.content.decode()
    # Not the unrevealed Winner, not the Champions: not in the markup, nor the script.
    unrevealed = {key: p for key, p in projects.items() if p != winner_of(projects, 1)}
    outcome_absent(html, unrevealed)
    [live] = find(root, aria_live="polite")
    assert text(live) == ""
    assert '<meta http-equiv="refresh" content="5">' in html.split("<noscript>")[1]
    assert response["Cache-Control"].startswith("max-age=0")


def test_ceremony_page_after_every_reveal(client, decided, admin_user):
    edition, _ = decided
    ceremony_reveal_next(edition=edition, by=admin_user)
    ceremony_reveal_next(edition=edition, by=admin_user)

    root = page(client.get(CEREMONY))

    assert [text(item) for item in find(root, "span", class_="ceremony__winner")] == [
        "Project second 1",
        "Project top 2",
    ]
    assert "Every category is revealed" in text(root)
    # Revealed is not published: the results stay under embargo.
    assert "under embargo" in text(page(client.get(RESULTS)))


# Host page: who may use it

HOST_USERS = {
    "anonymous": None,
    "plain": lambda: UserFactory(email_confirmed=True, mfa=True),
    "secretariat_without_mfa": lambda: UserFactory(
        email_confirmed=True, is_staff=True, roles=["Secretariat"]
    ),
}


def reveal(client):
    """Press "Reveal the next category", then the confirmation page's button."""
    asked = client.post(HOST, {"action": "reveal"}, follow=True)
    fields = find(page(asked), "input", type="hidden", name="category")
    if not fields:
        return asked  # refused at once: nothing to confirm
    category = attribute(fields[0], "value")
    return client.post(
        HOST, {"action": "reveal", "confirmed": "yes", "category": category}, follow=True
    )


def publish(client, **extra):
    """Press "Publish the results", then the confirmation page's button."""
    return client.post(HOST, {"action": "publish", "confirmed": "yes", **extra}, follow=True)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("who", list(HOST_USERS))
def test_host_page_refuses_anyone_but_the_secretariat_with_mfa(client, decided, who, method):
    edition, _ = decided
    if HOST_USERS[who]:
        client.force_login(HOST_USERS[who]())

    response = getattr(client, method)(HOST, {"action": "reveal"} if method == "post" else {})

    if who == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(LOGIN)
    elif who == "plain":
        assert response.status_code == 403
        assert "This page is for the WSIS Prizes secretariat." in text(page(response))
    else:
        assert response.status_code == 302
        assert response.url == MFA_ACTIVATE
    edition.refresh_from_db()
    assert not edition.categories.filter(revealed_at__isnull=False).exists()


def test_host_page_shows_the_next_category_but_not_its_winner(client, decided, admin_user):
    _, projects = decided
    client.force_login(admin_user)

    response = client.get(HOST)

    assert response.status_code == 200
    assert h1(response) == f"Ceremony host WSIS Prizes {YEAR}"
    root = page(response)
    assert "Next to reveal: 1. Theme 1. 2 categories still to reveal." in words(response)
    outcome_absent(response.content.decode(), projects)
    buttons = [text(b) for b in find(root, "button", type="submit")]
    assert "Reveal the next category" in buttons
    assert "Publish the results" in buttons


def test_secretariat_page_links_the_host_page(client, decided, admin_user):
    client.force_login(admin_user)

    root = page(client.get(reverse("frontend:secretariat")))

    hrefs = [dict(a.attributes).get("href") for a in find(root, "a")]
    assert HOST in hrefs


def test_host_reveals_in_category_order_and_is_told_the_winner(client, decided, admin_user):
    edition, _ = decided
    client.force_login(admin_user)

    response = reveal(client)

    assert response.redirect_chain == [(HOST, 302)]
    messages = text(find(page(response), class_="messages")[0])
    assert messages == (
        "Category 1. Theme 1: revealed. The Winner is “Project second 1” (Organisation second 1)."
    )
    assert "Next to reveal: 2. Theme 2." in words(response)
    response = reveal(client)
    assert "The Winner is “Project top 2”" in text(find(page(response), class_="messages")[0])
    assert list(
        edition.categories.order_by("revealed_at", "number").values_list("number", flat=True)
    ) == [1, 2]

    response = reveal(client)

    assert text(find(page(response), class_="messages")[0]) == "Every category has been revealed."


def test_host_reveal_refused_while_a_winner_is_missing(client, admin_user):
    edition = EditionFactory(year=YEAR, phase=Phase.CEREMONY)
    ProjectFactory(category=CategoryFactory(edition=edition, number=1), status="champion")
    client.force_login(admin_user)

    response = reveal(client)

    assert response.status_code == 200
    assert text(find(page(response), class_="messages")[0]) == (
        "Every category needs its confirmed Winner first."
    )
    assert "No category has a confirmed Winner yet." in text(page(response))


def test_host_publishes_the_results_once(client, decided, admin_user):
    edition, projects = decided
    client.force_login(admin_user)

    response = publish(client)

    assert text(find(page(response), class_="messages")[0]) == (
        f"The results of WSIS Prizes {YEAR} are published."
    )
    edition.refresh_from_db()
    assert edition.results_published_at is not None
    assert projects[(2, "top")].title in client.get(RESULTS).content.decode()
    assert client.get(RESULTS_CSV).status_code == 200

    response = publish(client)

    assert text(find(page(response), class_="messages")[0]) == (
        "The results of this edition are already published."
    )


def test_host_publish_refused_while_a_winner_is_missing(client, admin_user):
    edition = EditionFactory(year=YEAR, phase=Phase.CEREMONY)
    ProjectFactory(
        category=CategoryFactory(edition=edition, number=1), status=ProjectStatus.CHAMPION
    )
    client.force_login(admin_user)

    response = publish(client)

    assert text(find(page(response), class_="messages")[0]) == (
        "Every category needs its confirmed Winner first."
    )
    edition.refresh_from_db()
    assert edition.results_published_at is None


# --- Query counts --------------------------------------------------------------------


@pytest.mark.parametrize("categories", [1, 3])
def test_results_page_query_count(client, admin_user, categories, django_assert_num_queries):
    edition, _ = decide(admin_user, categories)
    results_publish(edition=edition, by=admin_user)

    with django_assert_num_queries(RESULTS_QUERIES):
        response = client.get(RESULTS)

    assert len(find(page(response), "section", class_="results-category")) == categories


@pytest.mark.parametrize("categories", [1, 3])
def test_ceremony_page_query_count(client, admin_user, categories, django_assert_num_queries):
    edition, _ = decide(admin_user, categories)
    for _ in range(categories):
        ceremony_reveal_next(edition=edition, by=admin_user)

    with django_assert_num_queries(CEREMONY_QUERIES):
        response = client.get(CEREMONY)

    assert len(find(page(response), "li", class_="ceremony__item")) == categories


# --- In a real browser ---------------------------------------------------------------


def _in_another_thread(work) -> None:
    """Playwright runs an event loop in the test's thread, where Django refuses
    database access: the host's reveal happens in a thread of its own."""

    def run():
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ceremony_page_follows_the_reveal_without_reload(live_server):
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed"
    )
    host = UserFactory(email_confirmed=True, is_staff=True, mfa=True, roles=["Secretariat"])
    edition, _ = decide(host)

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            browser_page = browser.new_page()
            browser_page.set_default_timeout(5000)
            browser_page.goto(f"{live_server.url}{CEREMONY}")
            browser_page.evaluate("window.loadedOnce = true")
            before = browser_page.locator("main").inner_text()

            _in_another_thread(lambda: ceremony_reveal_next(edition=edition, by=host))
            browser_page.locator(".ceremony__winner", has_text="Project second 1").wait_for()
            announced = browser_page.locator("[aria-live=polite]").inner_text()
            after = browser_page.locator("main").inner_text()
            reloaded = not browser_page.evaluate("window.loadedOnce === true")
        finally:
            browser.close()

    assert "No category has been revealed yet." in before
    assert "2 categories still to reveal" in before
    assert not reloaded
    assert announced == (
        "Just revealed: category 1, Theme 1. The Winner is Project second 1, Organisation second 1."
    )
    assert "1 category still to reveal" in after
    assert "Project top 2" not in after


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ceremony_reveal_reaches_two_browsers_at_once(live_server):
    """Two audiences (separate browser contexts: separate cookies and caches) both
    follow a reveal within a couple of seconds, and neither ever holds the next one."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed"
    )
    host = UserFactory(email_confirmed=True, is_staff=True, mfa=True, roles=["Secretariat"])
    edition, _ = decide(host)

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            audiences = [browser.new_context().new_page() for _ in range(2)]
            for audience in audiences:
                audience.set_default_timeout(3000)
                audience.goto(f"{live_server.url}{CEREMONY}")

            _in_another_thread(lambda: ceremony_reveal_next(edition=edition, by=host))
            for audience in audiences:
                audience.locator(".ceremony__winner", has_text="Project second 1").wait_for()
            seen = [audience.content() for audience in audiences]
        finally:
            browser.close()

    for html in seen:
        assert "Project second 1" in html
        assert "Project top 2" not in html


def test_ceremony_page_is_bare_for_a_projector(client, admin_user):
    decide(admin_user, 1)

    html = client.get(CEREMONY).content.decode()

    assert 'class="site-header"' not in html
    assert 'class="site-footer"' not in html
    assert "ceremony" in html
