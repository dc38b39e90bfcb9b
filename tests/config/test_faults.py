"""Faults degrade, never corrupt: with Redis stopped the site keeps voting, signing in and
out and throttling; what cannot work answers 503 with ``Retry-After``.

The Redis here is one of the test's own, on a port of its own (``tests/servers.py``):
the standard one is never stopped."""

import sqlite3
import time
import uuid

import psycopg
import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache as PlainRedisCache
from django.db import InterfaceError, OperationalError
from django.test import Client, RequestFactory
from psycopg_pool import PoolTimeout

from awards.phases import Phase
from config.errors_json import server_error as handler500
from config.faults import is_unavailable
from tests.accounts.conftest import APP, AppClient
from tests.factories import PASSWORD, CategoryFactory, EditionFactory, ProjectFactory, UserFactory
from tests.servers import RedisServer, free_port
from voting.models import Vote

pytestmark = pytest.mark.django_db

BALLOT = "/api/v1/editions/2020/ballot/"
SESSION_KEY = "django.contrib.sessions.cached_db{token}"
RETRY_AFTER = 0.2  # the cache's circuit breaker, shorter than in production


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.kill()


@pytest.fixture
def redis_cache(settings, redis_server):
    """The cache and the sessions on the test's own Redis, configured as in production."""
    # Named for the test: what a process knows about an outage is kept per location.
    location = f"{redis_server.url(db=0)}?client_name=test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": location,
            "OPTIONS": {"RETRY_AFTER": RETRY_AFTER},
        },
        "sessions": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": location,
            "OPTIONS": {"RETRY_AFTER": RETRY_AFTER, "WHEN_UNREACHABLE": "miss"},
        },
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    return redis_server


def cached_in_redis(server: RedisServer, token: str) -> bool:
    """Whether Redis itself (read with Django's plain backend) holds the session."""
    return PlainRedisCache(server.url(db=0), {}).has_key(SESSION_KEY.format(token=token))


def wait_for_the_breaker() -> None:
    time.sleep(RETRY_AFTER * 2)


@pytest.fixture
def nominees(db):
    edition = EditionFactory(year=2020, phase=Phase.VOTING)
    return {
        number: ProjectFactory(category=CategoryFactory(edition=edition, number=number))
        for number in (1, 2, 3)
    }


@pytest.fixture
def voter(db):
    return UserFactory(email="voter@example.org", email_confirmed=True)


@pytest.fixture
def signed_in(voter):
    """A partner app signed in through allauth's headless API, with its session token."""
    app = AppClient()
    assert app.login(email=voter.email).status_code == 200
    assert app.token
    return app


def vote(app: AppClient, category: int, nominee: int):
    return app.client.put(
        f"{BALLOT}{category}/",
        {"nominee": nominee},
        content_type="application/json",
        HTTP_X_SESSION_TOKEN=app.token,
    )


def test_votes_pages_and_sign_in_keep_working_while_redis_is_down(
    redis_cache, signed_in, nominees, voter
):
    assert vote(signed_in, 1, nominees[1].pk).status_code == 201
    assert cached_in_redis(redis_cache, signed_in.token)

    redis_cache.stop()

    assert vote(signed_in, 2, nominees[2].pk).status_code == 201
    assert vote(signed_in, 2, nominees[2].pk).status_code == 200
    assert signed_in.get(BALLOT).json()["votes"][1] == {
        "category": 2,
        "nominee": nominees[2].pk,
        "invalidated": False,
    }
    browser = Client()
    assert browser.get("/").status_code == 200
    assert browser.get("/editions/2020/").status_code == 200
    assert browser.get("/api/v1/editions/2020/nominees/").status_code == 200
    assert (
        browser.post("/accounts/login/", {"login": voter.email, "password": PASSWORD}).status_code
        == 302
    )
    assert browser.get("/editions/2020/vote/").status_code == 200
    newcomer = AppClient()
    assert newcomer.login(email=voter.email).status_code == 200
    assert vote(newcomer, 3, nominees[3].pk).status_code == 201

    redis_cache.start()
    wait_for_the_breaker()

    assert vote(signed_in, 1, nominees[1].pk).status_code == 200
    assert vote(newcomer, 3, nominees[3].pk).status_code == 200
    # Back to normal: sessions are read from Redis again.
    assert cached_in_redis(redis_cache, signed_in.token)
    assert cached_in_redis(redis_cache, newcomer.token)
    assert Vote.objects.filter(voter=voter).count() == 3


