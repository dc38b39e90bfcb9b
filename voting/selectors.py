"""Reads of the voting app: ballots, standings and the recount."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Count, Exists, Max, Min, OuterRef, Q, QuerySet, Sum, When

from accounts.models import User
from awards.models import Category, Edition, ExclusionReason
from voting.models import (
    ACTIVE_DECISION,
    DecisionJob,
    Tally,
    Vote,
    VoteAction,
    VoteEvent,
    VoterExclusion,
)


@dataclass(frozen=True)
class BallotVote:
    category: int
    nominee: int
    # Set aside by the secretariat: it does not count and cannot be changed or withdrawn.
    invalidated: bool = False
    # When it was cast, and when it last changed (the same moment if it never did).
    cast_at: datetime | None = None
    changed_at: datetime | None = None


@dataclass(frozen=True)
class Ballot:
    """One voter's votes in one edition."""

    votes: list[BallotVote]
    category_count: int
    # The secretariat excluded the voter from voting in the edition.
    excluded: bool = False

    @property
    def is_complete(self) -> bool:
        return len(self.votes) >= self.category_count

    @property
    def invalidated(self) -> int:
        return sum(vote.invalidated for vote in self.votes)


def ballot_get(*, edition: Edition, voter: User) -> Ballot:
    votes = (
        Vote.objects.filter(edition=edition, voter=voter)
        .order_by("category__number")
        .values_list("category__number", "nominee_id", "invalidated_at", "cast_at", "changed_at")
    )
    return Ballot(
        votes=[
            BallotVote(
                category=number,
                nominee=nominee,
                invalidated=invalidated_at is not None,
                cast_at=cast_at,
                changed_at=changed_at,
            )
            for number, nominee, invalidated_at, cast_at, changed_at in votes
        ],
        category_count=edition.categories.count(),
        excluded=voter_is_excluded(edition=edition, voter=voter),
    )


def vote_nominee(*, category: Category | int, voter: User) -> int | None:
    """The nominee the voter votes for in the category, if any (one query)."""
    return (
        Vote.objects.filter(category=category, voter=voter)
        .values_list("nominee_id", flat=True)
        .first()
    )


def voter_is_excluded(*, edition: Edition | int, voter: User | int) -> bool:
    """Whether an exclusion from voting in the edition stands against the account."""
    return VoterExclusion.objects.filter(edition=edition, voter=voter, lifted_at=None).exists()


def exclusion_list(*, edition: Edition) -> QuerySet[VoterExclusion]:
    """The exclusions from voting that stand in the edition, latest first."""
    return (
        VoterExclusion.objects.filter(edition=edition, lifted_at=None)
        .select_related("voter", "by")
        .order_by("-at", "-pk")
    )


def vote_is_invalidated(*, category: Category | int, voter: User | int) -> bool:
    """Whether the account's vote in the category was set aside by the secretariat."""
    return Vote.objects.filter(
        category=category, voter=voter, invalidated_at__isnull=False
    ).exists()


def standings(*, edition: Edition) -> dict[int, int]:
    """Valid votes per nominee (by id) as the tallies hold them: one grouped sum over
    the shards, whatever the number of votes."""
    return dict(
        Tally.objects.filter(edition=edition)
        .values("nominee_id")
        .annotate(total=Sum("votes"))
        .order_by()
        .values_list("nominee_id", "total")
    )


def recount(*, edition: Edition) -> dict[int, int]:
    """Valid votes per nominee counted from the votes themselves."""
    return dict(
        Vote.objects.filter(edition=edition, invalidated_at__isnull=True)
        .values("nominee_id")
        .annotate(total=Count("id"))
        .order_by()
        .values_list("nominee_id", "total")
    )


def tally_differences(*, edition: Edition) -> dict[int, tuple[int, int]]:
    """Nominees whose tally differs from the recount: {nominee: (tally, recount)}."""
    tallied, counted = standings(edition=edition), recount(edition=edition)
    return {
        nominee: (tallied.get(nominee, 0), counted.get(nominee, 0))
        for nominee in set(tallied) | set(counted)
        if tallied.get(nominee, 0) != counted.get(nominee, 0)
    }


