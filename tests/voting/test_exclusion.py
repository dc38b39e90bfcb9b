"""Invalidation is final for the voter: an invalidated vote cannot be changed or
withdrawn, an excluded account cannot vote, and the secretariat's decisions (exclude,
reinstate, flag, dismiss) keep the tallies exact and go to the audit trail."""

import pytest
from django.utils import timezone

from accounts.errors import MfaRequired
from awards.models import AuditAction, AuditEntry, Project, ProjectStatus
from awards.phases import Phase
from awards.services import WinnersAlreadyChosen
from config.errors import NotAllowed, ReasonTooLong
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory
from voting.fraud import Flag, signals_review
from voting.models import AccountFlag, SignalDismissal, Vote, VoteAction, VoteEvent, VoterExclusion
from voting.selectors import ballot_get, standings, tally_differences
from voting.services import (
    AlreadyDismissed,
    AlreadyExcluded,
    AlreadyFlagged,
    NotExcluded,
    ReasonRequired,
    VoteInvalidated,
    VoterExcluded,
    account_flag,
    account_votes_invalidate,
    ballot_cast,
    ballot_withdraw,
    champions_compute,
    signal_dismiss,
    voter_exclude,
    voter_reinstate,
    votes_invalidate,
)

pytestmark = pytest.mark.django_db

BALLOT = "/api/v1/editions/2020/ballot/"
REASON = "Votes bought through a paid click service."


def vote(client, category: int, nominee: int):
    return client.put(f"{BALLOT}{category}/", {"nominee": nominee})


def cast(voter, nominee: Project):
    return ballot_cast(
        edition=nominee.edition, category=nominee.category, voter=voter, nominee_id=nominee.pk
    )


def entries(action: AuditAction) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


@pytest.fixture
def ballot(voter, nominees):
    """The voter's votes in categories 1 and 2."""
    return [cast(voter, nominees[number][0]) for number in (1, 2)]


# --- The voter's side: the API ----------------------------------------------------------


def test_changing_an_invalidated_vote_is_409_and_changes_nothing(
    voter_client, voter, nominees, edition, admin_user
):
    first, second = nominees[1]
    assert vote(voter_client, 1, first.pk).status_code == 201
    account_votes_invalidate(edition=edition, voter=voter, by=admin_user, reason=REASON)

    changed = vote(voter_client, 1, second.pk)
    repeated = vote(voter_client, 1, first.pk)

    for response in (changed, repeated):
        assert response.status_code == 409
        assert response.json()["code"] == "vote_invalidated"
        assert "set your vote in this category aside" in response.json()["detail"]
    stored = Vote.objects.get()
    assert (stored.nominee_id, stored.invalidated_reason) == (first.pk, REASON)
    assert list(VoteEvent.objects.values_list("action", flat=True)) == ["cast", "invalidated"]
    assert standings(edition=edition) == {first.pk: 0}
    assert tally_differences(edition=edition) == {}


def test_withdrawing_an_invalidated_vote_is_409_and_keeps_it(
    voter_client, voter, nominees, edition, admin_user
):
    vote(voter_client, 1, nominees[1][0].pk)
    account_votes_invalidate(edition=edition, voter=voter, by=admin_user, reason=REASON)

    response = voter_client.delete(f"{BALLOT}1/")

    assert response.status_code == 409
    assert response.json()["code"] == "vote_invalidated"
    assert Vote.objects.filter(invalidated_at__isnull=False).count() == 1


def test_an_invalidated_vote_leaves_the_other_categories_open(
    voter_client, voter, nominees, edition, admin_user
):
    vote(voter_client, 1, nominees[1][0].pk)
    vote(voter_client, 2, nominees[2][0].pk)
    votes_invalidate(
        votes=Vote.objects.filter(category__number=1), by=admin_user, reason="One bought vote."
    )

    assert vote(voter_client, 2, nominees[2][1].pk).status_code == 200
    assert vote(voter_client, 3, nominees[3][0].pk).status_code == 201
    assert voter_client.delete(f"{BALLOT}3/").status_code == 204
    assert tally_differences(edition=edition) == {}


def test_withdrawing_where_there_is_no_vote_is_still_204(voter_client, nominees):
    assert voter_client.delete(f"{BALLOT}1/").status_code == 204


