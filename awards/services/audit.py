"""The audit trail: every decision of the secretariat on votes, voters and rules is
appended here, by the service that takes it, in the same transaction."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from accounts.models import User
from awards.models import AuditAction, AuditEntry, Edition


def _pk(instance: Edition | User | int | None) -> int | None:
    return instance.pk if isinstance(instance, Edition | User) else instance


def audit_record(
    *,
    edition: Edition | int | None,
    actor: User | None,
    action: AuditAction,
    subject: User | int | None = None,
    reason: str = "",
    details: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one entry. ``actor`` is None for what the scheduled count does on its
    own; ``details`` is a small JSON object (counts, old and new values), never a copy
    of personal data the other records already hold. ``edition`` and ``subject`` may
    be given by id, as services that work on rows of ids have them."""
    return AuditEntry.objects.create(
        edition_id=_pk(edition),
        actor=actor,
        action=action,
        subject_id=_pk(subject),
        reason=reason,
        details=dict(details or {}),
        at=at or timezone.now(),
    )


def audit_value(value: Any) -> Any:
    """A value as the audit trail keeps it in ``details``: what JSON holds as it is,
    times in ISO 8601, a file by its name, a record by its text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): audit_value(item) for key, item in value.items()}
    if isinstance(value, Iterable):
        return [audit_value(item) for item in value]
    return str(value)


def audit_edition_changes(
    *, edition: Edition, by: User, before: Edition, after: Edition, names: Iterable[str]
) -> AuditEntry | None:
    """Record a change of an edition's settings (made in the admin): each changed field
    with its old and new values. Nothing is recorded when no value changed."""
    changes = {}
    for name in names:
        old, new = audit_value(getattr(before, name, None)), audit_value(getattr(after, name, None))
        if old != new:
            changes[name] = [old, new]
    if not changes:
        return None
    return audit_record(
        edition=edition,
        actor=by,
        action=AuditAction.EDITION_CHANGED,
        details={"changes": changes, "edition_title": after.title},
    )


def audit_role_changes(
    *, user: User, by: User | None, changes: Mapping[str, tuple[Any, Any]]
) -> AuditEntry | None:
    """Record who got or lost which role: staff or superuser status, role groups,
    permissions (old and new values). Roles belong to no edition."""
    kept = {
        name: [audit_value(old), audit_value(new)]
        for name, (old, new) in changes.items()
        if audit_value(old) != audit_value(new)
    }
    if not kept:
        return None
    return audit_record(
        edition=None,
        actor=by,
        action=AuditAction.ROLE_CHANGED,
        subject=user,
        details={"changes": kept},
    )
