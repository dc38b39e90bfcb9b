import pytest
from django.utils import timezone

from accounts.errors import MfaRequired
from awards.models import Exclusion, ProjectStatus, Standing, TieRule
from awards.phases import Phase, timeline_around
from awards.services import VotingStillOpen, edition_timeline_set
from tests.factories import (
    CategoryFactory,
    EditionFactory,
    ProjectFactory,
    UserFactory,
    VoteFactory,
)
from voting.models import VoteEvent
from voting.selectors import ballot_counts_if_closed_now, standings, tally_differences
from voting.services import (
    ReasonRequired,
    account_votes_invalidate,
    champions_compute,
    votes_invalidate,
)
from voting.tasks import champions_when_voting_closes

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed():
    """An edition whose voting has just closed, with one category."""
    edition = EditionFactory(year=2020, phase=Phase.CHAMPIONS, champions_per_category=2)
    return edition, CategoryFactory(edition=edition, number=1)


def give(nominee, count: int, **voter) -> list:
    return [
        VoteFactory(nominee=nominee, voter__email_confirmed=True, **voter) for _ in range(count)
    ]


def champions_of(category) -> set[str]:
    return set(
        category.projects.filter(status=ProjectStatus.CHAMPION).values_list("title", flat=True)
    )


def test_top_voted_become_champions_with_ranks(closed):
    edition, category = closed
    a, b, c = (ProjectFactory(category=category, title=t) for t in "ABC")
    give(a, 3)
    give(b, 2)
    give(c, 1)

    champions_compute(edition=edition)

    assert champions_of(category) == {"A", "B"}
    assert list(Standing.objects.values_list("nominee__title", "votes", "rank")) == [
        ("A", 3, 1),
        ("B", 2, 2),
        ("C", 1, 3),
    ]
    edition.refresh_from_db()
    assert edition.standings_recorded_at is not None


def test_running_it_twice_changes_nothing(closed):
    edition, category = closed
    a, b, _ = (ProjectFactory(category=category, title=t) for t in "ABC")
    give(a, 2)
    give(b, 1)
    champions_compute(edition=edition)
    events = a.events.count()

    champions_compute(edition=edition)

    assert champions_of(category) == {"A", "B"}
    assert a.events.count() == events
    assert Standing.objects.count() == 3


@pytest.mark.parametrize(
    "rule, expected, tied",
    [
        (TieRule.INCLUDE_ALL, {"A", "B", "C"}, True),
        (TieRule.EARLIEST_SUBMISSION, {"A", "C"}, True),
        (TieRule.EXCLUDE_ALL, {"A"}, True),
    ],
)
def test_tie_at_the_cut_under_each_rule(closed, rule, expected, tied):
    edition, category = closed
    edition.tie_rule = rule
    edition.save()
    now = timezone.now()
    a = ProjectFactory(category=category, title="A", submitted_at=now)
    b = ProjectFactory(category=category, title="B", submitted_at=now)
    c = ProjectFactory(category=category, title="C", submitted_at=now.replace(year=now.year - 1))
    give(a, 5)
    give(b, 2)
    give(c, 2)

    champions_compute(edition=edition)

    assert champions_of(category) == expected
    assert set(
        Standing.objects.filter(tied_at_cut=True).values_list("nominee__title", flat=True)
    ) == ({"B", "C"} if tied else set())


def test_no_champions_while_voting_is_open():
    edition = EditionFactory(phase=Phase.VOTING)

    with pytest.raises(VotingStillOpen):
        champions_compute(edition=edition)


def test_complete_ballot_rule_counts_only_complete_ballots(closed):
    edition, first = closed
    second = CategoryFactory(edition=edition, number=2)
    edition.complete_ballot_required = True
    edition.save()
    a, b = ProjectFactory(category=first, title="A"), ProjectFactory(category=first, title="B")
    x = ProjectFactory(category=second, title="X")
    complete = UserFactory(email_confirmed=True)
    VoteFactory(voter=complete, nominee=b)
    VoteFactory(voter=complete, nominee=x)
    give(a, 3)  # three incomplete ballots

    champions_compute(edition=edition)

    votes = dict(Standing.objects.values_list("nominee__title", "votes"))
    assert votes == {"A": 0, "B": 1, "X": 1}
    assert list(Exclusion.objects.values_list("category__number", "reason", "votes")) == [
        (1, "incomplete_ballot", 3)
    ]


