"""What every API endpoint shares: pagination and the shape of errors."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config import faults
from config.errors import DomainError


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


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
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {
            "detail": "Some of the data sent is not valid.",
            "code": "invalid",
            "errors": errors,
        }
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {
            "detail": str(exc.detail),
            "code": codes if isinstance(codes, str) else "error",
        }
    return response
