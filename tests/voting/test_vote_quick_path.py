"""The vote endpoint's quick path (``voting.api.middleware``) answers a vote sent with a
session token; every other request goes through DRF. What a client sees
must not depend on which of the two answered."""

import uuid

import pytest
import redis
import redis.connection
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection
from django.urls import reverse

from accounts.backends import session_account_key, session_hash_remember
from accounts.models import User
from config.api_access import AccountThrottle
from tests.factories import UserFactory
from tests.voting.conftest import session_token
from voting.api.middleware import VOTE_PATH, QuickVoteMiddleware
from voting.api.views import BallotCategoryView
from voting.models import Vote, VoteEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("session_engine")]

BALLOT = "/api/v1/editions/2020/ballot/"


@pytest.fixture
def token_client(api_client, voter):
    api_client.credentials(HTTP_X_SESSION_TOKEN=session_token(voter))
    return api_client


def test_a_vote_reads_the_same_either_way(token_client, api_client, nominees):
    nominee = nominees[1][0].pk
    quick = token_client.put(f"{BALLOT}1/", {"nominee": nominee})
    other = UserFactory(email_confirmed=True)
    api_client.credentials()
    api_client.force_authenticate(other)
    through_drf = api_client.put(f"{BALLOT}1/", {"nominee": nominee})

    assert quick.status_code == through_drf.status_code == 201
    assert quick.content == through_drf.content
    assert dict(quick.headers) == dict(through_drf.headers)
    assert quick["X-Frame-Options"] == "DENY"
    assert quick["X-Content-Type-Options"] == "nosniff"


def test_the_quick_path_is_the_endpoints_path():
    path = reverse("api:ballot-category", kwargs={"year": 2020, "category": 7})

    assert VOTE_PATH.fullmatch(path)["category"] == "7"


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
    # A nominee of category 2 sent to category 1: the quick path passes it on to DRF.
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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="counts PostgreSQL's statements")
def test_a_vote_is_one_statement_once_the_session_is_cached(
    token_client, nominees, django_assert_num_queries, session_engine
):
    # The first vote reads the account, and remembers its session hash.
    token_client.put(f"{BALLOT}1/", {"nominee": nominees[1][0].pk})

    # The session, unless the cache keeps it; the vote with its account check and its
    # history.
    with django_assert_num_queries(2 if session_engine == "db" else 1):
        response = token_client.put(f"{BALLOT}1/", {"nominee": nominees[1][1].pk})

    assert response.status_code == 200


# After a first vote the quick path remembers the session's check; a change to the
# account must still reach the next vote.


@pytest.fixture
def has_voted(token_client, nominees):
    assert token_client.put(f"{BALLOT}2/", {"nominee": nominees[2][0].pk}).status_code == 201


def test_a_new_password_ends_a_token_that_has_voted(token_client, voter, nominees, has_voted):
    voter.set_password("a new and different password")
    voter.save()

    response = token_client.put(f"{BALLOT}1/", {"nominee": nominees[1][0].pk})

    assert response.status_code == 401
    assert Vote.objects.count() == 1


def test_a_request_that_read_the_account_before_a_new_password_cannot_restore_it(
    token_client, voter, nominees, has_voted
):
    read_before = User.objects.get(pk=voter.pk)
    voter.set_password("a new and different password")
    voter.save()
    session_hash_remember(read_before)  # that request remembers what it read, late

    response = token_client.put(f"{BALLOT}1/", {"nominee": nominees[1][0].pk})

    assert response.status_code == 401
    assert Vote.objects.count() == 1


def test_a_token_signed_out_after_voting_is_401(token_client, nominees, has_voted):
    sign_out(token_client)

    response = token_client.put(f"{BALLOT}1/", {"nominee": nominees[1][0].pk})

    assert response.status_code == 401
    assert Vote.objects.count() == 1


def test_a_session_expired_after_voting_is_401(token_client, nominees, has_voted):
    Session.objects.all().delete()
    cache.clear()  # an expired session leaves the cache too

    response = token_client.put(f"{BALLOT}1/", {"nominee": nominees[1][0].pk})

    assert response.status_code == 401
    assert Vote.objects.count() == 1


def test_a_session_remembered_for_another_account_still_votes_as_its_own(
    token_client, voter, nominees, has_voted
):
    other = UserFactory(email_confirmed=True)
    token = token_client._credentials["HTTP_X_SESSION_TOKEN"]
    cache.set(session_account_key(token), other.pk)

    response = token_client.put(f"{BALLOT}1/", {"nominee": nominees[1][0].pk})

    assert response.status_code == 201
    assert set(Vote.objects.values_list("voter", flat=True)) == {voter.pk}


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


def test_the_quick_path_steps_aside_when_the_endpoint_throttles_otherwise(monkeypatch):
    class OtherThrottle(AccountThrottle):
        pass

    monkeypatch.setattr(BallotCategoryView, "throttle_classes", [OtherThrottle])

    with pytest.raises(MiddlewareNotUsed):
        QuickVoteMiddleware(lambda request: None)


@pytest.fixture
def redis_cache(session_engine, settings):
    """The cache on a real Redis, where the session is in the cache too."""
    if session_engine == "db":
        pytest.skip("sessions in the database")
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": uuid.uuid4().hex,  # keys of its own: test runs share the server
        }
    }
    try:
        cache.get("probe")
    except redis.ConnectionError as error:
        pytest.skip(f"needs Redis on 127.0.0.1:6379 ({error})")


@pytest.fixture
def sent_commands(monkeypatch):
    """The commands sent to Redis from now on."""
    commands = []
    send = redis.connection.Connection.send_command

    def counted(connection, *args, **options):
        commands.append(args[0])
        return send(connection, *args, **options)

    # Every command goes through a connection's send_command, redis-py's own way or not.
    monkeypatch.setattr(redis.connection.Connection, "send_command", counted)
    return commands


def test_a_session_that_has_voted_votes_with_one_cache_command(
    redis_cache, token_client, nominees, request
):
    assert token_client.put(f"{BALLOT}2/", {"nominee": nominees[2][0].pk}).status_code == 201
    commands = request.getfixturevalue("sent_commands")

    response = token_client.put(f"{BALLOT}1/", {"nominee": nominees[1][0].pk})

    assert response.status_code == 201
    assert commands == ["EVALSHA"]


def test_signing_in_remembers_the_sessions_account(voter, session_engine):
    token = session_token(voter)

    expected = voter.pk if session_engine == "cached_db" else None
    assert cache.get(session_account_key(token)) == expected


def test_the_first_vote_after_signing_in_is_one_cache_command(
    redis_cache, api_client, voter, nominees, request
):
    api_client.credentials(HTTP_X_SESSION_TOKEN=session_token(voter))
    commands = request.getfixturevalue("sent_commands")

    response = api_client.put(f"{BALLOT}1/", {"nominee": nominees[1][0].pk})

    assert response.status_code == 201
    assert commands == ["EVALSHA"]
    assert Vote.objects.get(voter=voter).nominee == nominees[1][0]
