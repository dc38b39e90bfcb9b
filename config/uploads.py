"""Uploads are refused while they arrive, before more than their limit is read.

Django reads a multipart body whole, spooling its files to disk, before any view can
look at them. ``LimitedUploadHandler`` runs first among the upload handlers and stops
the reading: at once when the declared length is past what the view accepts, and as
soon as one file passes its limit or one file too many begins. What the view accepts
is said by ``upload_limits`` on a function view or an ``upload_limits`` attribute on a
class view; any other view takes ``DEFAULT_LIMITS``.

The refusal is a ``RequestDataTooBig`` (413) or a ``TooManyFilesSent`` (400), answered
by ``config.errors_json``: JSON under the API's paths, a page saying which limit was
passed elsewhere. In an API view, DRF answers it as any other API error.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import APIException

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class UploadLimits:
    """What one request may upload: ``files`` files of ``per_file`` bytes at most.
    ``too_large`` says it to a person, with ``%(name)s`` and ``%(megabytes)d``."""

    per_file: int
    files: int
    too_large: str

    def too_large_message(self, name: str) -> str:
        return str(self.too_large) % {"name": name, "megabytes": self.per_file // MEGABYTE}

    def too_many_message(self) -> str:
        return gettext("At most %(count)d files can be sent at once.") % {"count": self.files}

    def widget_attrs(self) -> dict[str, str]:
        """For a file input: the browser refuses what the server would, before sending
        it (frontend/static/frontend/upload-limits.js)."""
        return {
            "data-max-bytes": str(self.per_file),
            "data-max-files": str(self.files),
            "data-too-large": self.too_large_message("{name}"),
            "data-too-many": self.too_many_message(),
        }

    @property
    def request_bytes(self) -> int:
        """The most a request may declare: its files and room for the other fields."""
        return self.per_file * self.files + (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)


# The most any form of the site takes (the admin's project form: a logo, a PDF and
# images).
DEFAULT_LIMITS = UploadLimits(
    per_file=10 * MEGABYTE,
    files=10,
    too_large=_("%(name)s is too large: files may be %(megabytes)d MB at most."),
)


class _Refusal(APIException):
    """Both Django's refusal (raised while Django's middleware reads a form, answered by
    config.errors_json) and DRF's (raised while an API view reads its data, answered by
    config.api like any other API error, without a server error in the log)."""

    def __init__(self, detail: str) -> None:
        APIException.__init__(self, detail, self.default_code)

    @property
    def code(self) -> str:
        return self.default_code


class UploadTooLarge(RequestDataTooBig, _Refusal):
    status_code = 413
    default_code = "file_too_large"


class TooManyFiles(TooManyFilesSent, _Refusal):
    status_code = 400
    default_code = "too_many_files"


View = TypeVar("View", bound=Callable[..., Any])


def upload_limits(limits: UploadLimits) -> Callable[[View], View]:
    """Decorate a function view with what it accepts (put it outermost)."""

    def decorate(view: View) -> View:
        view.upload_limits = limits
        return view

    return decorate


def limits_for(request: HttpRequest) -> UploadLimits:
    match = getattr(request, "resolver_match", None)
    view = match.func if match is not None else None
    return (
        getattr(view, "upload_limits", None)
        or getattr(getattr(view, "view_class", None), "upload_limits", None)
        or DEFAULT_LIMITS
    )


class LimitedUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: passes each chunk on to the next handler until a
    limit is passed."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None) -> None:
        self.limits = limits_for(self.request)
        self.files_begun = 0
        if content_length > self.limits.request_bytes:
            raise UploadTooLarge(self.limits.too_large_message(gettext("What you sent")))

    def new_file(self, field_name, file_name, *args, **kwargs) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self.files_begun += 1
        if self.files_begun > self.limits.files:
            self._interrupt()
            raise TooManyFiles(self.limits.too_many_message())

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limits.per_file:
            self._interrupt()
            raise UploadTooLarge(self.limits.too_large_message(self.file_name))
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the file

    def _interrupt(self) -> None:
        # The file being written by the handlers after this one (a temporary file on
        # disk) goes now, not when it is collected.
        for handler in self.request.upload_handlers:
            if handler is not self:
                handler.upload_interrupted()
