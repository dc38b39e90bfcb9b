"""Phase 6 pages: the published results and their open data (CSV), the ceremony's
audience page (for a projector or a live stream) and the host's page.

The embargo is ``results_are_public``, the reveal order and the publication the services
of ``awards.services.publication``: these views read the request, call them and say
what happened. Shares and bar widths are presentation only.
"""

import csv
import hashlib
import json
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.http import parse_etags
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.decorators import secretariat_required
from awards.models import Category, Edition, Exclusion, ExclusionReason, ProjectStatus
from awards.selectors import (
    CEREMONY_FEED_SECONDS,
    CategoryResult,
    ResultEntry,
    SignalCount,
    ceremony_feed,
    ceremony_remaining,
    ceremony_revealed,
    ceremony_to_reveal,
    edition_get_or_404,
    results_are_public,
    results_get,
)
from awards.services.publication import (
    ceremony_reveal_next,
    ceremony_under_way,
    ceremony_unrevealed,
    publication_schedule,
    publication_unschedule,
    results_publish,
)
from awards.vocabulary import translated
from config.errors import DomainError
from frontend.charts import percent
from frontend.refusals import refusal_onto_form
from voting.fraud import SIGNAL_KINDS, signal_kind_label

# Spreadsheets run a cell that starts with one of these as a formula; titles and
# organisation names are typed by submitters.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# --- Results -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChampionRow:
    entry: ResultEntry
    share: float  # percent of the category's valid votes
    bar: float  # percent of the category leader's votes: the bar's width


@dataclass(frozen=True)
class CategoryRows:
    result: CategoryResult
    rows: list[ChampionRow]


def _chart(result: CategoryResult) -> CategoryRows:
    top = max((entry.votes for entry in result.champions), default=0)
    return CategoryRows(
        result=result,
        rows=[
            ChampionRow(
                entry=entry,
                share=percent(entry.votes, result.valid_votes),
                bar=percent(entry.votes, top),
            )
            for entry in result.champions
        ],
    )


@dataclass(frozen=True)
class ExclusionRow:
    category: Category
    reason: str  # as the report names it
    votes: int


def _exclusion_reason(exclusion: Exclusion) -> str:
    if exclusion.reason != ExclusionReason.INVALIDATED:
        return exclusion.get_reason_display()
    if not exclusion.signal or exclusion.signal not in SIGNAL_KINDS:
        return signal_kind_label(exclusion.signal)
    return _("Invalidated by the secretariat — %(kind)s") % {
        "kind": signal_kind_label(exclusion.signal)
    }


def _exclusion_rows(exclusions: list[Exclusion]) -> list[ExclusionRow]:
    """The report's rows, by category and reason; a category's invalidated votes by
    kind of signal, most first, any other review last."""
    rows = [
        (exclusion, ExclusionRow(exclusion.category, _exclusion_reason(exclusion), exclusion.votes))
        for exclusion in exclusions
    ]
    rows.sort(
        key=lambda pair: (
            pair[0].category.number,
            pair[0].reason,
            not pair[0].signal,
            -pair[1].votes,
            pair[1].reason,
        )
    )
    return [row for _exclusion, row in rows]


def _by_label(counts: list[SignalCount]) -> list[tuple[str, int]]:
    """The invalidated votes by kind as the report names them (kinds it does not know
    share the general name), most first, any other review last."""
    votes: dict[str, int] = {}
    for count in counts:
        label = signal_kind_label(count.kind)
        votes[label] = votes.get(label, 0) + count.votes
    other = signal_kind_label("")
    return sorted(votes.items(), key=lambda item: (item[0] == other, -item[1], item[0]))