@dataclass(frozen=True)
class ValidCount:
    votes: dict[int, int]  # valid votes by nominee id
    # Votes not counted, by (category id, reason, kind of signal): the kind is that of
    # the signal an invalidation came from, empty for any other review and reason.
    exclusions: dict[tuple[int, str, str], int]
    voters: int  # people who voted (at least once, valid or not)


def _nominees_at_close(edition: Edition, late: list[tuple[int, int, int]]) -> dict[int, int]:
    """For votes changed after the close (``late``: id, voter, category), the nominee
    each one named at the close, from the votes' history: {vote id: nominee id}."""
    voters = {voter for _, voter, _ in late}
    chosen: dict[tuple[int, int], int] = {}
    for voter, category, nominee in (
        VoteEvent.objects.filter(
            edition=edition,
            voter__in=voters,
            action__in=[VoteAction.CAST, VoteAction.CHANGED],
            at__lt=edition.voting_closes_at,
        )
        .order_by("at", "pk")
        .values_list("voter_id", "category_id", "nominee_id")
    ):
        chosen[(voter, category)] = nominee  # the last one before the close wins
    return {
        vote: chosen[(voter, category)]
        for vote, voter, category in late
        if (voter, category) in chosen
    }


def valid_count(*, edition: Edition) -> ValidCount:
    """The valid votes of an edition, as they stood when voting closed: without the
    votes cast outside the voting window, the votes the secretariat invalidated and,
    where the edition requires complete ballots, the votes of ballots that lack a
    category; with how many were left out, and why, per category (and, for invalidated
    votes, per kind of fraud signal)."""
    votes = Vote.objects.filter(edition=edition)
    exclusions: dict[tuple[int, str, str], int] = {}

    def excluded(queryset: QuerySet[Vote], reason: str) -> None:
        for category_id, total in (
            queryset.values_list("category_id").annotate(total=Count("id")).order_by()
        ):
            exclusions[(category_id, reason, "")] = total

    # The vote statement writes only inside the window; a timeline moved afterwards
    # can leave votes outside it.
    inside = Q(cast_at__gte=edition.voting_opens_at, cast_at__lt=edition.voting_closes_at)
    excluded(votes.exclude(inside), ExclusionReason.OUTSIDE_WINDOW)
    votes = votes.filter(inside)
    for category_id, signal, total in (
        votes.filter(invalidated_at__isnull=False)
        .values_list("category_id", "invalidated_signal")
        .annotate(total=Count("id"))
        .order_by()
    ):
        exclusions[(category_id, ExclusionReason.INVALIDATED, signal)] = total
    counted = votes.filter(invalidated_at__isnull=True)
    if edition.complete_ballot_required:
        complete = (
            counted.values("voter_id")
            .annotate(categories=Count("category_id", distinct=True))
            .filter(categories=edition.categories.count())
            .values("voter_id")
        )
        excluded(counted.exclude(voter_id__in=complete), ExclusionReason.INCOMPLETE_BALLOT)
        counted = counted.filter(voter_id__in=complete)
    totals = dict(counted.values_list("nominee_id").annotate(total=Count("id")).order_by())
    late = list(
        counted.filter(changed_at__gte=edition.voting_closes_at, voter__isnull=False).values_list(
            "pk", "voter_id", "category_id", "nominee_id"
        )
    )
    if late:
        at_close = _nominees_at_close(edition, [row[:3] for row in late])
        for vote, _, _, nominee in late:
            if at_close.get(vote, nominee) != nominee:
                totals[nominee] -= 1
                totals[at_close[vote]] = totals.get(at_close[vote], 0) + 1
    voters = Vote.objects.filter(edition=edition).exclude(voter=None)
    return ValidCount(
        votes={nominee: total for nominee, total in totals.items() if total},
        exclusions=exclusions,
        voters=voters.values("voter_id").distinct().count(),
    )


