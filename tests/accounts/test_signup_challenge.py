"""Sign-up beyond a client address's allowance asks a proof-of-work challenge instead of
refusing; past the hard limit it refuses (accounts/challenge.py)."""

import base64
import hashlib
import html
import json
import re

import pytest
from django.core import mail

from accounts.models import User
from tests.accounts.conftest import APP, AppClient
from tests.frontend.browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.django_db

BROWSER = "/_allauth/browser/v1"
PEER = "192.0.2.10"


@pytest.fixture(autouse=True)
def small_numbers(settings):
    """Two accounts per address before the challenge, five an hour, and challenges
    that a test solves in a millisecond."""
    settings.SIGNUP_ALLOWANCE = 2
    settings.SIGNUP_LIMIT_PER_HOUR = 5
    settings.SIGNUP_CHALLENGE_MAXNUMBER = 1000


def solve(challenge: dict) -> str:
    """As README.md's "Sign-up challenge" tells an app: the number whose SHA-256 after
    the salt is the challenge, sent back as base64 JSON in the field altcha."""
    for number in range(challenge["maxnumber"] + 1):
        digest = hashlib.sha256(f"{challenge['salt']}{number}".encode()).hexdigest()
        if digest == challenge["challenge"]:
            break
    else:
        raise AssertionError("no solution")
    payload = {
        "algorithm": challenge["algorithm"],
        "challenge": challenge["challenge"],
        "number": number,
        "salt": challenge["salt"],
        "signature": challenge["signature"],
    }
    return base64.b64encode(json.dumps(payload).encode()).decode()


def signup(email: str, client_path: str = APP, **fields):
    """One person's sign-up through the API, from PEER, without a password (as voters)."""
    body = {"email": email, "name": "Ada Lovelace", "country": "KE", **fields}
    return AppClient().client.post(
        f"{client_path}/auth/signup", body, content_type="application/json", REMOTE_ADDR=PEER
    )


def use_the_allowance(count: int = 2) -> None:
    for number in range(count):
        assert signup(f"early{number}@example.org").status_code == 401


def made(email: str) -> bool:
    return User.objects.filter(email=email).exists()


# --- The API ------------------------------------------------------------------------------


def test_within_the_allowance_no_challenge_is_asked():
    responses = [signup(f"person{number}@example.org") for number in range(2)]

    assert [response.status_code for response in responses] == [401, 401]
    assert all("challenge" not in response.json() for response in responses)
    assert made("person0@example.org") and made("person1@example.org")


@pytest.mark.parametrize("client_path", [APP, BROWSER])
def test_beyond_the_allowance_the_api_asks_a_challenge_and_saves_nothing(client_path):
    use_the_allowance()

    response = signup("late@example.org", client_path)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "challenge_required"
    assert "complete the check" in body["detail"]
    assert body["errors"][0]["param"] == "altcha"
    assert set(body["challenge"]) == {"algorithm", "challenge", "maxnumber", "salt", "signature"}
    assert body["challenge"]["algorithm"] == "SHA-256"
    assert body["challenge"]["maxnumber"] == 1000
    assert not made("late@example.org")
    assert [m for m in mail.outbox if m.to == ["late@example.org"]] == []


@pytest.mark.parametrize("client_path", [APP, BROWSER])
def test_a_right_solution_signs_up(client_path):
    use_the_allowance()
    challenge = signup("late@example.org", client_path).json()["challenge"]

    response = signup("late@example.org", client_path, altcha=solve(challenge))

    # Signed up without a password: the login code is on its way.
    assert response.status_code == 401
    pending = [flow["id"] for flow in response.json()["data"]["flows"] if flow.get("is_pending")]
    assert pending == ["login_by_code"]
    assert made("late@example.org")


def test_a_wrong_solution_is_refused_with_a_new_challenge():
    use_the_allowance()
    challenge = signup("late@example.org").json()["challenge"]
    payload = json.loads(base64.b64decode(solve(challenge)))
    payload["number"] += 1
    wrong = base64.b64encode(json.dumps(payload).encode()).decode()

    response = signup("late@example.org", altcha=wrong)

    assert response.status_code == 400
    assert response.json()["code"] == "challenge_invalid"
    assert response.json()["detail"] == "The check was not completed correctly: complete it again."
    assert response.json()["challenge"]["challenge"] != challenge["challenge"]
    assert not made("late@example.org")