@require_safe
def results(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_get_or_404(year=year)
    if not results_are_public(edition=edition):
        return render(request, "frontend/results/embargo.html", {"edition": edition})
    outcome = results_get(edition=edition)
    return render(
        request,
        "frontend/results/results.html",
        {
            "edition": edition,
            "results": outcome,
            "categories": [_chart(result) for result in outcome.categories],
            "excluded_votes": outcome.excluded_votes,
            "exclusions": _exclusion_rows(outcome.exclusions),
            "invalidated_by_signal": _by_label(outcome.invalidated_by_signal),
        },
    )


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


@require_safe
def results_csv(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_get_or_404(year=year)
    if not results_are_public(edition=edition):
        raise Http404(_("The results of this edition are not published yet."))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="wsis-prizes-{edition.year}-results.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [
            "category_number",
            "category_title",
            "rank",
            "title",
            "organisation",
            "valid_votes",
            "winner",
        ]
    )
    for result in results_get(edition=edition).categories:
        for entry in result.champions:
            writer.writerow(
                [
                    result.category.number,
                    _cell(result.category.title),
                    entry.rank,
                    _cell(entry.project.title),
                    _cell(entry.project.organisation_name),
                    entry.votes,
                    "yes" if entry.is_winner else "no",
                ]
            )
    return response


# --- The ceremony --------------------------------------------------------------------


