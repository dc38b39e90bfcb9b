"""Reads of the voting app."""

from dataclasses import dataclass

from accounts.models import User
from awards.models import Edition
from voting.models import Vote


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
