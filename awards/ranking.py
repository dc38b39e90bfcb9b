"""The jury's ranking of a category's Champions (DESIGN.md, phase 5).

Each score is the weighted mean of its four marks (the edition's weights). Per
Champion the secretariat sees the raw mean of those scores, the normalised mean (each
juror's scores turned into standard scores over the Champions that juror scored in the
category, so that a harsh or a lenient juror does not decide alone) and the spread
between jurors. Only submitted scores of jurors without a conflict count.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from statistics import fmean, pstdev

from awards.models import Category, Edition, Project, Score
from awards.permissions import score_counts
from awards.selectors import declared_conflicts, shortlists, submitted_scores

CRITERIA = ("merit", "originality", "impact", "sustainability")


@dataclass(frozen=True)
class Ranked:
    nominee: Project
    votes: int
    rank: int


def rank_by_votes(nominees: list[Project], votes: Mapping[int, int]) -> list[Ranked]:
    """Most votes first (then title); equal votes share a rank: 1, 2, 2, 4."""
    ordered = sorted(nominees, key=lambda p: (-votes.get(p.pk, 0), p.title, p.pk))
    ranked, previous, rank = [], None, 0
    for position, nominee in enumerate(ordered, start=1):
        count = votes.get(nominee.pk, 0)
        if count != previous:
            rank, previous = position, count
        ranked.append(Ranked(nominee=nominee, votes=count, rank=rank))
    return ranked


def weights_of(edition: Edition) -> dict[str, int]:
    return {criterion: getattr(edition, f"weight_{criterion}") for criterion in CRITERIA}


def weighted(score: Score, weights: dict[str, int]) -> float:
    total = sum(weights.values())
    return sum(getattr(score, c) * w for c, w in weights.items()) / total


@dataclass(frozen=True)
class ChampionRank:
    project: Project
    scores: int
    raw_mean: float | None
    normalised_mean: float | None
    spread: float | None
    has_quorum: bool
    # Champions equal on both means share a rank (1, 1, 3): the title that orders them
    # on the page decides nothing.
    rank: int = 0
    tied: bool = False

    @property
    def tied_at_top(self) -> bool:
        return self.tied and self.rank == 1


def _level(rank: ChampionRank) -> tuple[float | None, float | None]:
    # Rounded, so that two equal sums added in another order still tie.
    return (
        None if rank.normalised_mean is None else round(rank.normalised_mean, 9),
        None if rank.raw_mean is None else round(rank.raw_mean, 9),
    )


def _with_ranks(ordered: list[ChampionRank]) -> list[ChampionRank]:
    levels = [_level(rank) for rank in ordered]
    ranked, place = [], 0
    for position, (rank, level) in enumerate(zip(ordered, levels, strict=True), start=1):
        if position == 1 or level != levels[position - 2]:
            place = position
        ranked.append(replace(rank, rank=place, tied=levels.count(level) > 1))
    return ranked


def top_is_tied(ranking: list[ChampionRank]) -> bool:
    """Whether two Champions or more share the first rank."""
    return len(ranking) > 1 and ranking[1].rank == 1


def category_ranking(*, category: Category) -> list[ChampionRank]:
    """The Champions of ``category``, best first by normalised mean (the raw mean breaks
    ties; Champions equal on both share a rank, listed by title)."""
    return categories_ranking(categories=[category])[category.pk]


def categories_ranking(*, categories: list[Category]) -> dict[int, list[ChampionRank]]:
    """``category_ranking`` of each of these categories (of one edition), by category id,
    in three queries whatever their number and that of their Champions and jurors."""
    champions = shortlists(categories=categories)
    every = [champion for listed in champions.values() for champion in listed]
    conflicted = declared_conflicts(projects=every)
    counted: dict[int, list[Score]] = {}
    for score in submitted_scores(projects=every):
        declared = (score.juror_id, score.project_id) in conflicted
        if score_counts(score, declared_conflict=declared):
            counted.setdefault(score.project.category_id, []).append(score)
    return {
        category.pk: _ranked(category.edition, champions[category.pk], counted.get(category.pk, []))
        for category in categories
    }


def _ranked(edition: Edition, champions: list[Project], scores: list[Score]) -> list[ChampionRank]:
    weights = weights_of(edition)
    totals: dict[int, dict[int, float]] = {}  # juror -> project -> weighted score
    for score in scores:
        totals.setdefault(score.juror_id, {})[score.project_id] = weighted(score, weights)
    standard: dict[int, dict[int, float]] = {}
    for juror, by_project in totals.items():
        values = list(by_project.values())
        mean, spread = fmean(values), pstdev(values)
        standard[juror] = {
            project: (value - mean) / spread if spread else 0.0
            for project, value in by_project.items()
        }
    ranks = []
    for champion in champions:
        raw = [by[champion.pk] for by in totals.values() if champion.pk in by]
        normal = [by[champion.pk] for by in standard.values() if champion.pk in by]
        ranks.append(
            ChampionRank(
                project=champion,
                scores=len(raw),
                raw_mean=fmean(raw) if raw else None,
                normalised_mean=fmean(normal) if normal else None,
                spread=max(raw) - min(raw) if raw else None,
                has_quorum=len(raw) >= edition.jury_quorum,
            )
        )
    return _with_ranks(
        sorted(
            ranks,
            key=lambda r: (
                -(r.normalised_mean if r.normalised_mean is not None else float("-inf")),
                -(r.raw_mean if r.raw_mean is not None else float("-inf")),
                r.project.title,
            ),
        )
    )
