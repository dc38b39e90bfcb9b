"""What every API endpoint shares: pagination and the shape of errors."""

import math
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config import faults
from config.errors import DomainError
from config.errors_json import INVALID

PAGE_SIZE_INVALID = _("Give the page size once, as a whole number from 1.")


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
    page_size_query_description = _("Results per page: 50 unless given, 200 at most.")

    def get_page_size(self, request) -> int:
        """The page size asked for, at most ``max_page_size``; a page size that is not a
        whole number from 1, or given twice, is refused (DRF would ignore it)."""
        asked = request.query_params.getlist(self.page_size_query_param)
        if not asked:
            return self.page_size
        try:
            size = int(asked[0]) if len(asked) == 1 and asked[0].isdecimal() else 0
        except ValueError:  # more digits than Python reads
            size = 0
        if size < 1:
            raise exceptions.ValidationError({self.page_size_query_param: [PAGE_SIZE_INVALID]})
        return min(size, self.max_page_size)

    def get_page_number(self, request, paginator):
        """As DRF's, but a page given empty or twice is an invalid page (404), not the
        first."""
        asked = request.query_params.getlist(self.page_query_param)
        if len(asked) == 1 and asked[0]:
            return super().get_page_number(request, paginator)
        return ",".join(asked) if asked else 1

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters


def field_errors(detail: Any) -> dict[str, list[str]]:
    """DRF's errors as lists of messages by field: those about the items of a list or the
    fields of a nested object go under the list or the object; errors of no field go
    under ``non_field_errors``."""
    if not isinstance(detail, dict):
        return {"non_field_errors": _messages(detail)}
    errors = {str(field): _messages(value) for field, value in detail.items()}
    return {field: messages for field, messages in errors.items() if messages}


def _messages(detail: Any) -> list[str]:
    if isinstance(detail, dict | list):
        values = detail.values() if isinstance(detail, dict) else detail
        return list(dict.fromkeys(message for value in values for message in _messages(value)))
    return [str(detail)]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Answer every refusal as ``{"detail", "code"}``, field errors under ``errors``."""
    if faults.is_unavailable(exc):
        faults.log_unavailable(context["request"], exc)
        response = Response({"detail": str(faults.DETAIL), "code": faults.CODE}, status=503)
        return faults.retry_later(response)
    if isinstance(exc, DomainError):
        data = {"detail": exc.detail, "code": exc.code}
        if exc.errors:
            data["errors"] = exc.errors
        return Response(data, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": INVALID, "code": "invalid", "errors": field_errors(exc.detail)}
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {
            "detail": str(exc.detail),
            "code": codes if isinstance(codes, str) else "error",
        }
    if isinstance(exc, exceptions.Throttled):
        # Whole seconds, rounded up: DRF rounds down, to 0 under a second.
        response["Retry-After"] = str(max(1, math.ceil(exc.wait or 1)))
    return response
