"""Every error under ``/api/`` and ``/_allauth/`` answers JSON ``{"detail", "code"}``.

DRF's views already do (``config.api.exception_handler``). What answers before or
beside them answers here: Django's own refusals (a body over the size limit, a host
outside ALLOWED_HOSTS, a failed CSRF check, an unknown path, a server error), through
the error handlers that ``config.urls`` names; the bodies django-allauth's headless
views cannot read and the methods they do not handle, refused before they reach them;
and, as a last net, any other error response on those paths: allauth's JSON keeps its
``status`` and ``errors`` for its clients and gains ``detail`` and ``code`` (and its 429
a ``Retry-After``), and a response in any other format is replaced by the JSON of its
status.
"""

import json
import sys
from collections.abc import Callable

from allauth.account import app_settings as allauth_account_settings
from allauth.account.adapter import get_adapter as get_account_adapter
from django.conf import settings
from django.core.exceptions import (
    DisallowedHost,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import csrf, defaults

from accounts.passkeys import credential_readable, credential_refusal
from config.faults import is_unavailable, unavailable_response
from config.parsers import JSONTooDeep, json_loads

API_PREFIXES = ("/api/", "/_allauth/")
ALLAUTH_PREFIX = "/_allauth/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# allauth's endpoints (app and browser) whose fields are all text: those that sign up,
# log in, confirm an address and reset a password.
PASSWORD_RESET = "/v1/auth/password/reset"
ALLAUTH_TEXT_ONLY = tuple(
    f"/v1/auth/{name}"
    for name in (
        "signup",
        "login",
        "email/verify",
        "password/request",
        "password/reset",
        "code/request",
        "code/confirm",
    )
)
# allauth's endpoints that take a passkey's credential: a new one, or an assertion.
PASSKEY_REGISTRATION = "/v1/account/authenticators/webauthn"
PASSKEY_ASSERTION = tuple(
    f"/v1/auth/webauthn/{name}" for name in ("login", "authenticate", "reauthenticate")
)

STATUS_ERRORS = {
    400: (_("The request cannot be read."), "bad_request"),
    401: (_("Authentication credentials were not provided."), "not_authenticated"),
    403: (_("You are not allowed to do this."), "permission_denied"),
    404: (_("Not found."), "not_found"),
    405: (_("This method is not allowed here."), "method_not_allowed"),
    406: (_("No answer in an accepted format can be given."), "not_acceptable"),
    409: (_("This cannot be done in the current state."), "conflict"),
    # allauth's headless API answers 410 when the session of a token has ended.
    410: (_("This session has ended: log in again."), "session_expired"),
    413: (_("The request is larger than this endpoint accepts."), "request_too_large"),
    415: (_("This type of content is not accepted here."), "unsupported_media_type"),
    429: (_("Too many requests: wait a moment and try again."), "throttled"),
    500: (_("The server could not answer this request."), "server_error"),
    503: (_("The service is unavailable for a moment: try again shortly."), "service_unavailable"),
}
OTHER_CLIENT_ERROR = (_("The request cannot be carried out."), "error")
OTHER_SERVER_ERROR = (_("The server could not answer this request."), "server_error")

NOT_JSON = _("The body is not valid JSON.")
NOT_AN_OBJECT = _("The body must be a JSON object.")
NOT_TEXT = _("This field takes text.")
INVALID = _("Some of the data sent is not valid.")
STEP_PENDING = _("Not signed in yet: one step remains (the pending flow %(flow)s).")
# A request signed in by the session cookie, without the CSRF token (config.api_access
# answers the same for the API's own views).
CSRF_FAILED = _(
    "The CSRF check failed: send the CSRF token of the csrftoken cookie in the X-CSRFToken header."
)


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIXES)


def status_error(status: int) -> tuple[str, str]:
    """The detail and code that say what a bare status means."""
    if status in STATUS_ERRORS:
        return STATUS_ERRORS[status]
    return OTHER_SERVER_ERROR if status >= 500 else OTHER_CLIENT_ERROR


def error_response(status: int, detail: str | None = None, code: str | None = None) -> JsonResponse:
    default_detail, default_code = status_error(status)
    return JsonResponse(
        {"detail": detail or default_detail, "code": code or default_code}, status=status
    )


# --- Django's error handlers (named in config.urls) -------------------------------------


