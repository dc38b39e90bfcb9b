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

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.decorators import secretariat_required
from awards.models import Edition
from awards.selectors import (
    CEREMONY_FEED_SECONDS,
    CategoryResult,
    ResultEntry,
    ceremony_feed,
    ceremony_remaining,
    ceremony_revealed,
    ceremony_to_reveal,
    edition_get_or_404,
    results_are_public,
    results_get,
)
from awards.services.publication import ceremony_reveal_next, results_publish
from config.errors import DomainError
from frontend.charts import percent

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
            "excluded_votes": sum(exclusion.votes for exclusion in outcome.exclusions),
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
    throttle per address would refuse a room of viewers behind one address."""
    feed = ceremony_feed(year=year)
    if feed is None:
        return JsonResponse(
            {
                "detail": _("There is no WSIS Prizes edition for %(year)s.") % {"year": year},
                "code": "not_found",
            },
            status=404,
        )
    body = json.dumps(feed, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    etag = f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=CEREMONY_FEED_SECONDS)
    return response


def _reveal(request: HttpRequest, edition: Edition) -> None:
    try:
        category = ceremony_reveal_next(edition=edition, by=request.user)
    except DomainError as refusal:
        messages.error(request, refusal.detail)
        return
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


def _publish(request: HttpRequest, edition: Edition) -> None:
    try:
        results_publish(edition=edition, by=request.user)
    except DomainError as refusal:
        messages.error(request, refusal.detail)
        return
    messages.success(
        request, _("The results of %(edition)s are published.") % {"edition": edition.title}
    )


@never_cache
@secretariat_required
@require_http_methods(["GET", "HEAD", "POST"])
def ceremony_host(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_get_or_404(year=year)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "reveal":
            _reveal(request, edition)
        elif action == "publish":
            _publish(request, edition)
        else:
            messages.error(request, _("Nothing was done: choose reveal or publish."))
        return redirect("frontend:ceremony-host", edition.year)
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
        },
    )
