"""The vote endpoint as API clients use it, with a session token: every refusal and
every change to the account reaches the next vote."""

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedSessionStore
from django.contrib.sessions.models import Session
from django.core.cache import caches

from accounts.models import User
from tests.factories import UserFactory
from tests.voting.conftest import session_token
from voting.models import Vote, VoteEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("session_engine")]

BALLOT = "/api/v1/editions/2020/ballot/"


@pytest.fixture
def token_client(api_client, voter):
    api_client.credentials(HTTP_X_SESSION_TOKEN=session_token(voter))
    return api_client


def test_a_host_outside_allowed_hosts_is_400(token_client, nominees, settings):
    settings.ALLOWED_HOSTS = ["prizes.example.org"]

    response = token_client.put(f"{BALLOT}1/", {"nominee": nominees[1][0].pk})

    assert response.status_code == 400
    assert Vote.objects.count() == 0


def test_unknown_session_token_is_401(api_client, nominees):
    api_client.credentials(HTTP_X_SESSION_TOKEN="no-such-session")

    response = api_client.put(f"{BALLOT}1/", {"nominee": nominees[1][0].pk})

    assert response.status_code == 401
    assert Vote.objects.count() == 0


def sign_out(token_client) -> None:
    """Signs out through the app API, as an app does."""
    assert token_client.delete("/_allauth/app/v1/auth/session").status_code == 401


def test_token_of_a_signed_out_session_is_401(token_client, voter, nominees):
    sign_out(token_client)

    response = token_client.put(f"{BALLOT}1/", {"nominee": nominees[1][0].pk})

    assert response.status_code == 401
    assert Vote.objects.count() == 0


def test_token_after_a_password_change_is_401(token_client, voter, nominees):
    voter.set_password("a new and different password")
    voter.save()

    response = token_client.put(f"{BALLOT}1/", {"nominee": nominees[1][0].pk})

    assert response.status_code == 401
    assert Vote.objects.count() == 0


def test_token_of_a_deactivated_account_is_401(token_client, voter, nominees):
    voter.is_active = False
    voter.save()

    response = token_client.put(f"{BALLOT}1/", {"nominee": nominees[1][0].pk})

    assert response.status_code == 401
    assert Vote.objects.count() == 0


def test_unconfirmed_account_with_a_token_is_403(api_client, nominees):
    api_client.credentials(HTTP_X_SESSION_TOKEN=session_token(UserFactory()))

    response = api_client.put(f"{BALLOT}1/", {"nominee": nominees[1][0].pk})

    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"
    assert Vote.objects.count() == 0


def test_throttled_votes_are_429_with_retry_after(token_client, nominees, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anonymous": "3/minute", "account": "3/minute"},
    }
    first, second = nominees[1]
    for nominee in (first, second, first):
        assert token_client.put(f"{BALLOT}1/", {"nominee": nominee.pk}).status_code in (200, 201)

    response = token_client.put(f"{BALLOT}1/", {"nominee": second.pk})

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    assert Vote.objects.get().nominee == first
    assert VoteEvent.objects.count() == 3


def test_a_refused_vote_counts_once_against_the_rate(token_client, nominees, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anonymous": "3/minute", "account": "3/minute"},
    }
    # A nominee of category 2 sent to category 1.
    refusals = [token_client.put(f"{BALLOT}1/", {"nominee": nominees[2][0].pk}) for _ in "ab"]

    third = token_client.put(f"{BALLOT}1/", {"nominee": nominees[1][0].pk})
    fourth = token_client.put(f"{BALLOT}1/", {"nominee": nominees[1][1].pk})

    assert [r.json()["code"] for r in refusals] == ["wrong_category", "wrong_category"]
    assert (third.status_code, fourth.status_code) == (201, 429)


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("text/plain", '{"nominee": 1}'),
        ("application/json", "{not json"),
        ("application/json", "[1]"),
        ("application/jsonfoo", '{"nominee": 1}'),
    ],
)
def test_other_bodies_get_drf_answers(token_client, nominees, content_type, body):
    response = token_client.generic("PUT", f"{BALLOT}1/", body, content_type=content_type)

    assert response.status_code in (400, 415)
    assert response.json()["code"] in ("invalid", "parse_error", "unsupported_media_type")
    assert Vote.objects.count() == 0


