"""Who may vote, and where: each rule once, as a plain predicate.

The vote itself is decided by the database as it writes (``voting.services``: the
window, the nominee, an exclusion, a vote set aside, in one statement); the pages ask
these predicates beforehand, from the voter's ballot, to offer no choice the service
would refuse.

| who may what                                         | predicate                    |
|------------------------------------------------------|------------------------------|
| vote at all: a confirmed e-mail address              | ``has_confirmed_email`` (accounts) |
| vote now: the voting phase is open                   | ``voting_is_open``           |
| cast, change or withdraw a vote in a category        | ``may_vote_in``              |
| see the live counts: the edition shows them, voting open | ``standings_are_public`` |
"""

from datetime import datetime

from awards.models import Edition
from awards.phases import Phase
from awards.selectors import edition_phase_is_open
from voting.selectors import Ballot


def voting_is_open(edition: Edition, *, at: datetime | None = None) -> bool:
    return edition_phase_is_open(edition=edition, phase=Phase.VOTING, at=at)


def vote_is_set_aside(ballot: Ballot, *, category: int) -> bool:
    """Whether the secretariat invalidated the voter's vote in the category (by
    number): it does not count, and can be neither changed nor withdrawn."""
    return any(vote.invalidated for vote in ballot.votes if vote.category == category)


def may_vote_in(ballot: Ballot, *, category: int) -> bool:
    """Whether the ballot's voter may cast, change or withdraw their vote in the
    category (by number): not excluded from voting in the edition, and their vote
    there not set aside."""
    return not ballot.excluded and not vote_is_set_aside(ballot, category=category)


def standings_are_public(edition: Edition, *, at: datetime | None = None) -> bool:
    """The live counts, for an edition that chose to show them, while voting is open
    only: after the close the counts are the outcome, under embargo until published."""
    return edition.public_standings and voting_is_open(edition, at=at)