def test_an_excluded_account_is_403_voter_excluded_everywhere(
    voter_client, voter, nominees, edition, admin_user
):
    vote(voter_client, 1, nominees[1][0].pk)
    voter_exclude(edition=edition, voter=voter, by=admin_user, reason=REASON)

    responses = [
        vote(voter_client, 1, nominees[1][1].pk),  # its invalidated vote
        vote(voter_client, 2, nominees[2][0].pk),  # a category without a vote
        voter_client.delete(f"{BALLOT}1/"),
        voter_client.delete(f"{BALLOT}2/"),
    ]

    for response in responses:
        assert response.status_code == 403
        assert response.json()["code"] == "voter_excluded"
    assert list(Vote.objects.values_list("category__number", "invalidated_reason")) == [(1, REASON)]
    assert tally_differences(edition=edition) == {}


def test_the_ballot_shows_invalidated_votes_and_the_exclusion(
    voter_client, voter, nominees, edition, admin_user
):
    for number in (1, 2):
        vote(voter_client, number, nominees[number][0].pk)
    votes_invalidate(
        votes=Vote.objects.filter(category__number=1), by=admin_user, reason="One bought vote."
    )

    body = voter_client.get(BALLOT).json()

    assert body["votes"] == [
        {"category": 1, "nominee": nominees[1][0].pk, "invalidated": True},
        {"category": 2, "nominee": nominees[2][0].pk, "invalidated": False},
    ]
    assert body["excluded"] is False
    voter_exclude(edition=edition, voter=voter, by=admin_user, reason=REASON)
    body = voter_client.get(BALLOT).json()
    assert body["excluded"] is True
    assert [row["invalidated"] for row in body["votes"]] == [True, True]
    assert REASON not in str(body)


def test_an_exclusion_in_another_edition_does_not_refuse_this_one(
    voter_client, voter, nominees, admin_user
):
    elsewhere = EditionFactory(year=2021)
    voter_exclude(edition=elsewhere, voter=voter, by=admin_user, reason=REASON)

    assert vote(voter_client, 1, nominees[1][0].pk).status_code == 201


# --- Excluding ---------------------------------------------------------------------------


def test_excluding_invalidates_the_accounts_votes_with_the_reason(
    voter, nominees, edition, ballot, admin_user
):
    other = UserFactory(email_confirmed=True)
    cast(other, nominees[1][0])

    exclusion = voter_exclude(edition=edition, voter=voter, by=admin_user, reason=f"  {REASON} ")

    assert (exclusion.reason, exclusion.by, exclusion.is_active) == (REASON, admin_user, True)
    mine = Vote.objects.filter(voter=voter)
    assert set(mine.values_list("invalidated_reason", flat=True)) == {REASON}
    assert sorted(exclusion.votes_set_aside) == sorted(mine.values_list("pk", flat=True))
    assert Vote.objects.get(voter=other).is_valid
    assert standings(edition=edition) == {nominees[1][0].pk: 1, nominees[2][0].pk: 0}
    assert tally_differences(edition=edition) == {}
    assert VoteEvent.objects.filter(voter=voter, action=VoteAction.INVALIDATED).count() == 2
    [entry] = entries(AuditAction.VOTER_EXCLUDED)
    assert (entry.edition, entry.actor, entry.subject, entry.reason) == (
        edition,
        admin_user,
        voter,
        REASON,
    )
    assert entry.details == {"votes_invalidated": 2}
    assert str(entry) == f"Account excluded from voting #{entry.pk}"
    # The exclusion's own entry says what it invalidated: no second one.
    assert entries(AuditAction.VOTES_INVALIDATED) == []


def test_excluding_twice_is_refused(voter, edition, admin_user):
    voter_exclude(edition=edition, voter=voter, by=admin_user, reason=REASON)

    with pytest.raises(AlreadyExcluded) as refused:
        voter_exclude(edition=edition, voter=voter, by=admin_user, reason=REASON)

    assert (refused.value.code, refused.value.status_code) == ("already_excluded", 409)
    assert VoterExclusion.objects.count() == 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_excluding_needs_a_reason(voter, edition, ballot, admin_user, reason):
    with pytest.raises(ReasonRequired) as refused:
        voter_exclude(edition=edition, voter=voter, by=admin_user, reason=reason)

    assert refused.value.code == "reason_required"
    assert refused.value.errors == {
        "reason": ["Write why this account is excluded: the record keeps it."]
    }
    assert not VoterExclusion.objects.exists()
    assert not Vote.objects.filter(invalidated_at__isnull=False).exists()