def test_a_client_that_accepts_no_json_gets_what_drf_gives(token_client, api_client, nominees):
    nominee = nominees[1][0].pk
    quick = token_client.put(f"{BALLOT}1/", {"nominee": nominee}, HTTP_ACCEPT="text/html")
    api_client.credentials()
    api_client.force_authenticate(UserFactory(email_confirmed=True))
    through_drf = api_client.put(f"{BALLOT}1/", {"nominee": nominee}, HTTP_ACCEPT="text/html")

    # A browsable page where DEBUG adds DRF's HTML renderer, 406 in production.
    assert quick.status_code == through_drf.status_code
    assert quick["Content-Type"] == through_drf["Content-Type"] != "application/json"


# A change to the account after a first vote reaches the next vote.


@pytest.fixture
def has_voted(token_client, nominees):
    assert token_client.put(f"{BALLOT}2/", {"nominee": nominees[2][0].pk}).status_code == 201


def test_a_new_password_ends_a_token_that_has_voted(token_client, voter, nominees, has_voted):
    voter.set_password("a new and different password")
    voter.save()

    response = token_client.put(f"{BALLOT}1/", {"nominee": nominees[1][0].pk})

    assert response.status_code == 401
    assert Vote.objects.count() == 1


def test_a_token_signed_out_after_voting_is_401(token_client, nominees, has_voted):
    sign_out(token_client)

    response = token_client.put(f"{BALLOT}1/", {"nominee": nominees[1][0].pk})

    assert response.status_code == 401
    assert Vote.objects.count() == 1


def test_a_session_expired_after_voting_is_401(token_client, nominees, has_voted):
    # An expired session leaves the database and the cache (where it was kept).
    for key in Session.objects.values_list("session_key", flat=True):
        CachedSessionStore(session_key=key).delete()
    assert not Session.objects.exists()

    response = token_client.put(f"{BALLOT}1/", {"nominee": nominees[1][0].pk})

    assert response.status_code == 401
    assert Vote.objects.count() == 1


def test_a_token_whose_session_left_the_cache_keeps_voting(token_client, nominees, has_voted):
    """The cache forgets (evicted, or Redis restarted empty): the database has it."""
    for key in Session.objects.values_list("session_key", flat=True):
        caches[settings.SESSION_CACHE_ALIAS].delete(CachedSessionStore(session_key=key).cache_key)

    response = token_client.put(f"{BALLOT}1/", {"nominee": nominees[1][1].pk})

    assert response.status_code == 201
    assert Vote.objects.filter(category__number=1).get().nominee == nominees[1][1]


def test_an_account_deactivated_after_voting_is_refused(token_client, voter, nominees, has_voted):
    User.objects.filter(pk=voter.pk).update(is_active=False)  # no signal: nothing forgotten

    response = token_client.put(f"{BALLOT}1/", {"nominee": nominees[1][0].pk})

    assert response.status_code == 401
    assert Vote.objects.count() == 1


def test_an_address_unconfirmed_after_voting_is_403(token_client, voter, nominees, has_voted):
    EmailAddress.objects.filter(user=voter).update(verified=False)

    response = token_client.put(f"{BALLOT}1/", {"nominee": nominees[1][0].pk})

    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"
    assert Vote.objects.count() == 1


def test_a_token_that_has_voted_keeps_voting(token_client, nominees, has_voted):
    response = token_client.put(f"{BALLOT}1/", {"nominee": nominees[1][1].pk})

    assert response.status_code == 201
    assert Vote.objects.count() == 2
    assert VoteEvent.objects.count() == 2
