import pytest

from awards.phases import Phase
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory


@pytest.fixture
def edition(db):
    return EditionFactory(year=2020, phase=Phase.VOTING)


@pytest.fixture
def categories(edition):
    return [CategoryFactory(edition=edition, number=n) for n in (1, 2, 3)]


@pytest.fixture
def nominees(categories):
    """Two nominees in each category, by category number."""
    return {
        c.number: [ProjectFactory(category=c, title=f"Nominee {c.number}{x}") for x in "ab"]
        for c in categories
    }


@pytest.fixture
def voter(db):
    return UserFactory(email="voter@example.org", email_confirmed=True)


@pytest.fixture
def voter_client(api_client, voter):
    api_client.force_authenticate(voter)
    return api_client
