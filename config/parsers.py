"""Reading JSON that anyone may send: bounded in size and in nesting.

Python's parser gives up on deep nesting with a RecursionError, and a structure just
shallow enough to parse can still exhaust the stack of the code that reads it (a form
field printing it, say): both are refused as a parse error, at a depth no client of
this API comes near.
"""

import io
import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import APIException, ParseError

MAX_JSON_DEPTH = 32

TOO_DEEP = _("The JSON sent is nested too deeply.")


class JSONTooDeep(ValueError):
    pass


class RequestTooLarge(APIException):
    status_code = 413
    default_detail = _("The request is larger than this endpoint accepts.")
    default_code = "request_too_large"


def _nesting_exceeds(value: Any, limit: int) -> bool:
    # Iterative, so that checking the depth cannot itself run out of stack.
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def json_depth_check(value: Any) -> Any:
    """``value`` itself, or JSONTooDeep if its containers nest deeper than allowed."""
    if isinstance(value, dict | list) and _nesting_exceeds(value, MAX_JSON_DEPTH):
        raise JSONTooDeep(str(TOO_DEEP))
    return value


def json_loads(text: str | bytes) -> Any:
    """``json.loads`` that refuses deep nesting with JSONTooDeep (a ValueError), as it
    refuses any other JSON it cannot read."""
    try:
        return json_depth_check(json.loads(text))
    except RecursionError:
        raise JSONTooDeep(str(TOO_DEEP)) from None


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, reading at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes (past that
    413 ``request_too_large``) and refusing deep nesting as ``parse_error``."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if limit is not None and declared and declared.isdigit() and int(declared) > limit:
            raise RequestTooLarge()
        body = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(body) > limit:
            raise RequestTooLarge()
        try:
            data = super().parse(io.BytesIO(body), media_type, parser_context)
            return json_depth_check(data)
        except (RecursionError, JSONTooDeep):
            raise ParseError(TOO_DEEP) from None
