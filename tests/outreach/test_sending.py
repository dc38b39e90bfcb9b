"""Writing to a segment: a draft, its sending through the outbox, each recipient once,
in their language, kept with the message and recorded in the audit trail."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import OutboxEmail
from accounts.services import account_delete, email_outbox_prune
from awards.models import AuditAction, AuditEntry, ProjectStatus
from config.errors import DomainError, NotAllowed
from outreach.models import Message, MessageRecipient, MessageStatus, Segment, SkipReason
from outreach.selectors import message_get
from outreach.services import (
    CategoryRequired,
    MessageAlreadySent,
    MessageIncomplete,
    NoRecipients,
    RecipientsChanged,
    WinnersUnderEmbargo,
    message_deliver,
    message_draft_create,
    message_draft_update,
    message_send,
    messages_resume,
)
from outreach.tasks import message_deliver as message_deliver_task
from tests.outreach.conftest import juror, person, project

pytestmark = pytest.mark.django_db


def draft(edition, by, segment=Segment.NOMINEES, **fields) -> Message:
    fields.setdefault("subject", "Your visit to Geneva")
    fields.setdefault("body", "The Forum opens on 7 July.\n\nBring your badge.")
    return message_draft_create(edition=edition, by=by, segment=segment, **fields)


def progress(edition, message) -> dict[str, int]:
    message = message_get(edition=edition, pk=message.pk)
    return {
        state: getattr(message, f"recipients_{state}")
        for state in ("total", "waiting", "queued", "sent", "failed", "skipped")
    }


def test_only_the_secretariat_writes_messages(edition, category):
    with pytest.raises(NotAllowed):
        draft(edition, person())
    with pytest.raises(NotAllowed):
        draft(edition, juror(category))
    assert not Message.objects.exists()


def test_a_draft_needs_a_subject_a_text_and_for_jurors_a_category(edition, admin_user):
    with pytest.raises(MessageIncomplete) as refusal:
        draft(edition, admin_user, subject="  ", body="\n")
    assert refusal.value.code == "message_incomplete"
    assert set(refusal.value.errors) == {"subject", "body"}
    with pytest.raises(CategoryRequired):
        draft(edition, admin_user, segment=Segment.CATEGORY_JURORS)
    with pytest.raises(DomainError) as refusal:
        draft(edition, admin_user, segment="everyone")
    assert refusal.value.errors == {"segment": ["Choose whom the message is for."]}


def test_the_winners_are_written_to_only_once_the_results_are_public(edition, category, admin_user):
    project(category, ProjectStatus.WINNER)
    with pytest.raises(WinnersUnderEmbargo) as refusal:
        draft(edition, admin_user, segment=Segment.WINNERS)
    assert refusal.value.errors == {"segment": [refusal.value.detail]}

    edition.results_published_at = timezone.now()
    edition.save(update_fields=["results_published_at"])
    message = draft(edition, admin_user, segment=Segment.WINNERS)

    assert message.segment == Segment.WINNERS


def test_sending_writes_once_to_each_recipient_in_their_language_through_the_outbox(
    edition, category, admin_user, django_capture_on_commit_callbacks
):
    project(category, submitted_by=person(email="ada@people.test", name="Ada", language="fr"))
    project(category, submitted_by=person(email="bo@people.test", name="Bo"))
    project(category, submitted_by=person(email="cy@people.test", email_confirmed=False))
    message = draft(edition, admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        message_send(message=message, by=admin_user, expected=2)

    assert sorted(email.to[0] for email in mail.outbox) == ["ada@people.test", "bo@people.test"]
    [french] = [email for email in mail.outbox if email.to == ["ada@people.test"]]
    assert french.subject == "[Prix du SMSI] Your visit to Geneva"
    assert french.body.startswith("Bonjour Ada,\n\nThe Forum opens on 7 July.\n\nBring your badge.")
    assert "Les Prix du SMSI sont organisés" in french.body
    [english] = [email for email in mail.outbox if email.to == ["bo@people.test"]]
    assert english.body.startswith("Dear Bo,\n\nThe Forum opens on 7 July.")
    assert f"your project is a nominee of {edition.title}" in english.body
    assert "<p>Dear Bo,</p>" in english.alternatives[0][0]

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    recipients = {r.email: r for r in MessageRecipient.objects.filter(message=message)}
    assert set(recipients) == {"ada@people.test", "bo@people.test", "cy@people.test"}
    assert recipients["cy@people.test"].skipped == SkipReason.ADDRESS_UNCONFIRMED
    assert recipients["ada@people.test"].outbox.sent_at is not None
    assert progress(edition, message) == {
        "total": 3,
        "waiting": 0,
        "queued": 0,
        "sent": 2,
        "failed": 0,
        "skipped": 1,
    }


def test_sending_is_recorded_in_the_audit_trail(edition, category, admin_user):
    project(category, submitted_by=person())
    message = draft(
        edition, admin_user, segment=Segment.CATEGORY_JURORS, category=category, subject="Scores"
    )
    juror(category)
    juror(category, email_confirmed=False)

    message_send(message=message, by=admin_user)

    [entry] = AuditEntry.objects.filter(action=AuditAction.MESSAGE_SENT)
    assert (entry.edition, entry.actor) == (edition, admin_user)
    assert entry.details == {
        "message": message.pk,
        "segment": "category_jurors",
        "subject": "Scores",
        "recipients": 1,
        "skipped": 1,
        "category": 1,
    }


def test_running_the_delivery_again_sends_nothing_twice(
    edition, category, admin_user, django_capture_on_commit_callbacks
):
    for _ in range(3):
        project(category)
    message = draft(edition, admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        message_send(message=message, by=admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        assert message_deliver_task(message_id=message.pk) == 0
        assert messages_resume() == 0

    assert len(mail.outbox) == 3
    assert OutboxEmail.objects.count() == 3
    with pytest.raises(MessageAlreadySent):
        message_send(message=message, by=admin_user)
    with pytest.raises(MessageAlreadySent):
        message_draft_update(
            message=message, by=admin_user, segment=Segment.JURORS, subject="x", body="y"
        )


def test_a_message_whose_task_was_lost_is_finished_by_the_periodic_resume(
    edition, category, admin_user, django_capture_on_commit_callbacks
):
    project(category)
    project(category)
    message = draft(edition, admin_user)
    message_send(message=message, by=admin_user)  # its task never ran: no commit here
    assert progress(edition, message)["waiting"] == 2

    with django_capture_on_commit_callbacks(execute=True):
        assert messages_resume() == 2

    assert len(mail.outbox) == 2
    assert progress(edition, message)["sent"] == 2
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT


def test_sending_to_another_count_than_the_one_confirmed_is_refused(edition, category, admin_user):
    project(category)
    message = draft(edition, admin_user)
    project(category)

    with pytest.raises(RecipientsChanged):
        message_send(message=message, by=admin_user, expected=1)

    assert Message.objects.get(pk=message.pk).status == MessageStatus.DRAFT
    assert not MessageRecipient.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.MESSAGE_SENT).exists()


def test_a_segment_no_one_can_be_written_to_is_refused(edition, category, admin_user):
    project(category, submitted_by=person(email_confirmed=False))
    message = draft(edition, admin_user)

    with pytest.raises(NoRecipients):
        message_send(message=message, by=admin_user)


def test_an_account_deleted_before_its_turn_is_skipped_and_forgotten(
    edition, category, admin_user, django_capture_on_commit_callbacks
):
    leaving = person(email="leaving@people.test")
    project(category, submitted_by=leaving)
    project(category, submitted_by=person(email="staying@people.test"))
    message = draft(edition, admin_user)
    message_send(message=message, by=admin_user)

    account_delete(user=leaving)
    with django_capture_on_commit_callbacks(execute=True):
        message_deliver(message_id=message.pk)

    assert [email.to for email in mail.outbox] == [["staying@people.test"]]
    skipped = MessageRecipient.objects.get(message=message, skipped=SkipReason.ACCOUNT_DELETED)
    assert (skipped.user, skipped.email, skipped.name) == (None, "", "")
    assert progress(edition, message)["skipped"] == 1


def test_progress_reads_failures_and_pruned_rows_from_the_outbox(
    edition, category, admin_user, django_capture_on_commit_callbacks
):
    for _ in range(3):
        project(category)
    message = draft(edition, admin_user)
    message_send(message=message, by=admin_user)
    message_deliver(message_id=message.pk)  # in the outbox; the relay has not run
    assert progress(edition, message)["queued"] == 3

    first, second, _third = MessageRecipient.objects.filter(message=message).order_by("pk")
    OutboxEmail.objects.filter(pk=first.outbox_id).update(last_error="SMTPServerDisconnected")
    OutboxEmail.objects.filter(pk=second.outbox_id).update(
        sent_at=timezone.now() - timedelta(days=8)
    )
    email_outbox_prune()

    assert progress(edition, message) == {
        "total": 3,
        "waiting": 0,
        "queued": 1,
        "sent": 1,
        "failed": 1,
        "skipped": 0,
    }
