"""Interleaved votes on a real PostgreSQL: each thread has its own connection and
transaction, as concurrent web requests do."""

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction

from tests.factories import ProjectFactory, UserFactory
from voting.models import TALLY_SHARDS, Vote, VoteEvent
from voting.selectors import recount, standings, tally_differences
from voting.services import ballot_cast, ballot_withdraw

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrency is tested on PostgreSQL (CI sets DATABASE_URL to it)",
    ),
]


def all_at_once(tasks: list[Callable[[], None]]) -> list[BaseException]:
    """Run the tasks in threads released together; the errors they raised."""
    barrier = threading.Barrier(len(tasks))
    errors: list[BaseException] = []

    def run(task: Callable[[], None]) -> None:
        try:
            barrier.wait()
            task()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(task,)) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_one_account_voting_from_20_threads_leaves_one_vote(edition, categories):
    category = categories[0]
    nominees = ProjectFactory.create_batch(20, category=category)
    voter = UserFactory(email_confirmed=True)

    errors = all_at_once(
        [
            lambda n=n: ballot_cast(
                edition=edition, category=category, voter=voter, nominee_id=n.pk
            )
            for n in nominees
        ]
    )

    assert errors == []
    assert Vote.objects.filter(voter=voter).count() == 1
    assert sum(standings(edition=edition).values()) == 1
    assert tally_differences(edition=edition) == {}


def test_fifty_accounts_voting_at_once_match_the_recount(edition, categories):
    category = categories[0]
    nominees = ProjectFactory.create_batch(3, category=category)
    voters = [UserFactory(email_confirmed=True) for _ in range(50)]

    errors = all_at_once(
        [
            lambda v=v, i=i: ballot_cast(
                edition=edition, category=category, voter=v, nominee_id=nominees[i % 3].pk
            )
            for i, v in enumerate(voters)
        ]
    )

    assert errors == []
    assert standings(edition=edition) == recount(edition=edition)
    expected = {n.pk: c for n, c in zip(nominees, (17, 17, 16), strict=True)}
    assert standings(edition=edition) == expected


def test_changes_and_withdrawals_racing_keep_the_counts_exact(edition, categories):
    category = categories[0]
    first, second = ProjectFactory.create_batch(2, category=category)
    voters = [UserFactory(email_confirmed=True) for _ in range(20)]
    for voter in voters:
        ballot_cast(edition=edition, category=category, voter=voter, nominee_id=first.pk)

    tasks = []
    for index, voter in enumerate(voters):
        tasks.append(
            lambda v=voter: ballot_cast(
                edition=edition, category=category, voter=v, nominee_id=second.pk
            )
        )
        if index % 2:
            tasks.append(
                lambda v=voter: ballot_withdraw(edition=edition, category=category, voter=v)
            )
    errors = all_at_once(tasks)

    assert errors == []
    assert tally_differences(edition=edition) == {}
    assert Vote.objects.count() <= 20
    assert VoteEvent.objects.filter(action="cast").count() >= 20


def _waiting_for_locks() -> int:
    """Backends of this database waiting for a row another transaction holds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0]


def test_opposite_changes_between_two_nominees_do_not_deadlock(edition, categories, monkeypatch):
    """Two voters change their votes between the same two nominees in opposite
    directions while a third transaction holds the lower nominee's tally row: each
    change takes the two tally rows the other one wants. They must queue, not
    deadlock (no second try is allowed here to hide one)."""
    monkeypatch.setattr("voting.services._RETRYABLE", frozenset())
    category = categories[0]
    first, second = sorted(ProjectFactory.create_batch(2, category=category), key=lambda p: p.pk)
    one = UserFactory(email_confirmed=True)
    ballot_cast(edition=edition, category=category, voter=one, nominee_id=first.pk)
    shard = Vote.objects.get(voter=one).pk % TALLY_SHARDS
    two = None
    while two is None:  # a voter whose vote lands in the same shard
        candidate = UserFactory(email_confirmed=True)
        ballot_cast(edition=edition, category=category, voter=candidate, nominee_id=second.pk)
        if Vote.objects.get(voter=candidate, category=category).pk % TALLY_SHARDS == shard:
            two = candidate
        else:
            ballot_withdraw(edition=edition, category=category, voter=candidate)
    errors: list[BaseException] = []

    def change(voter, nominee) -> None:
        try:
            ballot_cast(edition=edition, category=category, voter=voter, nominee_id=nominee.pk)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT votes FROM voting_tally WHERE nominee_id = %s AND shard = %s FOR UPDATE",
                [first.pk, shard],
            )
        threads = [
            threading.Thread(target=change, args=(one, second)),
            threading.Thread(target=change, args=(two, first)),
        ]
        for thread in threads:
            thread.start()
            deadline = time.monotonic() + 10
            while _waiting_for_locks() < threads.index(thread) + 1:
                assert time.monotonic() < deadline, "the change never waited for the row"
                time.sleep(0.02)
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert Vote.objects.get(voter=one, category=category).nominee == second
    assert Vote.objects.get(voter=two, category=category).nominee == first
    assert tally_differences(edition=edition) == {}
