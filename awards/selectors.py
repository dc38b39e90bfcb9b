"""Reads of the awards app: reusable querysets and the edition timeline."""

import zlib
from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Mod
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from awards.models import (
    PUBLIC_STATUSES,
    ActionLine,
    AuditEntry,
    Category,
    Edition,
    Exclusion,
    Project,
    ProjectEvent,
    ProjectEventKind,
    ProjectStatus,
    Standing,
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
        raise Http404(f"There is no WSIS Prizes edition for {year}.")
    return edition


def category_list(*, edition: Edition) -> QuerySet[Category]:
    return (
        Category.objects.filter(edition=edition)
        .select_related("action_line__parent")
        .order_by("number")
    )


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


# --- Projects ------------------------------------------------------------------------

# A large prime: voter orderings are permutations of the ids modulo it.
_ORDER_MODULUS = 2_147_483_647


def project_list_for_owner(*, edition: Edition, owner: User) -> QuerySet[Project]:
    return (
        Project.objects.filter(edition=edition, submitted_by=owner)
        .select_related("category", "edition")
        .prefetch_related("sdgs", "images", "events")
        .order_by("-updated_at", "pk")
    )


def project_get_for_owner(*, edition: Edition, owner: User, pk: int) -> Project | None:
    """The owner's project, or None: another person's project is as good as absent."""
    return project_list_for_owner(edition=edition, owner=owner).filter(pk=pk).first()


def nominee_list(*, edition: Edition) -> QuerySet[Project]:
    """The public nominees of an edition (champions and winners among them)."""
    return (
        Project.objects.filter(edition=edition, status__in=PUBLIC_STATUSES)
        .select_related("category")
        .prefetch_related("sdgs", "images")
    )


def nominee_get(*, edition: Edition, pk: int) -> Project | None:
    return nominee_list(edition=edition).filter(pk=pk).first()


def nominees_search(queryset: QuerySet[Project], text: str) -> QuerySet[Project]:
    """Full-text search in titles, organisations and short descriptions (PostgreSQL's
    text search; word by word on SQLite)."""
    text = text.strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("organisation_name", weight="A", config="english")
            + SearchVector("short_description", weight="B", config="english")
        )
        query = SearchQuery(text, search_type="websearch", config="english")
        return queryset.annotate(search=vector).filter(search=query)
    for word in text.split():
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(organisation_name__icontains=word)
            | Q(short_description__icontains=word)
        )
    return queryset


def nominees_in_voter_order(
    queryset: QuerySet[Project], *, edition: Edition, voter: User | None
) -> QuerySet[Project]:
    """During voting, nominees in an order of their own for each voter, the same at
    every visit, so that no nominee profits from being listed first; otherwise by
    category and title."""
    if voter is None or edition_current_phase(edition=edition) != Phase.VOTING:
        return queryset.order_by("category__number", "title", "pk")
    seed = zlib.crc32(f"{edition.year}:{voter.pk}".encode())
    multiplier = seed % (_ORDER_MODULUS - 1) + 1
    return queryset.annotate(voter_rank=Mod(F("id") * multiplier + seed, _ORDER_MODULUS)).order_by(
        "voter_rank", "pk"
    )


def submission_list(*, edition: Edition) -> QuerySet[Project]:
    """The secretariat's queue: an edition's submissions (no drafts), oldest first."""
    return (
        Project.objects.filter(edition=edition)
        .exclude(status=ProjectStatus.DRAFT)
        .select_related("category", "submitted_by")
        .order_by("submitted_at", "pk")
    )


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


# --- The embargo ---------------------------------------------------------------------
#
# Who won stays between the secretariat and the jury until the ceremony reveals the
# category or the secretariat publishes the edition's results. Every output anyone else
# can reach (pages, API, the personal data export, e-mails, documents, file names,
# timestamps, orderings and counts) asks the functions below, which all come down to
# ``_has_happened``; the secretariat's and the jury's own pages show the truth.


def _has_happened(moment: datetime | None, at: datetime | None) -> bool:
    """Whether a recorded moment (a reveal, a publication) has come by ``at``; without
    ``at``, whether it has been recorded at all."""
    return moment is not None and (at is None or moment <= at)


def results_are_public(*, edition: Edition, at: datetime | None = None) -> bool:
    """Whether the secretariat has published the edition's whole results: every
    category's Winner, Champions and vote statistics, the results pages, API and files."""
    return _has_happened(edition.results_published_at, at)


def category_is_revealed(*, category: Category, at: datetime | None = None) -> bool:
    """Whether the ceremony has revealed the category's Winner."""
    return _has_happened(category.revealed_at, at)


def winner_is_public(
    *,
    project: Project | None = None,
    category: Category | None = None,
    at: datetime | None = None,
) -> bool:
    """The embargo: whether anyone but the secretariat and the jury may learn the
    outcome of a category (given itself or by one of its projects): which project won,
    or whether its Winner is confirmed at all. True once the ceremony has revealed the
    category or the edition's results are published; until then a Winner shows as the
    Champion it also is."""
    if (project is None) == (category is None):
        raise TypeError("winner_is_public() takes a project or a category.")
    if project is not None:
        category, edition = project.category, project.edition
    else:
        edition = category.edition
    return category_is_revealed(category=category, at=at) or results_are_public(
        edition=edition, at=at
    )