def test_a_reason_longer_than_a_note_is_refused_and_nothing_changes(
    voter, edition, ballot, admin_user
):
    """The reason is copied onto every vote it sets aside: 2,000 characters at most."""
    with pytest.raises(ReasonTooLong) as refused:
        voter_exclude(edition=edition, voter=voter, by=admin_user, reason="x" * 20_000)

    assert (refused.value.code, refused.value.status_code) == ("reason_too_long", 400)
    assert refused.value.errors == {
        "reason": ["Keep the reason to 2000 characters: it has 20000 characters."]
    }
    assert not VoterExclusion.objects.exists()
    assert not Vote.objects.filter(invalidated_at__isnull=False).exists()
    # At the limit, with spaces around it, the reason is taken.
    voter_exclude(edition=edition, voter=voter, by=admin_user, reason=" " + "x" * 2000 + " ")
    assert VoterExclusion.objects.get().reason == "x" * 2000


@pytest.mark.parametrize(
    "who, refusal",
    [
        ({"email_confirmed": True}, NotAllowed),
        ({"email_confirmed": True, "mfa": True, "roles": ["Jury"]}, NotAllowed),
        ({"is_staff": True, "email_confirmed": True, "mfa": True}, NotAllowed),
        ({"is_staff": True, "email_confirmed": True, "roles": ["Secretariat"]}, MfaRequired),
    ],
    ids=["voter", "jury", "staff without role", "secretariat without mfa"],
)
def test_only_the_secretariat_excludes_reinstates_flags_and_dismisses(
    voter, edition, ballot, admin_user, who, refusal
):
    outsider = UserFactory(**who)
    voter_exclude(edition=edition, voter=voter, by=admin_user, reason=REASON)
    other = UserFactory()
    flag = Flag(kind="burst", title="", evidence="", voter_ids=[voter.pk])

    with pytest.raises(refusal):
        voter_exclude(edition=edition, voter=other, by=outsider, reason=REASON)
    with pytest.raises(refusal):
        voter_reinstate(edition=edition, voter=voter, by=outsider, reason="A mistake.")
    with pytest.raises(refusal):
        account_flag(edition=edition, voter=other, by=outsider, reason="Odd pattern.")
    with pytest.raises(refusal):
        signal_dismiss(edition=edition, flag=flag, by=outsider, reason="A family.")
    assert VoterExclusion.objects.get().is_active
    assert not AccountFlag.objects.exists()
    assert not SignalDismissal.objects.exists()
    assert AuditEntry.objects.filter(actor=outsider).count() == 0


# --- Reinstating -------------------------------------------------------------------------


def test_reinstating_restores_the_votes_the_exclusion_set_aside(
    voter, nominees, edition, ballot, admin_user
):
    votes_invalidate(
        votes=Vote.objects.filter(voter=voter, category__number=2),
        by=admin_user,
        reason="One vote bought before.",
    )
    voter_exclude(edition=edition, voter=voter, by=admin_user, reason=REASON)

    done = voter_reinstate(
        edition=edition, voter=voter, by=admin_user, reason="The same family, not fraud."
    )

    assert (done.votes_restored, done.recount_needed) == (1, False)
    assert done.exclusion.lifted_by == admin_user
    assert done.exclusion.lift_reason == "The same family, not fraud."
    restored, kept = Vote.objects.filter(voter=voter).order_by("category__number")
    assert (restored.is_valid, restored.invalidated_reason, restored.invalidated_by) == (
        True,
        "",
        None,
    )
    assert (kept.is_valid, kept.invalidated_reason) == (False, "One vote bought before.")
    assert standings(edition=edition) == {nominees[1][0].pk: 1, nominees[2][0].pk: 0}
    assert tally_differences(edition=edition) == {}
    assert list(
        VoteEvent.objects.filter(voter=voter, category__number=1)
        .order_by("pk")
        .values_list("action", "note")
    ) == [("cast", ""), ("invalidated", REASON), ("restored", "The same family, not fraud.")]
    [entry] = entries(AuditAction.VOTER_REINSTATED)
    assert (entry.subject, entry.reason, entry.details) == (
        voter,
        "The same family, not fraud.",
        {"votes_restored": 1},
    )
    # It votes again, and changes its restored vote.
    assert cast(voter, nominees[1][1]).outcome == "changed"
    assert cast(voter, nominees[3][0]).outcome == "created"
    with pytest.raises(VoteInvalidated):
        cast(voter, nominees[2][1])
    assert tally_differences(edition=edition) == {}


def test_an_account_can_be_excluded_again_after_reinstatement(voter, edition, ballot, admin_user):
    voter_exclude(edition=edition, voter=voter, by=admin_user, reason=REASON)
    voter_reinstate(edition=edition, voter=voter, by=admin_user, reason="A mistake.")

    again = voter_exclude(edition=edition, voter=voter, by=admin_user, reason="Bought again.")

    assert again.is_active
    assert VoterExclusion.objects.filter(voter=voter).count() == 2
    assert not Vote.objects.filter(voter=voter, invalidated_at__isnull=True).exists()
    assert tally_differences(edition=edition) == {}