def _refused_sending(request: HttpRequest, exception: Exception, status: int) -> HttpResponse:
    """A body refused for its size or its number of files. The upload checks
    (config.uploads) say which limit was passed; Django's own refusal of a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE only that it was too large."""
    detail = getattr(exception, "detail", None)
    code = getattr(exception, "code", None)
    if is_api(request):
        return error_response(status, detail, code)
    # Back to the page the form was on, when it is one of this site's.
    referer = request.headers.get("Referer", "")
    back = (
        referer
        if url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        else None
    )
    return render(request, "413.html", {"detail": detail, "back": back}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return _refused_sending(request, exception, 413)
    if isinstance(exception, TooManyFilesSent) and hasattr(exception, "detail"):
        return _refused_sending(request, exception, 400)
    if not is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, DisallowedHost):
        return error_response(400, _("This host name is not served here."), "disallowed_host")
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return error_response(
            400, _("The request has too many fields or files."), "too_many_fields"
        )
    return error_response(400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return error_response(403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return error_response(404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_unavailable(sys.exc_info()[1]):  # raised by a middleware, not a view
        return unavailable_response(request)
    if is_api(request):
        return error_response(500)
    return defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: allauth's browser API is checked by Django's CSRF middleware."""
    if is_api(request):
        return error_response(403, CSRF_FAILED, "csrf_failed")
    return csrf.csrf_failure(request, reason)


# --- The middleware ------------------------------------------------------------------------


def _declared_length(request: HttpRequest) -> int:
    value = request.META.get("CONTENT_LENGTH") or "0"
    return int(value) if value.isdigit() else 0


def _body_refusal(request: HttpRequest) -> HttpResponse | None:
    """A refusal of a body that cannot be read, before any view reads it."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    multipart = request.content_type == "multipart/form-data"
    # Files in a multipart body have limits of their own (config.uploads).
    if not multipart and limit is not None and _declared_length(request) > limit:
        return error_response(413)
    if not request.path.startswith(ALLAUTH_PREFIX) or request.method in SAFE_METHODS:
        return None
    # allauth's headless views read any body as JSON, and fail on deep nesting.
    if not request.body:
        return None
    try:
        data = json_loads(request.body)
    except JSONTooDeep as error:
        return error_response(400, str(error), "parse_error")
    except ValueError:  # UnicodeDecodeError included
        return error_response(400, NOT_JSON, "parse_error")
    if not isinstance(data, dict):
        return error_response(400, NOT_AN_OBJECT, "parse_error")
    if request.path.endswith(ALLAUTH_TEXT_ONLY):
        return _not_text_refusal(data) or _reset_key_refusal(request, data.get("key"))
    return _credential_refusal(request, data)


def _allauth_refusal(errors: list[dict]) -> JsonResponse:
    """A 400 in allauth's shape, with the API's detail and code."""
    if len(errors) == 1:
        detail, code = errors[0]["message"], errors[0]["code"]
    else:
        detail, code = str(INVALID), "invalid"
    return JsonResponse(
        {"status": 400, "errors": errors, "detail": detail, "code": code}, status=400
    )


def _not_text_refusal(data: dict) -> HttpResponse | None:
    """allauth's forms read a number, a list or an object given for a field as its
    Python text (a password ``['secret']``): on the endpoints whose fields are all text,
    anything else is refused."""
    errors = [
        {"message": str(NOT_TEXT), "code": "invalid", "param": name}
        for name, value in data.items()
        if not isinstance(value, str)
    ]
    return _allauth_refusal(errors) if errors else None


def _credential_refusal(request: HttpRequest, data: dict) -> HttpResponse | None:
    """A passkey credential that fido2 cannot read is refused as allauth refuses a wrong
    one, where allauth fails on some of them (accounts.passkeys)."""
    if request.method != "POST" or "credential" not in data:
        return None
    registration = request.path.endswith(PASSKEY_REGISTRATION)
    if not registration and not request.path.endswith(PASSKEY_ASSERTION):
        return None
    if credential_readable(data["credential"], registration=registration):
        return None
    [message] = credential_refusal().messages
    return _allauth_refusal([{"message": message, "code": "incorrect_code", "param": "credential"}])


def _reset_key_refusal(request: HttpRequest, key: object) -> HttpResponse | None:
    """A password reset key is ``<account>-<token>``: given with no account part, allauth
    fails on it (a TypeError, a 500) instead of refusing it. It is refused here as allauth
    refuses any key it did not issue."""
    if not request.path.endswith(PASSWORD_RESET) or not isinstance(key, str):
        return None
    if not key.startswith("-"):
        return None
    message = str(get_account_adapter().error_messages["invalid_password_reset"])
    return _allauth_refusal(
        [{"message": message, "code": "invalid_password_reset", "param": "key"}]
    )


def _allauth_method_refusal(request: HttpRequest) -> HttpResponse | None:
    """allauth's headless views validate the body of any method but GET before they look
    at the method, so that TRACE /auth/login answers a login error: a method the view
    does not handle is refused here (405, and OPTIONS answered), as Django's views do."""
    if not request.path.startswith(ALLAUTH_PREFIX):
        return None
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return None
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return None
    allowed = [m.upper() for m in view_class.http_method_names if hasattr(view_class, m)]
    if "GET" in allowed and "HEAD" not in allowed:
        allowed.append("HEAD")  # Django's views answer HEAD as GET
    if request.method == "OPTIONS":
        response = HttpResponse(status=200)
    elif request.method not in allowed:
        response = error_response(405)
    else:
        return None
    response["Allow"] = ", ".join(allowed)
    return response


def _allauth_retry_after() -> int:
    """allauth's 429 says not when to try again: the longest period of its rate limits,
    which no limit outlasts."""
    periods = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    longest = 60
    for rates in (allauth_account_settings.RATE_LIMITS or {}).values():
        for rate in (rates or "").split(","):
            parts = rate.strip().split("/")
            period = parts[1] if len(parts) > 1 else ""
            count, unit = period[:-1], period[-1:]
            if unit in periods and (count.isdigit() or not count):
                longest = max(longest, int(count or 1) * periods[unit])
    return longest


def _pending_flow(body: dict) -> str:
    """The step allauth waits for before it signs in (``login_by_code`` after a sign-up
    without a password, say), or ""."""
    data = body.get("data")
    flows = data.get("flows") if isinstance(data, dict) else None
    for flow in flows if isinstance(flows, list) else []:
        if isinstance(flow, dict) and flow.get("is_pending") and isinstance(flow.get("id"), str):
            return flow["id"]
    return ""


def _allauth_error(body: dict, status: int) -> tuple[str, str]:
    """``detail`` and ``code`` for one of allauth's JSON errors: its one error's own, or
    a summary when it lists several; a 401 that waits for a step says which."""
    errors = [error for error in body.get("errors") or [] if isinstance(error, dict)]
    if len(errors) == 1 and errors[0].get("message"):
        return errors[0]["message"], errors[0].get("code") or status_error(status)[1]
    if errors:
        return INVALID, "invalid"
    pending = _pending_flow(body) if status == 401 else ""
    if pending:
        return str(STEP_PENDING % {"flow": pending}), status_error(status)[1]
    return status_error(status)


def _as_json_error(response: HttpResponse) -> HttpResponse:
    status = response.status_code
    body = None
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            body = json.loads(response.content)
        except ValueError:
            body = None
        if isinstance(body, dict) and "detail" in body and "code" in body:
            return response
    if isinstance(body, dict):
        detail, code = _allauth_error(body, status)
        body = {**body, "detail": detail, "code": code}
    elif getattr(response, "accepted_media_type", "") == "text/html":
        return response  # DRF's browsable API (with DEBUG on) shows its error as a page
    else:
        detail, code = status_error(status)
        body = {"detail": detail, "code": code}
    response.content = json.dumps(body, cls=DjangoJSONEncoder)
    response["Content-Type"] = "application/json"
    if status == 429 and not response.has_header("Retry-After"):
        response["Retry-After"] = str(_allauth_retry_after())
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    return response


def _refusal_before_view(request: HttpRequest) -> HttpResponse | None:
    key_asked = request.headers.get("X-Password-Reset-Key") if request.method == "GET" else None
    return (
        _allauth_method_refusal(request)
        or _body_refusal(request)
        or _reset_key_refusal(request, key_asked)
    )


class JsonErrorsMiddleware:
    """First in MIDDLEWARE, so that it sees every answer on the API's paths."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_api(request):
            return self.get_response(request)
        response = _refusal_before_view(request) or self.get_response(request)
        if response.status_code >= 400 and not response.streaming:
            response = _as_json_error(response)
        return response
