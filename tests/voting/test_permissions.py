"""The predicates of ``voting.permissions``, as the voting pages ask them."""

import pytest

from awards.phases import Phase
from tests.factories import EditionFactory
from voting.permissions import may_vote_in, standings_are_public, vote_is_set_aside, voting_is_open
from voting.selectors import Ballot, BallotVote

BALLOT = Ballot(
    votes=[
        BallotVote(category=1, nominee=10),
        BallotVote(category=2, nominee=20, invalidated=True),
    ],
    category_count=3,
)


@pytest.mark.parametrize(
    "excluded, category, allowed",
    [(False, 1, True), (False, 2, False), (False, 3, True), (True, 1, False), (True, 3, False)],
)
def test_who_may_vote_in_a_category(excluded, category, allowed):
    ballot = Ballot(votes=BALLOT.votes, category_count=3, excluded=excluded)

    assert may_vote_in(ballot, category=category) is allowed
    assert vote_is_set_aside(ballot, category=category) is (category == 2)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "phase, shown, public",
    [(Phase.VOTING, True, True), (Phase.VOTING, False, False), (Phase.CHAMPIONS, True, False)],
)
def test_the_live_counts_are_public_while_voting_is_open_where_the_edition_shows_them(
    phase, shown, public
):
    edition = EditionFactory(year=2020, phase=phase, public_standings=shown)

    assert voting_is_open(edition) is (phase == Phase.VOTING)
    assert standings_are_public(edition) is public