def project_status_for_owner(*, project: Project, at: datetime | None = None) -> ProjectStatus:
    """The status a project's submitter sees (the secretariat's and the jury's pages show
    the stored one): under embargo a Winner is the Champion it also is."""
    status = ProjectStatus(project.status)
    if status == ProjectStatus.WINNER and not winner_is_public(project=project, at=at):
        return ProjectStatus.CHAMPION
    return status


def project_history_for_owner(
    *, project: Project, at: datetime | None = None
) -> list[ProjectEvent]:
    """A project's history as its submitter sees it: under embargo, without the event
    that made it the Winner (prefetch ``events`` when listing several projects)."""
    events = list(project.events.all())
    if project_status_for_owner(project=project, at=at) == project.status:
        return events
    return [event for event in events if event.kind != ProjectEventKind.WINNER]


# --- Results and the ceremony --------------------------------------------------------


@dataclass(frozen=True)
class ResultEntry:
    project: Project
    votes: int
    rank: int
    is_winner: bool


@dataclass(frozen=True)
class CategoryResult:
    category: Category
    winner: ResultEntry | None
    champions: list[ResultEntry]
    valid_votes: int
    excluded_votes: int

    @property
    def votes_cast(self) -> int:
        return self.valid_votes + self.excluded_votes


@dataclass(frozen=True)
class EditionResults:
    edition: Edition
    categories: list[CategoryResult]
    exclusions: list  # Exclusion rows: the exclusion report

    @property
    def valid_votes(self) -> int:
        return sum(c.valid_votes for c in self.categories)

    @property
    def votes_cast(self) -> int:
        return sum(c.votes_cast for c in self.categories)


def results_get(*, edition: Edition) -> EditionResults:
    """The recorded outcome of an edition, per category in category order: its Winner,
    its Champions with their valid votes and rank, and the votes counted and left out.
    Read it only once the results are public (``results_are_public``)."""
    standings = list(Standing.objects.filter(edition=edition).select_related("nominee", "category"))
    exclusions = list(Exclusion.objects.filter(edition=edition).select_related("category"))
    excluded: dict[int, int] = {}
    for exclusion in exclusions:
        excluded[exclusion.category_id] = excluded.get(exclusion.category_id, 0) + exclusion.votes
    by_category: dict[int, list[Standing]] = {}
    for standing in standings:
        by_category.setdefault(standing.category_id, []).append(standing)
    categories = []
    for category in Category.objects.filter(edition=edition).order_by("number"):
        rows = sorted(by_category.get(category.pk, []), key=lambda s: (s.rank, s.nominee.title))
        entries = [
            ResultEntry(
                project=s.nominee,
                votes=s.votes,
                rank=s.rank,
                is_winner=s.nominee.status == ProjectStatus.WINNER,
            )
            for s in rows
            if s.is_champion
        ]
        categories.append(
            CategoryResult(
                category=category,
                winner=next((e for e in entries if e.is_winner), None),
                champions=entries,
                valid_votes=sum(s.votes for s in rows),
                excluded_votes=excluded.get(category.pk, 0),
            )
        )
    return EditionResults(edition=edition, categories=categories, exclusions=exclusions)


def ceremony_revealed(
    *, edition: Edition, at: datetime | None = None
) -> list[tuple[Category, Project]]:
    """The categories revealed so far, in category number (that is reveal) order, with
    their Winners; nothing of a category not revealed yet."""
    winners = Project.objects.filter(edition=edition, status=ProjectStatus.WINNER).select_related(
        "category"
    )
    return sorted(
        (
            (winner.category, winner)
            for winner in winners
            if category_is_revealed(category=winner.category, at=at)
        ),
        key=lambda pair: pair[0].number,
    )


def ceremony_remaining(*, edition: Edition, at: datetime | None = None) -> int:
    """How many categories the ceremony has still to reveal, as its audience may know
    it: those with Champions and not revealed yet, whether or not their Winner is
    confirmed (how many Winners are confirmed is under embargo)."""
    shortlisted = (
        Category.objects.filter(
            edition=edition, projects__status__in=(ProjectStatus.CHAMPION, ProjectStatus.WINNER)
        )
        .distinct()
        .only("revealed_at")
    )
    return sum(not category_is_revealed(category=category, at=at) for category in shortlisted)


def ceremony_to_reveal(*, edition: Edition) -> QuerySet[Category]:
    """The categories with a Winner that the ceremony has not revealed yet, in reveal
    (Action Line, that is category number) order: for the host and the reveal, who know
    which Winners are confirmed (the audience's count is ``ceremony_remaining``)."""
    return (
        Category.objects.filter(
            edition=edition, revealed_at__isnull=True, projects__status=ProjectStatus.WINNER
        )
        .distinct()
        .order_by("number")
    )


def jury_champions(*, juror: User) -> QuerySet[Project]:
    """What a member of the Expert Group sees: the Champions (and, once chosen, the
    Winners) of the categories assigned to them, and nothing else."""
    return Project.objects.filter(
        status__in=(ProjectStatus.CHAMPION, ProjectStatus.WINNER),
        category__jurors__juror=juror,
    ).distinct()
