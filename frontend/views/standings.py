"""The public live standings, for editions that choose to show them (off by default):
while voting is open only, since after the close the counts are the outcome, under
embargo until published."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from awards.models import Category, Project
from awards.ranking import rank_by_votes
from awards.selectors import category_list, edition_get_or_404, nominee_cards
from frontend.charts import percent
from voting.permissions import standings_are_public
from voting.selectors import standings


@dataclass(frozen=True)
class Row:
    nominee: Project
    votes: int
    rank: int
    share: float
    bar: float


@dataclass(frozen=True)
class CategoryRows:
    category: Category
    rows: list[Row]
    total: int


def public_standings(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_get_or_404(year=year)
    if not standings_are_public(edition):
        return render(
            request, "frontend/voting/standings_hidden.html", {"edition": edition}, status=404
        )
    votes = standings(edition=edition)
    by_category: dict[int, list[Project]] = {}
    for nominee in nominee_cards(edition=edition):
        by_category.setdefault(nominee.category_id, []).append(nominee)
    groups = []
    for category in category_list(edition=edition):
        ranked = rank_by_votes(by_category.get(category.pk, []), votes)
        total = sum(r.votes for r in ranked)
        leader = max((r.votes for r in ranked), default=0)
        groups.append(
            CategoryRows(
                category=category,
                total=total,
                rows=[
                    Row(
                        nominee=r.nominee,
                        votes=r.votes,
                        rank=r.rank,
                        share=percent(r.votes, total),
                        bar=percent(r.votes, leader),
                    )
                    for r in ranked
                ],
            )
        )
    return render(request, "frontend/voting/standings.html", {"edition": edition, "groups": groups})
