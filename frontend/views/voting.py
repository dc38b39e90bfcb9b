"""The voter's pages: my ballot, a category's nominees to choose from, the confirm step
and the withdrawal of a vote.

They do what the ballot API does (``voting.api.views``), through the same services,
which decide; a refusal (voting closed, not a nominee, wrong category, an account
excluded from voting, a vote the secretariat set aside) comes back as a message above
the page, and nothing changes. The pages also say beforehand what would be refused:
they offer no choice where the voter has none.

A first vote in a category is one click on the nominee's button (a POST); changing a
vote and withdrawing one ask for confirmation first, on a page that names what will
change. The gallery and the nominee pages lead to the confirm step by GET ("Vote for this
project"), which writes nothing. After a vote the voter goes on to the next category
still without a vote, and to the ballot once every category has one.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.decorators import confirmed_email_required
from awards.models import Category, Edition, Project
from awards.phases import Phase, PhaseWindow
from awards.selectors import (
    category_get_or_404,
    category_list,
    category_numbers,
    edition_phase_is_over,
    nominee_cards,
    nominee_get,
    nominees_by_id,
    nominees_in_voter_order,
)
from awards.vocabulary import translated
from config.errors import DomainError
from config.network import request_network
from frontend.current import current_edition, edition_or_404
from voting.permissions import may_vote_in, vote_is_set_aside, voting_is_open
from voting.selectors import Ballot, BallotVote, ballot_counts_if_closed_now, ballot_get
from voting.services import (
    NOMINEE_ELSEWHERE,
    NotANominee,
    Outcome,
    VoteInvalidated,
    VoterExcluded,
    VotingClosed,
    ballot_cast,
    ballot_withdraw,
)

CHOOSE_FIRST = gettext_lazy("Choose a nominee, then confirm your vote.")
CAST_MESSAGES = {
    Outcome.CREATED: gettext_lazy("Your vote in “%(category)s” is recorded."),
    Outcome.CHANGED: gettext_lazy("Your vote in “%(category)s” is changed."),
    Outcome.SAME: gettext_lazy("Your vote in “%(category)s” was already recorded."),
}

VotingStatus = Literal["before", "open", "closed"]


@dataclass(frozen=True)
class Voting:
    """The edition's voting phase as the pages show it: its dates and whether it is
    ahead, open or over."""

    window: PhaseWindow
    status: VotingStatus

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class BallotRow:
    category: Category
    nominee: Project | None  # my vote there, if any
    invalidated: bool = False  # set aside by the secretariat
    cast_at: datetime | None = None
    changed_at: datetime | None = None  # None unless changed after it was cast


class NomineeChoice(forms.Form):
    # Bounded like the ids, so that no input reaches the database as an overflow.
    nominee = forms.IntegerField(min_value=1, max_value=2**63 - 1)


# --- Helpers ---------------------------------------------------------------------------


def _voting(request: HttpRequest, edition: Edition) -> Voting:
    # At the request's one moment (the header shows the same).
    current = current_edition(request)
    window = edition.window(Phase.VOTING)
    status: VotingStatus
    if voting_is_open(edition, at=current.at):
        status = "open"
    elif edition_phase_is_over(edition=edition, phase=Phase.VOTING, at=current.at):
        status = "closed"
    else:
        status = "before"
    return Voting(window=window, status=status)


def _chosen(data: QueryDict) -> int | None:
    """The nominee id the form sent, or None if it sent none that could be one."""
    form = NomineeChoice(data)
    return form.cleaned_data["nominee"] if form.is_valid() else None


def _changed_after_cast(vote: BallotVote) -> datetime | None:
    if vote.changed_at is None or vote.cast_at is None or vote.changed_at <= vote.cast_at:
        return None
    return vote.changed_at


def _my_vote(ballot: Ballot, category: Category) -> int | None:
    return next((vote.nominee for vote in ballot.votes if vote.category == category.number), None)


def _refusal(ballot: Ballot, category: Category) -> DomainError | None:
    """What the vote service would refuse for this voter in this category, told before
    they choose: the account is excluded, or its vote there was set aside."""
    if may_vote_in(ballot, category=category.number):
        return None
    return VoterExcluded() if ballot.excluded else VoteInvalidated()


def _to_category(edition: Edition, category: Category) -> HttpResponse:
    return redirect("frontend:ballot-category", year=edition.year, number=category.number)


def _next_missing(edition: Edition, ballot: Ballot, after: int = 0) -> int | None:
    """The number of the next category after ``after`` still without a vote on the
    ballot, coming round to the first ones; None once every category has one."""
    voted = {vote.category for vote in ballot.votes}
    missing = [n for n in category_numbers(edition=edition) if n not in voted]
    return next((n for n in missing if n > after), missing[0] if missing else None)


def _after_vote(request: HttpRequest, edition: Edition, category: Category) -> HttpResponse:
    """Where a vote leads: to the next category still without a vote, or to the ballot
    page once every category has one."""
    following = _next_missing(
        edition, ballot_get(edition=edition, voter=request.user), after=category.number
    )
    if following is not None:
        return redirect("frontend:ballot-category", year=edition.year, number=following)
    return redirect("frontend:ballot", year=edition.year)


# --- Views -----------------------------------------------------------------------------


@confirmed_email_required
@never_cache
@require_safe
def ballot(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_or_404(request, year)
    voting = _voting(request, edition)
    my_ballot = ballot_get(edition=edition, voter=request.user)
    chosen = {vote.category: vote for vote in my_ballot.votes}
    nominees = nominees_by_id(edition=edition, ids=[vote.nominee for vote in my_ballot.votes])
    rows = [
        BallotRow(
            category=category,
            nominee=nominees.get(chosen[category.number].nominee),
            invalidated=chosen[category.number].invalidated,
            cast_at=chosen[category.number].cast_at,
            changed_at=_changed_after_cast(chosen[category.number]),
        )
        if category.number in chosen
        else BallotRow(category=category, nominee=None)
        for category in category_list(edition=edition)
    ]
    voted = len(my_ballot.votes)
    counts = voting.status == "before" or ballot_counts_if_closed_now(
        edition=edition, voter=request.user
    )
    return render(
        request,
        "frontend/voting/ballot.html",
        {
            "edition": edition,
            "voting": voting,
            "rows": rows,
            "voted": voted,
            "total": my_ballot.category_count,
            "missing": max(my_ballot.category_count - voted, 0),
            # Where "Start voting" or "Vote in the next category" leads.
            "next_category": next(
                (row.category.number for row in rows if row.category.number not in chosen), None
            )
            if voting.is_open and not my_ballot.excluded
            else None,
            "ballot_counts": counts,
            "excluded": my_ballot.excluded,
            "invalidated": my_ballot.invalidated,
        },
    )


@confirmed_email_required
@never_cache
@require_safe
def ballot_category(request: HttpRequest, year: int, number: int) -> HttpResponse:
    edition = edition_or_404(request, year)
    category = category_get_or_404(edition=edition, number=number)
    voting = _voting(request, edition)
    my_ballot = ballot_get(edition=edition, voter=request.user)
    mine = _my_vote(my_ballot, category)
    context = {
        "edition": edition,
        "category": category,
        "voting": voting,
        "voted": len(my_ballot.votes),
        "total": my_ballot.category_count,
        "current_id": mine,
        "current_invalidated": vote_is_set_aside(my_ballot, category=category.number),
        "refusal": _refusal(my_ballot, category),
    }
    if not voting.is_open or context["refusal"] is not None:
        context["current"] = nominees_by_id(edition=edition, ids=[mine] if mine else []).get(mine)
        return render(request, "frontend/voting/category.html", context)
    nominees = list(
        nominees_in_voter_order(
            nominee_cards(edition=edition, category=category), edition=edition, voter=request.user
        )
    )
    # "Choose again" comes back with the last choice still selected.
    selected = _chosen(request.GET) or mine
    context.update(
        nominees=nominees,
        current=next((n for n in nominees if n.pk == mine), None),
        selected_id=selected,
    )
    return render(request, "frontend/voting/category.html", context)


@confirmed_email_required
@never_cache
@require_http_methods(["GET", "POST"])
def ballot_confirm(request: HttpRequest, year: int, number: int) -> HttpResponse:
    edition = edition_or_404(request, year)
    category = category_get_or_404(edition=edition, number=number)
    if request.method == "POST":
        return _confirm(request, edition, category)
    return _confirm_page(request, edition, category, _chosen(request.GET))


def _confirm_page(
    request: HttpRequest, edition: Edition, category: Category, chosen: int | None
) -> HttpResponse:
    """The confirm step for ``chosen``: what the vote is and what it replaces; or back to
    the category with the reason it cannot be cast."""
    if chosen is None:
        messages.error(request, CHOOSE_FIRST)
        return _to_category(edition, category)
    if not _voting(request, edition).is_open:
        messages.error(request, VotingClosed().detail)
        return _to_category(edition, category)
    # Only what to show: the service decides again when the vote is confirmed.
    nominee = nominee_get(edition=edition, pk=chosen)
    if nominee is None or nominee.category_id != category.pk:
        messages.error(request, NotANominee().detail if nominee is None else NOMINEE_ELSEWHERE)
        return _to_category(edition, category)
    my_ballot = ballot_get(edition=edition, voter=request.user)
    refusal = _refusal(my_ballot, category)
    if refusal is not None:
        messages.error(request, refusal.detail)
        return _to_category(edition, category)
    mine = _my_vote(my_ballot, category)
    replaced = (
        nominees_by_id(edition=edition, ids=[mine]).get(mine) if mine and mine != chosen else None
    )
    return render(
        request,
        "frontend/voting/confirm.html",
        {
            "edition": edition,
            "category": category,
            "nominee": nominee,
            "already": mine == chosen,
            "replaced": replaced,
        },
    )


def _confirm(request: HttpRequest, edition: Edition, category: Category) -> HttpResponse:
    chosen = _chosen(request.POST)
    if chosen is None:
        messages.error(request, CHOOSE_FIRST)
        return _to_category(edition, category)
    if not request.POST.get("confirmed"):
        # A first vote is the click on the nominee's button; a change is confirmed on
        # the page that says which vote it replaces.
        mine = _my_vote(ballot_get(edition=edition, voter=request.user), category)
        if mine is not None and mine != chosen:
            return _confirm_page(request, edition, category, chosen)
    try:
        cast = ballot_cast(
            edition=edition,
            category=category,
            voter=request.user,
            nominee_id=chosen,
            network=request_network(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except DomainError as refusal:
        messages.error(request, refusal.detail)
        return _to_category(edition, category)
    messages.success(
        request, CAST_MESSAGES[cast.outcome] % {"category": translated(category.title)}
    )
    return _after_vote(request, edition, category)


@confirmed_email_required
@never_cache
@require_http_methods(["GET", "POST"])
def ballot_category_withdraw(request: HttpRequest, year: int, number: int) -> HttpResponse:
    edition = edition_or_404(request, year)
    category = category_get_or_404(edition=edition, number=number)
    if request.method == "GET":
        return _withdraw_page(request, edition, category)
    try:
        withdrawn = ballot_withdraw(
            edition=edition,
            category=category,
            voter=request.user,
            network=request_network(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except DomainError as refusal:
        messages.error(request, refusal.detail)
    else:
        if withdrawn:
            messages.success(
                request,
                _("Your vote in “%(category)s” is withdrawn.")
                % {"category": translated(category.title)},
            )
        else:
            messages.info(
                request,
                _("You have no vote in “%(category)s” to withdraw.")
                % {"category": translated(category.title)},
            )
    return _to_category(edition, category)


def _withdraw_page(request: HttpRequest, edition: Edition, category: Category) -> HttpResponse:
    """The confirmation of a withdrawal, naming the vote withdrawn; back to the category
    where there is nothing to withdraw or the withdrawal would be refused."""
    my_ballot = ballot_get(edition=edition, voter=request.user)
    mine = _my_vote(my_ballot, category)
    if mine is None or not _voting(request, edition).is_open:
        return _to_category(edition, category)
    refusal = _refusal(my_ballot, category)
    if refusal is not None:
        messages.error(request, refusal.detail)
        return _to_category(edition, category)
    return render(
        request,
        "frontend/voting/withdraw.html",
        {
            "edition": edition,
            "category": category,
            "nominee": nominees_by_id(edition=edition, ids=[mine]).get(mine),
        },
    )