@never_cache
@require_safe
def ceremony(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_get_or_404(year=year)
    return render(
        request,
        "frontend/results/ceremony.html",
        {
            "edition": edition,
            "revealed": ceremony_revealed(edition=edition),
            "remaining": ceremony_remaining(edition=edition),
        },
    )


@require_safe
def ceremony_feed_json(request: HttpRequest, year: int) -> HttpResponse:
    """What the audience page's script follows: the ceremony endpoint's answer, the same
    for every viewer, so kept and served from the cache (``ceremony_feed``) and cacheable
    by browsers and proxies for as long. A page of the site, not of the API: the API's
    throttle per address would refuse a room of viewers behind one address. The
    categories' titles in the page's language, as the page shows them."""
    feed = ceremony_feed(year=year)
    if feed is None:
        return JsonResponse(
            {
                "detail": _("There is no WSIS Prizes edition for %(year)s.") % {"year": year},
                "code": "not_found",
            },
            status=404,
        )
    feed = {
        **feed,
        "revealed": [
            {**category, "title": translated(category["title"])} for category in feed["revealed"]
        ],
    }
    body = json.dumps(feed, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    etag = f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=CEREMONY_FEED_SECONDS)
    return response


class ScheduleForm(forms.Form):
    when = forms.DateTimeField(
        label=gettext_lazy("Publish on"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": gettext_lazy("Choose a date and time in the future."),
            "invalid": gettext_lazy("Choose a date and time in the future."),
        },
        help_text=gettext_lazy(
            "In the site's time zone. The results are published then even if the ceremony"
            " has not revealed every category: scheduling confirms it."
        ),
    )


class PublishForm(forms.Form):
    unrevealed_confirmed = forms.BooleanField(required=False)


def _host_url(edition: Edition) -> str:
    return reverse("frontend:ceremony-host", args=[edition.year])


def _reveal(request: HttpRequest, edition: Edition) -> HttpResponse:
    to_reveal = list(ceremony_to_reveal(edition=edition))
    if request.POST.get("confirmed") != "yes":
        if not to_reveal:
            # Nothing to confirm: the service says why (no Winner yet, or all revealed).
            return _reveal_now(request, edition, expected=None)
        category = to_reveal[0]
        winner = category.projects.filter(status=ProjectStatus.WINNER).first()
        return render(
            request,
            "frontend/results/confirm_reveal.html",
            {"edition": edition, "category": category, "winner": winner, "left": len(to_reveal)},
        )
    expected = Category.objects.filter(edition=edition, pk=request.POST.get("category") or 0)
    expected = expected.first()
    if expected is None:
        messages.error(request, _("Choose a category of this edition."))
        return redirect(_host_url(edition))
    return _reveal_now(request, edition, expected=expected)


def _reveal_now(request: HttpRequest, edition: Edition, *, expected: Category | None):
    try:
        category = ceremony_reveal_next(edition=edition, by=request.user, expected=expected)
    except DomainError as refusal:
        messages.error(request, refusal.detail)
        return redirect(_host_url(edition))
    winner = next(
        project for revealed, project in ceremony_revealed(edition=edition) if revealed == category
    )
    messages.success(
        request,
        _("Category %(category)s: revealed. The Winner is “%(winner)s” (%(organisation)s).")
        % {
            "category": category,
            "winner": winner.title,
            "organisation": winner.organisation_name,
        },
    )
    return redirect(_host_url(edition))


def _publish(request: HttpRequest, edition: Edition) -> HttpResponse:
    unrevealed = ceremony_unrevealed(edition=edition)
    during = bool(unrevealed) and ceremony_under_way(edition=edition)
    form = PublishForm(request.POST)
    confirmed = request.POST.get("confirmed") == "yes"
    checked = form.is_valid() and form.cleaned_data["unrevealed_confirmed"]
    error = ""
    if confirmed and during and not checked:
        error = _(
            "Tick the box to publish although %(count)s categories are not revealed,"
            " or reveal them first."
        ) % {"count": len(unrevealed)}
    if not confirmed or error:
        return render(
            request,
            "frontend/results/confirm_publish.html",
            {
                "edition": edition,
                "unrevealed": unrevealed,
                "during": during,
                "error": error,
            },
            status=400 if error else 200,
        )
    try:
        results_publish(edition=edition, by=request.user, unrevealed_confirmed=checked)
    except DomainError as refusal:
        messages.error(request, refusal.detail)
        return redirect(_host_url(edition))
    messages.success(
        request, _("The results of %(edition)s are published.") % {"edition": edition.title}
    )
    return redirect(_host_url(edition))


def _schedule(request: HttpRequest, edition: Edition) -> HttpResponse | ScheduleForm:
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        return form
    try:
        publication_schedule(edition=edition, by=request.user, when=form.cleaned_data["when"])
    except DomainError as refusal:
        if refusal_onto_form(form, refusal):
            return form
        messages.error(request, refusal.detail)
        return redirect(_host_url(edition))
    messages.success(
        request,
        _("The results of %(edition)s will be published on %(when)s.")
        % {
            "edition": edition.title,
            "when": date_format(localtime(form.cleaned_data["when"]), "DATETIME_FORMAT"),
        },
    )
    return redirect(_host_url(edition))


def _unschedule(request: HttpRequest, edition: Edition) -> HttpResponse:
    try:
        publication_unschedule(edition=edition, by=request.user)
    except DomainError as refusal:
        messages.error(request, refusal.detail)
    else:
        messages.success(request, _("The scheduled publication is cancelled."))
    return redirect(_host_url(edition))


@never_cache
@secretariat_required
@require_http_methods(["GET", "HEAD", "POST"])
def ceremony_host(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_get_or_404(year=year)
    schedule_form = ScheduleForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "reveal":
            return _reveal(request, edition)
        if action == "publish":
            return _publish(request, edition)
        if action == "unschedule":
            return _unschedule(request, edition)
        if action != "schedule":
            messages.error(request, _("Nothing was done: choose reveal or publish."))
            return redirect(_host_url(edition))
        outcome = _schedule(request, edition)
        if isinstance(outcome, HttpResponse):
            return outcome
        schedule_form = outcome
    to_reveal = list(ceremony_to_reveal(edition=edition))
    return render(
        request,
        "frontend/results/ceremony_host.html",
        {
            "edition": edition,
            "revealed": ceremony_revealed(edition=edition),
            "next_category": to_reveal[0] if to_reveal else None,
            "remaining": len(to_reveal),
            "audience_remaining": ceremony_remaining(edition=edition),
            "published": results_are_public(edition=edition),
            "schedule_form": schedule_form,
        },
        status=400 if schedule_form.errors else 200,
    )
