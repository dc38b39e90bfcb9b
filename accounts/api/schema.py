"""The endpoints of django-allauth's headless API, in app mode, that API clients use,
added to the API's schema (a drf-spectacular postprocessing hook).

allauth describes its API in a module of its internals, which this project does not
import: the few paths clients need are written here, with the shapes allauth answers
(``{"status", "data" or "errors", "meta"}``) and the ``detail`` and ``code`` that
``config.errors_json`` adds to its errors. The Schemathesis test
(``tests/config/test_schemathesis.py``) checks them against the real endpoints.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.forms import SignupProfileForm
from accounts.models import StakeholderType
from config.schema import RETRY_AFTER, describe_error

APP = "/_allauth/app/v1"
TAG = "auth"
OPTIONAL_TOKEN = [{"sessionToken": []}, {}]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str) -> dict[str, Any]:
    return {"application/json": {"schema": _ref(name)}}


STATUS = {"type": "integer", "description": _("The HTTP status, repeated.")}
DETAIL_AND_CODE = {
    "detail": {"type": "string", "description": _("What went wrong, in words for people.")},
    "code": {"type": "string", "description": _("What went wrong, as a stable code.")},
}

COMPONENTS: dict[str, dict[str, Any]] = {
    "AuthUser": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "display": {"type": "string", "description": _("The name to show for the account.")},
            "email": {"type": "string"},
            "has_usable_password": {"type": "boolean"},
        },
        "required": ["id", "display", "email", "has_usable_password"],
    },
    "AuthFlow": {
        "type": "object",
        "properties": {
            "id": {
                "type": "string",
                "description": _(
                    "A flow the client can go through: login, login_by_code (a login "
                    "code was e-mailed), signup, verify_email, mfa_authenticate (the "
                    "account's second factor), mfa_login_webauthn (a passkey)…"
                ),
            },
            "is_pending": {
                "type": "boolean",
                "description": _("This flow is under way and waits for the client."),
            },
            "types": {
                "type": "array",
                "items": {"type": "string"},
                "description": _("For mfa_authenticate: the kinds of second factor set up."),
            },
        },
        "required": ["id"],
    },
    "AuthSession": {
        "type": "object",
        "description": _("An authenticated session."),
        "properties": {
            "status": {**STATUS, "enum": [200]},
            "data": {
                "type": "object",
                "properties": {
                    "user": _ref("AuthUser"),
                    "methods": {
                        "type": "array",
                        "description": _("How the session was authenticated, and when."),
                        "items": {
                            "type": "object",
                            "properties": {
                                "method": {"type": "string"},
                                "at": {"type": "number"},
                            },
                            "required": ["method", "at"],
                        },
                    },
                },
                "required": ["user", "methods"],
            },
            "meta": {
                "type": "object",
                "properties": {
                    "is_authenticated": {"type": "boolean", "enum": [True]},
                    "session_token": {
                        "type": "string",
                        "description": _(
                            "Returned when the session starts: send it in the "
                            "X-Session-Token header of every later request."
                        ),
                    },
                },
                "required": ["is_authenticated"],
            },
        },
        "required": ["status", "data", "meta"],
    },
    "AuthFlows": {
        "type": "object",
        "description": _(
            "Not authenticated (401), or the session of the token sent has ended (410): "
            "the flows the client can go through."
        ),
        "properties": {
            "status": {**STATUS, "enum": [401, 410]},
            "data": {
                "type": "object",
                "properties": {"flows": {"type": "array", "items": _ref("AuthFlow")}},
                "required": ["flows"],
            },
            "meta": {
                "type": "object",
                "properties": {
                    "is_authenticated": {"type": "boolean", "nullable": True},
                    "session_token": {
                        "type": "string",
                        "description": _(
                            "While a flow is pending (such as the second factor of a "
                            "login): send it in the X-Session-Token header to go on."
                        ),
                    },
                },
                "required": ["is_authenticated"],
            },
            **DETAIL_AND_CODE,
        },
        "required": ["status", "data", "meta", "detail", "code"],
    },
    "AuthError": {
        "type": "object",
        "description": _(
            "A refusal: allauth's status and errors (each naming its field in param), with "
            "detail and code (the one error's own, or invalid when there are several). A "
            "body that is not a JSON object, or a throttled session token, is refused "
            "with detail and code alone."
        ),
        "properties": {
            "status": STATUS,
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "message": {"type": "string"},
                        "code": {"type": "string"},
                        "param": {"type": "string"},
                    },
                    "required": ["message", "code"],
                },
            },
            **DETAIL_AND_CODE,
            "challenge": _ref("SignupChallenge"),
        },
        "required": ["detail", "code"],
    },
    "SignupChallenge": {
        "type": "object",
        "description": _(
            "Sign-up only, with the codes challenge_required, challenge_invalid, "
            "challenge_expired and challenge_reused: a new proof-of-work challenge (ALTCHA). "
            "Find the number n from 0 to maxnumber whose SHA-256 of salt followed by n in "
            "decimal, in hexadecimal, is challenge; send again with the field altcha set to "
            "the base64 of the JSON {algorithm, challenge, number, salt, signature}. It "
            "expires within 10 minutes and is accepted once."
        ),
        "properties": {
            "algorithm": {"type": "string", "enum": ["SHA-256"]},
            "challenge": {"type": "string"},
            "maxnumber": {"type": "integer"},
            "salt": {"type": "string"},
            "signature": {"type": "string"},
        },
        "required": ["algorithm", "challenge", "maxnumber", "salt", "signature"],
    },
    "AuthEmailVerification": {
        "type": "object",
        "description": _("The address a confirmation key is for, and its account."),
        "properties": {
            "status": {**STATUS, "enum": [200]},
            "data": {
                "type": "object",
                "properties": {"email": {"type": "string"}, "user": _ref("AuthUser")},
                "required": ["email", "user"],
            },
            "meta": {
                "type": "object",
                "properties": {"is_authenticating": {"type": "boolean"}},
                "required": ["is_authenticating"],
            },
        },
        "required": ["status", "data", "meta"],
    },
    "AuthPasswordReset": {
        "type": "object",
        "description": _("The account a password reset key is for."),
        "properties": {
            "status": {**STATUS, "enum": [200]},
            "data": {
                "type": "object",
                "properties": {"user": _ref("AuthUser")},
                "required": ["user"],
            },
        },
        "required": ["status", "data"],
    },
    "AuthStatus": {
        "type": "object",
        "properties": {"status": {**STATUS, "enum": [200]}},
        "required": ["status"],
    },
}

EMAIL = {"type": "string", "format": "email"}
PASSWORD = {"type": "string", "minLength": 1}
NEW_PASSWORD = {
    "type": "string",
    "minLength": 8,
    "description": _(
        "At least 8 characters, not too common, not entirely numeric and not too similar "
        "to the e-mail address or the name."
    ),
}
KEY = {"type": "string", "minLength": 1}
CODE = {
    "type": "string",
    "minLength": 1,
    "description": _(
        "The code from the login code e-mail (such as ABCD-EFGH; case and the dash do not matter)."
    ),
}


def _key_header(name: str, description: str) -> dict[str, Any]:
    return {
        "in": "header",
        "name": name,
        "required": True,
        "schema": KEY,
        "description": description,
    }


def _signup_fields() -> tuple[dict[str, Any], list[str]]:
    """The sign-up fields: e-mail and an optional password, and the profile the sign-up
    form asks."""
    form = SignupProfileForm.base_fields
    properties = {
        "email": {**EMAIL, "maxLength": 254},
        "password": NEW_PASSWORD,
        # Optional, as on the page: an e-mail address alone signs a voter up, and the
        # profile page asks for the name and country later.
        "name": {"type": "string", "maxLength": form["name"].max_length},
        "country": {
            "type": "string",
            "enum": [code for code, _name in countries],
            "description": _("An ISO 3166 country code."),
        },
        "organisation": {"type": "string", "maxLength": form["organisation"].max_length},
        "stakeholder_type": {"type": "string", "enum": ["", *StakeholderType.values]},
        "altcha": {
            "type": "string",
            "description": _(
                "The solution of the sign-up challenge, when the last answer asked one "
                "(challenge_required): base64 of the JSON {algorithm, challenge, number, "
                "salt, signature}. Ignored while none is asked."
            ),
        },
    }
    return properties, ["email"]


def _body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    # Every field is text: anything else is refused, other fields too (config.errors_json).
    schema = {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": {"type": "string"},
    }
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _answer(description: str, component: str, headers: dict | None = None) -> dict[str, Any]:
    return {
        "description": description,
        "content": _json(component),
        **({"headers": headers} if headers else {}),
    }


def _refusals(*statuses: int) -> dict[str, Any]:
    """The refusals every endpoint of allauth's app API can give."""
    answers = {
        400: _answer(
            _(
                "The body is not a JSON object (`parse_error`), or a field is not text or "
                "not valid: each error in errors names its field in param, with allauth's "
                "code. Codes: `parse_error`, `invalid`, `required`, `max_length`, "
                "`email_taken`, `disposable_email`, `password_too_short`, "
                "`password_too_common`, `password_entirely_numeric`, "
                "`password_too_similar`, `email_password_mismatch`, "
                "`too_many_login_attempts`, `invalid_or_expired_key`, "
                "`invalid_password_reset`, `incorrect_code`."
            ),
            "AuthError",
        ),
        401: _answer(_("Not authenticated: the flows the client can go through."), "AuthFlows"),
        409: _answer(
            _("Not possible in this state, such as logging in with a logged-in session token."),
            "AuthError",
        ),
        410: _answer(
            _("The session of the X-Session-Token sent has ended: log in again."), "AuthFlows"
        ),
        413: _answer(describe_error(413, ["request_too_large"]), "Error"),
        429: _answer(
            _(
                "Too many requests: past allauth's rate limits, or past the rate of wrong "
                "session tokens from the same address. Wait the seconds that Retry-After "
                "says. Codes: `throttled`."
            ),
            "AuthError",
            RETRY_AFTER,
        ),
        503: _answer(describe_error(503, ["service_unavailable"]), "Error", RETRY_AFTER),
    }
    # Any of them may meet a service briefly unreachable (config.faults).
    return {str(status): answers[status] for status in (*statuses, 503)}


