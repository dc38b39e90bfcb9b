"""Reads of the voting app: ballots, standings and the recount."""

from dataclasses import dataclass

from django.db.models import Count, Sum

from accounts.models import User
from awards.models import Edition
from voting.models import Tally, Vote


@dataclass(frozen=True)
class BallotVote:
    category: int
    nominee: int


@dataclass(frozen=True)
class Ballot:
    """One voter's votes in one edition."""

    votes: list[BallotVote]
    category_count: int

    @property
    def is_complete(self) -> bool:
        return len(self.votes) >= self.category_count


def ballot_get(*, edition: Edition, voter: User) -> Ballot:
    votes = (
        Vote.objects.filter(edition=edition, voter=voter)
        .order_by("category__number")
        .values_list("category__number", "nominee_id")
    )
    return Ballot(
        votes=[BallotVote(category=number, nominee=nominee) for number, nominee in votes],
        category_count=edition.categories.count(),
    )


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
