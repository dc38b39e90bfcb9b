"""The secretariat's messages: the list with each message's progress, writing a draft,
the preview that names the recipient count and asks to confirm, and each sent message
with its recipients."""

import pytest
from django.core import mail
from django.urls import reverse

from awards.models import AuditAction, AuditEntry, ProjectStatus
from awards.phases import Phase
from outreach.models import Message, MessageStatus, Segment
from outreach.services import message_draft_create, message_send
from tests.factories import CategoryFactory, EditionFactory
from tests.frontend.html import error_summary, find, h1, page, text
from tests.frontend.roles import WHO_IS_REFUSED, assert_secretariat_refusal, sign_in
from tests.outreach.conftest import juror, person, project

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return EditionFactory(year=2036, phase=Phase.JURY)


@pytest.fixture
def category(edition):
    return CategoryFactory(edition=edition, number=1, title="Public governance")


@pytest.fixture
def secretariat(client, admin_user):
    client.force_login(admin_user)
    return client


def draft(edition, by, **fields) -> Message:
    fields.setdefault("segment", Segment.NOMINEES)
    fields.setdefault("subject", "Your visit to Geneva")
    fields.setdefault("body", "The Forum opens on 7 July.")
    return message_draft_create(edition=edition, by=by, **fields)


def urls(edition, message) -> dict[str, str]:
    return {
        "list": reverse("frontend:messages", args=[edition.year]),
        "new": reverse("frontend:message-new", args=[edition.year]),
        "detail": reverse("frontend:message", args=[edition.year, message.pk]),
        "edit": reverse("frontend:message-edit", args=[edition.year, message.pk]),
        "send": reverse("frontend:message-send", args=[edition.year, message.pk]),
    }


def cells(row) -> list[str]:
    return [text(cell) for cell in row.children if not isinstance(cell, str)]


def shown_messages(response) -> list[str]:
    return [text(item) for item in find(page(response), "li", class_="message")]


@pytest.mark.parametrize("who", WHO_IS_REFUSED)
@pytest.mark.parametrize("which", ["list", "new", "detail", "edit", "send"])
def test_message_pages_refuse_anyone_but_the_secretariat(
    client, edition, category, admin_user, who, which
):
    project(category)
    message = draft(edition, admin_user)
    url = urls(edition, message)[which]
    sign_in(client, who)

    response = client.post(url, {"recipients": 1}) if which == "send" else client.get(url)

    assert_secretariat_refusal(response, who, url)
    assert Message.objects.get().status == MessageStatus.DRAFT
    assert mail.outbox == []


def test_the_dashboard_links_to_the_messages(secretariat, edition):
    response = secretariat.get(reverse("frontend:secretariat"))

    links = [a for a in find(page(response), "a") if text(a) == "Messages"]
    assert [dict(a.attributes)["href"] for a in links] == [
        reverse("frontend:messages", args=[edition.year])
    ]


def test_an_unknown_edition_or_message_is_not_found(secretariat, edition, admin_user):
    assert secretariat.get(reverse("frontend:messages", args=[1999])).status_code == 404
    other = draft(EditionFactory(year=2038), admin_user, segment=Segment.JURORS)
    assert secretariat.get(urls(edition, other)["detail"]).status_code == 404


def test_writing_a_message_leads_to_its_preview_which_sends_nothing(secretariat, edition, category):
    project(category, submitted_by=person(email="ada@people.test", name="Ada", language="fr"))
    project(category, submitted_by=person(email="bo@people.test", name="Bo"))
    project(category, submitted_by=person(email="cy@people.test", email_confirmed=False))

    response = secretariat.post(
        reverse("frontend:message-new", args=[edition.year]),
        {"segment": "nominees", "subject": "Geneva", "body": "The Forum opens on 7 July."},
        follow=True,
    )

    message = Message.objects.get()
    assert response.redirect_chain == [(urls(edition, message)["detail"], 302)]
    assert h1(response) == f"Geneva {edition.title}"
    content = page(response)
    assert text(find(content, class_="recipient-count")[0]) == (
        "It goes to 2 people. 1 is skipped: a deleted or deactivated account, or an address "
        "not confirmed."
    )
    # The first recipient, as they will read it: in French.
    preview = text(find(content, class_="message-preview")[0])
    assert preview.startswith("Subject: [Prix du SMSI] Geneva Bonjour Ada, The Forum opens")
    [confirm] = find(content, "form", class_="confirm-send")
    assert "Send to 2 people" in text(confirm)
    assert "It cannot be undone." in text(confirm)
    assert message.status == MessageStatus.DRAFT
    assert mail.outbox == []


def test_a_bad_draft_is_shown_again_with_what_to_correct(secretariat, edition):
    response = secretariat.post(
        reverse("frontend:message-new", args=[edition.year]),
        {"segment": "category_jurors", "subject": "Scores", "body": "Please score."},
    )

    assert response.status_code == 400
    assert "Choose the category whose jurors the message is for." in error_summary(response)
    assert not Message.objects.exists()


