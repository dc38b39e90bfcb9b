"""Query-count guards of the voting endpoints over every dimension that grows."""

import pytest

from awards.models import ProjectStatus
from tests.factories import CategoryFactory, ProjectFactory, VoteFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("categories", [1, 6])
def test_ballot_query_count_does_not_grow_with_categories_or_votes(
    api_client, edition, voter, django_assert_num_queries, categories
):
    for number in range(1, categories + 1):
        nominee = ProjectFactory(category=CategoryFactory(edition=edition, number=number))
        ProjectFactory(category=nominee.category, status=ProjectStatus.DRAFT)
        VoteFactory(nominee=nominee, voter=voter)
    api_client.force_authenticate(voter)

    with django_assert_num_queries(5):
        response = api_client.get(f"/api/v1/editions/{edition.year}/ballot/")

    assert len(response.json()["votes"]) == categories
