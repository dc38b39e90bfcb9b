"""Sign-up and login with a code sent by e-mail, through allauth's headless API in app
mode: the way a voter's app gets in (sign up with an address alone, type the code,
vote), the refusals an outsider meets, the rate limits, and the second factor that
role accounts still need."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import OutboxEmail, User
from accounts.permissions import has_confirmed_email
from awards.phases import Phase
from tests.accounts.conftest import APP, AppClient, login_code
from tests.factories import (
    PASSWORD,
    CategoryFactory,
    EditionFactory,
    ProjectFactory,
    UserFactory,
    mfa_activate,
)
from tests.mfa import totp_code

pytestmark = pytest.mark.django_db

BALLOT = "/api/v1/editions/2020/ballot/"
REQUEST = f"{APP}/auth/code/request"
CONFIRM = f"{APP}/auth/code/confirm"
VOTER = {"email": "ada@example.org", "name": "Ada Lovelace", "country": "KE"}


@pytest.fixture
def nominee():
    edition = EditionFactory(year=2020, phase=Phase.VOTING)
    return ProjectFactory(category=CategoryFactory(edition=edition, number=1))


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Runs a request and delivers what it put in the outbox once it commits."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def pending_flows(response) -> list[str]:
    return [flow["id"] for flow in response.json()["data"]["flows"] if flow.get("is_pending")]


# The whole way in


def test_voter_signs_up_with_an_address_alone_types_the_code_and_votes(app_client, sent, nominee):
    signed_up = sent(app_client.post, f"{APP}/auth/signup", VOTER)

    # No password: the sign-up waits for the code e-mailed to the address.
    assert signed_up.status_code == 401
    assert pending_flows(signed_up) == ["login_by_code"]
    # The refusal's words say what remains, not that no credentials came.
    assert (signed_up.json()["code"], signed_up.json()["detail"]) == (
        "not_authenticated",
        "Not signed in yet: one step remains (the pending flow login_by_code).",
    )
    assert app_client.token
    user = User.objects.get(email="ada@example.org")
    assert not user.has_usable_password()
    assert not has_confirmed_email(user)
    [message] = mail.outbox
    assert message.to == ["ada@example.org"]
    assert message.subject == "[WSIS Prizes] Your log-in code"
    # The one e-mail went through the outbox, like every other.
    [outboxed] = OutboxEmail.objects.all()
    assert (outboxed.to, outboxed.subject, outboxed.sent_at is not None) == (
        ["ada@example.org"],
        message.subject,
        True,
    )
    # Not logged in yet: the API refuses the pending session's token.
    assert app_client.get("/api/v1/me/").status_code == 401

    confirmed = app_client.post(CONFIRM, {"code": login_code(message)})

    assert confirmed.status_code == 200
    assert confirmed.json()["meta"]["is_authenticated"] is True
    assert confirmed.json()["data"]["methods"][0]["method"] == "code"
    # The code confirmed the address: no confirmation link is sent besides.
    assert has_confirmed_email(User.objects.get(pk=user.pk))
    assert len(mail.outbox) == 1
    me = app_client.get("/api/v1/me/")
    assert (me.status_code, me.json()["email_verified"]) == (200, True)
    voted = app_client.put(f"{BALLOT}1/", {"nominee": nominee.pk})
    assert voted.status_code == 201
    ballot = app_client.get(BALLOT)
    assert ballot.status_code == 200
    assert ballot.json()["votes"] == [{"category": 1, "nominee": nominee.pk, "invalidated": False}]


def test_code_is_accepted_in_lower_case_and_without_its_dash(app_client, sent):
    sent(app_client.post, f"{APP}/auth/signup", VOTER)
    code = login_code(mail.outbox[0])

    confirmed = app_client.post(CONFIRM, {"code": code.replace("-", "").lower()})

    assert confirmed.status_code == 200


def test_returning_voter_logs_in_with_a_new_code(app_client, sent, nominee):
    user = UserFactory(email="ada@example.org", password=None, email_confirmed=True)

    requested = sent(app_client.post, REQUEST, {"email": "ADA@example.org"})

    assert requested.status_code == 401
    assert pending_flows(requested) == ["login_by_code"]
    confirmed = app_client.post(CONFIRM, {"code": login_code(mail.outbox[-1])})
    assert confirmed.status_code == 200
    assert confirmed.json()["data"]["user"]["email"] == user.email
    assert app_client.put(f"{BALLOT}1/", {"nominee": nominee.pk}).status_code == 201


def test_a_code_login_confirms_an_address_signed_up_with_a_password(app_client, sent):
    # Signed up with a password, never followed the confirmation link.
    user = UserFactory(email="ada@example.org")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    assert not has_confirmed_email(user)

    sent(app_client.post, REQUEST, {"email": "ada@example.org"})
    confirmed = app_client.post(CONFIRM, {"code": login_code(mail.outbox[-1])})

    assert confirmed.status_code == 200
    assert has_confirmed_email(User.objects.get(pk=user.pk))
    assert app_client.get(BALLOT).status_code != 403


def test_password_stays_optional_and_working(app_client, sent):
    signed_up = sent(app_client.signup)

    # With a password, the account is in at once and confirms by link, as before.
    assert signed_up.status_code == 200
    assert User.objects.get(email="ada@example.org").has_usable_password()
    app_client.token = None
    assert app_client.login().status_code == 200


def test_a_voter_without_a_password_sets_one_later_and_logs_in_with_it(app_client, sent):
    sent(app_client.post, f"{APP}/auth/signup", VOTER)
    app_client.post(CONFIRM, {"code": login_code(mail.outbox[0])})

    changed = sent(
        app_client.post, f"{APP}/account/password/change", {"new_password": "a new passphrase 9"}
    )

    assert changed.status_code == 200
    app_client.token = None
    assert app_client.login(password="a new passphrase 9").status_code == 200


# Outsiders: wrong, expired and used-up codes, no code asked for


def test_a_wrong_code_is_refused_and_the_right_one_still_works(app_client, sent):
    sent(app_client.post, f"{APP}/auth/signup", VOTER)

    wrong = app_client.post(CONFIRM, {"code": "BCDF-GHJK"})

    assert wrong.status_code == 400
    assert wrong.json()["code"] == "incorrect_code"
    assert wrong.json()["errors"][0]["param"] == "code"
    assert app_client.get("/api/v1/me/").status_code == 401
    assert app_client.post(CONFIRM, {"code": login_code(mail.outbox[0])}).status_code == 200


def test_the_third_wrong_code_ends_the_attempt(app_client, sent):
    UserFactory(email="ada@example.org", email_confirmed=True)
    sent(app_client.post, REQUEST, {"email": "ada@example.org"})
    right = login_code(mail.outbox[-1])

    answers = [app_client.post(CONFIRM, {"code": "BCDF-GHJK"}) for _ in range(3)]
    after = app_client.post(CONFIRM, {"code": right})

    assert [answer.status_code for answer in answers] == [400, 400, 400]
    # Nothing is pending any more: even the right code is refused, as a conflict.
    assert after.status_code == 409
    assert after.json()["code"] == "conflict"
    assert app_client.get("/api/v1/me/").status_code == 401


def test_an_expired_code_is_refused(app_client, sent, settings):
    UserFactory(email="ada@example.org", email_confirmed=True)
    sent(app_client.post, REQUEST, {"email": "ada@example.org"})
    code = login_code(mail.outbox[-1])
    # The code's time is up (its age is measured against the setting when it is used).
    settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT = -1

    response = app_client.post(CONFIRM, {"code": code})

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert app_client.get("/api/v1/me/").status_code == 401


def test_a_code_without_one_asked_for_is_a_conflict(app_client):
    response = app_client.post(CONFIRM, {"code": "BCDF-GHJK"})

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


@pytest.mark.parametrize("body", [{}, {"code": ""}, {"code": ["BCDF-GHJK"]}])
def test_a_malformed_code_is_a_400_never_a_500(app_client, sent, body):
    sent(app_client.post, f"{APP}/auth/signup", VOTER)

    response = app_client.post(CONFIRM, body)

    assert response.status_code == 400


def test_a_code_for_one_session_does_not_log_in_another(app_client, sent):
    UserFactory(email="ada@example.org", email_confirmed=True)
    sent(app_client.post, REQUEST, {"email": "ada@example.org"})
    code = login_code(mail.outbox[-1])
    stranger = AppClient()
    sent(stranger.post, REQUEST, {"email": "mallory@example.org"})

    response = stranger.post(CONFIRM, {"code": code})

    assert response.status_code == 400
    assert stranger.get("/api/v1/me/").status_code == 401


def test_asking_for_an_unknown_address_answers_alike_and_logs_nobody_in(app_client, sent):
    UserFactory(email="ada@example.org", email_confirmed=True)
    known = sent(AppClient().post, REQUEST, {"email": "ada@example.org"})

    unknown = sent(app_client.post, REQUEST, {"email": "nobody@example.org"})

    assert (unknown.status_code, pending_flows(unknown)) == (
        known.status_code,
        pending_flows(known),
    )
    # The address learns that no account uses it; it gets no code.
    assert mail.outbox[-1].to == ["nobody@example.org"]
    [(html, _mimetype)] = mail.outbox[-1].alternatives
    assert "No account uses this address" in html
    assert app_client.post(CONFIRM, {"code": "BCDF-GHJK"}).status_code == 400
    assert not User.objects.filter(email="nobody@example.org").exists()


def test_asking_for_a_code_with_a_logged_in_token_changes_nothing(app_client, sent):
    sent(app_client.signup)
    token = app_client.token

    response = sent(app_client.post, REQUEST, {"email": "ada@example.org"})

    # The session stays as it is (as the schema says).
    assert response.status_code == 200
    assert response.json()["meta"]["is_authenticated"] is True
    assert app_client.token == token


# Rate limits


def test_codes_for_one_address_are_limited(app_client, sent):
    UserFactory(email="ada@example.org", email_confirmed=True)
    for _ in range(3):
        assert sent(AppClient().post, REQUEST, {"email": "ada@example.org"}).status_code == 401

    refused = sent(AppClient().post, REQUEST, {"email": "ada@example.org"})

    assert refused.status_code == 400
    assert refused.json()["code"] == "too_many_login_attempts"
    assert len(mail.outbox) == 3
    # Other addresses are not held up by it.
    assert sent(AppClient().post, REQUEST, {"email": "bob@example.org"}).status_code == 401


def test_codes_from_one_client_address_are_limited(sent, settings):
    def ask(number: int, peer: str):
        client = AppClient()
        return client.client.post(
            REQUEST,
            {"email": f"person{number}@example.org"},
            content_type="application/json",
            REMOTE_ADDR=peer,
        )

    for number in range(20):
        assert sent(ask, number, "198.51.100.7").status_code == 401

    refused = sent(ask, 20, "198.51.100.7")

    assert refused.status_code == 400
    assert refused.json()["code"] == "too_many_login_attempts"
    assert sent(ask, 21, "198.51.100.8").status_code == 401


# Role accounts keep their second factor


@pytest.mark.parametrize(
    "role", [{"roles": ["Secretariat"], "is_staff": True}, {"roles": ["Jury"]}], ids=str
)
def test_a_code_login_of_a_role_account_still_asks_for_the_second_factor(app_client, sent, role):
    member = UserFactory(email="member@example.org", email_confirmed=True, **role)
    secret = mfa_activate(member)
    sent(app_client.post, REQUEST, {"email": member.email})

    confirmed = app_client.post(CONFIRM, {"code": login_code(mail.outbox[-1])})

    assert confirmed.status_code == 401
    assert pending_flows(confirmed) == ["mfa_authenticate"]
    assert app_client.get("/api/v1/me/").status_code == 401
    assert app_client.get(f"{APP}/auth/session").status_code == 401

    wrong = app_client.post(f"{APP}/auth/2fa/authenticate", {"code": "000000"})
    assert wrong.status_code == 400
    authenticated = app_client.post(f"{APP}/auth/2fa/authenticate", {"code": totp_code(secret)})
    assert authenticated.status_code == 200
    methods = [entry["method"] for entry in authenticated.json()["data"]["methods"]]
    assert methods == ["code", "mfa"]
    assert app_client.get("/api/v1/me/").json()["two_factor_authentication"] is True


def test_a_code_login_of_a_role_account_without_mfa_opens_no_role_endpoint(app_client, sent):
    UserFactory(
        email="staff@example.org", is_staff=True, email_confirmed=True, roles=["Secretariat"]
    )
    sent(app_client.post, REQUEST, {"email": "staff@example.org"})
    app_client.post(CONFIRM, {"code": login_code(mail.outbox[-1])})
    EditionFactory(year=2020)

    response = app_client.get("/api/v1/editions/2020/statistics/")

    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"


def test_a_password_login_of_a_role_account_still_asks_for_the_second_factor(app_client):
    member = UserFactory(email="member@example.org", email_confirmed=True, roles=["Jury"])
    mfa_activate(member)

    response = app_client.login(email=member.email, password=PASSWORD)

    assert response.status_code == 401
    assert pending_flows(response) == ["mfa_authenticate"]
