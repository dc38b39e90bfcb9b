"""The base of every error a user can cause.

Services raise a subclass with a stable ``code``; the API turns it into JSON
``{"detail", "code"}`` and the HTML views into a message on the page, each in one place.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# A written reason is kept with its decision, and with every vote an invalidation sets
# aside: a note, not a document.
REASON_MAX_LENGTH = 2000


class DomainError(Exception):
    code = "invalid"
    status_code = 400
    default_detail = _("The request cannot be carried out.")

    def __init__(
        self,
        detail: str | None = None,
        *,
        field: str | None = None,
        errors: dict[str, list[str]] | None = None,
    ) -> None:
        # Translated when raised, in the language of the request that caused it.
        self.detail = str(detail or self.default_detail)
        self.errors = dict(errors or {})
        if field:
            self.errors.setdefault(field, []).append(self.detail)
        super().__init__(self.detail)


class NotAllowed(DomainError):
    code = "permission_denied"
    status_code = 403
    default_detail = _("You are not allowed to do this.")


class NotFound(DomainError):
    code = "not_found"
    status_code = 404
    default_detail = _("Not found.")


class ReasonRequired(DomainError):
    """A decision that the record keeps with its written reason came without one. The
    service that refuses says which reason it needs."""

    code = "reason_required"
    status_code = 400
    default_detail = _("Write the reason for this decision: the record keeps it.")


class ReasonTooLong(DomainError):
    code = "reason_too_long"
    status_code = 400
    default_detail = _("The reason is too long.")


def reason_stripped(reason: str) -> str:
    """A written reason without the spaces around it, refused when longer than a note."""
    reason = reason.strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ReasonTooLong(
            ngettext(
                "Keep the reason to %(limit)d characters: it has %(count)d character.",
                "Keep the reason to %(limit)d characters: it has %(count)d characters.",
                len(reason),
            )
            % {"limit": REASON_MAX_LENGTH, "count": len(reason)},
            field="reason",
        )
    return reason


class Conflict(DomainError):
    code = "conflict"
    status_code = 409
    default_detail = _("This cannot be done in the current state.")
