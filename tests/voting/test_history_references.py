"""The vote history has no foreign keys in the database (``VoteEvent``): the ORM's
``on_delete`` rules keep its references, and these tests hold them to it."""

import pytest
from django.db.models import ProtectedError

from voting.models import VoteEvent
from voting.services import ballot_cast, ballot_withdraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def withdrawn(voter, nominees, categories, edition):
    """A vote cast and withdrawn: only its history names the nominee."""
    category, nominee = categories[0], nominees[1][0]
    ballot_cast(edition=edition, category=category, voter=voter, nominee_id=nominee.pk)
    ballot_withdraw(edition=edition, category=category, voter=voter)
    return nominee


def test_a_nominee_named_in_the_history_cannot_be_deleted(withdrawn):
    with pytest.raises(ProtectedError):
        withdrawn.delete()

    assert VoteEvent.objects.filter(nominee=withdrawn).count() == 2


def test_a_category_named_in_the_history_cannot_be_deleted(withdrawn):
    with pytest.raises(ProtectedError):
        withdrawn.category.delete()


def test_deleting_an_account_keeps_its_history_without_it(withdrawn, voter):
    voter.delete()

    events = VoteEvent.objects.filter(nominee=withdrawn)
    assert events.count() == 2
    assert set(events.values_list("voter", flat=True)) == {None}
