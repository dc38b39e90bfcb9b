"""The WSGI front of the quick vote (``QuickVoteApplication``, which ``config.wsgi``
serves): it answers a vote before Django's handler, with what the handler would have
answered; anything else it hands to the handler untouched."""

import io
import logging
import time

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connection, connections
from django.test import RequestFactory

from tests.factories import UserFactory
from tests.voting.conftest import session_token
from voting.api import middleware
from voting.api.middleware import QuickVoteApplication, quick_vote_application
from voting.models import Vote, VoteEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("session_engine")]

BALLOT = "/api/v1/editions/2020/ballot/"


@pytest.fixture(autouse=True)
def _connection_kept():
    """As Django's test client keeps it: the handler would otherwise close the test's
    database connection, inside its transaction, at the start and end of a request."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def front():
    return QuickVoteApplication(WSGIHandler())


@pytest.fixture
def handled():
    """The requests Django's handler saw."""
    seen = []

    def receiver(sender, environ, **kwargs):
        seen.append(environ["PATH_INFO"])

    request_started.connect(receiver)
    yield seen
    request_started.disconnect(receiver)


class Answer:
    def __init__(self, application, environ):
        def start_response(status, headers, exc_info=None):
            self.status_code = int(status.split()[0])
            self.status = status
            self.headers = dict(headers)

        self.content = b"".join(application(environ, start_response))


def put(application, category, body, token=None, **extra):
    body = body if isinstance(body, bytes) else body.encode()
    environ = (
        RequestFactory()
        .generic("PUT", f"{BALLOT}{category}/", body, content_type="application/json", **extra)
        .environ
    )
    if token is not None:
        environ["HTTP_X_SESSION_TOKEN"] = token
    return Answer(application, environ)


def vote(application, category, nominee, token, **extra):
    return put(application, category, f'{{"nominee": {nominee.pk}}}', token, **extra)


def test_a_vote_is_answered_as_the_stack_answers_it(front, handled, voter, nominees, client):
    other = UserFactory(email_confirmed=True)

    quick = vote(front, 1, nominees[1][0], session_token(voter))
    assert handled == []  # answered in front of Django's handler
    stack = client.put(
        f"{BALLOT}1/",
        f'{{"nominee": {nominees[1][0].pk}}}',
        content_type="application/json",
        HTTP_X_SESSION_TOKEN=session_token(other),
    )

    assert quick.status == "201 Created"
    assert (
        quick.content == stack.content == f'{{"category":1,"nominee":{nominees[1][0].pk}}}'.encode()
    )
    assert quick.headers == dict(stack.headers)
    assert quick.headers["X-Frame-Options"] == "DENY"
    assert quick.headers["X-Content-Type-Options"] == "nosniff"
    assert Vote.objects.filter(voter=voter).get().nominee == nominees[1][0]
    assert VoteEvent.objects.filter(voter=voter).count() == 1


def test_a_change_and_a_repeat_are_200(front, voter, nominees):
    token = session_token(voter)
    first, second = nominees[2]

    answers = [vote(front, 2, nominee, token) for nominee in (first, second, second)]

    assert [a.status_code for a in answers] == [201, 200, 200]
    assert Vote.objects.get(voter=voter).nominee == second
    assert VoteEvent.objects.filter(voter=voter).count() == 2


def test_a_refusal_is_the_endpoints_and_counts_once(front, handled, voter, nominees, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anonymous": "3/minute", "account": "3/minute"},
    }
    token = session_token(voter)
    refusals = [vote(front, 1, nominees[2][0], token) for _ in "ab"]

    third = vote(front, 1, nominees[1][0], token)
    fourth = vote(front, 1, nominees[1][1], token)

    assert [r.status_code for r in refusals] == [400, 400]
    assert [r.content.count(b'"wrong_category"') for r in refusals] == [1, 1]
    assert handled == [f"{BALLOT}1/"] * 3  # the refusals, and the throttled vote
    assert (third.status_code, fourth.status_code) == (201, 429)
    assert Vote.objects.get(voter=voter).nominee == nominees[1][0]


@pytest.mark.parametrize(
    "case, status",
    [("no token", 401), ("unknown token", 401), ("unconfirmed", 403), ("bad json", 400)],
)
def test_what_it_does_not_answer_the_endpoint_answers(front, handled, nominees, case, status):
    token = {
        "no token": None,
        "unknown token": "no-such-session",
        "unconfirmed": session_token(UserFactory()),
        "bad json": session_token(UserFactory(email_confirmed=True)),
    }[case]
    body = "{not json" if case == "bad json" else f'{{"nominee": {nominees[1][0].pk}}}'

    answer = put(front, 1, body, token)

    assert answer.status_code == status
    assert answer.headers["Content-Type"] == "application/json"
    assert handled == [f"{BALLOT}1/"]
    assert Vote.objects.count() == 0


