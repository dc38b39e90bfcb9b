"""Who sent a request: the peer, unless trusted proxies say otherwise (config.network),
as the API's throttles, allauth's rate limits and the vote's network all read it."""

import pytest
from django.test import RequestFactory

from config.network import client_ip
from tests.accounts.conftest import APP
from tests.factories import EditionFactory, UserFactory
from tests.voting.conftest import session_token

PEER = "192.0.2.10"


def address_of(remote_addr: str = PEER, forwarded: str | None = None) -> str:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers))


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says():
    assert address_of(forwarded="203.0.113.5") == PEER
    assert address_of(forwarded="203.0.113.5, 198.51.100.1") == PEER


def test_one_trusted_proxy_names_the_client_it_received_the_request_from(settings):
    settings.TRUSTED_PROXIES = 1

    # The client wrote "203.0.113.5" itself; the proxy appended the address it saw.
    assert address_of(forwarded="203.0.113.5, 198.51.100.7") == "198.51.100.7"
    assert address_of(forwarded="198.51.100.7") == "198.51.100.7"


def test_two_trusted_proxies_skip_the_entry_the_nearer_proxy_added(settings):
    settings.TRUSTED_PROXIES = 2

    assert address_of(forwarded="203.0.113.5, 198.51.100.7, 10.0.0.2") == "198.51.100.7"


def test_a_header_shorter_than_the_proxies_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXIES = 2

    assert address_of(forwarded="198.51.100.7") == PEER
    assert address_of() == PEER


def test_a_forwarded_entry_that_is_no_address_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXIES = 1

    assert address_of(forwarded="unknown") == PEER
    assert address_of(forwarded="203.0.113.5, <script>") == PEER


def test_ports_and_brackets_are_dropped_and_ipv6_is_written_plainly(settings):
    settings.TRUSTED_PROXIES = 1

    assert address_of(forwarded="198.51.100.7:51234") == "198.51.100.7"
    assert address_of(forwarded="[2001:DB8::1]:443") == "2001:db8::1"
    assert address_of(forwarded="2001:db8:0:0::1") == "2001:db8::1"


# --- The API's throttles ---------------------------------------------------------------


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anonymous": "3/minute", "account": "5/minute"},
    }


@pytest.mark.django_db
def test_rotating_x_forwarded_for_does_not_escape_the_anonymous_throttle(api_client, low_rates):
    EditionFactory(year=2020)

    statuses = [
        api_client.get(
            "/api/v1/editions/", REMOTE_ADDR=PEER, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        ).status_code
        for n in range(10)
    ]

    assert statuses == [200] * 3 + [429] * 7


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_has_its_own_throttle(api_client, low_rates, settings):
    settings.TRUSTED_PROXIES = 1
    EditionFactory(year=2020)

    def get(client_address: str, spoofed: str = "203.0.113.99") -> int:
        return api_client.get(
            "/api/v1/editions/",
            REMOTE_ADDR=PEER,
            HTTP_X_FORWARDED_FOR=f"{spoofed}, {client_address}",
        ).status_code

    first = [get("198.51.100.1", spoofed=f"203.0.113.{n}") for n in range(4)]
    second = get("198.51.100.2")

    assert first == [200, 200, 200, 429]
    assert second == 200


# --- allauth's rate limits -------------------------------------------------------------


@pytest.fixture
def signup_limit(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"}


def signup(client, number: int, **headers):
    body = {
        "email": f"person{number}@example.org",
        "password": "a long enough password 42",
        "name": "Person",
        "country": "KE",
    }
    return client.post(
        f"{APP}/auth/signup", body, content_type="application/json", REMOTE_ADDR=PEER, **headers
    )


@pytest.mark.django_db
def test_rotating_x_forwarded_for_does_not_escape_the_signup_limit(client, signup_limit):
    statuses = [
        signup(client, n, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(3)
    ]

    assert statuses == [200, 200, 429]


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_signup_limit_counts_each_client(client, signup_limit, settings):
    settings.TRUSTED_PROXIES = 1

    statuses = [
        signup(client, n, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(3)
    ]

    assert statuses == [200, 200, 200]


# --- Failed token authentication ---------------------------------------------------------


@pytest.fixture
def token_failure_rate(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "token_failure": "3/minute",
        },
    }


def with_token(api_client, token: str, address: str = PEER):
    return api_client.get("/api/v1/editions/", HTTP_X_SESSION_TOKEN=token, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_wrong_session_tokens_from_one_address_are_throttled_with_retry_after(
    api_client, token_failure_rate
):
    refused = [with_token(api_client, f"guess-{n}").status_code for n in range(3)]
    throttled = with_token(api_client, "guess-4")

    assert refused == [401, 401, 401]
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert throttled.json()["code"] == "throttled"


@pytest.mark.django_db
def test_past_the_token_failure_rate_even_a_right_token_waits(api_client, token_failure_rate):
    right = session_token(UserFactory())
    for n in range(3):
        with_token(api_client, f"guess-{n}")

    assert with_token(api_client, right).status_code == 429
    assert with_token(api_client, right, address="198.51.100.20").status_code == 200


@pytest.mark.django_db
def test_right_tokens_are_never_counted_as_failures(api_client, token_failure_rate):
    right = session_token(UserFactory())

    statuses = {with_token(api_client, right).status_code for _ in range(6)}

    assert statuses == {200}


@pytest.mark.django_db
def test_token_failures_are_counted_per_client_behind_a_trusted_proxy(
    api_client, token_failure_rate, settings
):
    settings.TRUSTED_PROXIES = 1

    def guess(client_address: str) -> int:
        return api_client.get(
            "/api/v1/editions/",
            HTTP_X_SESSION_TOKEN="guess",
            REMOTE_ADDR=PEER,
            HTTP_X_FORWARDED_FOR=client_address,
        ).status_code

    first = [guess("198.51.100.1") for _ in range(4)]

    assert first == [401, 401, 401, 429]
    assert guess("198.51.100.2") == 401


@pytest.mark.django_db
def test_wrong_session_tokens_to_allauths_app_api_are_throttled_too(client, token_failure_rate):
    def session(token: str, address: str = PEER):
        return client.get(f"{APP}/auth/session", HTTP_X_SESSION_TOKEN=token, REMOTE_ADDR=address)

    refused = [session(f"guess-{n}").status_code for n in range(3)]
    throttled = session("guess-4")

    assert refused == [410, 410, 410]
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert throttled.json()["code"] == "throttled"
    assert session("guess-5", address="198.51.100.20").status_code == 410


@pytest.mark.django_db
def test_token_failures_on_allauth_and_the_api_add_up(client, api_client, token_failure_rate):
    for n in range(2):
        client.get(f"{APP}/auth/session", HTTP_X_SESSION_TOKEN=f"guess-{n}", REMOTE_ADDR=PEER)
    with_token(api_client, "guess-3")

    assert with_token(api_client, "guess-4").status_code == 429
