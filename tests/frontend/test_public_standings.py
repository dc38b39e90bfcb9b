import pytest

from awards.phases import Phase
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, VoteFactory

pytestmark = pytest.mark.django_db

PAGE = "/editions/2020/standings/"


def edition_with_votes(*, public: bool, phase=Phase.VOTING):
    edition = EditionFactory(year=2020, phase=phase, public_standings=public)
    category = CategoryFactory(edition=edition, number=1)
    leader = ProjectFactory(category=category, title="Leader")
    ProjectFactory(category=category, title="Follower")
    for _ in range(3):
        VoteFactory(nominee=leader)
    return edition


def test_hidden_by_default(client):
    edition_with_votes(public=False)

    response = client.get(PAGE)

    assert response.status_code == 404
    assert "The standings are not public" in response.content.decode()
    assert "Leader" not in response.content.decode()


def test_public_while_voting_when_the_edition_says_so(client):
    edition_with_votes(public=True)

    html = client.get(PAGE).content.decode()

    assert html.index("Leader") < html.index("Follower")
    assert "3 votes, 100.0% of the category" in html


@pytest.mark.parametrize("phase", [Phase.CHAMPIONS, Phase.CEREMONY])
def test_hidden_after_the_close_even_when_public(client, phase):
    edition_with_votes(public=True, phase=phase)

    response = client.get(PAGE)

    assert response.status_code == 404
    assert "Leader" not in response.content.decode()


@pytest.mark.parametrize("nominees", [1, 6])
def test_query_count_does_not_grow(client, django_assert_num_queries, nominees):
    edition = EditionFactory(year=2020, phase=Phase.VOTING, public_standings=True)
    category = CategoryFactory(edition=edition, number=1)
    for n in range(nominees):
        VoteFactory(nominee=ProjectFactory(category=category, title=f"N{n}"))

    with django_assert_num_queries(5):
        response = client.get(PAGE)

    assert response.status_code == 200
