"""OpenAPI descriptions of what drf-spectacular cannot see by itself: the session token
scheme, and the errors each operation can answer.

Every error of the API has one shape, the ``Error`` component (``config.api``). The
statuses an operation can answer follow from what its view declares, and are added by
``AutoSchema``: 400 where it reads a body or query parameters, 401 wherever a session
token is read, 403 from its permissions (and the CSRF check of cookie sessions on
writes), 404 for its path parameters and pages, 413 and 415 where it reads a body, 429
everywhere. What only the code can say, the domain errors its services raise, a view
declares with ``refusals(...)`` in ``@extend_schema(responses=...)``; their codes join
the generic ones in the description of each status.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, permissions, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import MultiPartParser

from config.api_access import SessionTokenAuthentication
from config.errors import DomainError


class SessionTokenScheme(OpenApiAuthenticationExtension):
    target_class = "config.api_access.SessionTokenAuthentication"
    name = "sessionToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Session-Token",
            "description": (
                "The session token that django-allauth's headless API in app mode returns "
                "on login (POST /_allauth/app/v1/auth/login)."
            ),
        }


class CookieSessionScheme(SessionScheme):
    """The session cookie of the site's pages, described as drf-spectacular describes
    DRF's own (``cookieAuth``)."""

    target_class = "config.api_access.CookieSessionAuthentication"


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer of the API."""

    detail = serializers.CharField(help_text=_("What went wrong, in words for people."))
    code = serializers.CharField(
        help_text=_("What went wrong, as a stable code for programs (listed per answer).")
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_(
            "The messages for each field that is not valid, by field name (those about "
            "the items of a list or the fields of an object under the list or object)."
        ),
    )


# Retry-After is required: every 429 and 503 of the API carries it (config.api,
# config.api_access, config.faults).
RETRY_AFTER = {
    "Retry-After": {
        "description": _("How many seconds to wait before trying again."),
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }
}
WWW_AUTHENTICATE = {
    "WWW-Authenticate": {
        "description": _("How to authenticate: with a session token in X-Session-Token."),
        "required": True,
        "schema": {"type": "string", "enum": ["X-Session-Token"]},
    }
}

LEADS = {
    400: _(
        "The request cannot be read, or its body or query parameters break a rule (the "
        "fields at fault under errors)."
    ),
    401: _(
        "Not authenticated, or the session token sent is wrong or has expired: log in "
        "(POST /_allauth/app/v1/auth/login) and send the token it returns in the "
        "X-Session-Token header."
    ),
    403: _("Not allowed."),
    404: _("Not found."),
    409: _("This cannot be done in the current state."),
    413: _("The request is larger than this operation accepts."),
    415: _("The body is of a media type this operation does not read."),
    429: _("Too many requests: wait the seconds that Retry-After says, then try again."),
    503: _(
        "A service the platform needs (its database, say) is briefly unreachable: nothing "
        "was done; try again after the seconds that Retry-After says."
    ),
}
HEADERS = {401: WWW_AUTHENTICATE, 429: RETRY_AFTER, 503: RETRY_AFTER}
# Permissions that refuse nothing beyond authentication (a tuple: DRF composes
# permission classes with |).
PLAIN_PERMISSIONS = (permissions.AllowAny, permissions.IsAuthenticated)


def error_code(error: type[DomainError] | type[exceptions.APIException]) -> str:
    if issubclass(error, exceptions.APIException):
        return str(error.default_code)
    return error.code


class ErrorResponse(OpenApiResponse):
    """An error answer and the codes it can carry."""

    def __init__(self, codes: Iterable[str]) -> None:
        self.codes = tuple(dict.fromkeys(codes))
        super().__init__(response=ErrorSerializer)


def refusals(
    *errors: type[DomainError] | type[exceptions.APIException],
) -> dict[int, ErrorResponse]:
    """For ``@extend_schema(responses=...)``: the domain errors an operation can answer,
    by status."""
    codes: dict[int, list[str]] = defaultdict(list)
    for error in errors:
        codes[error.status_code].append(error_code(error))
    return {status: ErrorResponse(found) for status, found in codes.items()}


def describe_error(status: int, codes: Iterable[str], extra: str = "") -> str:
    listed = ", ".join(f"`{code}`" for code in codes)
    return f"{LEADS[status]}{extra} {_('Codes')}: {listed}."


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema of an operation, with the errors it can answer."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        self.empty_filters_allow(operation)
        declared = self.get_response_serializers()
        declared = declared if isinstance(declared, dict) else {}
        codes = self.generic_error_codes(operation)
        for status, response in declared.items():
            if isinstance(response, ErrorResponse):
                codes[int(status)].extend(response.codes)
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        responses = operation["responses"]
        for status in sorted(codes):
            extra = ""
            if status == 415:
                types = ", ".join(parser.media_type for parser in self.view.get_parsers())
                extra = " " + _("Send the body as %(types)s.") % {"types": types}
            responses[str(status)] = {
                "description": describe_error(status, dict.fromkeys(codes[status]), extra),
                "content": {"application/json": {"schema": error}},
                **({"headers": HEADERS[status]} if status in HEADERS else {}),
            }
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def empty_filters_allow(self, operation: dict) -> None:
        """django-filter filters nothing on a parameter sent empty, as the pages' forms
        send it: each filter's parameter takes "" beside its values."""
        filterset = getattr(self.view, "filterset_class", None)
        if filterset is None:
            return
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query" or parameter["name"] not in filterset.base_filters:
                continue
            schema = parameter["schema"]
            if "enum" in schema and "" not in schema["enum"]:
                schema["enum"].insert(0, "")
            elif schema.get("type") in ("integer", "number"):
                parameter["schema"] = {"anyOf": [schema, {"type": "string", "enum": [""]}]}

    def generic_error_codes(self, operation: dict) -> dict[int, list[str]]:
        """The errors that follow from what the view declares, by status."""
        codes: dict[int, list[str]] = defaultdict(list)
        parameters = operation.get("parameters", [])
        query = {p["name"] for p in parameters if p["in"] == "query"}
        paginated = "page" in query
        takes_body = "requestBody" in operation
        writes = self.method not in permissions.SAFE_METHODS
        authenticators = self.view.get_authenticators()

        if takes_body:
            codes[400] += ["parse_error", "invalid"]
            if any(isinstance(p, MultiPartParser) for p in self.view.get_parsers()):
                codes[400].append("too_many_files")
                codes[413].append("file_too_large")
            else:
                codes[413].append("request_too_large")
            codes[415].append("unsupported_media_type")
        if query - {"page"}:
            codes[400].append("invalid")

        anonymous_allowed = {} in operation.get("security", [{}])
        if not anonymous_allowed:
            codes[401].append("not_authenticated")
        if any(isinstance(a, SessionTokenAuthentication) for a in authenticators):
            codes[401].append("authentication_failed")

        for permission in self.view.get_permissions():
            if isinstance(permission, PLAIN_PERMISSIONS):
                continue
            declared = getattr(permission, "refusals", None)
            if declared is None:
                codes[403].append("permission_denied")
            else:
                codes[403] += [error_code(error) for error in declared]
        if writes and any(isinstance(a, SessionAuthentication) for a in authenticators):
            codes[403].append("csrf_failed")  # the CSRF check of a cookie session

        if paginated or any(p["in"] == "path" for p in parameters):
            codes[404].append("not_found")

        codes[429].append("throttled")
        codes[503].append("service_unavailable")  # config.faults
        return codes
