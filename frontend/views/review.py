"""The secretariat's pages for the public vote: the standings (live while voting is open,
then the recorded standings, the Champions and the exclusion report) and the fraud
review (the signals of ``voting.fraud`` and the invalidations).

The counts are the selectors of ``voting``, the decisions its services: these views read
the request, call them and say what happened. Ranks, shares and bar widths here are
presentation only; the ranks that matter are the ones ``champions_compute`` records.
"""

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.decorators import secretariat_required
from accounts.models import User
from awards.models import (
    Category,
    Edition,
    Exclusion,
    ExclusionReason,
    Project,
    ProjectStatus,
    Standing,
)
from awards.phases import Phase, PhaseWindow
from awards.ranking import rank_by_votes
from awards.selectors import (
    category_list,
    nominee_list,
)
from awards.services import VotingStillOpen
from config.errors import DomainError
from frontend.charts import percent
from frontend.current import current_edition, edition_or_404
from voting.fraud import Flag, fraud_flags
from voting.models import Vote, VoteAction, VoteEvent
from voting.selectors import standings as live_standings
from voting.services import (
    ReasonRequired,
    account_votes_invalidate,
    champions_compute,
    votes_invalidate,
)

# A flag's table lists this many votes or accounts; its form acts on all of them.
FLAG_ROWS_SHOWN = 100

FLAG_KINDS = {
    "new_accounts_one_network": "New accounts from one network",
    "mailbox_variants": "One mailbox, several accounts",
    "burst": "Faster than a person",
}

