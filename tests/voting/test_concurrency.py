"""Interleaved votes on a real PostgreSQL: each thread has its own connection and
transaction, as concurrent web requests do."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from tests.factories import ProjectFactory, UserFactory
from voting.models import Vote, VoteEvent
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