def test_a_solution_is_accepted_once():
    use_the_allowance()
    solution = solve(signup("first@example.org").json()["challenge"])
    assert signup("first@example.org", altcha=solution).status_code == 401

    reused = signup("second@example.org", altcha=solution)

    assert reused.status_code == 400
    assert reused.json()["code"] == "challenge_reused"
    assert reused.json()["detail"] == "This check has been used already: complete a new one."
    assert not made("second@example.org")


def test_a_solution_refused_for_another_reason_is_not_used_up():
    use_the_allowance()
    solution = solve(signup("late@example.org").json()["challenge"])

    refused = signup("not an address", altcha=solution)
    accepted = signup("late@example.org", altcha=solution)

    assert refused.status_code == 400
    assert refused.json()["errors"][0]["param"] == "email"
    assert accepted.status_code == 401


def test_an_expired_solution_is_refused(monkeypatch):
    use_the_allowance()
    # A challenge issued with its lifetime already over.
    monkeypatch.setattr("accounts.challenge.CHALLENGE_LIFETIME", -1)
    solution = solve(signup("late@example.org").json()["challenge"])
    monkeypatch.undo()

    response = signup("late@example.org", altcha=solution)

    assert response.status_code == 400
    assert response.json()["code"] == "challenge_expired"
    assert response.json()["detail"] == "The check has expired: complete it again."
    assert not made("late@example.org")


def encoded(value) -> str:
    return base64.b64encode(json.dumps(value).encode()).decode()


@pytest.mark.parametrize(
    "payload",
    [
        "not base64 at all!",
        base64.b64encode(b"\xff\xfe not JSON").decode(),
        encoded([1, 2, 3]),
        encoded(5),
        encoded({"algorithm": "SHA-256"}),
        encoded(
            {"algorithm": "SHA-256", "challenge": 1, "number": "1", "salt": [], "signature": None}
        ),
        encoded(
            {"algorithm": "SHA-1", "challenge": "a", "number": 1, "salt": "b", "signature": "c"}
        ),
        "A" * 5000,
    ],
)
def test_a_malformed_solution_is_refused_not_a_server_error(payload):
    use_the_allowance()

    response = signup("late@example.org", altcha=payload)

    assert response.status_code == 400
    assert response.json()["code"] == "challenge_invalid"
    assert not made("late@example.org")


def test_the_hard_limit_refuses_with_429_even_a_solved_challenge():
    use_the_allowance()
    for number in range(3):
        challenge = signup(f"solver{number}@example.org").json()["challenge"]
        assert signup(f"solver{number}@example.org", altcha=solve(challenge)).status_code == 401

    response = signup("one.too.many@example.org", altcha="anything")

    assert response.status_code == 429
    assert response.json()["code"] == "signup_limit"
    assert response.json()["detail"].startswith(
        "Too many accounts have been made from your network in the last hour. Try again in"
    )
    assert 0 < int(response["Retry-After"]) <= 3600
    assert not made("one.too.many@example.org")


# --- The client address -----------------------------------------------------------------


