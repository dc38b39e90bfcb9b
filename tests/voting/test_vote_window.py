"""The voting window is exact: a change of an edition's timeline or nominees made in
another process (here: an ``update()``, which sends no signal, so this process's
catalogue stays as it was) takes effect at the next vote; a vote the secretariat
invalidated stays as it is; a deadlock is tried once more."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from awards.models import Edition, ExclusionReason, Project, ProjectStatus
from awards.phases import Phase
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, VoteFactory
from voting.models import Vote, VoteAction, VoteEvent
from voting.selectors import tally_differences, valid_count
from voting.services import (
    VoteInvalidated,
    ballot_cast,
    ballot_withdraw,
    votes_invalidate,
)

pytestmark = pytest.mark.django_db

BALLOT = "/api/v1/editions/2020/ballot/"


def vote(client, category: int, nominee: int):
    return client.put(f"{BALLOT}{category}/", {"nominee": nominee})


def close_voting_elsewhere(edition: Edition, *, ago: timedelta = timedelta(seconds=1)) -> None:
    """Voting closed by another process: the catalogue here still says open."""
    Edition.objects.filter(pk=edition.pk).update(voting_closes_at=timezone.now() - ago)


def test_a_vote_after_a_close_made_elsewhere_is_refused_at_once(voter_client, nominees, edition):
    first, second = nominees[1]
    assert vote(voter_client, 1, first.pk).status_code == 201  # the catalogue is loaded

    close_voting_elsewhere(edition)
    changed = vote(voter_client, 1, second.pk)
    new = vote(voter_client, 2, nominees[2][0].pk)
    repeated = vote(voter_client, 1, first.pk)
    withdrawn = voter_client.delete(f"{BALLOT}1/")

    for response in (changed, new, repeated, withdrawn):
        assert response.status_code == 403
        assert response.json()["code"] == "voting_closed"
    assert list(Vote.objects.values_list("category__number", "nominee")) == [(1, first.pk)]
    assert VoteEvent.objects.count() == 1


def test_voting_reopened_elsewhere_takes_votes_at_once(voter_client, nominees, edition):
    close_voting_elsewhere(edition)
    assert vote(voter_client, 1, nominees[1][0].pk).status_code == 403  # catalogue: closed

    Edition.objects.filter(pk=edition.pk).update(
        voting_closes_at=timezone.now() + timedelta(days=1)
    )
    response = vote(voter_client, 1, nominees[1][0].pk)

    assert response.status_code == 201
    assert Vote.objects.count() == 1


def test_a_nominee_withdrawn_elsewhere_is_refused_at_once(voter_client, nominees):
    first, second = nominees[1]
    assert vote(voter_client, 1, first.pk).status_code == 201

    Project.objects.filter(pk=second.pk).update(status=ProjectStatus.REJECTED)
    response = vote(voter_client, 1, second.pk)

    assert response.status_code == 400
    assert response.json()["code"] == "not_a_nominee"
    assert Vote.objects.get().nominee == first


def test_a_nominee_accepted_elsewhere_takes_votes_at_once(voter_client, nominees, categories):
    assert vote(voter_client, 1, nominees[1][0].pk).status_code == 201
    late = nominees[1][1]
    Project.objects.filter(pk=late.pk).update(status=ProjectStatus.SUBMITTED)
    assert vote(voter_client, 1, late.pk).status_code == 400  # the catalogue: not yet

    Project.objects.filter(pk=late.pk).update(status=ProjectStatus.NOMINEE)
    response = vote(voter_client, 1, late.pk)

    assert response.status_code == 200
    assert Vote.objects.get().nominee == late


def test_an_invalidated_vote_cannot_be_changed_or_withdrawn(
    voter_client, nominees, edition, admin_user
):
    first, second = nominees[1]
    vote(voter_client, 1, first.pk)
    votes_invalidate(votes=Vote.objects.all(), by=admin_user, reason="A ring of accounts.")

    changed = vote(voter_client, 1, second.pk)
    repeated = vote(voter_client, 1, first.pk)
    withdrawn = voter_client.delete(f"{BALLOT}1/")

    for response in (changed, repeated, withdrawn):
        assert response.status_code == 409
        assert response.json()["code"] == "vote_invalidated"
    stored = Vote.objects.get()
    assert (stored.nominee, stored.is_valid) == (first, False)
    assert tally_differences(edition=edition) == {}


def test_an_invalidated_vote_leaves_the_other_categories_open(voter_client, nominees, admin_user):
    vote(voter_client, 1, nominees[1][0].pk)
    votes_invalidate(votes=Vote.objects.all(), by=admin_user, reason="A ring of accounts.")

    assert vote(voter_client, 2, nominees[2][0].pk).status_code == 201


def deadlocked_once(monkeypatch, times: int = 1):
    """Makes the vote's statement break off as PostgreSQL does to end a deadlock, the
    first ``times`` times it runs."""
    from voting import services

    class Deadlock(Exception):
        sqlstate = "40P01"

    calls = {"count": 0}
    run = services._upsert

    def breaking(values):
        calls["count"] += 1
        if calls["count"] <= times:
            raise OperationalError("deadlock detected") from Deadlock()
        return run(values)

    monkeypatch.setattr(services, "_upsert", breaking)
    return calls


def test_a_vote_broken_off_by_a_deadlock_is_tried_once_more(voter, nominees, edition, monkeypatch):
    calls = deadlocked_once(monkeypatch)
    category = nominees[1][0].category

    cast = ballot_cast(
        edition=edition, category=category, voter=voter, nominee_id=nominees[1][0].pk
    )

    assert (cast.outcome, calls["count"]) == ("created", 2)
    assert Vote.objects.count() == 1


def test_a_second_deadlock_is_not_hidden(voter, nominees, edition, monkeypatch):
    deadlocked_once(monkeypatch, times=2)
    category = nominees[1][0].category

    with pytest.raises(OperationalError):
        ballot_cast(edition=edition, category=category, voter=voter, nominee_id=nominees[1][0].pk)
    assert Vote.objects.count() == 0


def test_a_withdrawal_of_an_invalidated_vote_is_refused_by_the_service(
    voter, nominees, edition, admin_user
):
    category = nominees[1][0].category
    ballot_cast(edition=edition, category=category, voter=voter, nominee_id=nominees[1][0].pk)
    votes_invalidate(votes=Vote.objects.all(), by=admin_user, reason="Bought votes.")

    with pytest.raises(VoteInvalidated):
        ballot_withdraw(edition=edition, category=category, voter=voter)
    assert Vote.objects.count() == 1


# --- The count takes the votes as they stood when voting closed ---------------------


def test_the_count_leaves_out_votes_cast_outside_the_window():

    edition = EditionFactory(year=2020, phase=Phase.CHAMPIONS)
    category = CategoryFactory(edition=edition, number=1)
    nominee = ProjectFactory(category=category)
    second = timedelta(seconds=1)
    inside = VoteFactory(nominee=nominee, cast_at=edition.voting_closes_at - second)
    VoteFactory(nominee=nominee, cast_at=edition.voting_opens_at - second)  # before it opened
    VoteFactory(nominee=nominee, cast_at=edition.voting_closes_at)  # at the close: too late

    counted = valid_count(edition=edition)

    assert counted.votes == {nominee.pk: 1}
    assert counted.exclusions == {(category.pk, ExclusionReason.OUTSIDE_WINDOW, ""): 2}
    assert inside.is_valid


def test_a_vote_changed_after_the_close_counts_as_it_stood_at_the_close():

    edition = EditionFactory(year=2020, phase=Phase.CHAMPIONS)
    category = CategoryFactory(edition=edition, number=1)
    before, after = ProjectFactory.create_batch(2, category=category)
    cast_at = edition.voting_closes_at - timedelta(minutes=5)
    changed_at = edition.voting_closes_at + timedelta(minutes=5)
    late = VoteFactory(nominee=after, cast_at=cast_at, changed_at=changed_at)
    for nominee, action, at in (
        (before, VoteAction.CAST, cast_at),
        (after, VoteAction.CHANGED, changed_at),
    ):
        VoteEvent.objects.create(
            edition=edition,
            category=category,
            nominee=nominee,
            voter=late.voter,
            action=action,
            at=at,
        )
    VoteFactory(nominee=after)

    assert valid_count(edition=edition).votes == {before.pk: 1, after.pk: 1}


def test_a_repeat_that_a_concurrent_change_overtakes_is_still_the_same_vote(
    voter, nominees, edition, monkeypatch
):
    """The voter repeats a vote while another of their requests changes it: the repeat
    wrote nothing (the vote named its nominee then), and is answered as a repeat, not
    refused because the vote names another nominee by the time it is asked why."""
    from voting import services

    first, second = nominees[1]
    category = first.category
    ballot_cast(edition=edition, category=category, voter=voter, nominee_id=first.pk)
    run = services._upsert

    def overtaken(values):
        row = run(values)
        monkeypatch.setattr(services, "_upsert", run)  # the other request: once
        ballot_cast(edition=edition, category=category, voter=voter, nominee_id=second.pk)
        return row

    monkeypatch.setattr(services, "_upsert", overtaken)
    repeat = ballot_cast(edition=edition, category=category, voter=voter, nominee_id=first.pk)

    assert repeat.outcome == "same"
    assert Vote.objects.get().nominee == second
    assert tally_differences(edition=edition) == {}