def test_the_winners_are_refused_while_the_results_are_under_embargo(
    secretariat, edition, category
):
    project(category, ProjectStatus.WINNER)

    response = secretariat.post(
        reverse("frontend:message-new", args=[edition.year]),
        {"segment": "winners", "subject": "Well done", "body": "You won."},
    )

    assert response.status_code == 400
    assert "The Winners can be written to once the results are published" in error_summary(response)
    assert not Message.objects.exists()


def test_a_draft_can_be_changed_before_it_is_sent(secretariat, edition, category, admin_user):
    juror(category, email="j@jury.test")
    message = draft(edition, admin_user)
    edit = urls(edition, message)["edit"]

    assert secretariat.get(edit).status_code == 200
    response = secretariat.post(
        edit,
        {"segment": "category_jurors", "category": "1", "subject": "Scores", "body": "Score."},
    )

    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.segment, message.category, message.subject) == (
        "category_jurors",
        category,
        "Scores",
    )


def test_confirming_sends_through_the_outbox_and_shows_the_progress(
    secretariat, edition, category, admin_user, django_capture_on_commit_callbacks
):
    project(category, submitted_by=person(email="ada@people.test"), title="Schools online")
    project(category, submitted_by=person(email="cy@people.test", email_confirmed=False))
    message = draft(edition, admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat.post(urls(edition, message)["send"], {"recipients": 1})
    response = secretariat.get(response["Location"])

    assert shown_messages(response) == ["The message is being sent to 1 recipient."]
    assert [email.to for email in mail.outbox] == [["ada@people.test"]]
    content = page(response)
    progress = dict(
        cells(row) for row in find(find(content, "table", class_="message-progress")[0], "tr")
    )
    assert progress == {"Sent": "1", "Queued": "0", "Failed, tried again": "0", "Skipped": "1"}
    rows = [cells(row) for row in find(content, "tr", class_="message-recipient")]
    assert rows == [
        ["ada@people.test", rows[0][1], "Schools online", "Sent"],
        ["cy@people.test", rows[1][1], rows[1][2], "Skipped: The e-mail address is not confirmed"],
    ]
    assert AuditEntry.objects.filter(action=AuditAction.MESSAGE_SENT).count() == 1
    assert find(content, "form", class_="confirm-send") == []


def test_confirming_twice_sends_once(
    secretariat, edition, category, admin_user, django_capture_on_commit_callbacks
):
    project(category)
    message = draft(edition, admin_user)
    send = urls(edition, message)["send"]

    with django_capture_on_commit_callbacks(execute=True):
        secretariat.post(send, {"recipients": 1}, follow=True)
        response = secretariat.post(send, {"recipients": 1}, follow=True)

    assert shown_messages(response) == ["This message has been sent already."]
    assert len(mail.outbox) == 1
    assert AuditEntry.objects.filter(action=AuditAction.MESSAGE_SENT).count() == 1


def test_confirming_a_count_that_has_changed_sends_nothing(
    secretariat, edition, category, admin_user
):
    project(category)
    message = draft(edition, admin_user)
    project(category)

    response = secretariat.post(urls(edition, message)["send"], {"recipients": 1}, follow=True)

    assert shown_messages(response) == [
        "The recipients have changed since this page was shown: check the count and the "
        "preview again before sending."
    ]
    assert "Send to 2 people" in text(page(response))
    assert mail.outbox == []
    assert Message.objects.get().status == MessageStatus.DRAFT


def test_a_sent_message_cannot_be_changed(secretariat, edition, category, admin_user):
    project(category)
    message = draft(edition, admin_user)
    message_send(message=message, by=admin_user)

    response = secretariat.post(
        urls(edition, message)["edit"], {"segment": "jurors", "subject": "x", "body": "y"}
    )

    assert response.status_code == 302
    assert Message.objects.get().subject == "Your visit to Geneva"


def test_the_detail_page_is_read_only_and_a_get_never_sends(
    secretariat, edition, category, admin_user
):
    project(category)
    message = draft(edition, admin_user)

    assert secretariat.post(urls(edition, message)["detail"]).status_code == 405
    assert secretariat.get(urls(edition, message)["send"]).status_code == 405
    assert Message.objects.get().status == MessageStatus.DRAFT


@pytest.mark.parametrize("count", [1, 6])
def test_the_list_shows_each_message_with_its_progress_in_a_fixed_number_of_queries(
    secretariat, edition, category, admin_user, django_assert_max_num_queries, count
):
    for number in range(count):
        project(category)
        message = draft(edition, admin_user, subject=f"Message {number}")
        if number % 2 == 0:
            message_send(message=message, by=admin_user)

    with django_assert_max_num_queries(12):
        response = secretariat.get(reverse("frontend:messages", args=[edition.year]))

    rows = find(page(response), "tr", class_="message-row")
    assert [cells(row)[0] for row in rows] == [
        f"Message {number}" for number in reversed(range(count))
    ]


@pytest.mark.parametrize("count", [1, 8])
def test_the_recipients_of_a_message_in_a_fixed_number_of_queries(
    secretariat, edition, category, admin_user, django_assert_max_num_queries, count
):
    for _ in range(count):
        project(category)
    message = draft(edition, admin_user)
    message_send(message=message, by=admin_user)

    with django_assert_max_num_queries(12):
        response = secretariat.get(urls(edition, message)["detail"])

    assert len(find(page(response), "tr", class_="message-recipient")) == count