def signup_from(email: str, peer: str, forwarded: str, **fields):
    body = {"email": email, "name": "Ada", "country": "KE", **fields}
    return AppClient().client.post(
        f"{APP}/auth/signup",
        body,
        content_type="application/json",
        REMOTE_ADDR=peer,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_rotating_x_forwarded_for_does_not_escape_the_allowance():
    statuses = [
        signup_from(f"p{n}@example.org", PEER, f"203.0.113.{n}").status_code for n in range(3)
    ]

    assert statuses == [401, 401, 400]


def test_behind_a_trusted_proxy_each_client_has_its_own_allowance(settings):
    settings.TRUSTED_PROXIES = 1
    proxy = "10.0.0.1"

    first = [signup_from(f"a{n}@example.org", proxy, "198.51.100.7").status_code for n in range(3)]
    other = signup_from("b@example.org", proxy, "198.51.100.8")

    assert first == [401, 401, 400]
    assert other.status_code == 401


# --- The page -------------------------------------------------------------------------------


def page_signup(client, email: str, **fields):
    data = {"email": email, "name": "Ada Lovelace", "country": "KE", **fields}
    return client.post("/accounts/signup/", data, REMOTE_ADDR=PEER)


def widget_challenge(page: str) -> dict:
    match = re.search(r'<altcha-widget[^>]* challengejson="([^"]+)"', page)
    assert match, page
    return json.loads(html.unescape(match.group(1)))


def test_the_page_shows_no_widget_within_the_allowance(client):
    response = client.get("/accounts/signup/", REMOTE_ADDR=PEER)

    assert response.status_code == 200
    assert "<altcha-widget" not in response.content.decode()
    assert "vendor/altcha/altcha.js" not in response.content.decode()


def test_beyond_the_allowance_the_page_asks_the_challenge_and_signs_up_when_solved(client):
    use_the_allowance()

    page = client.get("/accounts/signup/", REMOTE_ADDR=PEER).content.decode()
    missing = page_signup(client, "late@example.org")
    solved = page_signup(
        client, "late@example.org", altcha=solve(widget_challenge(missing.content.decode()))
    )

    assert "<altcha-widget" in page
    assert 'auto="onload"' in page
    assert "vendor/altcha/altcha.js" in page
    assert missing.status_code == 200
    assert "Many accounts have been made from your network in the last few minutes" in (
        missing.content.decode()
    )
    assert solved.status_code == 302
    assert made("late@example.org")


def test_the_page_refuses_a_reused_solution_with_a_message(client):
    use_the_allowance()
    solution = solve(
        widget_challenge(client.get("/accounts/signup/", REMOTE_ADDR=PEER).content.decode())
    )
    assert page_signup(client, "first@example.org", altcha=solution).status_code == 302
    client.logout()

    response = page_signup(client, "second@example.org", altcha=solution)

    assert response.status_code == 200
    assert "This check has been used already: complete a new one." in response.content.decode()
    assert not made("second@example.org")


def test_the_page_past_the_hard_limit_says_so(client, settings):
    settings.SIGNUP_LIMIT_PER_HOUR = 2
    use_the_allowance()

    shown = client.get("/accounts/signup/", REMOTE_ADDR=PEER)
    sent = page_signup(client, "late@example.org", altcha="anything")

    for response in (shown, sent):
        assert response.status_code == 429
        assert "Too many accounts have been made from your network in the last hour" in (
            response.content.decode()
        )
        assert int(response["Retry-After"]) > 0
    assert not made("late@example.org")


def test_a_signed_in_person_past_the_limit_is_sent_on_as_before(client, settings):
    settings.SIGNUP_LIMIT_PER_HOUR = 2
    use_the_allowance()
    client.force_login(User.objects.get(email="early0@example.org"))

    page = client.get("/accounts/signup/", REMOTE_ADDR=PEER)
    api = client.post(
        f"{BROWSER}/auth/signup",
        {"email": "late@example.org"},
        content_type="application/json",
        REMOTE_ADDR=PEER,
    )

    # allauth's answers to a signed-in person, not the limit's.
    assert page.status_code == 302
    assert api.status_code == 409
    assert not made("late@example.org")


@pytest.mark.parametrize(
    ("prefix", "label", "direction"),
    [
        ("/ar", "أنا لست روبوتًا", "rtl"),
        ("/zh-hans", "我不是机器人", "ltr"),
        ("/fr", "Je ne suis pas un robot", "ltr"),
        ("/ru", "Я не робот", "ltr"),
        ("/es", "No soy un robot", "ltr"),
    ],
)
def test_the_widget_speaks_the_page_language(client, prefix, label, direction):
    use_the_allowance()

    page = client.get(f"{prefix}/accounts/signup/", REMOTE_ADDR=PEER).content.decode()

    match = re.search(r'<altcha-widget[^>]* strings="([^"]+)"', page)
    strings = json.loads(html.unescape(match.group(1)))
    assert strings["label"] == label
    assert f'dir="{direction}"' in page


# --- In the browser ---------------------------------------------------------------------


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_widget_solves_in_chromium_and_the_person_signs_up(live_server, settings):
    """Real Chromium under the site's Content-Security-Policy, the widget from the
    site's own files: it solves by itself, says so to the keyboard and screen reader
    (a labelled, ticked checkbox), and the form goes through with Enter."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    settings.SIGNUP_ALLOWANCE = 0
    console: list[str] = []
    requests: list[str] = []

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(base_url=live_server.url)
            page.set_default_timeout(15_000)
            page.on("console", lambda message: console.append(message.text))
            page.on("request", lambda request: requests.append(request.url))
            page.goto("/accounts/signup/")
            page.locator("altcha-widget [data-state=verified]").wait_for()
            ticked = page.get_by_role("checkbox", name="Checked").is_checked()
            page.get_by_label("Email").fill("nadia@example.org")
            page.get_by_label("Email").press("Enter")
            page.wait_for_url(re.compile(r"/code/confirm/"))
        finally:
            browser.close()

    assert ticked
    assert User.objects.filter(email="nadia@example.org").exists()
    assert [line for line in console if "Content Security Policy" in line] == []
    assert all(url.startswith(live_server.url) for url in requests)
