"""The secretariat's side of phase 2: accepting submissions as nominees or rejecting
them with a reason the submitter reads."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import require_secretariat
from accounts.services import email_send_templated
from awards.models import AuditAction, Project
from awards.permissions import nomination_is_open
from awards.services.audit import audit_record
from awards.workflow import ACCEPT, REJECT, InvalidTransition, project_transition
from config.errors import NotAllowed, ReasonRequired, reason_stripped

SECRETARIAT_ONLY = _("Only the secretariat takes nomination decisions.")


class NominationClosed(NotAllowed):
    code = "nomination_closed"
    default_detail = _(
        "Nomination decisions can be taken only during the submission and nomination phases."
    )


REJECTION_REASON_REQUIRED = _("Write the reason for the rejection: the submitter will read it.")


def _locked(project: Project, at: datetime) -> Project:
    locked = Project.objects.select_for_update().select_related("edition").get(pk=project.pk)
    if not nomination_is_open(locked.edition, at=at):
        raise NominationClosed()
    return locked


def _audit_decision(
    project: Project, *, by: User, action: AuditAction, was: str, reason: str, at: datetime
) -> None:
    audit_record(
        edition=project.edition_id,
        actor=by,
        action=action,
        subject=project.submitted_by_id,
        reason=reason,
        details={
            "project": project.pk,
            "project_title": project.title,
            "category": project.category.number,
            "changes": {"status": [was, project.status]},
        },
        at=at,
    )


def _tell_submitter(project: Project, template: str) -> None:
    if project.submitted_by_id and project.submitted_by.email:
        email_send_templated(
            to=project.submitted_by.email,
            language=project.submitted_by.language,
            template_prefix=f"awards/email/{template}",
            context={"user": project.submitted_by, "project": project},
        )


@transaction.atomic
def nomination_accept(*, project: Project, by: User, at: datetime | None = None) -> Project:
    """Accept a submitted project as a nominee (or reverse a rejection)."""
    at = at or timezone.now()
    require_secretariat(by, refusal=SECRETARIAT_ONLY)
    project = _locked(project, at)
    was = project.status
    project_transition(project=project, transition=ACCEPT, actor=by, at=at, decision_reason="")
    _audit_decision(project, by=by, action=AuditAction.PROJECT_NOMINATED, was=was, reason="", at=at)
    _tell_submitter(project, "project_accepted")
    return project


@transaction.atomic
def nomination_reject(
    *, project: Project, by: User, reason: str, at: datetime | None = None
) -> Project:
    """Reject a submitted project (or a nominee, while nomination is open) with a reason
    the submitter reads."""
    at = at or timezone.now()
    require_secretariat(by, refusal=SECRETARIAT_ONLY)
    reason = reason_stripped(reason)
    if not reason:
        raise ReasonRequired(REJECTION_REASON_REQUIRED, field="reason")
    project = _locked(project, at)
    was = project.status
    project_transition(
        project=project, transition=REJECT, actor=by, at=at, note=reason, decision_reason=reason
    )
    _audit_decision(
        project, by=by, action=AuditAction.PROJECT_REJECTED, was=was, reason=reason, at=at
    )
    _tell_submitter(project, "project_rejected")
    return project


@dataclass
class BulkResult:
    accepted: list[Project] = field(default_factory=list)
    skipped: list[tuple[Project, str]] = field(default_factory=list)


def nomination_accept_many(
    *, projects: Iterable[Project], by: User, at: datetime | None = None
) -> BulkResult:
    """Accept several projects; each is decided on its own, and those that cannot be
    accepted (already decided, say) are reported rather than stopping the rest."""
    at = at or timezone.now()
    require_secretariat(by, refusal=SECRETARIAT_ONLY)
    result = BulkResult()
    for project in projects:
        try:
            result.accepted.append(nomination_accept(project=project, by=by, at=at))
        except (InvalidTransition, NominationClosed) as refusal:
            result.skipped.append((project, refusal.detail))
    return result
