"""The public exclusion report, once the results are published: the votes that did not
count per category and, for those the secretariat invalidated, per kind of fraud signal
it acted on; no one named, and a query count that does not grow with the rows."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from awards.models import Edition, ExclusionReason
from awards.phases import Phase
from awards.services import results_publish, standings_record
from awards.workflow import CROWN, project_transition
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, VoteFactory
from tests.frontend.html import find, page, text
from tests.frontend.test_results_pages import RESULTS_QUERIES
from voting.fraud import SECRETARIAT_FLAG
from voting.models import Vote
from voting.services import champions_compute, voter_exclude, votes_invalidate

pytestmark = pytest.mark.django_db

YEAR = 2021
RESULTS = reverse("frontend:results", args=[YEAR])
API_RESULTS = reverse("api:results", args=[YEAR])
REASON = "Scripted votes from 203.0.113.0/24, reported by Grace Hopper."


def crown_and_publish(edition: Edition, by: User) -> None:
    for category in edition.categories.all():
        top = category.projects.order_by("standing__rank", "pk").first()
        project_transition(project=top, transition=CROWN, actor=by, at=timezone.now())
    results_publish(edition=edition, by=by)


@pytest.fixture
def reviewed(admin_user):
    """A published edition whose votes the secretariat reviewed: in category 1, two votes
    invalidated from a burst signal, one account excluded from the lockstep ballots
    signal, one vote of an account it flagged itself, one by any other review; in
    category 2, one from the burst signal."""
    edition = EditionFactory(year=YEAR, phase=Phase.CEREMONY, champions_per_category=1)
    first, second = (
        ProjectFactory(category=CategoryFactory(edition=edition, number=n, title=f"Theme {n}"))
        for n in (1, 2)
    )
    votes = [VoteFactory(nominee=first, voter__name=f"Voter {n}") for n in range(8)]
    votes.append(VoteFactory(nominee=second, voter__name="Voter 8"))
    votes.append(VoteFactory(nominee=second, voter__name="Voter 9"))

    def invalidate(chosen: list[Vote], signal: str = "") -> None:
        votes_invalidate(
            votes=Vote.objects.filter(pk__in=[vote.pk for vote in chosen]),
            by=admin_user,
            reason=REASON,
            signal=signal,
        )

    invalidate(votes[0:2], "burst")
    voter_exclude(
        edition=edition,
        voter=votes[2].voter,
        by=admin_user,
        reason=REASON,
        signal="lockstep_ballots",
    )
    invalidate(votes[3:4], SECRETARIAT_FLAG)
    invalidate(votes[4:5])
    invalidate(votes[8:9], "burst")
    champions_compute(edition=edition)
    crown_and_publish(edition, admin_user)
    return edition, votes


def report_rows(root, class_: str = "exclusion-report") -> list[str]:
    [table] = find(root, "table", class_=class_)
    return [text(row) for row in find(find(table, "tbody")[0], "tr")]


def test_the_report_splits_invalidated_votes_by_kind_of_signal(client, reviewed):
    root = page(client.get(RESULTS))

    assert report_rows(root) == [
        "1. Theme 1 Invalidated by the secretariat — Faster than a person 2",
        "1. Theme 1 Invalidated by the secretariat — Ballots in lockstep 1",
        "1. Theme 1 Invalidated by the secretariat — Flagged by the secretariat 1",
        "1. Theme 1 Other review by the secretariat 1",
        "2. Theme 2 Invalidated by the secretariat — Faster than a person 1",
    ]
    [report] = find(root, "table", class_="exclusion-report")
    assert text(find(report, "tfoot")[0]) == "All categories 6"
    assert report_rows(root, "exclusion-signals") == [
        "Faster than a person 3",
        "Ballots in lockstep 1",
        "Flagged by the secretariat 1",
        "Other review by the secretariat 1",
    ]
    [totals] = find(root, "dl", class_="results-totals")
    assert text(totals) == "Votes cast 10 Valid votes 4 Voters 10"


def test_the_report_names_no_one(client, reviewed, admin_user):
    _edition, votes = reviewed

    html = client.get(RESULTS).content.decode()
    body = client.get(API_RESULTS).content.decode()

    for shown in (html, body):
        assert REASON not in shown
        assert "203.0.113" not in shown
        assert admin_user.name not in shown and admin_user.email not in shown
        for vote in votes:
            assert vote.voter.email not in shown
            assert vote.voter.name not in shown


def test_the_api_adds_the_split_by_kind_to_each_reason(client, reviewed):
    body = client.get(API_RESULTS).json()

    assert body["exclusions"] == [
        {
            "category": 1,
            "reason": "invalidated",
            "votes": 5,
            "signals": [
                {"kind": "", "votes": 1},
                {"kind": "burst", "votes": 2},
                {"kind": SECRETARIAT_FLAG, "votes": 1},
                {"kind": "lockstep_ballots", "votes": 1},
            ],
        },
        {
            "category": 2,
            "reason": "invalidated",
            "votes": 1,
            "signals": [{"kind": "burst", "votes": 1}],
        },
    ]


def test_other_reasons_are_not_split(client, admin_user):
    edition = EditionFactory(year=YEAR, phase=Phase.CEREMONY, champions_per_category=1)
    nominee = ProjectFactory(category=CategoryFactory(edition=edition, number=1, title="Theme"))
    standings_record(
        edition=edition,
        votes={nominee.pk: 9},
        exclusions={
            (nominee.category_id, ExclusionReason.INCOMPLETE_BALLOT): 3,
            (nominee.category_id, ExclusionReason.INVALIDATED, "an_unknown_kind"): 2,
        },
    )
    crown_and_publish(edition, admin_user)

    root = page(client.get(RESULTS))
    body = client.get(API_RESULTS).json()

    assert report_rows(root) == [
        "1. Theme Incomplete ballot 3",
        # A kind the site does not know (yet) is named as an invalidation, no more.
        "1. Theme Invalidated by the secretariat 2",
    ]
    assert report_rows(root, "exclusion-signals") == ["Invalidated by the secretariat 2"]
    assert body["exclusions"][0] == {
        "category": 1,
        "reason": "incomplete_ballot",
        "votes": 3,
        "signals": [],
    }


def test_without_invalidated_votes_there_is_no_split_by_kind(client, admin_user):
    edition = EditionFactory(year=YEAR, phase=Phase.CEREMONY, champions_per_category=1)
    nominee = ProjectFactory(category=CategoryFactory(edition=edition, number=1))
    standings_record(
        edition=edition,
        votes={nominee.pk: 9},
        exclusions={(nominee.category_id, ExclusionReason.OUTSIDE_WINDOW): 1},
    )
    crown_and_publish(edition, admin_user)

    root = page(client.get(RESULTS))

    assert len(report_rows(root)) == 1
    assert find(root, "table", class_="exclusion-signals") == []


@pytest.mark.parametrize("size", [1, 4])
def test_the_report_query_count_does_not_grow_with_categories_or_kinds(
    client, admin_user, django_assert_num_queries, size
):
    edition = EditionFactory(year=YEAR, phase=Phase.CEREMONY, champions_per_category=1)
    kinds = ["burst", "lockstep_ballots", SECRETARIAT_FLAG, ""][:size]
    exclusions = {}
    votes = {}
    for number in range(1, size + 1):
        nominee = ProjectFactory(category=CategoryFactory(edition=edition, number=number))
        votes[nominee.pk] = 10
        for kind in kinds:
            exclusions[(nominee.category_id, ExclusionReason.INVALIDATED, kind)] = 2
    standings_record(edition=edition, votes=votes, exclusions=exclusions)
    crown_and_publish(edition, admin_user)

    with django_assert_num_queries(RESULTS_QUERIES):
        response = client.get(RESULTS)

    assert len(report_rows(page(response))) == size * size


def test_the_report_speaks_the_pages_language(client, reviewed):
    with translation.override("fr"):
        url = reverse("frontend:results", args=[YEAR])

    root = page(client.get(url))

    assert (
        report_rows(root)[0]
        == "1. Theme 1 Invalidé par le secrétariat — Plus rapide qu\u2019un humain 2"
    )
    assert report_rows(root, "exclusion-signals")[-1] == "Autre examen par le secrétariat 1"
