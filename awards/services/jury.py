"""Phase 5: the Expert Group scores the Champions, and the secretariat confirms one
Winner per category."""

from collections.abc import Mapping
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import is_jury_member, require_jury_member, require_secretariat
from awards.models import (
    Category,
    ConflictOfInterest,
    JuryAssignment,
    Project,
    ProjectStatus,
    Score,
)
from awards.permissions import (
    juror_is_conflicted,
    juror_may_declare_conflict,
    juror_may_score,
    jury_is_open,
)
from awards.ranking import CRITERIA, category_ranking
from awards.selectors import juror_conflict_get, jury_champions
from awards.workflow import CROWN, project_transition
from config.errors import Conflict, DomainError, NotAllowed, NotFound, ReasonRequired


class JuryClosed(NotAllowed):
    code = "jury_closed"
    default_detail = _("Scores are given during the winner selection phase only.")


class ConflictedJuror(NotAllowed):
    code = "conflict_of_interest"
    default_detail = _("You have a conflict of interest with this project: you do not score it.")


class ScoreInvalid(DomainError):
    code = "invalid"
    default_detail = _("Each criterion is marked from 1 to 10.")


class ScoreSubmitted(Conflict):
    code = "score_submitted"
    default_detail = _("This score is submitted: it can no longer change.")


class QuorumMissing(Conflict):
    code = "quorum_missing"
    default_detail = _("Some Champions of this category lack the scores the quorum asks for.")


WINNER_REASON_REQUIRED = _("Choosing a Winner other than the top of the ranking needs a reason.")


def _require_juror(user: User) -> None:
    require_jury_member(
        user, refusal=gettext("Only members of the Expert Group score the Champions.")
    )


@transaction.atomic
def jury_assign(*, category: Category, juror: User, by: User) -> JuryAssignment:
    """Assign a member of the Expert Group to a category (again: nothing changes)."""
    require_secretariat(by, refusal=gettext("Only the secretariat assigns the jury."))
    if not is_jury_member(juror):
        raise DomainError(
            gettext("%(juror)s is not a member of the Expert Group.") % {"juror": juror},
            field="juror",
        )
    assignment, _created = JuryAssignment.objects.get_or_create(category=category, juror=juror)
    return assignment


def _assigned_champion(juror: User, project: Project) -> Project:
    """The project as the database holds it now, if it is a Champion among what the
    juror sees (not yet the Winner)."""
    found = (
        jury_champions(juror=juror)
        .select_related("category__edition")
        .filter(pk=project.pk, status=ProjectStatus.CHAMPION)
        .first()
    )
    if found is None:
        raise NotFound(gettext("No such Champion among your categories."))
    return found


@transaction.atomic
def conflict_declare(
    *, juror: User, project: Project, note: str = "", at: datetime | None = None
) -> ConflictOfInterest:
    """Declare a conflict of interest: the juror will not score the project. Declaring
    it again changes nothing."""
    at = at or timezone.now()
    _require_juror(juror)
    project = _assigned_champion(juror, project)
    score = Score.objects.select_for_update().filter(juror=juror, project=project).first()
    declared = juror_conflict_get(juror=juror, project=project)
    if not juror_may_declare_conflict(
        juror, project, score=score, declared_conflict=declared is not None, at=at
    ):
        if declared is not None:
            return declared
        if not jury_is_open(project.edition, at=at):
            raise JuryClosed()
        raise ScoreSubmitted()
    # Two declarations at once: the constraint keeps one, and the second finds it.
    conflict, _created = ConflictOfInterest.objects.get_or_create(
        juror=juror, project=project, defaults={"note": note.strip()}
    )
    if score is not None:
        score.delete()  # a draft: a submitted score refused the declaration above
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
    score = Score.objects.select_for_update().filter(juror=juror, project=project).first()
    declared = juror_conflict_get(juror=juror, project=project) is not None
    if not juror_may_score(juror, project, score=score, declared_conflict=declared, at=at):
        if not jury_is_open(project.edition, at=at):
            raise JuryClosed()
        if juror_is_conflicted(juror, project, declared=declared):
            raise ConflictedJuror()
        raise ScoreSubmitted()
    errors = {
        criterion: [gettext("Mark it from 1 to 10.")]
        for criterion in CRITERIA
        if not isinstance(marks.get(criterion), int) or not 1 <= marks[criterion] <= 10
    }
    if errors:
        raise ScoreInvalid(errors=errors)
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
    require_secretariat(by, refusal=gettext("Only the secretariat confirms the Winners."))
    if Project.objects.filter(category=category, status=ProjectStatus.WINNER).exists():
        raise Conflict(gettext("This category already has its Winner."))
    ranking = category_ranking(category=category)
    if not ranking or not all(rank.has_quorum for rank in ranking):
        raise QuorumMissing()
    top = ranking[0].project
    reason = reason.strip()
    if project.pk != top.pk and not reason:
        raise ReasonRequired(WINNER_REASON_REQUIRED, field="reason")
    if project.pk not in {rank.project.pk for rank in ranking}:
        raise NotFound(gettext("This project is not a Champion of the category."))
    return project_transition(
        project=project,
        transition=CROWN,
        actor=by,
        at=at,
        note=reason or gettext("The top of the jury's ranking."),
    )
