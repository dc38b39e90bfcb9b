"""Phase 5: the Expert Group scores the Champions, and the secretariat confirms one
Winner per category."""

from collections.abc import Mapping
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.errors import MfaRequired
from accounts.models import User
from accounts.permissions import has_mfa, is_jury_member, require_secretariat
from awards.models import (
    Category,
    ConflictOfInterest,
    JuryAssignment,
    Project,
    ProjectStatus,
    Score,
)
from awards.phases import Phase
from awards.ranking import CRITERIA, category_ranking, likely_conflict
from awards.selectors import edition_current_phase, jury_champions
from awards.workflow import CROWN, project_transition
from config.errors import Conflict, DomainError, NotAllowed, NotFound, ReasonRequired


class JuryClosed(NotAllowed):
    code = "jury_closed"
    default_detail = "Scores are given during the winner selection phase only."


class ConflictedJuror(NotAllowed):
    code = "conflict_of_interest"
    default_detail = "You have a conflict of interest with this project: you do not score it."


class ScoreInvalid(DomainError):
    code = "invalid"
    default_detail = "Each criterion is marked from 1 to 10."


class ScoreSubmitted(Conflict):
    code = "score_submitted"
    default_detail = "This score is submitted: it can no longer change."


class QuorumMissing(Conflict):
    code = "quorum_missing"
    default_detail = "Some Champions of this category lack the scores the quorum asks for."


WINNER_REASON_REQUIRED = _("Choosing a Winner other than the top of the ranking needs a reason.")


def _require_juror(user: User) -> None:
    if not is_jury_member(user):
        raise NotAllowed("Only members of the Expert Group score the Champions.")
    if not has_mfa(user):
        raise MfaRequired()


@transaction.atomic
def jury_assign(*, category: Category, juror: User, by: User) -> JuryAssignment:
    """Assign a member of the Expert Group to a category (again: nothing changes)."""
    require_secretariat(by, refusal="Only the secretariat assigns the jury.")
    if not is_jury_member(juror):
        raise DomainError(f"{juror} is not a member of the Expert Group.", field="juror")
    assignment, _ = JuryAssignment.objects.get_or_create(category=category, juror=juror)
    return assignment


def _assigned_champion(juror: User, project: Project) -> Project:
    """A Champion the juror may score: among what they see, and not yet the Winner."""
    if (
        not jury_champions(juror=juror)
        .filter(pk=project.pk, status=ProjectStatus.CHAMPION)
        .exists()
    ):
        raise NotFound("No such Champion among your categories.")
    return project


@transaction.atomic
def conflict_declare(*, juror: User, project: Project, note: str = "") -> ConflictOfInterest:
    """Declare a conflict of interest: the juror will not score the project."""
    _require_juror(juror)
    _assigned_champion(juror, project)
    conflict, _ = ConflictOfInterest.objects.update_or_create(
        juror=juror, project=project, defaults={"note": note.strip()}
    )
    Score.objects.filter(juror=juror, project=project, submitted_at__isnull=True).delete()
    return conflict


@transaction.atomic
def score_save(
    *,
    juror: User,
    project: Project,
    marks: Mapping[str, int],
    comment: str = "",
    submit: bool = False,
    at: datetime | None = None,
) -> Score:
    """Save a juror's marks for a Champion as a draft, or submit them (then final)."""
    at = at or timezone.now()
    _require_juror(juror)
    project = _assigned_champion(juror, project)
    if edition_current_phase(edition=project.edition, at=at) != Phase.JURY:
        raise JuryClosed()
    if ConflictOfInterest.objects.filter(juror=juror, project=project).exists() or likely_conflict(
        juror, project
    ):
        raise ConflictedJuror()
    errors = {
        criterion: ["Mark it from 1 to 10."]
        for criterion in CRITERIA
        if not isinstance(marks.get(criterion), int) or not 1 <= marks[criterion] <= 10
    }
    if errors:
        raise ScoreInvalid(errors=errors)
    score = Score.objects.select_for_update().filter(juror=juror, project=project).first()
    if score and score.is_submitted:
        raise ScoreSubmitted()
    score = score or Score(juror=juror, project=project)
    for criterion in CRITERIA:
        setattr(score, criterion, marks[criterion])
    score.comment = comment.strip()
    if submit:
        score.submitted_at = at
    try:
        with transaction.atomic():
            score.save()
    except IntegrityError:
        raise ScoreSubmitted() from None
    return score


@transaction.atomic
def winner_confirm(
    *, category: Category, project: Project, by: User, reason: str = "", at: datetime | None = None
) -> Project:
    """Confirm the Winner of a category: the top of the jury's ranking, or another
    Champion with a written reason. Every Champion needs its quorum of scores first."""
    at = at or timezone.now()
    require_secretariat(by, refusal="Only the secretariat confirms the Winners.")
    if Project.objects.filter(category=category, status=ProjectStatus.WINNER).exists():
        raise Conflict("This category already has its Winner.")
    ranking = category_ranking(category=category)
    if not ranking or not all(rank.has_quorum for rank in ranking):
        raise QuorumMissing()
    top = ranking[0].project
    reason = reason.strip()
    if project.pk != top.pk and not reason:
        raise ReasonRequired(WINNER_REASON_REQUIRED, field="reason")
    if project.pk not in {rank.project.pk for rank in ranking}:
        raise NotFound("This project is not a Champion of the category.")
    return project_transition(
        project=project,
        transition=CROWN,
        actor=by,
        at=at,
        note=reason or "The top of the jury's ranking.",
    )