def test_a_logout_during_the_outage_holds_after_redis_returns(redis_cache, signed_in, nominees):
    assert vote(signed_in, 1, nominees[1].pk).status_code == 201
    # Redis goes away with its data, as one that persists or is only cut off.
    redis_cache.stop(keep_data=True)

    assert signed_in.delete(f"{APP}/auth/session").status_code == 401
    assert vote(signed_in, 2, nominees[2].pk).status_code == 401

    redis_cache.start()
    assert cached_in_redis(redis_cache, signed_in.token)  # the ended session is back in Redis
    wait_for_the_breaker()

    assert vote(signed_in, 2, nominees[2].pk).status_code == 401
    assert not cached_in_redis(redis_cache, signed_in.token)
    assert Vote.objects.count() == 1


def test_throttles_and_rate_limits_still_limit_while_redis_is_down(redis_cache, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anonymous": "3/minute", "account": "5/minute"},
    }
    EditionFactory(year=2020)
    UserFactory(email="ada@example.org")
    redis_cache.stop()
    client = Client()

    answers = [client.get("/api/v1/editions/") for _ in range(4)]
    failures = [AppClient().login(password="wrong password") for _ in range(6)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1]["Retry-After"]
    assert [f.status_code for f in failures] == [400] * 6
    assert failures[-1].json()["errors"][0]["code"] == "too_many_login_attempts"


def test_an_outage_is_logged_once_and_so_is_the_recovery(redis_cache, caplog):
    cache = caches["default"]
    redis_cache.stop()

    with caplog.at_level("WARNING", logger="config.cache"):
        for number in range(20):
            cache.set(f"key-{number}", number)
            assert cache.get(f"key-{number}") == number  # counted in this process meanwhile
        redis_cache.start()
        wait_for_the_breaker()
        assert cache.get("key-1") is None  # from Redis again, where it never was

    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2, messages
    assert "is unreachable" in messages[0]
    assert "answers again" in messages[1]
    assert "20 keys written meanwhile" in messages[1]


# What cannot work answers 503 with Retry-After, never 500.


def refused_connection() -> psycopg.OperationalError:
    """The error psycopg raises when PostgreSQL does not answer: a real one."""
    try:
        psycopg.connect(host="127.0.0.1", port=free_port(), connect_timeout=2)
    except psycopg.OperationalError as error:
        return error
    pytest.fail("a connection to a closed port succeeded")


def as_django_error(error: Exception) -> OperationalError:
    try:
        raise OperationalError(*error.args) from error
    except OperationalError as wrapped:
        return wrapped


def test_unreachable_services_are_told_apart_from_bugs():
    refused = refused_connection()

    assert is_unavailable(as_django_error(refused))
    assert is_unavailable(as_django_error(PoolTimeout("couldn't get a connection after 10 s")))
    assert is_unavailable(InterfaceError("connection already closed"))
    assert is_unavailable(as_django_error(sqlite3.OperationalError("database is locked")))
    assert not is_unavailable(as_django_error(sqlite3.OperationalError("no such table: x")))
    assert not is_unavailable(as_django_error(psycopg.errors.SyntaxError("syntax error")))
    assert not is_unavailable(ValueError("a bug"))


@pytest.fixture
def database_down(monkeypatch):
    """Every query fails as it does while PostgreSQL is unreachable."""
    from django.db.backends.utils import CursorWrapper

    error = refused_connection()

    def unreachable(*args, **kwargs):
        raise as_django_error(error)

    monkeypatch.setattr(CursorWrapper, "execute", unreachable)
    monkeypatch.setattr(CursorWrapper, "executemany", unreachable)


@pytest.mark.parametrize(
    "path", ["/api/v1/editions/", "/api/v1/editions/2020/nominees/", f"{APP}/auth/session"]
)
def test_database_down_answers_503_json_under_the_api(client, database_down, path):
    response = client.get(path, HTTP_X_SESSION_TOKEN="some-token")

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"]
    assert response.json() == {
        "detail": "The service is briefly unavailable. Please try again in a few seconds.",
        "code": "service_unavailable",
    }


def test_database_down_answers_a_503_page_elsewhere(client, database_down):
    response = client.get("/editions/2020/")

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"].startswith("text/html")
    assert "The service is briefly unavailable" in response.content.decode()


@pytest.mark.parametrize(
    "path, shape", [("/api/v1/editions/", "application/json"), ("/profile/", "text/html")]
)
def test_an_outage_met_by_a_middleware_is_503_too(path, shape):
    # handler500 answers for what a middleware raises (sessions saved on the way out).
    request = RequestFactory().get(path)
    try:
        raise as_django_error(refused_connection())
    except OperationalError:
        response = handler500(request)

    assert response.status_code == 503
    assert response["Content-Type"].startswith(shape)
    assert response["Retry-After"]


def test_a_bug_still_answers_500():
    request = RequestFactory().get("/api/v1/editions/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = handler500(request)

    assert response.status_code == 500
