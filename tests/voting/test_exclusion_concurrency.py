"""An exclusion racing the excluded account's own votes, on a real PostgreSQL: once it
has committed, no vote of the account counts, whatever the interleaving."""

import pytest
from django.db import connection

from tests.factories import ProjectFactory, UserFactory
from tests.voting.test_concurrency import all_at_once
from voting.models import Vote
from voting.selectors import tally_differences
from voting.services import VoteInvalidated, VoterExcluded, ballot_cast, voter_exclude

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrency is tested on PostgreSQL (CI sets DATABASE_URL to it)",
    ),
]


@pytest.mark.parametrize("round_", range(3))
def test_votes_racing_an_exclusion_never_count_after_it(edition, categories, admin_user, round_):
    nominees = {c.pk: ProjectFactory.create_batch(4, category=c) for c in categories}
    voter = UserFactory(email_confirmed=True)
    bystander = UserFactory(email_confirmed=True)
    tasks = [
        lambda c=c, n=n, v=v: ballot_cast(edition=edition, category=c, voter=v, nominee_id=n.pk)
        for c in categories
        for n in nominees[c.pk]
        for v in (voter, bystander)
    ]
    middle = len(tasks) // 2
    tasks.insert(
        middle,
        lambda: voter_exclude(edition=edition, voter=voter, by=admin_user, reason="A bot."),
    )

    errors = all_at_once(tasks)

    assert all(isinstance(error, VoterExcluded | VoteInvalidated) for error in errors), errors
    assert not Vote.objects.filter(voter=voter, invalidated_at__isnull=True).exists()
    assert Vote.objects.filter(voter=bystander, invalidated_at__isnull=True).count() == 3
    assert tally_differences(edition=edition) == {}