def test_without_the_rule_incomplete_ballots_count(closed):
    edition, category = closed
    a = ProjectFactory(category=category, title="A")
    give(a, 3)

    champions_compute(edition=edition)

    assert Standing.objects.get(nominee=a).votes == 3
    assert not Exclusion.objects.exists()


def test_invalidation_removes_votes_from_counts_and_champions(closed, admin_user):
    edition, category = closed
    a, b, c = (ProjectFactory(category=category, title=t) for t in "ABC")
    fraudulent = give(a, 4)
    give(b, 2)
    give(c, 1)

    changed = votes_invalidate(
        votes=a.votes.filter(pk__in=[v.pk for v in fraudulent]),
        by=admin_user,
        reason="Accounts created in bulk from one network.",
    )
    champions_compute(edition=edition)

    assert changed == 4
    assert standings(edition=edition)[a.pk] == 0
    assert tally_differences(edition=edition) == {}
    assert champions_of(category) == {"B", "C"}
    assert list(Exclusion.objects.values_list("reason", "votes")) == [("invalidated", 4)]
    assert VoteEvent.objects.filter(action="invalidated").count() == 4


def test_a_champion_drops_out_when_its_votes_are_invalidated_later(closed, admin_user):
    edition, category = closed
    a, b, c = (ProjectFactory(category=category, title=t) for t in "ABC")
    give(a, 4)
    give(b, 2)
    give(c, 1)
    champions_compute(edition=edition)
    assert champions_of(category) == {"A", "B"}

    votes_invalidate(votes=a.votes.all(), by=admin_user, reason="Fraud found late.")
    champions_compute(edition=edition)

    assert champions_of(category) == {"B", "C"}
    a.refresh_from_db()
    assert a.status == ProjectStatus.NOMINEE
    assert a.events.last().kind == "champion_withdrawn"


def test_invalidating_a_whole_account(closed, admin_user):
    edition, category = closed
    voter = UserFactory(email_confirmed=True)
    VoteFactory(voter=voter, nominee=ProjectFactory(category=category))
    VoteFactory(
        voter=voter, nominee=ProjectFactory(category=CategoryFactory(edition=edition, number=2))
    )

    assert account_votes_invalidate(edition=edition, voter=voter, by=admin_user, reason="Bot.") == 2
    assert sum(standings(edition=edition).values()) == 0


def test_invalidation_needs_a_reason_and_the_secretariat(closed, admin_user):
    _, category = closed
    vote = VoteFactory(nominee=ProjectFactory(category=category))

    with pytest.raises(ReasonRequired):
        votes_invalidate(votes=vote.nominee.votes.all(), by=admin_user, reason=" ")
    with pytest.raises(MfaRequired):
        votes_invalidate(
            votes=vote.nominee.votes.all(),
            by=UserFactory(is_staff=True, roles=["Secretariat"]),
            reason="x",
        )
    vote.refresh_from_db()
    assert vote.is_valid


def test_beat_task_records_champions_once_voting_has_closed(closed):
    edition, category = closed
    give(ProjectFactory(category=category, title="A"), 1)
    open_now = EditionFactory(phase=Phase.VOTING)

    assert champions_when_voting_closes() == [edition.pk]
    assert champions_when_voting_closes() == []
    assert champions_of(category) == {"A"}
    assert open_now.standings_recorded_at is None


def test_beat_task_waits_for_the_close():
    edition = EditionFactory(phase=Phase.VOTING)
    category = CategoryFactory(edition=edition, number=1)
    give(ProjectFactory(category=category, title="A"), 1)

    assert champions_when_voting_closes() == []
    edition_timeline_set(
        edition=edition, times=timeline_around(current=Phase.CHAMPIONS, at=timezone.now())
    )
    assert champions_when_voting_closes() == [edition.pk]


def test_an_invalidated_vote_leaves_the_ballot_incomplete(admin_user):
    edition = EditionFactory(year=2020, phase=Phase.VOTING, complete_ballot_required=True)
    first, second = (CategoryFactory(edition=edition, number=n) for n in (1, 2))
    voter = UserFactory(email_confirmed=True)
    VoteFactory(voter=voter, nominee=ProjectFactory(category=first))
    vote = VoteFactory(voter=voter, nominee=ProjectFactory(category=second))
    assert ballot_counts_if_closed_now(edition=edition, voter=voter)

    votes_invalidate(votes=vote.nominee.votes.all(), by=admin_user, reason="Bot.")

    assert not ballot_counts_if_closed_now(edition=edition, voter=voter)
