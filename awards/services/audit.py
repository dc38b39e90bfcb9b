"""The audit trail: every decision of the secretariat on votes, voters and rules is
appended here, by the service that takes it, in the same transaction."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

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