def test_reinstating_an_account_not_excluded_is_refused(voter, edition, admin_user):
    with pytest.raises(NotExcluded) as refused:
        voter_reinstate(edition=edition, voter=voter, by=admin_user, reason="A mistake.")

    assert (refused.value.code, refused.value.status_code) == ("not_excluded", 409)
    assert entries(AuditAction.VOTER_REINSTATED) == []


def test_reinstating_needs_a_reason(voter, edition, admin_user):
    voter_exclude(edition=edition, voter=voter, by=admin_user, reason=REASON)

    with pytest.raises(ReasonRequired):
        voter_reinstate(edition=edition, voter=voter, by=admin_user, reason=" ")

    assert VoterExclusion.objects.get().is_active


def closed_with_an_excluded_voter(admin_user):
    edition = EditionFactory(year=2031, phase=Phase.CHAMPIONS, champions_per_category=1)
    category = CategoryFactory(edition=edition, number=1)
    leader, follower = (ProjectFactory(category=category, title=t) for t in ("A", "B"))
    voter = UserFactory(email_confirmed=True)
    for nominee, account in ((follower, voter), (leader, UserFactory())):
        now = timezone.now()
        Vote.objects.create(
            edition=edition,
            category=category,
            nominee=nominee,
            voter=account,
            cast_at=now,
            changed_at=now,
        )
    voter_exclude(edition=edition, voter=voter, by=admin_user, reason=REASON)
    champions_compute(edition=edition, by=admin_user)
    return edition, voter, leader, follower


def test_reinstating_after_the_champions_were_counted_says_to_count_again(admin_user):
    edition, voter, leader, _follower = closed_with_an_excluded_voter(admin_user)

    done = voter_reinstate(edition=edition, voter=voter, by=admin_user, reason="A mistake.")

    assert (done.votes_restored, done.recount_needed) == (1, True)
    # Nothing is recounted on its own: the recorded Champion stays until asked.
    leader.refresh_from_db()
    assert leader.status == ProjectStatus.CHAMPION
    assert tally_differences(edition=edition) == {}


def test_reinstating_once_the_winners_are_chosen_is_refused(admin_user):
    edition, voter, leader, _follower = closed_with_an_excluded_voter(admin_user)
    Project.objects.filter(pk=leader.pk).update(status=ProjectStatus.WINNER)

    with pytest.raises(WinnersAlreadyChosen) as refused:
        voter_reinstate(edition=edition, voter=voter, by=admin_user, reason="A mistake.")

    assert (refused.value.code, refused.value.status_code) == ("winners_chosen", 409)
    assert VoterExclusion.objects.get().is_active
    assert not Vote.objects.filter(voter=voter, invalidated_at__isnull=True).exists()


# --- Invalidating, flagging, dismissing ----------------------------------------------------


def test_invalidating_one_account_of_a_pair_leaves_the_other_alone(nominees, edition, admin_user):
    ada = UserFactory(email="ada.lovelace@gmail.com", email_confirmed=True)
    twin = UserFactory(email="adalovelace+wsis@gmail.com", email_confirmed=True)
    for account in (ada, twin):
        cast(account, nominees[1][0])
        cast(account, nominees[2][0])

    count = account_votes_invalidate(edition=edition, voter=twin, by=admin_user, reason=REASON)

    assert count == 2
    assert not Vote.objects.filter(voter=ada, invalidated_at__isnull=False).exists()
    assert standings(edition=edition) == {nominees[1][0].pk: 1, nominees[2][0].pk: 1}
    [entry] = entries(AuditAction.VOTES_INVALIDATED)
    assert (entry.subject, entry.reason, entry.details) == (
        twin,
        REASON,
        {"votes": 2, "accounts": 1},
    )
    # The pair is still flagged: the other account is the secretariat's to judge.
    [signal] = signals_review(edition=edition).open
    assert signal.voter_ids == sorted([ada.pk, twin.pk])


def test_invalidating_votes_of_several_accounts_is_one_entry_naming_none(
    nominees, edition, admin_user
):
    for _ in range(3):
        cast(UserFactory(email_confirmed=True), nominees[1][0])

    votes_invalidate(votes=Vote.objects.all(), by=admin_user, reason=REASON)
    votes_invalidate(votes=Vote.objects.all(), by=admin_user, reason=REASON)  # nothing left

    [entry] = entries(AuditAction.VOTES_INVALIDATED)
    assert (entry.subject, entry.details) == (None, {"votes": 3, "accounts": 3})


