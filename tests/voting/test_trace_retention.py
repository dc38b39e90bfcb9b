"""Networks and browsers are kept for the fraud review only: once an edition's results
are final (published) and the retention period has passed, those of its votes, of their
history and of the accounts that voted only then (or never) are emptied, daily."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import User
from awards.phases import Phase
from tests.factories import (
    CategoryFactory,
    EditionFactory,
    ProjectFactory,
    UserFactory,
    VoteFactory,
)
from voting.models import TracePurge, Vote, VoteAction, VoteEvent
from voting.services import TracesPurged, traces_purge
from voting.tasks import traces_purge_expired

pytestmark = pytest.mark.django_db

NETWORK = "198.51.100.0/24"
BROWSER = "Firefox on Windows"
USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
TRACES = {"signup_network": NETWORK, "signup_browser": BROWSER}


def nominee_in(year: int, phase: Phase, published_days_ago: int | None = None):
    """A nominee of an edition in ``phase``, its results published that many days
    before now (or not)."""
    edition = EditionFactory(year=year, phase=phase)
    if published_days_ago is not None:
        edition.results_published_at = timezone.now() - timedelta(days=published_days_ago)
        edition.save(update_fields=["results_published_at"])
    return ProjectFactory(category=CategoryFactory(edition=edition, number=1))


def voter(*, joined_days_ago: int = 0) -> User:
    return UserFactory(date_joined=timezone.now() - timedelta(days=joined_days_ago), **TRACES)


def vote(nominee, account: User) -> Vote:
    cast = VoteFactory(nominee=nominee, voter=account, network=NETWORK, user_agent=USER_AGENT)
    event(nominee, account)
    return cast


def event(nominee, account: User | None, action: str = VoteAction.CAST) -> VoteEvent:
    return VoteEvent.objects.create(
        edition=nominee.edition,
        category=nominee.category,
        nominee=nominee,
        voter=account,
        action=action,
        at=timezone.now(),
        network=NETWORK,
        user_agent=USER_AGENT,
    )


def traces_of(account: User) -> tuple[str, str]:
    account.refresh_from_db()
    return account.signup_network, account.signup_browser


def vote_traces(nominee) -> set[tuple[str, str]]:
    return set(Vote.objects.filter(nominee=nominee).values_list("network", "user_agent")) | set(
        VoteEvent.objects.filter(nominee=nominee).values_list("network", "user_agent")
    )


@pytest.fixture
def editions():
    """2020 final long ago (past the retention), 2021 final recently, 2022 voting now."""
    days = settings.TRACE_RETENTION_DAYS
    return (
        nominee_in(2020, Phase.CEREMONY, published_days_ago=days + 1),
        nominee_in(2021, Phase.CEREMONY, published_days_ago=days - 1),
        nominee_in(2022, Phase.VOTING),
    )


def test_the_traces_of_an_expired_editions_votes_are_emptied(editions):
    old, recent, current = editions
    for nominee in editions:
        vote(nominee, voter(joined_days_ago=400))
    event(old, None, VoteAction.WITHDRAWN)  # a former voter's history too

    done = traces_purge()

    assert vote_traces(old) == {("", "")}
    assert vote_traces(recent) == vote_traces(current) == {(NETWORK, USER_AGENT)}
    assert done == TracesPurged(editions=1, votes=1, events=2, accounts=1)
    [record] = TracePurge.objects.all()
    assert (record.edition, record.votes, record.events) == (old.edition, 1, 2)


def test_an_accounts_traces_go_once_every_edition_it_voted_in_has_expired(editions):
    old, recent, current = editions
    only_old = voter(joined_days_ago=400)
    vote(old, only_old)
    also_recent = voter(joined_days_ago=400)
    vote(old, also_recent)
    vote(recent, also_recent)
    voting_now = voter(joined_days_ago=400)
    vote(current, voting_now)
    withdrew_now = voter(joined_days_ago=400)
    event(current, withdrew_now, VoteAction.WITHDRAWN)  # no vote left, but its history

    traces_purge()

    assert traces_of(only_old) == ("", "")
    assert traces_of(also_recent) == traces_of(voting_now) == (NETWORK, BROWSER)
    assert traces_of(withdrew_now) == (NETWORK, BROWSER)


def test_accounts_that_never_voted_lose_their_traces_once_an_edition_after_them_expired(
    editions,
):
    old, _recent, _current = editions
    before_the_close = voter(joined_days_ago=400)
    after_the_close = voter(joined_days_ago=0)
    assert before_the_close.date_joined < old.edition.voting_closes_at
    assert after_the_close.date_joined > old.edition.voting_closes_at

    traces_purge()

    assert traces_of(before_the_close) == ("", "")
    assert traces_of(after_the_close) == (NETWORK, BROWSER)


def test_nothing_is_emptied_before_the_retention_period_ends(settings):
    settings.TRACE_RETENTION_DAYS = 30
    published = nominee_in(2020, Phase.CEREMONY, published_days_ago=29)
    unpublished = nominee_in(2021, Phase.JURY)
    account = voter(joined_days_ago=400)
    vote(published, account)
    still_counted = voter(joined_days_ago=400)
    vote(unpublished, still_counted)

    assert traces_purge() == TracesPurged(editions=0, votes=0, events=0, accounts=0)
    assert vote_traces(published) == vote_traces(unpublished) == {(NETWORK, USER_AGENT)}
    assert traces_of(account) == (NETWORK, BROWSER)

    # Two days later, 2020's period is over; 2021, never published, keeps its traces.
    later = traces_purge(at=timezone.now() + timedelta(days=2))

    assert later == TracesPurged(editions=1, votes=1, events=1, accounts=1)
    assert vote_traces(published) == {("", "")}
    assert vote_traces(unpublished) == {(NETWORK, USER_AGENT)}
    assert traces_of(account) == ("", "")
    assert traces_of(still_counted) == (NETWORK, BROWSER)


def test_running_it_again_empties_nothing_more(editions, django_assert_max_num_queries):
    old, _recent, _current = editions
    vote(old, voter(joined_days_ago=400))
    traces_purge()

    # The expired edition's votes are not read again: a few queries, none per vote.
    with django_assert_max_num_queries(3):
        again = traces_purge()

    assert again == TracesPurged(editions=0, votes=0, events=0, accounts=0)
    assert TracePurge.objects.count() == 1


def test_the_beat_runs_it_daily(editions):
    old, _recent, _current = editions
    vote(old, voter(joined_days_ago=400))

    entry = settings.CELERY_BEAT_SCHEDULE["traces-retention"]

    assert entry["task"] == "voting.tasks.traces_purge_expired"
    assert entry["schedule"].remaining_estimate(timezone.now()) <= timedelta(days=1)
    assert traces_purge_expired.delay().get() == {
        "editions": 1,
        "votes": 1,
        "events": 1,
        "accounts": 1,
    }
