"""The ceremony host's irreversible steps: each asks first, naming what it will do;
publishing mid-ceremony asks for an explicit extra confirmation; publication can be
scheduled, and the scheduled task publishes once."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from awards.models import AuditAction, AuditEntry, Edition
from awards.services import ceremony_reveal_next
from awards.tasks import results_publish_when_due
from tests.factories import UserFactory
from tests.frontend.browser import CHROMIUM, CHROMIUM_ARGS
from tests.frontend.html import find, h1, page, text
from tests.frontend.test_results_pages import HOST, YEAR, decide, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def host(client, admin_user):
    client.force_login(admin_user)
    return client


def messages_shown(response) -> list[str]:
    return [text(item) for item in find(page(response), "li", class_="message")]


def test_reveal_asks_first_naming_the_category_and_its_winner(host, admin_user):
    edition, _ = decide(admin_user)

    response = host.post(HOST, {"action": "reveal"})

    assert response.status_code == 200
    assert h1(response) == f"Reveal the next category WSIS Prizes {YEAR}"
    [step] = find(page(response), "div", class_="confirm-step")
    assert "shows the audience the Winner of 1. Theme 1" in text(step)
    assert "“Project second 1” (Organisation second 1)" in text(step)
    [button] = find(page(response), "button", class_="confirm-button")
    assert text(button) == "Reveal 1. Theme 1"
    assert not edition.categories.filter(revealed_at__isnull=False).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.CATEGORY_REVEALED).exists()


def test_a_confirmed_reveal_is_audited(host, admin_user):
    edition, _ = decide(admin_user)
    first = edition.categories.get(number=1)

    response = host.post(
        HOST, {"action": "reveal", "confirmed": "yes", "category": first.pk}, follow=True
    )

    assert messages_shown(response)[0].startswith("Category 1. Theme 1: revealed.")
    [entry] = AuditEntry.objects.filter(action=AuditAction.CATEGORY_REVEALED)
    assert entry.actor == admin_user
    assert entry.details["category"] == 1
    assert entry.details["project_title"] == "Project second 1"


def test_a_stale_reveal_confirmation_reveals_nothing_more(host, admin_user):
    edition, _ = decide(admin_user)
    first = edition.categories.get(number=1)
    ceremony_reveal_next(edition=edition, by=admin_user)  # another host was quicker

    response = host.post(
        HOST, {"action": "reveal", "confirmed": "yes", "category": first.pk}, follow=True
    )

    assert messages_shown(response) == [
        "This category is no longer the next to reveal: someone revealed it meanwhile."
        " Check the page again."
    ]
    assert edition.categories.filter(revealed_at__isnull=False).count() == 1


def test_publish_asks_first_and_lists_the_unrevealed_categories(host, admin_user):
    edition, _ = decide(admin_user)

    response = host.post(HOST, {"action": "publish"})

    assert h1(response) == f"Publish the results WSIS Prizes {YEAR}"
    [step] = find(page(response), "div", class_="confirm-step")
    assert "2 categories are not revealed yet:" in text(step)
    assert [text(li) for li in find(step, "li")] == ["1. Theme 1", "2. Theme 2"]
    # No reveal yet: the ceremony is skipped, no box to tick.
    assert not find(page(response), "input", type="checkbox", name="unrevealed_confirmed")
    edition.refresh_from_db()
    assert edition.results_published_at is None


def test_publishing_mid_ceremony_needs_the_box_ticked(host, admin_user):
    edition, _ = decide(admin_user)
    ceremony_reveal_next(edition=edition, by=admin_user)

    response = host.post(HOST, {"action": "publish"})
    [box] = find(page(response), "label", for_="id_unrevealed_confirmed")
    assert text(box) == "Publish although 1 category is not revealed"
    assert [
        text(li)
        for li in find(page(response), "ul", class_="unrevealed-list")[0].children
        if not isinstance(li, str)
    ] == ["2. Theme 2"]

    response = publish(host)

    assert response.status_code == 400
    [error] = find(page(response), "ul", id="id_unrevealed_confirmed_error")
    assert "Tick the box to publish although 1 categories are not revealed" in text(error)
    edition.refresh_from_db()
    assert edition.results_published_at is None

    response = publish(host, unrevealed_confirmed="on")

    assert messages_shown(response) == [f"The results of WSIS Prizes {YEAR} are published."]
    edition.refresh_from_db()
    assert edition.results_published_at is not None
    entry = AuditEntry.objects.get(action=AuditAction.RESULTS_PUBLISHED)
    assert entry.details["unrevealed"] == [2]
    assert entry.details["scheduled"] is False


def test_scheduling_says_it_publishes_regardless_and_the_task_publishes_once(host, admin_user):
    edition, _ = decide(admin_user)
    when = timezone.localtime() + timedelta(hours=2)

    response = host.post(
        HOST, {"action": "schedule", "when": when.strftime("%Y-%m-%dT%H:%M")}, follow=True
    )

    assert messages_shown(response)[0].startswith(
        f"The results of WSIS Prizes {YEAR} will be published on"
    )
    [notice] = find(page(response), "p", class_="ceremony-host__scheduled")
    assert "whether or not the ceremony has revealed every category by then" in text(notice)
    scheduled = AuditEntry.objects.get(action=AuditAction.PUBLICATION_SCHEDULED)
    assert scheduled.details["changes"]["results_scheduled_at"][0] is None

    assert results_publish_when_due.delay().get() == []  # not due yet
    Edition.objects.filter(pk=edition.pk).update(
        results_scheduled_at=timezone.now() - timedelta(minutes=1)
    )
    ceremony_reveal_next(edition=edition, by=admin_user)  # one revealed, one not

    assert results_publish_when_due.delay().get() == [YEAR]
    assert results_publish_when_due.delay().get() == []

    edition.refresh_from_db()
    assert edition.results_published_at is not None
    assert edition.results_scheduled_at is None
    [entry] = AuditEntry.objects.filter(action=AuditAction.RESULTS_PUBLISHED)
    assert entry.actor is None
    assert entry.details["scheduled"] is True
    assert entry.details["unrevealed"] == [2]


def test_a_scheduled_publication_can_be_cancelled(host, admin_user):
    edition, _ = decide(admin_user)
    when = timezone.localtime() + timedelta(days=1)
    host.post(HOST, {"action": "schedule", "when": when.strftime("%Y-%m-%dT%H:%M")}, follow=True)

    response = host.post(HOST, {"action": "unschedule"}, follow=True)

    assert messages_shown(response) == ["The scheduled publication is cancelled."]
    edition.refresh_from_db()
    assert edition.results_scheduled_at is None
    assert AuditEntry.objects.filter(action=AuditAction.PUBLICATION_UNSCHEDULED).count() == 1
    response = host.post(HOST, {"action": "unschedule"}, follow=True)
    assert messages_shown(response) == ["No publication is scheduled."]


@pytest.mark.parametrize("when", ["", "tomorrow", "2001-01-01T10:00"])
def test_a_bad_schedule_is_an_error_on_its_field(host, admin_user, when):
    edition, _ = decide(admin_user)

    response = host.post(HOST, {"action": "schedule", "when": when})

    assert response.status_code == 400
    [error] = find(page(response), "ul", id="id_when_error")
    assert text(error) == "Error: Choose a date and time in the future."
    edition.refresh_from_db()
    assert edition.results_scheduled_at is None


@pytest.mark.parametrize("action", ["reveal", "publish", "schedule", "unschedule"])
@pytest.mark.parametrize("who", ["anonymous", "plain", "juror"])
def test_host_steps_refuse_anyone_but_the_secretariat(client, admin_user, who, action):
    edition, _ = decide(admin_user)
    if who == "plain":
        client.force_login(UserFactory(email_confirmed=True, mfa=True))
    elif who == "juror":
        client.force_login(UserFactory(email_confirmed=True, mfa=True, roles=["Jury"]))

    response = client.post(HOST, {"action": action, "confirmed": "yes", "when": "2099-01-01T10:00"})

    assert response.status_code in (302, 403)
    if who != "anonymous":
        assert response.status_code == 403
    edition.refresh_from_db()
    assert edition.results_published_at is None
    assert edition.results_scheduled_at is None
    assert not edition.categories.filter(revealed_at__isnull=False).exists()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_host_confirms_a_reveal_in_chromium(live_server):
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed"
    )
    host = UserFactory(email_confirmed=True, is_staff=True, mfa=True, roles=["Secretariat"])
    edition, _ = decide(host)
    client = Client()
    client.force_login(host)
    session = client.cookies["sessionid"].value

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(base_url=live_server.url)
            context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
            tab = context.new_page()
            tab.set_default_timeout(10_000)
            tab.goto(HOST)
            tab.get_by_role("button", name="Reveal the next category").click()
            asked = tab.locator(".confirm-step").inner_text()
            tab.get_by_role("button", name="Reveal 1. Theme 1").click()
            tab.locator(".messages").wait_for()
            told = tab.locator(".messages").inner_text()
        finally:
            browser.close()

    assert "Winner of 1. Theme 1" in asked
    assert "Project second 1" in asked
    assert "revealed. The Winner is “Project second 1”" in told
    assert list(
        edition.categories.filter(revealed_at__isnull=False).values_list("number", flat=True)
    ) == [1]
