from datetime import timedelta

import factory
import pytest
from django.utils import timezone

from tests.factories import ProjectFactory, UserFactory, VoteFactory
from voting.fraud import fraud_flags, mailbox_of
from voting.models import VoteEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def nominee(categories):
    return ProjectFactory(category=categories[0], title="Solar schools")


def new_account_vote(nominee, *, network: str, at, age=timedelta(hours=3)):
    """A vote of an account made ``age`` before, on a mail service (not the domain of
    the nominee's organisation, as everyone's in these tests is)."""
    voter = UserFactory(
        email_confirmed=True,
        date_joined=at - age,
        email=factory.Sequence(lambda n: f"member{n}@mail.example.net"),
    )
    return VoteFactory(nominee=nominee, voter=voter, network=network, cast_at=at, changed_at=at)


def test_new_accounts_from_one_network_for_one_nominee_are_flagged(edition, nominee):
    start = timezone.now()
    votes = [
        new_account_vote(nominee, network="198.51.100.0/24", at=start + timedelta(minutes=m))
        for m in range(5)
    ]

    [flag] = fraud_flags(edition=edition)

    assert flag.kind == "new_accounts_one_network"
    assert flag.title == "5 new accounts from 198.51.100.0/24 voted for “Solar schools”"
    assert sorted(flag.vote_ids) == sorted(v.pk for v in votes)


def test_old_accounts_spread_votes_or_slow_votes_are_not_flagged(edition, nominee):
    start = timezone.now()
    for m in range(5):  # old accounts
        new_account_vote(
            nominee,
            network="198.51.100.0/24",
            at=start + timedelta(minutes=m),
            age=timedelta(days=90),
        )
    for m in range(5):  # an hour apart
        new_account_vote(nominee, network="192.0.2.0/24", at=start + timedelta(hours=m))
    for m in range(5):  # different networks
        new_account_vote(nominee, network=f"203.0.{m}.0/24", at=start + timedelta(minutes=m))

    assert fraud_flags(edition=edition) == []


@pytest.mark.parametrize(
    "email, mailbox",
    [
        ("Ada.Lovelace+wsis@gmail.com", "adalovelace@gmail.com"),
        ("ada.lovelace@googlemail.com", "adalovelace@gmail.com"),
        ("ada.lovelace+1@example.org", "ada.lovelace@example.org"),
    ],
)
def test_mailbox_of_an_address(email, mailbox):
    assert mailbox_of(email) == mailbox


def test_variants_of_one_mailbox_are_flagged(edition, nominee):
    for email in ("ada.lovelace@gmail.com", "adalovelace+2@gmail.com", "other@example.org"):
        VoteFactory(nominee=nominee, voter__email=email)

    [flag] = fraud_flags(edition=edition)

    assert flag.kind == "mailbox_variants"
    assert flag.title == "2 accounts share the mailbox adalovelace@gmail.com"
    assert "adalovelace+2@gmail.com" in flag.evidence


def test_bursts_faster_than_a_person_are_flagged(edition, nominee, voter):
    start = timezone.now()
    for i in range(6):
        VoteEvent.objects.create(
            edition=edition,
            category=nominee.category,
            nominee=nominee,
            voter=voter,
            action="cast",
            at=start + timedelta(milliseconds=200 * i),
        )
    calm = UserFactory()
    for i in range(6):
        VoteEvent.objects.create(
            edition=edition,
            category=nominee.category,
            nominee=nominee,
            voter=calm,
            action="cast",
            at=start + timedelta(seconds=20 * i),
        )

    flags = fraud_flags(edition=edition)

    assert [(f.kind, f.voter_ids) for f in flags] == [("burst", [voter.pk])]
    assert "5 votes within 3 seconds, 2 times" in flags[0].evidence
