"""Reads of the Expert Group's work: what a juror sees, their scores and conflicts of
interest, and what the secretariat's jury decisions page lists."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from accounts.permissions import JURY_GROUP
from awards.models import (
    Category,
    ConflictOfInterest,
    Edition,
    JuryAssignment,
    Project,
    ProjectEvent,
    ProjectEventKind,
    ProjectStatus,
    Score,
)


def jury_champions(*, juror: User) -> QuerySet[Project]:
    """What a member of the Expert Group sees: the Champions (and, once chosen, the
    Winners) of the categories assigned to them, and nothing else."""
    return Project.objects.filter(
        status__in=(ProjectStatus.CHAMPION, ProjectStatus.WINNER),
        category__jurors__juror=juror,
    ).distinct()


def jury_champion_list(*, juror: User) -> QuerySet[Project]:
    """``jury_champions`` by title."""
    return jury_champions(juror=juror).order_by("title")


def jury_champion_get(*, juror: User, pk: int) -> Project | None:
    """One of the juror's Champions (or Winners), with what its page shows."""
    return (
        jury_champions(juror=juror)
        .select_related("category__edition")
        .prefetch_related("sdgs", "images")
        .filter(pk=pk)
        .first()
    )


def jury_assignment_list(*, juror: User) -> QuerySet[JuryAssignment]:
    """The categories assigned to the juror, newest edition first."""
    return (
        JuryAssignment.objects.filter(juror=juror)
        .select_related("category__edition")
        .order_by("-category__edition__year", "category__number")
    )


def juror_scores(*, juror: User, projects: Iterable[Project]) -> dict[int, Score]:
    """The juror's scores (drafts and submitted) of these projects, by project id."""
    return {
        score.project_id: score
        for score in Score.objects.filter(juror=juror, project__in=[p.pk for p in projects])
    }


def juror_conflicts(*, juror: User, projects: Iterable[Project]) -> set[int]:
    """The ids of the projects among these that the juror declared a conflict with."""
    return set(
        ConflictOfInterest.objects.filter(
            juror=juror, project__in=[p.pk for p in projects]
        ).values_list("project_id", flat=True)
    )


def juror_score_get(*, juror: User, project: Project) -> Score | None:
    return Score.objects.filter(juror=juror, project=project).first()


def juror_conflict_get(*, juror: User, project: Project) -> ConflictOfInterest | None:
    return ConflictOfInterest.objects.filter(juror=juror, project=project).first()


def jury_member_list() -> QuerySet[User]:
    """The active members of the Expert Group, by e-mail address."""
    return User.objects.filter(groups__name=JURY_GROUP, is_active=True).order_by("email")


def jury_assigned_by_category(*, edition: Edition) -> dict[int, list[User]]:
    """The jurors assigned to each category of the edition (by category id), by e-mail
    address, in one query."""
    assigned: dict[int, list[User]] = defaultdict(list)
    for assignment in (
        JuryAssignment.objects.filter(category__edition=edition)
        .select_related("juror")
        .order_by("juror__email")
    ):
        assigned[assignment.category_id].append(assignment.juror)
    return assigned


def winners_by_category(*, edition: Edition) -> dict[int, Project]:
    """The edition's confirmed Winners by category id, each with the events that made
    it the Winner as ``crowning`` (the last one holds the secretariat's note)."""
    crowned = ProjectEvent.objects.filter(kind=ProjectEventKind.WINNER)
    return {
        project.category_id: project
        for project in Project.objects.filter(
            edition=edition, status=ProjectStatus.WINNER
        ).prefetch_related(Prefetch("events", queryset=crowned, to_attr="crowning"))
    }


def shortlists(*, categories: Iterable[Category]) -> dict[int, list[Project]]:
    """The Champions of each of these categories (by category id), by title, in one
    query."""
    by_category: dict[int, list[Project]] = {category.pk: [] for category in categories}
    for champion in Project.objects.filter(
        category__in=list(by_category), status=ProjectStatus.CHAMPION
    ).order_by("title"):
        by_category[champion.category_id].append(champion)
    return by_category


def declared_conflicts(*, projects: Iterable[Project]) -> set[tuple[int, int]]:
    """The (juror id, project id) of every conflict of interest declared with these
    projects."""
    return set(
        ConflictOfInterest.objects.filter(project__in=[p.pk for p in projects]).values_list(
            "juror_id", "project_id"
        )
    )


def submitted_scores(*, projects: Iterable[Project]) -> list[Score]:
    """The submitted scores of these projects, with their jurors and projects."""
    return list(
        Score.objects.filter(
            project__in=[p.pk for p in projects], submitted_at__isnull=False
        ).select_related("juror", "project")
    )


@dataclass(frozen=True)
class JurorProgress:
    """A juror's progress in one assigned category."""

    category: Category
    juror: User
    champions: int
    scored: int  # submitted
    drafts: int
    conflicts: int

    @property
    def pending(self) -> int:
        return max(self.champions - self.scored - self.conflicts, 0)


def jury_progress(*, edition: Edition) -> list[JurorProgress]:
    """Each assigned juror's scored, draft, conflicted and pending Champions, per
    category (by category number, then juror e-mail), in four queries."""
    assignments = list(
        JuryAssignment.objects.filter(category__edition=edition)
        .select_related("category", "juror")
        .order_by("category__number", "juror__email")
    )
    champions: dict[int, set[int]] = defaultdict(set)
    for pk, category_id in Project.objects.filter(
        edition=edition, status=ProjectStatus.CHAMPION
    ).values_list("pk", "category_id"):
        champions[category_id].add(pk)
    project_ids = [pk for ids in champions.values() for pk in ids]
    scores = Score.objects.filter(project__in=project_ids).values_list(
        "juror_id", "project_id", "submitted_at"
    )
    submitted: dict[int, set[int]] = defaultdict(set)
    drafts: dict[int, set[int]] = defaultdict(set)
    for juror_id, project_id, submitted_at in scores:
        (submitted if submitted_at else drafts)[juror_id].add(project_id)
    conflicts: dict[int, set[int]] = defaultdict(set)
    for juror_id, project_id in ConflictOfInterest.objects.filter(
        project__in=project_ids
    ).values_list("juror_id", "project_id"):
        conflicts[juror_id].add(project_id)
    rows = []
    for assignment in assignments:
        own = champions[assignment.category_id]
        juror = assignment.juror_id
        rows.append(
            JurorProgress(
                category=assignment.category,
                juror=assignment.juror,
                champions=len(own),
                scored=len(own & submitted[juror]),
                drafts=len(own & drafts[juror]),
                conflicts=len(own & conflicts[juror]),
            )
        )
    return rows
