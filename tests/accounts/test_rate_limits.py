import pytest

from tests.factories import PASSWORD, EditionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_app_login_locks_after_five_failures_for_one_account(app_client):
    UserFactory(email="ada@example.org")
    for _ in range(5):
        assert app_client.login(password="wrong password").status_code == 400

    locked = app_client.login(password="wrong password")
    even_right = app_client.login(password=PASSWORD)

    # allauth refuses further attempts as a login error that names the lock.
    assert locked.status_code == 400
    assert locked.json()["errors"][0]["code"] == "too_many_login_attempts"
    assert even_right.status_code == 400
    assert even_right.json()["errors"][0]["code"] == "too_many_login_attempts"
    assert app_client.token is None


def test_browser_login_locks_after_five_failures_with_a_message(client):
    UserFactory(email="ada@example.org")
    for _ in range(5):
        client.post("/accounts/login/", {"login": "ada@example.org", "password": "wrong"})

    response = client.post("/accounts/login/", {"login": "ada@example.org", "password": PASSWORD})

    assert response.status_code == 200
    assert (
        "Too many attempts to log in with this address: wait a few minutes, then try again."
        in response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_signup_beyond_the_allowance_of_an_address_asks_a_challenge(app_client):
    for number in range(20):
        assert app_client.signup(email=f"person{number}@example.org").status_code == 200
        app_client.token = None

    response = app_client.signup(email="one.too.many@example.org")

    # Friction, not a refusal (tests/accounts/test_signup_challenge.py).
    assert response.status_code == 400
    assert response.json()["code"] == "challenge_required"
    assert "challenge" in response.json()


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anonymous": "3/minute", "account": "5/minute"},
    }


def test_api_throttles_anonymous_use_with_retry_after(api_client, low_rates):
    EditionFactory(year=2020)
    for _ in range(3):
        assert api_client.get("/api/v1/editions/").status_code == 200

    response = api_client.get("/api/v1/editions/")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled"
    assert "Request was throttled" in response.json()["detail"]


def test_api_throttles_each_account_on_its_own(api_client, low_rates):
    EditionFactory(year=2020)
    first, second = UserFactory(), UserFactory()
    api_client.force_authenticate(first)
    for _ in range(5):
        assert api_client.get("/api/v1/editions/").status_code == 200

    assert api_client.get("/api/v1/editions/").status_code == 429
    api_client.force_authenticate(second)
    assert api_client.get("/api/v1/editions/").status_code == 200


def test_api_retry_after_is_whole_seconds_rounded_up(api_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anonymous": "2/second", "account": "5/minute"},
    }
    EditionFactory(year=2020)
    for _ in range(2):
        assert api_client.get("/api/v1/editions/").status_code == 200

    response = api_client.get("/api/v1/editions/")

    # Less than a second to wait is one second, not 0 (which says to try again at once).
    assert response.status_code == 429
    assert response["Retry-After"] == "1"
