"""The ceremony's feed: what the audience page's script follows. One answer per edition,
shared by every viewer and kept a second, that no throttle refuses to a room behind one
address, and that holds nothing of a category not revealed yet."""

import re
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.models import Project, ProjectStatus
from awards.phases import Phase
from awards.selectors import CEREMONY_FEED_SECONDS
from awards.services import ceremony_reveal_next
from tests.factories import CategoryFactory, EditionFactory, UserFactory
from tests.frontend.browser import CHROMIUM, CHROMIUM_ARGS
from tests.frontend.html import find, page, text
from tests.frontend.test_results_pages import (
    YEAR,
    _in_another_thread,
    decide,
    outcome_absent,
    winner_of,
)

pytestmark = pytest.mark.django_db

FEED = reverse("frontend:ceremony-feed", args=[YEAR])
CEREMONY = reverse("frontend:ceremony", args=[YEAR])
HOST = reverse("frontend:ceremony-host", args=[YEAR])
API = f"/api/v1/editions/{YEAR}/ceremony/"
VIEWERS = 500
ROOM = "203.0.113.7"  # one address: a venue, a company or a campus behind one NAT


@pytest.fixture
def decided(admin_user):
    return decide(admin_user)


def winners(answer) -> list[str]:
    return [category["winner"]["title"] for category in answer.json()["revealed"]]


# --- What it holds -------------------------------------------------------------------


def test_feed_before_any_reveal_holds_no_winner(client, decided):
    _, projects = decided

    response = client.get(FEED)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"revealed": [], "remaining": 2}
    outcome_absent(response.content.decode(), projects)


def test_feed_shows_a_reveal_at_once_and_nothing_further(
    client, decided, admin_user, django_capture_on_commit_callbacks
):
    edition, projects = decided
    assert winners(client.get(FEED)) == []  # the answer is now kept

    with django_capture_on_commit_callbacks(execute=True):
        ceremony_reveal_next(edition=edition, by=admin_user)
    response = client.get(FEED)

    body = response.json()
    assert [(c["number"], c["title"]) for c in body["revealed"]] == [(1, "Theme 1")]
    assert body["revealed"][0]["winner"] == {
        "id": winner_of(projects, 1).pk,
        "title": "Project second 1",
        "organisation_name": "Organisation second 1",
    }
    assert body["remaining"] == 1
    unrevealed = {key: p for key, p in projects.items() if p != winner_of(projects, 1)}
    outcome_absent(response.content.decode(), unrevealed)
    # The same as the public endpoint tells.
    api = client.get(API).json()
    assert [c["winner"] for c in api["revealed"]] == [c["winner"] for c in body["revealed"]]
    assert api["remaining"] == body["remaining"]


def test_feed_names_the_categories_in_the_pages_language(
    client, decided, admin_user, django_capture_on_commit_callbacks
):
    edition, _ = decided
    edition.categories.filter(number=1).update(title="E-health")
    with django_capture_on_commit_callbacks(execute=True):
        ceremony_reveal_next(edition=edition, by=admin_user)

    english = client.get(FEED).json()
    french = client.get("/fr" + FEED).json()
    arabic = client.get("/ar" + FEED).json()

    assert [c["title"] for c in english["revealed"]] == ["E-health"]
    assert [c["title"] for c in french["revealed"]] == ["Cybersanté"]
    assert [c["title"] for c in arabic["revealed"]] == ["الصحة الإلكترونية"]
    assert french["revealed"][0]["winner"] == english["revealed"][0]["winner"]


@pytest.mark.parametrize("who", ["anonymous", "voter", "secretariat"])
def test_feed_tells_everyone_the_same_public_answer(client, decided, who):
    _, projects = decided
    if who == "voter":
        client.force_login(UserFactory(email_confirmed=True))
    elif who == "secretariat":
        client.force_login(
            UserFactory(email_confirmed=True, is_staff=True, mfa=True, roles=["Secretariat"])
        )

    response = client.get(FEED)

    # The secretariat knows the Winners, but the feed is the audience's: none in it.
    assert response.json() == {"revealed": [], "remaining": 2}
    outcome_absent(response.content.decode(), projects)
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies


def test_feed_is_cacheable_for_a_second_and_revalidates_by_etag(client, decided):
    first = client.get(FEED)

    assert set(first["Cache-Control"].split(", ")) == {"public", f"max-age={CEREMONY_FEED_SECONDS}"}
    etag = first["ETag"]
    again = client.get(FEED, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert client.get(FEED, headers={"If-None-Match": '"another"'}).status_code == 200


def test_feed_etag_changes_with_a_reveal(
    client, decided, admin_user, django_capture_on_commit_callbacks
):
    edition, _ = decided
    etag = client.get(FEED)["ETag"]

    with django_capture_on_commit_callbacks(execute=True):
        ceremony_reveal_next(edition=edition, by=admin_user)
    response = client.get(FEED, headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert winners(response) == ["Project second 1"]


def test_feed_of_an_unknown_edition_is_a_clear_404(client):
    response = client.get(FEED)

    assert response.status_code == 404
    assert response.json() == {
        "detail": f"There is no WSIS Prizes edition for {YEAR}.",
        "code": "not_found",
    }


def test_feed_refuses_a_write(client, decided):
    assert client.post(FEED).status_code == 405


# --- A room behind one address -----------------------------------------------------


def room_asks(client: Client, times: int = VIEWERS) -> list:
    return [client.get(FEED, REMOTE_ADDR=ROOM) for _ in range(times)]


def test_500_viewers_behind_one_address_all_see_a_reveal_at_once(
    decided, admin_user, django_capture_on_commit_callbacks
):
    edition, _ = decided
    client = Client()
    before = room_asks(client)

    with django_capture_on_commit_callbacks(execute=True):
        ceremony_reveal_next(edition=edition, by=admin_user)
    after = room_asks(client)

    assert {answer.status_code for answer in before + after} == {200}
    assert all(winners(answer) == [] for answer in before)
    assert all(winners(answer) == ["Project second 1"] for answer in after)
    # The API's own throttle is kept: the same room asking it is refused.
    api = [client.get(API, REMOTE_ADDR=ROOM).status_code for _ in range(VIEWERS)]
    assert 429 in api


def test_500_viewers_see_a_reveal_once_the_kept_answer_expires(decided, admin_user):
    """A reveal committed while a viewer was storing the old answer (its forgetting
    never runs here): the old answer lasts no longer than it is kept."""
    edition, _ = decided
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        started = time.monotonic()
        before = room_asks(client)
        took = time.monotonic() - started
    ceremony_reveal_next(edition=edition, by=admin_user)
    revealed_at = time.monotonic()

    early = room_asks(client, 20)
    time.sleep(max(0, revealed_at + CEREMONY_FEED_SECONDS + 0.05 - time.monotonic()))
    after = room_asks(client)

    assert {answer.status_code for answer in before + early + after} == {200}
    # Whatever a viewer got, never more than the reveal; once the time passes, all of it.
    assert all(winners(answer) in ([], ["Project second 1"]) for answer in early)
    assert all(winners(answer) == ["Project second 1"] for answer in after)
    # The database answers once per kept answer, not once per viewer: 3 queries each.
    assert len(queries) <= 3 * (int(took / CEREMONY_FEED_SECONDS) + 1)


# --- One state at a time -------------------------------------------------------------


def voting_edition():
    edition = EditionFactory(year=YEAR, phase=Phase.VOTING)
    CategoryFactory(edition=edition, number=1)
    return edition


def test_ceremony_page_during_voting_says_it_has_not_started(client):
    voting_edition()

    words = text(page(client.get(CEREMONY)))
    feed = client.get(FEED).json()

    assert "The ceremony has not started yet." in words
    assert "Every category is revealed" not in words
    assert feed == {"revealed": [], "remaining": 0}


def test_ceremony_page_during_voting_hides_the_empty_line(client):
    voting_edition()

    root = page(client.get(CEREMONY))

    [empty] = find(root, "p", class_="ceremony__empty")
    assert "hidden" in dict(empty.attributes)


def test_ceremony_page_before_the_first_reveal_says_so_once(client, decided):
    root = page(client.get(CEREMONY))

    [empty] = find(root, "p", class_="ceremony__empty")
    assert "hidden" not in dict(empty.attributes)
    assert text(find(root, "p", class_="ceremony__remaining")[0]) == "2 categories still to reveal"
    assert "Every category is revealed" not in text(root)
    assert "has not started" not in text(root)


def test_host_page_during_voting_says_the_ceremony_has_not_started(client, admin_user):
    voting_edition()
    client.force_login(admin_user)

    words = text(page(client.get(HOST)))

    assert "The ceremony has not started yet: no category has its Champions yet." in words
    assert "Every category is revealed" not in words


def test_host_page_after_every_reveal_says_so(client, decided, admin_user):
    edition, _ = decided
    ceremony_reveal_next(edition=edition, by=admin_user)
    ceremony_reveal_next(edition=edition, by=admin_user)
    client.force_login(admin_user)

    words = text(page(client.get(HOST)))

    assert "Every category is revealed." in words
    assert "still to reveal" not in words


def test_host_page_does_not_say_every_category_is_revealed_while_one_awaits_its_winner(
    client, decided, admin_user
):
    edition, projects = decided
    ceremony_reveal_next(edition=edition, by=admin_user)
    # Category 2 loses its confirmed Winner (made again by the jury, say).
    winner = winner_of(projects, 2)
    Project.objects.filter(pk=winner.pk).update(status=ProjectStatus.CHAMPION)
    client.force_login(admin_user)

    words = text(page(client.get(HOST)))

    assert "Every category is revealed." not in words
    assert (
        "Every category with a confirmed Winner is revealed; "
        "1 category still needs its Winner confirmed."
    ) in words


# --- In a real browser ---------------------------------------------------------------


def _session_cookie(user) -> dict:
    """A signed-in session of ``user`` for the browser (made in a thread of its own:
    Django refuses database access in Playwright's)."""
    made = {}

    def sign_in():
        client = Client()
        client.force_login(user)
        made["cookie"] = client.cookies[settings.SESSION_COOKIE_NAME].value

    _in_another_thread(sign_in)
    return made["cookie"]


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.slow
def test_host_reveal_reaches_an_open_audience_page_after_the_feed_failed(live_server):
    """The host presses "Reveal" on the host page; the audience page, whose feed failed
    for a while, kept what it showed without a word, then shows and announces the reveal."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed"
    )
    host = UserFactory(email_confirmed=True, is_staff=True, mfa=True, roles=["Secretariat"])
    decide(host)
    cookie = _session_cookie(host)
    failed = []

    def fail(route):
        failed.append(route.request.url)
        route.fulfill(status=503, body="")

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            audience = browser.new_context().new_page()
            audience.set_default_timeout(15000)
            audience.route("**/ceremony.json", fail)
            audience.goto(f"{live_server.url}{CEREMONY}")
            audience.evaluate("window.loadedOnce = true")
            before = audience.locator("main").inner_text()
            while len(failed) < 2:
                audience.wait_for_timeout(250)
            during = audience.locator("main").inner_text()
            announced_during = audience.locator("[aria-live=polite]").inner_text()

            hosting = browser.new_context()
            hosting.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
            )
            host_page = hosting.new_page()
            host_page.goto(f"{live_server.url}{HOST}")
            host_page.get_by_role("button", name="Reveal the next category").click()
            # The confirmation names the category it reveals.
            host_page.get_by_role("button", name=re.compile(r"^Reveal 1\. ")).click()
            host_page.locator(".messages", has_text="The Winner is").wait_for()
            audience.unroute("**/ceremony.json")

            audience.locator(".ceremony__winner", has_text="Project second 1").wait_for()
            announced = audience.locator("[aria-live=polite]").inner_text()
            after = audience.locator("main").inner_text()
            reloaded = not audience.evaluate("window.loadedOnce === true")
        finally:
            browser.close()

    assert "No category has been revealed yet." in before
    assert during == before
    assert announced_during == ""
    assert not reloaded
    assert announced == (
        "Just revealed: category 1, Theme 1. The Winner is Project second 1, Organisation second 1."
    )
    assert "1 category still to reveal" in after
    assert "No category has been revealed yet." not in after
    assert "Project top 2" not in after
