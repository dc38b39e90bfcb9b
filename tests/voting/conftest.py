import pytest
from django.test import Client

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


def session_token(user) -> str:
    """An API session token of ``user``: the key of a signed-in session."""
    browser = Client()
    browser.force_login(user)
    return browser.session.session_key


@pytest.fixture(params=["session token", "forced"])
def voter_client(request, api_client, voter):
    """The voter's API client, signed in as outside clients are (``X-Session-Token``)
    and forced, as DRF's test client allows."""
    if request.param == "forced":
        api_client.force_authenticate(voter)
    else:
        api_client.credentials(HTTP_X_SESSION_TOKEN=session_token(voter))
    return api_client


@pytest.fixture(params=["db", "cached_db"])
def session_engine(request, settings):
    """Sessions in the database alone, and kept in the cache as well (as outside tests
    when ``CACHE_URL`` is set): the token tests run with both."""
    settings.SESSION_ENGINE = f"django.contrib.sessions.backends.{request.param}"
    return request.param
