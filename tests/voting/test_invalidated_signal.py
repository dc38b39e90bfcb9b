"""Each invalidated vote keeps the kind of fraud signal the secretariat acted on, so that
the public exclusion report can count by it: a signal's own decision, an account taken
from a signal's list, the secretariat's own flag; nothing for any other review."""

import pytest
from django.test import TestCase

from awards.models import ExclusionReason
from awards.phases import Phase
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, VoteFactory
from tests.frontend.html import attribute, find, text
from tests.frontend.test_fraud_decisions import act_on_account, flag_account
from tests.frontend.test_review_pages import flag_articles, fraud_page, mailbox_pair
from voting.fraud import SECRETARIAT_FLAG, Flag
from voting.models import DecisionAction, StoredSignal, Vote
from voting.selectors import valid_count
from voting.services import (
    decision_queue,
    voter_exclude,
    voter_reinstate,
    votes_invalidate,
)

pytestmark = pytest.mark.django_db

REASON = "Scripted votes."


@pytest.fixture
def edition():
    return EditionFactory(year=2032, phase=Phase.VOTING)


@pytest.fixture
def nominee(edition):
    return ProjectFactory(category=CategoryFactory(edition=edition, number=3))


def signals_of(votes) -> list[str]:
    return sorted(
        Vote.objects.filter(pk__in=[v.pk for v in votes]).values_list(
            "invalidated_signal", flat=True
        )
    )


def run(**kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return decision_queue(**kwargs)


def test_a_signal_decision_on_votes_marks_them_with_its_kind(edition, nominee, admin_user):
    votes = [VoteFactory(nominee=nominee) for _ in range(3)]
    flag = Flag(
        kind="burst", title="", evidence="", vote_ids=[v.pk for v in votes[:2]], voter_ids=[]
    )

    run(
        edition=edition,
        action=DecisionAction.INVALIDATE_SIGNAL,
        flag=flag,
        by=admin_user,
        reason=REASON,
    )

    assert signals_of(votes[:2]) == ["burst", "burst"]
    assert signals_of(votes[2:]) == [""]
    assert Vote.objects.get(pk=votes[2].pk).is_valid


def test_a_signal_decision_on_accounts_marks_their_votes_with_its_kind(
    edition, nominee, admin_user
):
    votes = [VoteFactory(nominee=nominee) for _ in range(2)]
    flag = Flag(
        kind="lockstep_ballots",
        title="",
        evidence="",
        vote_ids=[],
        voter_ids=[vote.voter_id for vote in votes],
    )

    run(
        edition=edition,
        action=DecisionAction.INVALIDATE_SIGNAL,
        flag=flag,
        by=admin_user,
        reason=REASON,
    )

    assert signals_of(votes) == ["lockstep_ballots", "lockstep_ballots"]


@pytest.mark.parametrize(
    "action", [DecisionAction.INVALIDATE_ACCOUNT, DecisionAction.EXCLUDE_ACCOUNT]
)
def test_an_account_decision_from_a_signal_marks_its_votes_with_the_kind(
    edition, nominee, admin_user, action
):
    vote = VoteFactory(nominee=nominee)

    run(
        edition=edition,
        action=action,
        voter=vote.voter,
        signal_kind="signup_rhythm",
        by=admin_user,
        reason=REASON,
    )

    assert signals_of([vote]) == ["signup_rhythm"]
    assert not Vote.objects.get(pk=vote.pk).is_valid


def test_any_other_invalidation_has_no_kind(edition, nominee, admin_user):
    vote = VoteFactory(nominee=nominee)

    votes_invalidate(votes=Vote.objects.filter(pk=vote.pk), by=admin_user, reason=REASON)

    assert signals_of([vote]) == [""]
    assert not Vote.objects.get(pk=vote.pk).is_valid


def test_reinstating_forgets_the_kind_of_the_votes_it_restores(edition, nominee, admin_user):
    vote = VoteFactory(nominee=nominee)
    voter_exclude(edition=edition, voter=vote.voter, by=admin_user, reason=REASON, signal="burst")

    voter_reinstate(edition=edition, voter=vote.voter, by=admin_user, reason="Not fraud.")

    restored = Vote.objects.get(pk=vote.pk)
    assert (restored.is_valid, restored.invalidated_signal) == (True, "")


def test_the_count_at_the_close_splits_invalidated_votes_by_kind(admin_user):
    closed = EditionFactory(year=2033, phase=Phase.CHAMPIONS)
    nominee = ProjectFactory(category=CategoryFactory(edition=closed, number=1))
    votes = [VoteFactory(nominee=nominee) for _ in range(5)]
    ids = [vote.pk for vote in votes]
    votes_invalidate(
        votes=Vote.objects.filter(pk__in=ids[:2]), by=admin_user, reason=REASON, signal="burst"
    )
    votes_invalidate(
        votes=Vote.objects.filter(pk__in=ids[2:3]),
        by=admin_user,
        reason=REASON,
        signal=SECRETARIAT_FLAG,
    )
    votes_invalidate(votes=Vote.objects.filter(pk__in=ids[3:4]), by=admin_user, reason=REASON)

    counted = valid_count(edition=closed)

    category = nominee.category_id
    assert counted.exclusions == {
        (category, ExclusionReason.INVALIDATED, "burst"): 2,
        (category, ExclusionReason.INVALIDATED, SECRETARIAT_FLAG): 1,
        (category, ExclusionReason.INVALIDATED, ""): 1,
    }
    assert counted.votes == {nominee.pk: 1}


# --- From the fraud page -------------------------------------------------------------------


def test_the_pages_account_forms_pass_the_signals_kind(client, admin_user, edition, nominee):
    client.force_login(admin_user)
    ada, twin = (vote.voter for vote in mailbox_pair(nominee))
    shown = {attribute(article, "id") for article in flag_articles(fraud_page(client, edition))}
    signal = next(
        signal
        for signal in StoredSignal.objects.filter(edition=edition).order_by("position")
        if twin.pk in signal.voter_ids and signal.key in shown
    )

    act_on_account(client, edition, signal.key, twin, "invalidate")

    assert Vote.objects.get(voter=twin).invalidated_signal == signal.kind
    assert Vote.objects.get(voter=ada).is_valid


def test_the_secretariats_own_flag_marks_the_votes_as_flagged_by_it(
    client, admin_user, edition, nominee
):
    client.force_login(admin_user)
    vote = VoteFactory(nominee=nominee)
    flag_account(client, edition, vote.voter.email)
    [key] = [
        attribute(article, "id")
        for article in flag_articles(fraud_page(client, edition))
        if "Flagged by the secretariat" in text(find(article, "p", class_="flag__kind")[0])
    ]

    act_on_account(client, edition, key, vote.voter, "exclude")

    assert Vote.objects.get(pk=vote.pk).invalidated_signal == SECRETARIAT_FLAG