FLAG_CHANGED_MESSAGE = (
    "Nothing was invalidated: this signal has changed since the page was loaded "
    "(votes were cast, changed or invalidated). Review it again below."
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
    by_reason: list[int]  # in the order of ExclusionReason

    @property
    def total(self) -> int:
        return sum(self.by_reason)


@dataclass(frozen=True)
class ExclusionReport:
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
    for nominee in (
        nominee_list(edition=edition)
        .select_related(None)
        .prefetch_related(None)
        .only("pk", "title", "organisation_name", "category_id", "status")
    ):
        nominees[nominee.category_id].append(nominee)
    return [
        _category(category, _live_rank(nominees[category.pk], votes)) for category in categories
    ]


def _recorded_standings(edition: Edition, categories: list[Category]) -> list[CategoryStandings]:
    recorded: dict[int, list[NomineeRow]] = defaultdict(list)
    for standing in (
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
    ):
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
    counts: dict[tuple[int, str], int] = {
        (category_id, reason): votes
        for category_id, reason, votes in Exclusion.objects.filter(edition=edition)
        .order_by()
        .values_list("category_id", "reason", "votes")
    }
    return ExclusionReport(
        rows=[
            ExclusionRow(
                category=category,
                by_reason=[counts.get((category.pk, reason), 0) for reason in ExclusionReason],
            )
            for category in categories
            if any((category.pk, reason) in counts for reason in ExclusionReason)
        ]
    )


def _standings_changed_since_recorded(
    recorded: list[CategoryStandings], votes: Mapping[int, int]
) -> bool:
    # Only meaningful where every valid vote is in the tallies: with the complete-ballot
    # rule the tallies also hold the incomplete ballots the record leaves out.
    return any(
        row.votes != votes.get(row.nominee.pk, 0) for group in recorded for row in group.rows
    )


# --- Fraud review ----------------------------------------------------------------------


class InvalidateForm(forms.Form):
    reason = forms.CharField(
        label="Reason for invalidating",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with each vote and in the history of the vote. Do not name people: "
        "say what you found.",
        error_messages={"required": ReasonRequired.default_detail},
    )


@dataclass
class FlagView:
    flag: Flag
    key: str
    votes: list[Vote] = field(default_factory=list)
    accounts: list[User] = field(default_factory=list)
    form: InvalidateForm | None = None

    @property
    def kind_label(self) -> str:
        return FLAG_KINDS.get(self.flag.kind, self.flag.kind.replace("_", " ").capitalize())

    @property
    def by_account(self) -> bool:
        """Flags that name accounts but no votes act on those accounts' votes."""
        return not self.flag.vote_ids

    @property
    def size(self) -> int:
        return len(self.flag.voter_ids if self.by_account else self.flag.vote_ids)

    @property
    def counted(self) -> int:
        """How many of the concerned votes still count (all of a vote-level flag's: the
        signals look at valid votes only; of an account-level flag's, those of the
        accounts listed)."""
        if not self.by_account:
            return len(self.flag.vote_ids)
        return sum(account.counted_votes for account in self.accounts)

    @property
    def rows_hidden(self) -> int:
        return max(0, self.size - FLAG_ROWS_SHOWN)

    @property
    def can_invalidate(self) -> bool:
        return self.counted > 0 or self.rows_hidden > 0


def _flag_key(flag: Flag) -> str:
    """A name for the flag that changes whenever what it concerns changes: a form posted
    for it acts only on what the secretariat saw."""
    concerned = (
        ",".join(map(str, sorted(flag.vote_ids))) + ";" + ",".join(map(str, sorted(flag.voter_ids)))
    )
    digest = hashlib.sha256(f"{flag.kind}:{concerned}".encode()).hexdigest()[:12]
    return f"{flag.kind.replace('_', '-')}-{digest}"


def _flag_views(edition: Edition, flags: list[Flag]) -> list[FlagView]:
    """The flags with the votes and accounts they concern, in two queries whatever the
    number of flags."""
    views = [FlagView(flag=flag, key=_flag_key(flag)) for flag in flags]
    vote_ids = {pk for view in views for pk in view.flag.vote_ids[:FLAG_ROWS_SHOWN]}
    voter_ids = {pk for view in views for pk in view.flag.voter_ids[:FLAG_ROWS_SHOWN]}
    votes = (
        {
            vote.pk: vote
            for vote in Vote.objects.filter(edition=edition, pk__in=vote_ids)
            .select_related("category", "nominee")
            .only(
                "cast_at",
                "changed_at",
                "network",
                "user_agent",
                "invalidated_at",
                "category__number",
                "category__title",
                "nominee__title",
            )
        }
        if vote_ids
        else {}
    )
    accounts = (
        {
            account.pk: account
            for account in User.objects.filter(pk__in=voter_ids)
            .annotate(
                edition_votes=Count("votes", filter=Q(votes__edition=edition)),
                counted_votes=Count(
                    "votes", filter=Q(votes__edition=edition, votes__invalidated_at__isnull=True)
                ),
            )
            .only("email", "date_joined")
        }
        if voter_ids
        else {}
    )
    for view in views:
        view.votes = sorted(
            (votes[pk] for pk in view.flag.vote_ids[:FLAG_ROWS_SHOWN] if pk in votes),
            key=lambda vote: (vote.cast_at, vote.pk),
        )
        view.accounts = [
            accounts[pk] for pk in view.flag.voter_ids[:FLAG_ROWS_SHOWN] if pk in accounts
        ]
        view.form = InvalidateForm(prefix=view.key)
    return views


def _invalidate(request: HttpRequest, edition: Edition, view: FlagView) -> InvalidateForm | None:
    """Invalidate what the flag concerns; the bound form with its errors when the reason
    is missing, None once done or refused (with a message)."""
    form = InvalidateForm(request.POST, prefix=view.key)
    if not form.is_valid():
        return form
    reason = form.cleaned_data["reason"]
    try:
        if view.by_account:
            at = timezone.now()
            with transaction.atomic():
                count = sum(
                    account_votes_invalidate(
                        edition=edition, voter=voter, by=request.user, reason=reason, at=at
                    )
                    for voter in User.objects.filter(pk__in=view.flag.voter_ids)
                )
        else:
            count = votes_invalidate(
                votes=Vote.objects.filter(edition=edition, pk__in=view.flag.vote_ids),
                by=request.user,
                reason=reason,
            )
    except DomainError as refusal:
        if "reason" in refusal.errors:
            for error in refusal.errors["reason"]:
                form.add_error("reason", error)
            return form
        messages.error(request, refusal.detail)
        return None
    if count == 0:
        messages.info(request, "Nothing changed: these votes were already invalidated.")
        return None
    if count == 1:
        done = "1 vote invalidated: it no longer counts."
    else:
        done = f"{count} votes invalidated: they no longer count."
    if edition.standings_recorded_at is not None:
        done += " Compute the Champions again to record the standings without them."
    messages.success(request, done)
    return None


@dataclass(frozen=True)
class Invalidation:
    reason: str
    votes: int
    accounts: int
    first: datetime
    last: datetime


def _invalidations(edition: Edition) -> list[Invalidation]:
    """What the secretariat invalidated in the edition, one row per reason written."""
    rows = (
        VoteEvent.objects.filter(edition=edition, action=VoteAction.INVALIDATED)
        .values("note")
        .annotate(
            votes=Count("pk"),
            accounts=Count("voter", distinct=True),
            first=Min("at"),
            last=Max("at"),
        )
        .order_by("-last", "note")
        .values_list("note", "votes", "accounts", "first", "last")
    )
    return [Invalidation(*row) for row in rows]


# --- Helpers ---------------------------------------------------------------------------


def _voting_window(edition: Edition) -> PhaseWindow:
    return next(window for window in edition.timeline if window.phase == Phase.VOTING)


def _compute(request: HttpRequest, edition: Edition) -> None:
    try:
        recorded = champions_compute(edition=edition, by=request.user)
    except VotingStillOpen as refusal:
        closes = date_format(localtime(_voting_window(edition).closes_at), "j F Y, H:i T")
        messages.error(request, f"{refusal.detail} It closes on {closes}.")
        return
    except DomainError as refusal:
        messages.error(request, refusal.detail)
        return
    champions = sum(standing.is_champion for standing in recorded)
    tied = sum(standing.tied_at_cut for standing in recorded)
    done = (
        f"The standings are recorded: {champions} Champion{'s' if champions != 1 else ''} "
        f"among {len(recorded)} nominee{'s' if len(recorded) != 1 else ''}."
    )
    if tied:
        done += (
            f" {tied} nominee{'s are' if tied != 1 else ' is'} tied at the cut: the jury is told."
        )
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

    state = current_edition(request).state_of(edition)
    categories = list(category_list(edition=edition))
    votes = live_standings(edition=edition)
    recorded = edition.standings_recorded_at is not None
    groups = (
        _recorded_standings(edition, categories)
        if recorded
        else _live_standings(edition, categories, votes)
    )
    voting = _voting_window(edition)
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
            "voting_open": state.phase == Phase.VOTING,
            "voting_over": voting.closes_at <= current_edition(request).at,
            "exclusions": _exclusion_report(edition, categories) if recorded else None,
            "exclusion_reasons": ExclusionReason.labels,
            "changed_since_recorded": recorded
            and not edition.complete_ballot_required
            and _standings_changed_since_recorded(groups, votes),
            "winners_chosen": recorded
            and any(
                row.nominee.status == ProjectStatus.WINNER for group in groups for row in group.rows
            ),
        },
    )


@secretariat_required
@never_cache
@require_http_methods(["GET", "POST"])
def fraud(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_or_404(request, year)
    views = _flag_views(edition, fraud_flags(edition=edition))
    error_form = None
    if request.method == "POST":
        posted = request.POST.get("flag", "")
        view = next((view for view in views if view.key == posted), None)
        if view is None:
            messages.warning(request, FLAG_CHANGED_MESSAGE)
            return redirect("frontend:fraud", year=edition.year)
        error_form = _invalidate(request, edition, view)
        if error_form is None:
            return redirect("frontend:fraud", year=edition.year)
        view.form = error_form

    invalidations = _invalidations(edition)
    return render(
        request,
        "frontend/review/fraud.html",
        {
            "edition": edition,
            "flags": views,
            "error_form": error_form,
            "invalidations": invalidations,
            "invalidated_total": sum(row.votes for row in invalidations),
            "rows_shown": FLAG_ROWS_SHOWN,
        },
    )
