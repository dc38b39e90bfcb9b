"""Reads of editions: the timeline (which phase is open), the editions, their
categories and Action Lines, counts by status, and the audit trail."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import (
    ActionLine,
    AuditEntry,
    Category,
    Edition,
    Project,
    ProjectStatus,
    SustainableDevelopmentGoal,
)
from awards.phases import Phase, PhaseWindow


@dataclass(frozen=True)
class TimelineState:
    """Where an edition stands at one moment.

    ``current`` is the open phase, or None before the first phase opens, between two
    phases, and after the last one closes; ``next`` is the phase that opens next.
    """

    current: PhaseWindow | None
    previous: PhaseWindow | None
    next: PhaseWindow | None

    @property
    def phase(self) -> Phase | None:
        return self.current.phase if self.current else None

    @property
    def has_started(self) -> bool:
        return self.current is not None or self.previous is not None

    @property
    def has_finished(self) -> bool:
        return self.current is None and self.next is None


def edition_timeline_state(*, edition: Edition, at: datetime | None = None) -> TimelineState:
    """The one place that decides which phase of an edition is open at a moment.

    A phase is open from its opening time (included) to its closing time (excluded).
    """
    moment = at or timezone.now()
    previous = current = upcoming = None
    for window in edition.timeline:
        if window.contains(moment):
            current = window
        elif window.closes_at <= moment:
            previous = window
        elif upcoming is None:
            upcoming = window
    return TimelineState(current=current, previous=previous, next=upcoming)


def edition_current_phase(*, edition: Edition, at: datetime | None = None) -> Phase | None:
    return edition_timeline_state(edition=edition, at=at).phase


def edition_phase_is_open(*, edition: Edition, phase: Phase, at: datetime | None = None) -> bool:
    """Whether ``phase`` is the edition's open phase at ``at``: the answer of
    ``edition_current_phase`` without building the timeline, as the phases follow one
    another without overlapping (the edition's constraints)."""
    return edition.window(phase).contains(at or timezone.now())


def edition_phase_is_over(*, edition: Edition, phase: Phase, at: datetime | None = None) -> bool:
    """Whether ``phase`` of the edition has closed at ``at``."""
    return edition.window(phase).closes_at <= (at or timezone.now())


def edition_rules_locked(*, edition: Edition, at: datetime | None = None) -> bool:
    """Whether the edition's voting rules are locked: once voting has opened (or the
    standings are recorded), a change needs a reason and goes to the audit trail."""
    moment = at or timezone.now()
    return edition.voting_opens_at <= moment or edition.standings_recorded_at is not None


def edition_winners_chosen(*, edition: Edition) -> bool:
    return Project.objects.filter(edition=edition, status=ProjectStatus.WINNER).exists()


def audit_entry_list(*, edition: Edition) -> QuerySet[AuditEntry]:
    """The edition's audit trail, newest first, with the accounts it names."""
    return (
        AuditEntry.objects.filter(edition=edition)
        .select_related("actor", "subject")
        .order_by("-at", "-pk")
    )


def edition_list() -> QuerySet[Edition]:
    return Edition.objects.order_by("-year")


def edition_current() -> Edition | None:
    """The edition the site shows by default: the most recent one."""
    return edition_list().first()


def edition_get(*, year: int) -> Edition | None:
    return Edition.objects.filter(year=year).first()


def edition_get_or_404(*, year: int) -> Edition:
    """The edition of ``year``, for a page or an endpoint: 404 if there is none."""
    edition = edition_get(year=year)
    if edition is None:
        raise Http404(_("There is no WSIS Prizes edition for %(year)s.") % {"year": year})
    return edition


def category_list(*, edition: Edition) -> QuerySet[Category]:
    return (
        Category.objects.filter(edition=edition)
        .select_related("action_line__parent")
        .order_by("number")
    )


def category_get(*, edition: Edition, number: int) -> Category | None:
    """The edition's category of that number (categories are addressed by number)."""
    return category_list(edition=edition).filter(number=number).first()


def category_get_or_404(*, edition: Edition, number: int) -> Category:
    category = category_get(edition=edition, number=number)
    if category is None:
        raise Http404(f"{edition.title} has no category {number}.")
    return category


def category_numbers(*, edition: Edition) -> list[int]:
    return list(
        Category.objects.filter(edition=edition).order_by("number").values_list("number", flat=True)
    )


def sdg_list() -> QuerySet[SustainableDevelopmentGoal]:
    return SustainableDevelopmentGoal.objects.order_by("number")


def action_line_list() -> QuerySet[ActionLine]:
    return ActionLine.objects.select_related("parent").order_by("position")


@dataclass(frozen=True)
class ActionLineGroup:
    """A top-level Action Line with the categories of an edition under it (C7 gathers
    those of its sub-lines)."""

    action_line: ActionLine | None
    categories: list[Category]


def categories_by_action_line(*, edition: Edition) -> list[ActionLineGroup]:
    """The categories of an edition grouped under their top-level Action Line, in
    Action Line order; special categories come last under no Action Line."""
    groups: dict[int | None, ActionLineGroup] = {}
    for category in category_list(edition=edition):
        line = category.action_line
        top = (line.parent or line) if line else None
        key = top.pk if top else None
        if key not in groups:
            groups[key] = ActionLineGroup(action_line=top, categories=[])
        groups[key].categories.append(category)
    return sorted(
        groups.values(),
        key=lambda g: (g.action_line is None, g.action_line.position if g.action_line else 0),
    )


@dataclass(frozen=True)
class CategoryStatistics:
    number: int
    title: str
    by_status: dict[str, int]


def edition_project_statistics(*, edition: Edition) -> list[CategoryStatistics]:
    """Projects of an edition counted by status, per category, in one query."""
    counts: dict[int, dict[str, int]] = {}
    rows = (
        Project.objects.filter(edition=edition)
        .values("category_id", "status")
        .annotate(total=Count("id"))
        .order_by()
    )
    for row in rows:
        counts.setdefault(row["category_id"], {})[row["status"]] = row["total"]
    return [
        CategoryStatistics(
            number=category.number,
            title=category.title,
            by_status={
                status: counts.get(category.pk, {}).get(status, 0)
                for status in ProjectStatus.values
            },
        )
        for category in Category.objects.filter(edition=edition).order_by("number")
    ]


@dataclass(frozen=True)
class StatusCount:
    status: ProjectStatus
    count: int


def edition_status_counts(*, edition: Edition) -> list[StatusCount]:
    """Every status of the project state machine, in its order, with how many of the
    edition's projects are in it (zeros included), in one aggregate query."""
    totals = Project.objects.filter(edition=edition).aggregate(
        **{status.value: Count("pk", filter=Q(status=status)) for status in ProjectStatus}
    )
    return [StatusCount(status=status, count=totals[status.value]) for status in ProjectStatus]