def test_flagging_an_account_shows_it_with_the_signals(voter, edition, ballot, admin_user):
    flag = account_flag(edition=edition, voter=voter, by=admin_user, reason="Reported by e-mail.")

    [signal] = signals_review(edition=edition).open
    assert (signal.kind, signal.voter_ids) == ("flagged_by_secretariat", [voter.pk])
    assert signal.title == "voter@example.org, flagged by the secretariat"
    assert signal.evidence == "Reported by e-mail."
    assert (flag.by, flag.reason) == (admin_user, "Reported by e-mail.")
    [entry] = entries(AuditAction.ACCOUNT_FLAGGED)
    assert (entry.subject, entry.reason) == (voter, "Reported by e-mail.")
    with pytest.raises(AlreadyFlagged):
        account_flag(edition=edition, voter=voter, by=admin_user, reason="Again.")
    with pytest.raises(ReasonRequired):
        account_flag(edition=edition, voter=UserFactory(), by=admin_user, reason="")


def test_a_dismissed_signal_stays_dismissed_until_its_accounts_change(
    nominees, edition, admin_user
):
    ada = UserFactory(email="ada.lovelace@gmail.com", email_confirmed=True)
    twin = UserFactory(email="adalovelace+wsis@gmail.com", email_confirmed=True)
    for account in (ada, twin):
        cast(account, nominees[1][0])
    [signal] = signals_review(edition=edition).open

    signal_dismiss(edition=edition, flag=signal, by=admin_user, reason="Mother and daughter.")

    review = signals_review(edition=edition)
    assert review.open == []
    [(flag, dismissal)] = review.dismissed
    assert flag.voter_ids == signal.voter_ids
    assert (dismissal.reason, dismissal.by) == ("Mother and daughter.", admin_user)
    # More votes by the same accounts: the same signal, still dismissed.
    cast(ada, nominees[2][0])
    assert signals_review(edition=edition).open == []
    with pytest.raises(AlreadyDismissed):
        signal_dismiss(edition=edition, flag=signal, by=admin_user, reason="Again.")
    # A third account joins: a new signal to review.
    third = UserFactory(email="a.d.a.lovelace@gmail.com", email_confirmed=True)
    cast(third, nominees[1][0])
    [reopened] = signals_review(edition=edition).open
    assert reopened.voter_ids == sorted([ada.pk, twin.pk, third.pk])
    [entry] = entries(AuditAction.SIGNAL_DISMISSED)
    assert (entry.subject, entry.reason) == (None, "Mother and daughter.")
    assert entry.details == {"kind": "mailbox_variants", "accounts": 2, "votes": 0}


def test_dismissing_needs_a_reason(nominees, edition, admin_user):
    flag = Flag(kind="burst", title="", evidence="", voter_ids=[1])

    with pytest.raises(ReasonRequired):
        signal_dismiss(edition=edition, flag=flag, by=admin_user, reason="")

    assert not SignalDismissal.objects.exists()


def test_the_audit_trail_is_append_only(voter, edition, admin_user):
    voter_exclude(edition=edition, voter=voter, by=admin_user, reason=REASON)
    entry = AuditEntry.objects.get()

    entry.reason = "Rewritten."
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.update(reason="Rewritten.")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().reason == REASON


def test_deleting_an_account_keeps_the_entries_about_it(voter, edition, admin_user):
    voter_exclude(edition=edition, voter=voter, by=admin_user, reason=REASON)

    voter.delete()

    entry = AuditEntry.objects.get()
    assert (entry.subject, entry.actor, entry.reason) == (None, admin_user, REASON)
    assert not VoterExclusion.objects.exists()


def test_ballot_selector_says_what_the_voter_sees(voter, nominees, edition, ballot, admin_user):
    voter_exclude(edition=edition, voter=voter, by=admin_user, reason=REASON)

    mine = ballot_get(edition=edition, voter=voter)

    assert mine.excluded is True
    assert mine.invalidated == 2


def test_withdrawing_is_refused_to_an_excluded_account_without_votes(voter, edition, admin_user):
    category = CategoryFactory(edition=edition, number=9)
    voter_exclude(edition=edition, voter=voter, by=admin_user, reason=REASON)

    with pytest.raises(VoterExcluded):
        ballot_withdraw(edition=edition, category=category, voter=voter)
