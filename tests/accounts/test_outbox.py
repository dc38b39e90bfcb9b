"""The e-mail outbox and its relay: written with what caused it, sent once, retried,
taken over from a relay that died, pruned."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.models import OutboxEmail
from accounts.services import (
    CLAIM_LEASE,
    email_deliver,
    email_outbox_prune,
    email_queue,
    email_relay,
)
from accounts.tasks import outbox_deliver, outbox_relay
from tests.accounts.conftest import AppClient

pytestmark = pytest.mark.django_db


def message(to: str = "ada@example.org") -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        "Your vote", "You voted.", "WSIS Prizes <prizes@example.org>", [to]
    )
    email.attach_alternative("<p>You voted.</p>", "text/html")
    return email


def pending() -> int:
    return OutboxEmail.objects.filter(sent_at__isnull=True).count()


def test_a_queued_email_is_in_the_outbox_before_anything_is_sent():
    message_id = email_queue(message=message())

    email = OutboxEmail.objects.get(pk=message_id)
    assert (email.to, email.subject, email.body) == (["ada@example.org"], "Your vote", "You voted.")
    assert email.html == "<p>You voted.</p>"
    assert email.headers["Message-ID"] == f"<{email.pk.hex}@example.org>"
    assert email.sent_at is None
    assert mail.outbox == []  # sent once the transaction commits


def test_an_email_of_rolled_back_work_is_neither_kept_nor_sent(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        email_queue(message=message())
        raise RuntimeError("the work that caused the e-mail fails")

    assert OutboxEmail.objects.count() == 0
    assert mail.outbox == []


def test_the_relay_sends_once_with_the_stored_message_id(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message_id = email_queue(message=message())

    again = outbox_deliver(message_id=message_id)
    relayed = email_relay()

    email = OutboxEmail.objects.get(pk=message_id)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == email.headers["Message-ID"]
    assert mail.outbox[0].alternatives[0].content == "<p>You voted.</p>"
    assert (again, relayed) == (False, 0)
    assert email.sent_at is not None
    assert email.attempts == 1
    # What the e-mail said is not kept once it is sent.
    assert (email.body, email.html) == ("", "")


def test_an_email_another_relay_holds_is_left_to_it():
    message_id = email_queue(message=message())
    OutboxEmail.objects.update(claimed_until=timezone.now() + CLAIM_LEASE)

    assert email_deliver(message_id=message_id) is False
    assert email_relay() == 0
    assert mail.outbox == []


def test_the_claim_of_a_relay_that_died_is_taken_over_after_its_lease():
    # The relay claimed it, then died before sending or before marking it sent.
    message_id = email_queue(message=message())
    OutboxEmail.objects.update(claimed_until=timezone.now() - timedelta(seconds=1), attempts=1)

    assert email_relay() == 1
    assert len(mail.outbox) == 1
    assert (
        mail.outbox[0].extra_headers["Message-ID"] == f"<{message_id.replace('-', '')}@example.org>"
    )
    assert OutboxEmail.objects.get(pk=message_id).attempts == 2


def test_a_failed_send_is_recorded_and_tried_again_later(monkeypatch):
    message_id = email_queue(message=message())
    refusals = [smtplib.SMTPServerDisconnected("Connection unexpectedly closed")]

    def send(self, fail_silently=False):
        if refusals:
            raise refusals.pop()
        return mail.get_connection().send_messages([self])

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)

    assert email_deliver(message_id=message_id) is False
    email = OutboxEmail.objects.get(pk=message_id)
    assert email.attempts == 1
    assert email.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert email_relay() == 0  # not before its next attempt is due
    OutboxEmail.objects.update(claimed_until=timezone.now())

    assert email_relay() == 1
    assert len(mail.outbox) == 1
    assert OutboxEmail.objects.get(pk=message_id).last_error == ""


def test_sent_emails_are_pruned_after_a_week_and_pending_ones_never():
    old, recent, waiting = (email_queue(message=message()) for _ in range(3))
    OutboxEmail.objects.filter(pk=old).update(sent_at=timezone.now() - timedelta(days=8))
    OutboxEmail.objects.filter(pk=recent).update(sent_at=timezone.now() - timedelta(days=6))
    OutboxEmail.objects.filter(pk=waiting).update(created_at=timezone.now() - timedelta(days=30))

    assert email_outbox_prune() == 1
    assert set(OutboxEmail.objects.values_list("pk", flat=True).order_by()) == {
        OutboxEmail.objects.get(pk=recent).pk,
        OutboxEmail.objects.get(pk=waiting).pk,
    }


def test_the_periodic_relay_and_its_command_deliver_what_is_pending():
    for number in range(3):
        email_queue(message=message(f"person{number}@example.org"))

    assert outbox_relay() == 3
    email_queue(message=message("late@example.org"))
    call_command("outbox_relay")

    assert sorted(m.to[0] for m in mail.outbox) == [
        "late@example.org",
        "person0@example.org",
        "person1@example.org",
        "person2@example.org",
    ]
    assert pending() == 0


def test_allauths_emails_go_through_the_outbox(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert AppClient().signup().status_code == 200

    email = OutboxEmail.objects.get()
    assert email.to == ["ada@example.org"]
    assert email.sent_at is not None
    assert mail.outbox[0].extra_headers["Message-ID"] == email.headers["Message-ID"]
