"""The secretariat's page of the standings: live while voting is open, then the recorded
standings, the Champions and the exclusion report. The fraud review is in
``frontend.views.fraud``, the audit trail in ``frontend.views.audit``.

The counts are the selectors of ``voting``, the decisions its services: these views read
the request, call them and say what happened. Ranks, shares and bar widths here are
presentation only; the ranks that matter are the ones ``champions_compute`` records.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.decorators import secretariat_required
from awards.models import (
    Category,
    Edition,
    ExclusionReason,
    Project,
    ProjectStatus,
)
from awards.phases import Phase
from awards.ranking import rank_by_votes
from awards.selectors import (
    category_list,
    edition_phase_is_over,
    exclusion_counts,
    nominee_lines,
    standing_list,
)
from awards.services import VotingStillOpen
from config.errors import DomainError
from frontend.charts import percent
from frontend.current import current_edition, edition_or_404
from voting.permissions import voting_is_open
from voting.selectors import standings as live_standings
from voting.services import (
    champions_compute,
)

# --- Standings -----------------------------------------------------------------------


@dataclass(frozen=True)
class NomineeRow:
    nominee: Project
    votes: int
    rank: int
    is_champion: bool = False
    tied_at_cut: bool = False
    share: float = 0.0  # percent of the category's votes
    bar: float = 0.0  # percent of the category leader's votes: the bar's width


@dataclass(frozen=True)
class CategoryStandings:
    category: Category
    rows: list[NomineeRow]

    @property
    def total(self) -> int:
        return sum(row.votes for row in self.rows)


@dataclass(frozen=True)
class ExclusionRow:
    category: Category
    by_reason: list[int]  # in the order of the report's reasons

    @property
    def total(self) -> int:
        return sum(self.by_reason)


@dataclass(frozen=True)
class ExclusionReport:
    reasons: list[ExclusionReason]  # the columns
    rows: list[ExclusionRow]

    @property
    def totals(self) -> list[int]:
        return [sum(column) for column in zip(*(row.by_reason for row in self.rows), strict=True)]

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)


def _category(category: Category, rows: list[NomineeRow]) -> CategoryStandings:
    """The category's rows with their shares and bar widths."""
    total = sum(row.votes for row in rows)
    leader = max((row.votes for row in rows), default=0)
    return CategoryStandings(
        category=category,
        rows=[
            replace(
                row,
                share=percent(row.votes, total),
                bar=percent(row.votes, leader),
            )
            for row in rows
        ],
    )


def _live_rank(nominees: list[Project], votes: Mapping[int, int]) -> list[NomineeRow]:
    """Ranked as the recorded standings are (``awards.ranking.rank_by_votes``)."""
    return [
        NomineeRow(nominee=r.nominee, votes=r.votes, rank=r.rank)
        for r in rank_by_votes(nominees, votes)
    ]


def _live_standings(
    edition: Edition, categories: list[Category], votes: Mapping[int, int]
) -> list[CategoryStandings]:
    nominees: dict[int, list[Project]] = defaultdict(list)
    for nominee in nominee_lines(edition=edition):
        nominees[nominee.category_id].append(nominee)
    return [
        _category(category, _live_rank(nominees[category.pk], votes)) for category in categories
    ]


def _recorded_standings(edition: Edition, categories: list[Category]) -> list[CategoryStandings]:
    recorded: dict[int, list[NomineeRow]] = defaultdict(list)
    for standing in standing_list(edition=edition):
        recorded[standing.category_id].append(
            NomineeRow(
                nominee=standing.nominee,
                votes=standing.votes,
                rank=standing.rank,
                is_champion=standing.is_champion,
                tied_at_cut=standing.tied_at_cut,
            )
        )
    return [_category(category, recorded[category.pk]) for category in categories]


def _exclusion_report(edition: Edition, categories: list[Category]) -> ExclusionReport:
    counts = exclusion_counts(edition=edition)
    # Votes outside the window occur only where the timeline moved after they were cast.
    found = {reason for _, reason in counts}
    reasons = [
        reason
        for reason in ExclusionReason
        if reason != ExclusionReason.OUTSIDE_WINDOW or reason in found
    ]
    return ExclusionReport(
        reasons=reasons,
        rows=[
            ExclusionRow(
                category=category,
                by_reason=[counts.get((category.pk, reason), 0) for reason in reasons],
            )
            for category in categories
            if any((category.pk, reason) in counts for reason in reasons)
        ],
    )


def _standings_changed_since_recorded(
    recorded: list[CategoryStandings], votes: Mapping[int, int]
) -> bool:
    # Only meaningful where every valid vote is in the tallies: with the complete-ballot
    # rule the tallies also hold the incomplete ballots the record leaves out.
    return any(
        row.votes != votes.get(row.nominee.pk, 0) for group in recorded for row in group.rows
    )


# --- Helpers ---------------------------------------------------------------------------


def _compute(request: HttpRequest, edition: Edition) -> None:
    try:
        recorded = champions_compute(edition=edition, by=request.user)
    except VotingStillOpen as refusal:
        closes = date_format(localtime(edition.window(Phase.VOTING).closes_at), "j F Y, H:i T")
        messages.error(
            request,
            gettext("%(refusal)s It closes on %(closes)s.")
            % {"refusal": refusal.detail, "closes": closes},
        )
        return
    except DomainError as refusal:
        messages.error(request, refusal.detail)
        return
    champions = sum(standing.is_champion for standing in recorded)
    tied = sum(standing.tied_at_cut for standing in recorded)
    nominees = ngettext("%(count)d nominee", "%(count)d nominees", len(recorded)) % {
        "count": len(recorded)
    }
    done = ngettext(
        "The standings are recorded: %(count)d Champion among %(nominees)s.",
        "The standings are recorded: %(count)d Champions among %(nominees)s.",
        champions,
    ) % {"count": champions, "nominees": nominees}
    if tied:
        done += " " + ngettext(
            "%(count)d nominee is tied at the cut: the jury is told.",
            "%(count)d nominees are tied at the cut: the jury is told.",
            tied,
        ) % {"count": tied}
    messages.success(request, done)


# --- Views -----------------------------------------------------------------------------


@secretariat_required
@never_cache
@require_http_methods(["GET", "POST"])
def standings(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_or_404(request, year)
    if request.method == "POST":
        _compute(request, edition)
        return redirect("frontend:standings", year=edition.year)

    categories = list(category_list(edition=edition))
    votes = live_standings(edition=edition)
    recorded = edition.standings_recorded_at is not None
    groups = (
        _recorded_standings(edition, categories)
        if recorded
        else _live_standings(edition, categories, votes)
    )
    voting = edition.window(Phase.VOTING)
    at = current_edition(request).at
    return render(
        request,
        "frontend/review/standings.html",
        {
            "edition": edition,
            "groups": groups,
            "total": sum(group.total for group in groups),
            "nominee_count": sum(len(group.rows) for group in groups),
            "recorded": recorded,
            "voting": voting,
            "voting_open": voting_is_open(edition, at=at),
            "voting_over": edition_phase_is_over(edition=edition, phase=Phase.VOTING, at=at),
            "exclusions": _exclusion_report(edition, categories) if recorded else None,
            "changed_since_recorded": recorded
            and not edition.complete_ballot_required
            and _standings_changed_since_recorded(groups, votes),
            "winners_chosen": recorded
            and any(
                row.nominee.status == ProjectStatus.WINNER for group in groups for row in group.rows
            ),
        },
    )
