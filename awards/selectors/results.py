"""Reads of the outcome: the embargo (who may learn a Winner, and when), the
recorded results and the ceremony's reveal."""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import QuerySet, Sum

from awards.models import (
    Category,
    Edition,
    Exclusion,
    ExclusionReason,
    Project,
    ProjectEvent,
    ProjectEventKind,
    ProjectStatus,
    Standing,
)
from awards.selectors.editions import edition_get

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


def edition_list_final(*, by: datetime) -> QuerySet[Edition]:
    """The editions whose results were final by ``by``: published, after which no
    Winner, Champion or count of theirs changes (the retention of traces counts from
    then)."""
    return Edition.objects.filter(results_published_at__lte=by)


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
    that made it the Winner; never a confirmation the secretariat undid (prefetch
    ``events`` when listing several projects)."""
    events = list(project.events.all())
    crownings = {ProjectEventKind.WINNER, ProjectEventKind.WINNER_UNDONE}
    if not any(event.kind in crownings for event in events):
        return events
    shown_winner = project_status_for_owner(project=project, at=at) == ProjectStatus.WINNER
    last_crowning = next(
        (event for event in reversed(events) if event.kind == ProjectEventKind.WINNER), None
    )
    return [
        event
        for event in events
        if event.kind not in crownings or (shown_winner and event is last_crowning)
    ]


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
class SignalCount:
    kind: str  # a kind of voting.fraud.SIGNAL_KINDS; empty: any other review
    votes: int


@dataclass(frozen=True)
class ExclusionTotal:
    """The votes of a category left out for one reason; for the votes the secretariat
    invalidated, how many came from each kind of fraud signal."""

    category: Category
    reason: str
    votes: int
    signals: list[SignalCount]


@dataclass(frozen=True)
class EditionResults:
    edition: Edition
    categories: list[CategoryResult]
    # Exclusion rows: the exclusion report, by category, reason and kind of signal, in
    # that order.
    exclusions: list

    @property
    def valid_votes(self) -> int:
        return sum(c.valid_votes for c in self.categories)

    @property
    def votes_cast(self) -> int:
        return sum(c.votes_cast for c in self.categories)

    @property
    def excluded_votes(self) -> int:
        return sum(exclusion.votes for exclusion in self.exclusions)

    @property
    def exclusion_totals(self) -> list[ExclusionTotal]:
        """The report by category and reason, each with its split by kind of signal."""
        groups: dict[tuple[int, str], list[Exclusion]] = {}
        for exclusion in self.exclusions:
            groups.setdefault((exclusion.category_id, exclusion.reason), []).append(exclusion)
        return [
            ExclusionTotal(
                category=rows[0].category,
                reason=reason,
                votes=sum(row.votes for row in rows),
                signals=(
                    [SignalCount(kind=row.signal, votes=row.votes) for row in rows]
                    if reason == ExclusionReason.INVALIDATED
                    else []
                ),
            )
            for (_category, reason), rows in groups.items()
        ]

    @property
    def invalidated_by_signal(self) -> list[SignalCount]:
        """The votes the secretariat invalidated in all categories, by kind of signal,
        most first (then by kind); other reviews last."""
        votes: dict[str, int] = {}
        for exclusion in self.exclusions:
            if exclusion.reason == ExclusionReason.INVALIDATED:
                votes[exclusion.signal] = votes.get(exclusion.signal, 0) + exclusion.votes
        return [
            SignalCount(kind=kind, votes=count)
            for kind, count in sorted(
                votes.items(), key=lambda item: (not item[0], -item[1], item[0])
            )
        ]


def standing_list(*, edition: Edition) -> QuerySet[Standing]:
    """The recorded standings of an edition, best first, with the nominees' names: for
    the secretariat (under embargo, as the outcome is)."""
    return (
        Standing.objects.filter(edition=edition)
        .select_related("nominee")
        .only(
            "category_id",
            "votes",
            "rank",
            "is_champion",
            "tied_at_cut",
            "nominee__title",
            "nominee__organisation_name",
            "nominee__status",
        )
        .order_by("rank", "nominee__title", "pk")
    )


def exclusion_counts(*, edition: Edition) -> dict[tuple[int, str], int]:
    """The votes the count at the close left out: by (category id, reason), whatever
    the kind of signal."""
    return {
        (category_id, reason): votes
        for category_id, reason, votes in Exclusion.objects.filter(edition=edition)
        .values_list("category_id", "reason")
        .annotate(total=Sum("votes"))
        .order_by()
    }


def results_get(*, edition: Edition) -> EditionResults:
    """The recorded outcome of an edition, per category in category order: its Winner,
    its Champions with their valid votes and rank, and the votes counted and left out.
    Read it only once the results are public (``results_are_public``)."""
    standings = list(Standing.objects.filter(edition=edition).select_related("nominee", "category"))
    exclusions = list(
        Exclusion.objects.filter(edition=edition)
        .select_related("category")
        .order_by("category__number", "reason", "signal")
    )
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


# --- The audience's feed -----------------------------------------------------------
#
# Every viewer of the ceremony asks the same question once a second: one answer per
# edition is kept in the cache for that long, so that any number of viewers cost the
# database one read a second, and a reveal forgets it once committed.

CEREMONY_FEED_SECONDS = 1


def _ceremony_feed_key(year: int) -> str:
    return f"ceremony-feed:{year}"


def ceremony_public(*, edition: Edition) -> dict:
    """What the ceremony's audience may know of the reveal, as plain data (the shape of
    the ceremony endpoint): the categories revealed so far with their Winners, and how
    many are still to reveal; nothing of a category not revealed yet."""
    return {
        "revealed": [
            {
                "number": category.number,
                "title": category.title,
                "revealed_at": category.revealed_at,
                "winner": {
                    "id": winner.pk,
                    "title": winner.title,
                    "organisation_name": winner.organisation_name,
                },
            }
            for category, winner in ceremony_revealed(edition=edition)
        ],
        "remaining": ceremony_remaining(edition=edition),
    }


def ceremony_feed(*, year: int) -> dict | None:
    """``ceremony_public`` of edition ``year``, shared by all its viewers: at most
    ``CEREMONY_FEED_SECONDS`` old. None if there is no such edition."""
    key = _ceremony_feed_key(year)
    feed = cache.get(key)
    if feed is None:
        edition = edition_get(year=year)
        if edition is None:
            return None
        feed = ceremony_public(edition=edition)
        cache.set(key, feed, CEREMONY_FEED_SECONDS)
    return feed


def ceremony_feed_forget(*, year: int) -> None:
    """Drop the kept answer of edition ``year``: its next viewer reads the reveal."""
    cache.delete(_ceremony_feed_key(year))