def _operation(
    operation_id: str,
    summary: str,
    description: str,
    responses: dict,
    body: dict | None = None,
    parameters: list | None = None,
) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "summary": summary,
        "description": description,
        "tags": [TAG],
        **({"parameters": parameters} if parameters else {}),
        **({"requestBody": body} if body else {}),
        "security": OPTIONAL_TOKEN,
        "responses": responses,
    }


def _paths() -> dict[str, Any]:
    signed_in = _answer(_("Signed in: the session and its token."), "AuthSession")
    return {
        f"{APP}/auth/signup": {
            "post": _operation(
                "auth_signup",
                _("Sign up"),
                _(
                    "Create an account. Without a password (the way voters sign up), a "
                    "login code is e-mailed: the answer is 401 with the login_by_code "
                    "flow pending and a session token; send the code to "
                    "/auth/code/confirm with that token, which confirms the address and "
                    "signs in. With a password, the account signs in at once (200) and a "
                    "confirmation e-mail is sent; until the address is confirmed the "
                    "account can browse but not vote or submit (403 email_not_verified). "
                    "Beyond the sign-ups one address may make in 10 minutes, the answer is "
                    "400 challenge_required with a proof-of-work challenge to solve and "
                    "send back in the field altcha; past those it may make in an hour, "
                    "429 signup_limit."
                ),
                {
                    "200": signed_in,
                    "401": _answer(
                        _("Signed up without a password: the login code is pending."),
                        "AuthFlows",
                    ),
                    **_refusals(400, 409, 410, 413, 429),
                    "400": _answer(
                        _(
                            "A field is not valid (each error in errors names its field in "
                            "param), or, beyond the sign-ups its address may make without "
                            "one, the challenge is asked or its solution refused: the answer "
                            'then carries a new challenge to solve (README.md, "Sign-up '
                            'challenge"). Codes: `parse_error`, `invalid`, `required`, '
                            "`max_length`, `email_taken`, `disposable_email`, "
                            "`password_too_short`, `password_too_common`, "
                            "`password_entirely_numeric`, "
                            "`password_too_similar`, `challenge_required`, "
                            "`challenge_invalid`, `challenge_expired`, `challenge_reused`."
                        ),
                        "AuthError",
                    ),
                    "429": _answer(
                        _(
                            "Too many requests: past allauth's rate limits, or past the "
                            "accounts an address may make in an hour (`signup_limit`), or "
                            "past the rate of wrong session tokens from the same address. "
                            "Wait the seconds that Retry-After says. Codes: `throttled`, "
                            "`signup_limit`."
                        ),
                        "AuthError",
                        RETRY_AFTER,
                    ),
                },
                _body(*_signup_fields()),
            )
        },
        f"{APP}/auth/code/request": {
            "post": _operation(
                "auth_code_request",
                _("Ask for a login code"),
                _(
                    "E-mail a one-time login code to the address, if an account has it (the "
                    "answer is the same either way). The answer is 401 with the "
                    "login_by_code flow pending and a session token: send the code to "
                    "/auth/code/confirm with that token. An address gets at most 3 codes "
                    "in 5 minutes (400 too_many_login_attempts). With the token "
                    "of a signed-in session, that session stays as it is (200)."
                ),
                {
                    "200": _answer(_("Already signed in."), "AuthSession"),
                    "401": _answer(_("Asked: the login code is pending."), "AuthFlows"),
                    **_refusals(400, 409, 410, 413, 429),
                },
                _body({"email": EMAIL}, ["email"]),
            )
        },
        f"{APP}/auth/code/confirm": {
            "post": _operation(
                "auth_code_confirm",
                _("Log in with the code"),
                _(
                    "Send the code from the login code e-mail, with the session token the "
                    "request for it (or the sign-up) returned. The right code confirms "
                    "the address it was sent to and signs in (200, with the session's new "
                    "token). For an account with a second factor (the secretariat's and "
                    "the jury's), that factor is still to come: 401 with mfa_authenticate "
                    "pending. A wrong code is 400 incorrect_code; the third wrong code "
                    "ends the attempt, and a code is valid for 10 minutes: after that, or "
                    "with no code asked for, the answer is 409: ask for a new code."
                ),
                {
                    "200": signed_in,
                    "401": _answer(
                        _("The code is right; a flow, such as the second factor, is pending."),
                        "AuthFlows",
                    ),
                    **_refusals(400, 409, 410, 413, 429),
                },
                _body({"code": CODE}, ["code"]),
            )
        },
        f"{APP}/auth/email/verify": {
            "get": _operation(
                "auth_email_verify_retrieve",
                _("Look up a confirmation key"),
                _("The address a key from a confirmation e-mail is for, before confirming it."),
                {
                    "200": _answer(_("The key is valid."), "AuthEmailVerification"),
                    **_refusals(400, 410, 429),
                },
                parameters=[
                    _key_header(
                        "X-Email-Verification-Key", _("The key from the confirmation e-mail.")
                    )
                ],
            ),
            "post": _operation(
                "auth_email_verify",
                _("Confirm the e-mail address"),
                _(
                    "Confirm the address with the key from the confirmation e-mail. With "
                    "the session token of the account's session, that session goes on "
                    "(200); without one, the address is confirmed and the client logs in "
                    "(401)."
                ),
                {
                    "200": signed_in,
                    "401": _answer(_("Confirmed; now log in."), "AuthFlows"),
                    **_refusals(400, 409, 410, 413, 429),
                },
                _body({"key": KEY}, ["key"]),
            ),
        },
        f"{APP}/auth/login": {
            "post": _operation(
                "auth_login",
                _("Log in"),
                _(
                    "Log in with e-mail and password. For an account with a role, the "
                    "second factor is still to come: 401 with the mfa_authenticate flow "
                    "pending and the session token to send with it."
                ),
                {
                    "200": signed_in,
                    "401": _answer(
                        _("A flow, such as the second factor, is pending."), "AuthFlows"
                    ),
                    **_refusals(400, 409, 410, 413, 429),
                },
                _body({"email": EMAIL, "password": PASSWORD}, ["email", "password"]),
            )
        },
        f"{APP}/auth/session": {
            "get": _operation(
                "auth_session_retrieve",
                _("The session"),
                _("Whether the X-Session-Token sent is signed in, and as whom."),
                {
                    "200": _answer(_("Signed in."), "AuthSession"),
                    **_refusals(401, 410, 429),
                },
            ),
            "delete": _operation(
                "auth_session_destroy",
                _("Log out"),
                _("End the session of the X-Session-Token sent: the answer is 401, signed out."),
                {
                    "401": _answer(_("Signed out."), "AuthFlows"),
                    **_refusals(400, 410, 429),
                },
            ),
        },
        f"{APP}/auth/password/request": {
            "post": _operation(
                "auth_password_request",
                _("Ask for a password reset"),
                _(
                    "Send a password reset e-mail to the address, if an account has it; the "
                    "answer is the same either way."
                ),
                {
                    "200": _answer(_("Asked."), "AuthStatus"),
                    **_refusals(400, 409, 410, 413, 429),
                },
                _body({"email": EMAIL}, ["email"]),
            )
        },
        f"{APP}/auth/password/reset": {
            "get": _operation(
                "auth_password_reset_retrieve",
                _("Look up a password reset key"),
                _("The account a key from a password reset e-mail is for, before using it."),
                {
                    "200": _answer(_("The key is valid."), "AuthPasswordReset"),
                    **_refusals(400, 410, 429),
                },
                parameters=[
                    _key_header(
                        "X-Password-Reset-Key", _("The key from the password reset e-mail.")
                    )
                ],
            ),
            "post": _operation(
                "auth_password_reset",
                _("Reset the password"),
                _(
                    "Set a new password with the key from the password reset e-mail; then "
                    "log in with it (401)."
                ),
                {
                    "401": _answer(_("The password is set; now log in."), "AuthFlows"),
                    **_refusals(400, 409, 410, 413, 429),
                },
                _body({"key": KEY, "password": NEW_PASSWORD}, ["key", "password"]),
            ),
        },
    }


def headless_app_paths(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: adds the paths above and their components."""
    result.setdefault("paths", {}).update(_paths())
    result.setdefault("components", {}).setdefault("schemas", {}).update(COMPONENTS)
    tags = result.setdefault("tags", [])
    tags.append(
        {
            "name": TAG,
            "description": _(
                "django-allauth's headless API in app mode: sign up, log in with a code "
                "sent by e-mail (which confirms the address) or a password, confirm the "
                "e-mail address, log out. The session token it returns goes in the "
                "X-Session-Token header of every request."
            ),
        }
    )
    return result
