"""The API answers as its schema says: Schemathesis sends requests made from the schema
served at /api/v1/schema/ (valid ones and invalid ones) to the WSGI application, in
process, and checks every answer with all its checks: no server error, only documented
statuses, bodies and headers as documented, invalid input refused, valid input accepted,
authentication enforced, 405 with Allow for other methods.

The requests come from a voter signed in with a session token, in an edition in its
voting phase with nominees, who also has a draft in an edition taking submissions; the
rates of every throttle are raised. Each operation runs in its own test transaction.
A few examples per operation run here; for a long pass, set SCHEMATHESIS_EXAMPLES (for
example to 300).
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from werkzeug.test import Client

from awards.phases import Phase
from config.wsgi import application
from tests.factories import PASSWORD, CategoryFactory, EditionFactory, ProjectFactory, UserFactory

VOTING_YEAR, SUBMISSION_YEAR = 2020, 2021
CATEGORIES = (1, 2, 3)
# Fixed ids, so that the schema's generation can draw them (each test's transaction
# is rolled back: no other test sees them).
NOMINEES = {1: (9001, 9002), 2: (9003, 9004), 3: (9005, 9006)}
DRAFT = 9101
VOTER_EMAIL = "voter@example.org"
# The peer's address, as a server gives it (throttles and allauth's rate limits ask).
PEER = {"REMOTE_ADDR": "192.0.2.1"}

# Writes whose acceptance depends on what the server holds (a nominee of the category,
# a category of the edition, a country code that exists, a real image): a 400 with a
# domain code is a right answer to data the schema allows. So it is on allauth's app API
# (a key it issued, a password not too common, an address not taken), where a session
# token whose session has ended answers 410. Other operations must accept valid data.
BY_STATE = ["2xx", "400", "401", "403", "404", "409", "429"]
NOMINEE_IDS = [pk for pair in NOMINEES.values() for pk in pair]

CONFIG = schemathesis.Config.from_dict(
    {
        "dictionaries": {
            "voting_year": {"values": [VOTING_YEAR]},
            "submission_year": {"values": [SUBMISSION_YEAR]},
            "categories": {"values": list(CATEGORIES)},
            "nominees": {"values": NOMINEE_IDS},
            "drafts": {"values": [DRAFT]},
            "emails": {"values": [VOTER_EMAIL]},
            "passwords": {"values": [PASSWORD]},
        },
        # Drawn often, beside what the schema allows: the ids of the world below.
        "parameters": {
            "path.year": {"dictionary": "voting_year", "probability": 0.8},
            "path.category": {"dictionary": "categories", "probability": 0.6},
            "path.id": {"dictionary": "nominees", "probability": 0.6},
            "body.nominee": {"dictionary": "nominees", "probability": 0.6},
            "body.category": {"dictionary": "categories", "probability": 0.5},
            # The voter logs in now and then; sign-up gets a password strong enough.
            "body.email": {"dictionary": "emails", "probability": 0.3},
            "body.password": {"dictionary": "passwords", "probability": 0.5},
        },
        "operations": [
            {
                "include-path-regex": "/my-projects/",
                "parameters": {
                    "path.year": {"dictionary": "submission_year", "probability": 0.8},
                    "path.id": {"dictionary": "drafts", "probability": 0.8},
                },
            },
            {
                "include-path-regex": "^/api/",
                "include-method-regex": "^(POST|PUT|PATCH)$",
                "checks": {"positive_data_acceptance": {"expected-statuses": BY_STATE}},
            },
            {
                "include-path-regex": "^/_allauth/",
                "checks": {"positive_data_acceptance": {"expected-statuses": [*BY_STATE, "410"]}},
            },
        ],
    }
)

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application, config=CONFIG)


@pytest.fixture
def raised_rates(settings):
    rates = dict.fromkeys(("anonymous", "account", "token_failure"), "100000/minute")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    settings.ACCOUNT_RATE_LIMITS = False


@pytest.fixture
def connection_kept():
    """As Django's test client does, the requests keep the test's database connection
    (and its transaction) rather than close it when they start and finish. (Django's
    test client connects the signal again after each request: it is not used here.)"""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, connection_kept, raised_rates):
    """A confirmed voter, an edition in its voting phase with nominees, and the voter's
    draft in an edition taking submissions."""
    voter = UserFactory(email=VOTER_EMAIL, email_confirmed=True)
    voting = EditionFactory(year=VOTING_YEAR, phase=Phase.VOTING)
    for number in CATEGORIES:
        category = CategoryFactory(edition=voting, number=number)
        for pk in NOMINEES[number]:
            ProjectFactory(pk=pk, category=category)
    submission = EditionFactory(year=SUBMISSION_YEAR, phase=Phase.SUBMISSION)
    ProjectFactory(
        pk=DRAFT,
        category=CategoryFactory(edition=submission, number=1),
        submitted_by=voter,
        status="draft",
    )
    return voter


@pytest.fixture
def session_token(world) -> str:
    """The voter's token, from a login through allauth's app API."""
    response = Client(application).post(
        "/_allauth/app/v1/auth/login",
        json={"email": VOTER_EMAIL, "password": PASSWORD},
        environ_base=PEER,
    )
    assert response.status_code == 200, response.text
    return response.json["meta"]["session_token"]


def headers_for(case, token: str) -> dict[str, str]:
    """The voter's token on the API and on allauth's session; sign-up, login, e-mail
    confirmation and password reset are tried as a client that has none."""
    if case.path.startswith("/api/") or case.path.endswith("/auth/session"):
        return {"X-Session-Token": token}
    return {}


@schema.parametrize()
@hypothesis_settings(
    max_examples=int(os.environ.get("SCHEMATHESIS_EXAMPLES", "5")),
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_its_schema_says(case, session_token):
    case.call_and_validate(headers=headers_for(case, session_token), environ_base=PEER)
