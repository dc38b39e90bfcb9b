"""The project state machine: draft -> submitted -> nominee / rejected -> champion ->
winner. This module owns the allowed transitions; every change of a project's status
goes through ``project_transition``."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from awards.models import Project, ProjectEvent, ProjectEventKind, ProjectStatus
from config.errors import Conflict

S = ProjectStatus


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    event: str
    # The refusal when the project is not in one of ``sources``, its status in its place.
    refusal: str
    # Taken under embargo (awards.selectors.winner_is_public): the project's updated_at,
    # which its submitter reads, stays as it was, and the move shows only in the history
    # (which hides it until the embargo lifts).
    under_embargo: bool = False


SUBMIT = Transition(
    "submit",
    frozenset({S.DRAFT}),
    S.SUBMITTED,
    ProjectEventKind.SUBMITTED,
    _("A %(status)s project cannot be submitted."),
)
# The secretariat may reverse its own decision while the nomination is open.
ACCEPT = Transition(
    "accept",
    frozenset({S.SUBMITTED, S.REJECTED}),
    S.NOMINEE,
    ProjectEventKind.ACCEPTED,
    _("A %(status)s project cannot be accepted as a nominee."),
)
REJECT = Transition(
    "reject",
    frozenset({S.SUBMITTED, S.NOMINEE}),
    S.REJECTED,
    ProjectEventKind.REJECTED,
    _("A %(status)s project cannot be rejected."),
)
SHORTLIST = Transition(
    "shortlist",
    frozenset({S.NOMINEE}),
    S.CHAMPION,
    ProjectEventKind.CHAMPION,
    _("A %(status)s project cannot become a Champion."),
)
# When the Champions are computed again (after votes were invalidated), one may drop out.
UNSHORTLIST = Transition(
    "unshortlist",
    frozenset({S.CHAMPION}),
    S.NOMINEE,
    ProjectEventKind.CHAMPION_WITHDRAWN,
    _("A %(status)s project cannot return to the nominees."),
)
CROWN = Transition(
    "crown",
    frozenset({S.CHAMPION}),
    S.WINNER,
    ProjectEventKind.WINNER,
    _("A %(status)s project cannot become the Winner."),
    under_embargo=True,
)

# Until its category is revealed, the secretariat may take its confirmation back.
UNCROWN = Transition(
    "uncrown",
    frozenset({S.WINNER}),
    S.CHAMPION,
    ProjectEventKind.WINNER_UNDONE,
    _("A %(status)s project is not the Winner."),
    under_embargo=True,
)


class InvalidTransition(Conflict):
    code = "invalid_transition"


def project_transition(
    *,
    project: Project,
    transition: Transition,
    actor: User | None,
    at: datetime,
    note: str = "",
    **changes: Any,
) -> Project:
    """Move ``project`` along ``transition`` and record it in the history.

    The update is conditional on the current status, so of two concurrent attempts
    only one succeeds; the other is refused as an invalid transition.
    """
    stamp = {} if transition.under_embargo else {"updated_at": at}
    moved = Project.objects.filter(pk=project.pk, status__in=transition.sources).update(
        status=transition.target, **stamp, **changes
    )
    if moved != 1:
        current = Project.objects.filter(pk=project.pk).values_list("status", flat=True).first()
        label = ProjectStatus(current).label.lower() if current else gettext("deleted")
        raise InvalidTransition(transition.refusal % {"status": label})
    ProjectEvent.objects.create(
        project=project, kind=transition.event, actor=actor, at=at, note=note
    )
    project.status = transition.target
    for field, value in {**stamp, **changes}.items():
        setattr(project, field, value)
    return project