def test_a_host_outside_allowed_hosts_is_400(front, voter, nominees, settings):
    settings.ALLOWED_HOSTS = ["prizes.example.org"]

    answer = vote(front, 1, nominees[1][0], session_token(voter))

    assert answer.status_code == 400
    assert Vote.objects.count() == 0


def test_a_plain_request_is_redirected_where_https_is_required(voter, nominees, settings):
    settings.SECURE_SSL_REDIRECT = True
    front = QuickVoteApplication(WSGIHandler())  # its middleware read the settings

    answer = vote(front, 1, nominees[1][0], session_token(voter))

    assert answer.status_code == 301
    assert answer.headers["Location"].startswith("https://")
    assert Vote.objects.count() == 0


def test_a_secure_vote_carries_hsts_as_the_stack_would(voter, nominees, settings, client):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    front = QuickVoteApplication(WSGIHandler())
    other = UserFactory(email_confirmed=True)

    quick = vote(front, 1, nominees[1][0], session_token(voter), secure=True)
    stack = client.put(
        f"{BALLOT}1/",
        f'{{"nominee": {nominees[1][0].pk}}}',
        content_type="application/json",
        HTTP_X_SESSION_TOKEN=session_token(other),
        secure=True,
    )

    assert quick.status_code == stack.status_code == 201
    assert quick.headers["Strict-Transport-Security"] == "max-age=3600"
    assert quick.headers == dict(stack.headers)


def test_a_body_it_does_not_read_goes_to_the_endpoint(front, handled, voter, nominees):
    padded = f'{{"nominee": {nominees[1][0].pk}}}' + " " * 2000

    answer = put(front, 1, padded, session_token(voter))

    assert answer.status_code == 201  # the endpoint read it
    assert handled == [f"{BALLOT}1/"]


def test_an_error_in_front_is_logged_and_the_endpoint_answers(
    front, handled, voter, nominees, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr(middleware, "ballot_cast_checked", broken)

    with caplog.at_level(logging.ERROR, logger="voting.api.middleware"):
        answer = vote(front, 1, nominees[1][0], session_token(voter))

    assert answer.status_code == 201
    assert handled == [f"{BALLOT}1/"]
    assert "went down the stack" in caplog.text
    assert Vote.objects.get(voter=voter).nominee == nominees[1][0]


def test_other_requests_go_to_the_handler_untouched(front, handled, edition):
    environ = RequestFactory().get("/api/v1/editions/").environ

    answer = Answer(front, environ)

    assert answer.status_code == 200
    assert handled == ["/api/v1/editions/"]


def test_without_the_quick_vote_the_application_is_djangos(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != middleware.MIDDLEWARE]
    application = WSGIHandler()

    assert quick_vote_application(application) is application


def test_the_site_is_served_with_the_front():
    from config.wsgi import application

    assert isinstance(application, QuickVoteApplication)
    assert isinstance(application.application, WSGIHandler)


def test_the_body_read_in_front_is_there_for_the_endpoint(front, voter, nominees):
    environ = (
        RequestFactory()
        .generic("PUT", f"{BALLOT}1/", b"{not json", content_type="application/json")
        .environ
    )
    environ["HTTP_X_SESSION_TOKEN"] = session_token(voter)
    environ["wsgi.input"] = io.BufferedReader(io.BytesIO(b"{not json"))

    answer = Answer(front, environ)

    assert answer.status_code == 400
    assert b"JSON parse error" in answer.content or b'"parse_error"' in answer.content


def test_a_host_allowed_once_lets_no_other_host_in(front, voter, nominees, settings):
    settings.ALLOWED_HOSTS = ["prizes.example.org"]
    token = session_token(voter)

    allowed = vote(front, 1, nominees[1][0], token, HTTP_HOST="prizes.example.org")
    other = vote(front, 1, nominees[1][1], token, HTTP_HOST="elsewhere.example.org")

    assert (allowed.status_code, other.status_code) == (201, 400)
    assert Vote.objects.get(voter=voter).nominee == nominees[1][0]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the pool's connections; SQLite's stay open"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_connection_held_long_goes_back_to_the_pool(front, voter, nominees, monkeypatch):
    """Outside a transaction, as gunicorn serves it."""
    token = session_token(voter)
    database = connections[DEFAULT_DB_ALIAS]
    closed = []
    close = database.close
    monkeypatch.setattr(database, "close", lambda: closed.append(1) or close())

    vote(front, 1, nominees[1][0], token)
    vote(front, 1, nominees[1][1], token)
    assert closed == []  # kept between votes

    database.close_at = time.monotonic() - middleware.HOLD_SECONDS - 1
    vote(front, 2, nominees[2][0], token)

    assert closed == [1]
    assert Vote.objects.filter(voter=voter).count() == 2


def test_a_host_outside_allowed_hosts_is_400_where_https_is_required(voter, nominees, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["prizes.example.org"]
    front = QuickVoteApplication(WSGIHandler())

    answer = vote(front, 1, nominees[1][0], session_token(voter), HTTP_HOST="elsewhere.example")

    assert answer.status_code == 400
    assert Vote.objects.count() == 0
