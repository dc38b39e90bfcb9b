"""The summary of a ballot by e-mail: once the voter has left the ballot alone for a
while, at most one an hour, through the outbox, with a link to withdraw each vote."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import OutboxEmail
from tests.factories import UserFactory
from voting.models import BallotReceipt
from voting.services import (
    RECEIPT_EVERY,
    RECEIPT_QUIET,
    ballot_cast,
    ballot_receipts_due,
    ballot_receipts_send,
    ballot_withdraw,
    voter_exclude,
)
from voting.tasks import ballot_receipts

pytestmark = pytest.mark.django_db


@pytest.fixture
def start():
    """A moment inside the voting window, early enough for hours of changes after it."""
    return timezone.now() - timedelta(hours=4)


@pytest.fixture
def vote(edition, voter):
    def vote(category, nominee, at):
        return ballot_cast(
            edition=edition, category=category, voter=voter, nominee_id=nominee.pk, at=at
        )

    return vote


def send(at, capture) -> int:
    with capture(execute=True):
        return ballot_receipts_send(at=at)


def test_a_ballot_filled_in_one_sitting_makes_one_summary_once_left_alone(
    edition, categories, nominees, voter, vote, start, django_capture_on_commit_callbacks
):
    for minute, category in enumerate(categories):
        vote(category, nominees[category.number][0], start + timedelta(minutes=minute))
    last = start + timedelta(minutes=2)

    still_voting = send(
        last + RECEIPT_QUIET - timedelta(seconds=1), django_capture_on_commit_callbacks
    )
    left_alone = send(last + RECEIPT_QUIET, django_capture_on_commit_callbacks)
    again = send(last + RECEIPT_QUIET + timedelta(minutes=5), django_capture_on_commit_callbacks)

    assert (still_voting, left_alone, again) == (0, 1, 0)
    [message] = mail.outbox
    assert message.to == [voter.email]
    assert message.subject.endswith(f"Your ballot in the {edition.title}")
    assert "It now has votes in 3 categories:" in message.body
    for category in categories:
        nominee = nominees[category.number][0]
        assert f"{category.number}. {category.title}: {nominee.title} (" in message.body
        withdraw = f"{settings.SITE_URL}/editions/2020/vote/{category.number}/withdraw/"
        assert withdraw in message.body
        html = {mime: body for body, mime in message.alternatives}["text/html"]
        assert f'href="{withdraw}"' in html
    assert f"{settings.SITE_URL}/editions/2020/vote/" in message.body
    assert OutboxEmail.objects.filter(to=[voter.email], sent_at__isnull=False).count() == 1


def test_changes_after_a_summary_wait_for_the_hour(
    edition, categories, nominees, voter, vote, start, django_capture_on_commit_callbacks
):
    first, second = nominees[1]
    vote(categories[0], first, start)
    sent_at = start + RECEIPT_QUIET
    assert send(sent_at, django_capture_on_commit_callbacks) == 1

    changed_at = sent_at + timedelta(minutes=5)
    vote(categories[0], second, changed_at)
    ballot_withdraw(
        edition=edition, category=categories[0], voter=voter, at=changed_at + timedelta(minutes=1)
    )

    too_soon = send(
        sent_at + RECEIPT_EVERY - timedelta(seconds=1), django_capture_on_commit_callbacks
    )
    on_the_hour = send(sent_at + RECEIPT_EVERY, django_capture_on_commit_callbacks)

    assert (too_soon, on_the_hour) == (0, 1)
    assert len(mail.outbox) == 2
    assert "It now has a vote in 0 categories" not in mail.outbox[1].body
    assert "It now has votes in 0 categories:" in mail.outbox[1].body
    assert "1. " in mail.outbox[1].body and ": no vote" in mail.outbox[1].body
    receipt = BallotReceipt.objects.get(edition=edition, voter=voter)
    assert receipt.sent_at == sent_at + RECEIPT_EVERY


def test_no_summary_for_an_account_excluded_from_voting(
    edition,
    categories,
    nominees,
    voter,
    vote,
    start,
    admin_user,
    django_capture_on_commit_callbacks,
):
    vote(categories[0], nominees[1][0], start)
    voter_exclude(edition=edition, voter=voter, by=admin_user, reason="A ring", at=start)

    assert ballot_receipts_due(at=start + RECEIPT_QUIET) == []
    assert send(start + RECEIPT_QUIET, django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_each_voter_gets_their_own_summary_and_others_none(
    edition, categories, nominees, voter, vote, start, django_capture_on_commit_callbacks
):
    other = UserFactory(email="other@example.org", email_confirmed=True)
    UserFactory(email="idle@example.org", email_confirmed=True)  # never votes
    vote(categories[0], nominees[1][0], start)
    ballot_cast(
        edition=edition, category=categories[1], voter=other, nominee_id=nominees[2][1].pk, at=start
    )

    assert send(start + RECEIPT_QUIET, django_capture_on_commit_callbacks) == 2
    by_address = {message.to[0]: message.body for message in mail.outbox}
    assert set(by_address) == {voter.email, "other@example.org"}
    assert "It now has a vote in 1 category:" in by_address[voter.email]
    assert nominees[1][0].title in by_address[voter.email]
    assert nominees[2][1].title not in by_address[voter.email]
    assert nominees[2][1].title in by_address["other@example.org"]


def test_the_beat_runs_the_receipts(settings):
    assert (
        settings.CELERY_BEAT_SCHEDULE["ballot-receipts"]["task"] == "voting.tasks.ballot_receipts"
    )
    assert ballot_receipts.name == "voting.tasks.ballot_receipts"
    assert ballot_receipts() == 0


def test_the_summary_is_written_in_the_voters_language(
    edition, categories, nominees, voter, vote, start, django_capture_on_commit_callbacks
):
    voter.language = "fr"
    voter.save(update_fields=["language"])
    vote(categories[0], nominees[1][0], start)

    assert send(start + RECEIPT_QUIET, django_capture_on_commit_callbacks) == 1
    [message] = mail.outbox
    with translation.override("fr"):
        subject = gettext("Your ballot in the %(edition)s") % {"edition": edition.title}
    assert subject != f"Your ballot in the {edition.title}"
    assert message.subject.endswith(subject)
