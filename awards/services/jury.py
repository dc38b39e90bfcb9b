"""Phase 5: the Expert Group scores the Champions, and the secretariat confirms one
Winner per category."""

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import is_jury_member, require_jury_member, require_secretariat
from accounts.services import email_send_templated
from awards.models import (
    AuditAction,
    Category,
    ConflictOfInterest,
    Edition,
    JuryAssignment,
    JuryReminder,
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
from awards.ranking import CRITERIA, ChampionRank, category_ranking, top_is_tied
from awards.selectors import juror_conflict_get, jury_champions, jury_progress
from awards.services.audit import audit_record
from awards.workflow import CROWN, UNCROWN, project_transition
from config.errors import (
    Conflict,
    DomainError,
    NotAllowed,
    NotFound,
    ReasonRequired,
    reason_stripped,
)


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
# The edition states no rule that breaks a tie in the jury's ranking: people do, and say why.
WINNER_TIE_REASON_REQUIRED = _(
    "The top of the ranking is tied: confirming either tied Champion needs a reason."
)


class CategoryRevealed(Conflict):
    code = "category_revealed"
    default_detail = _(
        "The Winner of this category is revealed: its confirmation can no longer be undone."
    )


class NoWinner(Conflict):
    code = "no_winner"
    default_detail = _("This category has no confirmed Winner.")


def winner_reason_missing(
    *, ranking: list[ChampionRank], project: Project, reason: str
) -> str | None:
    """Why confirming ``project`` needs a reason that ``reason`` does not give: it is
    not the top of the ranking, or the top is tied. None when it may go without."""
    if reason.strip() or not ranking:
        return None
    top = ranking[0]
    if top_is_tied(ranking):
        tied = {rank.project.pk for rank in ranking if rank.rank == 1}
        return str(WINNER_TIE_REASON_REQUIRED if project.pk in tied else WINNER_REASON_REQUIRED)
    if project.pk != top.project.pk:
        return str(WINNER_REASON_REQUIRED)
    return None


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
    reason = reason_stripped(reason)
    missing = winner_reason_missing(ranking=ranking, project=project, reason=reason)
    if missing:
        raise ReasonRequired(missing, field="reason")
    placed = next((rank for rank in ranking if rank.project.pk == project.pk), None)
    if placed is None:
        raise NotFound(gettext("This project is not a Champion of the category."))
    crowned = project_transition(
        project=project,
        transition=CROWN,
        actor=by,
        at=at,
        note=reason or gettext("The top of the jury's ranking."),
    )
    audit_record(
        edition=category.edition_id,
        actor=by,
        action=AuditAction.WINNER_CONFIRMED,
        reason=reason,
        details={
            "project": project.pk,
            "project_title": project.title,
            "category": category.number,
            "rank": placed.rank,
            "tied": placed.tied_at_top,
            "changes": {"status": [ProjectStatus.CHAMPION.value, ProjectStatus.WINNER.value]},
        },
        at=at,
    )
    return crowned


@transaction.atomic
def winner_undo(
    *, category: Category, by: User, reason: str = "", at: datetime | None = None
) -> Project:
    """Undo the confirmation of a category's Winner: it is a Champion again and the
    category awaits its decision. Refused once the category is revealed or the results
    published, which told everyone."""
    at = at or timezone.now()
    require_secretariat(by, refusal=gettext("Only the secretariat undoes a Winner."))
    category = Category.objects.select_for_update().select_related("edition").get(pk=category.pk)
    if category.revealed_at is not None or category.edition.results_published_at is not None:
        raise CategoryRevealed()
    winner = Project.objects.filter(category=category, status=ProjectStatus.WINNER).first()
    if winner is None:
        raise NoWinner()
    reason = reason.strip()
    project_transition(
        project=winner,
        transition=UNCROWN,
        actor=by,
        at=at,
        note=reason or gettext("The confirmation of the Winner was undone."),
    )
    audit_record(
        edition=category.edition,
        actor=by,
        action=AuditAction.WINNER_UNDONE,
        reason=reason,
        details={
            "project": winner.pk,
            "project_title": winner.title,
            "category": category.number,
            "changes": {"status": [ProjectStatus.WINNER.value, ProjectStatus.CHAMPION.value]},
        },
        at=at,
    )
    return winner


# The scheduled reminder's moments before the jury's deadline, latest first: a juror
# with scores pending hears once in each (3 days before, then the last day).
REMINDER_SLOTS = ((timedelta(days=1), "1d"), (timedelta(days=3), "3d"))


def _pending_by_juror(edition: Edition) -> dict[int, tuple[User, int]]:
    pending: dict[int, tuple[User, int]] = {}
    for row in jury_progress(edition=edition):
        if row.pending:
            _juror, count = pending.get(row.juror.pk, (row.juror, 0))
            pending[row.juror.pk] = (row.juror, count + row.pending)
    return pending


def _remind(
    edition: Edition, juror: User, pending: int, *, by: User | None, slot: str, at: datetime
) -> JuryReminder:
    reminder = JuryReminder.objects.create(
        edition=edition, juror=juror, slot=slot, pending=pending, sent_by=by, sent_at=at
    )
    email_send_templated(
        to=juror.email,
        language=juror.language,
        template_prefix="awards/email/jury_reminder",
        context={"user": juror, "edition": edition, "pending": pending},
    )
    audit_record(
        edition=edition,
        actor=by,
        action=AuditAction.JURY_REMINDED,
        subject=juror,
        details={"pending": pending, "slot": slot},
        at=at,
    )
    return reminder


@transaction.atomic
def jury_remind(*, edition: Edition, by: User, at: datetime | None = None) -> list[JuryReminder]:
    """E-mail every juror of the edition with scores pending a reminder, in their
    language (the secretariat's button)."""
    at = at or timezone.now()
    require_secretariat(by, refusal=gettext("Only the secretariat reminds the jury."))
    return [
        _remind(edition, juror, count, by=by, slot="", at=at)
        for juror, count in _pending_by_juror(edition).values()
    ]


def jury_reminders_when_due(*, at: datetime | None = None) -> list[JuryReminder]:
    """The scheduled reminder: in the last days before an edition's jury deadline, each
    juror with scores pending gets one reminder per slot (``REMINDER_SLOTS``); safe to
    run again (a database constraint keeps one per juror and slot)."""
    at = at or timezone.now()
    sent = []
    for edition in Edition.objects.filter(jury_opens_at__lte=at, jury_closes_at__gt=at):
        left = edition.jury_closes_at - at
        slot = next((name for before, name in REMINDER_SLOTS if left <= before), None)
        if slot is None:
            continue
        already = set(
            JuryReminder.objects.filter(edition=edition, slot=slot).values_list(
                "juror_id", flat=True
            )
        )
        for juror_id, (juror, count) in _pending_by_juror(edition).items():
            if juror_id in already:
                continue
            try:
                with transaction.atomic():
                    sent.append(_remind(edition, juror, count, by=None, slot=slot, at=at))
            except IntegrityError:
                continue  # another run sent it meanwhile
    return sent