def ballot_counts_if_closed_now(*, edition: Edition, voter: User) -> bool:
    """Whether the voter's votes would count if voting closed now (the complete-ballot
    rule; always True for editions without it)."""
    if not edition.complete_ballot_required:
        return True
    # As the count at the close does: invalidated votes do not complete a ballot.
    voted = Vote.objects.filter(edition=edition, voter=voter, invalidated_at__isnull=True).count()
    return voted >= edition.categories.count()


# --- The fraud review ------------------------------------------------------------------


def vote_list(*, edition: Edition, ids: Iterable[int]) -> QuerySet[Vote]:
    """The edition's votes among these ids."""
    return Vote.objects.filter(edition=edition, pk__in=list(ids))


def flagged_votes(*, edition: Edition, ids: Iterable[int]) -> dict[int, Vote]:
    """The votes a signal names, by id, with what a row of its table shows (one query,
    none for no id)."""
    ids = list(ids)
    if not ids:
        return {}
    votes = (
        vote_list(edition=edition, ids=ids)
        .select_related("category", "nominee")
        .only(
            "cast_at",
            "changed_at",
            "network",
            "user_agent",
            "invalidated_at",
            "category__number",
            "category__title",
            "nominee__title",
        )
    )
    return {vote.pk: vote for vote in votes}


def flagged_accounts(*, edition: Edition, ids: Iterable[int]) -> dict[int, User]:
    """The accounts a signal names, by id, each with its votes in the edition
    (``edition_votes``), those that still count (``counted_votes``) and whether it is
    excluded from voting (``is_excluded``): one query, none for no id."""
    ids = list(ids)
    if not ids:
        return {}
    accounts = (
        User.objects.filter(pk__in=ids)
        .annotate(
            edition_votes=Count("votes", filter=Q(votes__edition=edition)),
            counted_votes=Count(
                "votes", filter=Q(votes__edition=edition, votes__invalidated_at__isnull=True)
            ),
            is_excluded=Exists(
                VoterExclusion.objects.filter(edition=edition, voter=OuterRef("pk"), lifted_at=None)
            ),
        )
        .only("email", "date_joined")
    )
    return {account.pk: account for account in accounts}


@dataclass(frozen=True)
class Invalidation:
    reason: str
    # The kind of fraud signal acted on (``voting.fraud.SIGNAL_KINDS``), or "".
    signal: str
    votes: int
    accounts: int
    first: datetime
    last: datetime


def invalidation_list(*, edition: Edition) -> list[Invalidation]:
    """The votes of the edition set aside now, one row per reason written and kind of
    signal acted on (a vote a reinstatement restored is no longer among them), latest
    first."""
    rows = (
        Vote.objects.filter(edition=edition, invalidated_at__isnull=False)
        .values("invalidated_reason", "invalidated_signal")
        .annotate(
            votes=Count("pk"),
            accounts=Count("voter", distinct=True),
            first=Min("invalidated_at"),
            last=Max("invalidated_at"),
        )
        .order_by("-last", "invalidated_reason", "invalidated_signal")
        .values_list(
            "invalidated_reason", "invalidated_signal", "votes", "accounts", "first", "last"
        )
    )
    return [Invalidation(*row) for row in rows]


# Finished decisions the page lists, besides those queued or running.
DECISIONS_SHOWN = 20


def decision_list(*, edition: Edition, limit: int = DECISIONS_SHOWN) -> list[DecisionJob]:
    """The edition's latest decision jobs, queued and running first, then the latest
    finished ones: one query."""
    return list(
        DecisionJob.objects.filter(edition=edition)
        .select_related("voter", "by")
        .order_by(
            Case(When(ACTIVE_DECISION, then=0), default=1),
            "-queued_at",
            "-pk",
        )[:limit]
    )


def decisions_active(*, jobs: Iterable[DecisionJob]) -> dict[str, DecisionJob]:
    """The queued and running ones among ``jobs``, by what they are about."""
    return {job.subject: job for job in jobs if job.is_active}
