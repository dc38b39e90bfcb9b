"""The jury's ranking of a category's Champions (DESIGN.md, phase 5).

Each score is the weighted mean of its four marks (the edition's weights). Per
Champion the secretariat sees the raw mean of those scores, the normalised mean (each
juror's scores turned into standard scores over the Champions that juror scored in the
category, so that a harsh or a lenient juror does not decide alone) and the spread
between jurors. Only submitted scores of jurors without a conflict count.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from statistics import fmean, pstdev

from awards.models import Category, ConflictOfInterest, Edition, Project, ProjectStatus, Score

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


def likely_conflict(juror, project: Project) -> bool:
    """The platform's own guess: the juror's organisation, or the domain of their
    e-mail address, is the project's."""
    organisation = (juror.organisation or "").strip().lower()
    if organisation and organisation == project.organisation_name.strip().lower():
        return True
    domain = juror.email.rsplit("@", 1)[-1].lower()
    website = project.website.lower().split("//", 1)[-1].split("/", 1)[0].removeprefix("www.")
    return bool(website) and (website == domain or website.endswith("." + domain))


def category_ranking(*, category: Category) -> list[ChampionRank]:
    """The Champions of ``category``, best first by normalised mean (raw mean, then
    title, break ties)."""
    edition = category.edition
    weights = weights_of(edition)
    champions = list(
        Project.objects.filter(category=category, status=ProjectStatus.CHAMPION).order_by("title")
    )
    conflicted = set(
        ConflictOfInterest.objects.filter(project__in=champions).values_list(
            "juror_id", "project_id"
        )
    )
    scores = [
        score
        for score in Score.objects.filter(
            project__in=champions, submitted_at__isnull=False
        ).select_related("juror", "project")
        if (score.juror_id, score.project_id) not in conflicted
        and not likely_conflict(score.juror, score.project)
    ]
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
    return sorted(
        ranks,
        key=lambda r: (
            -(r.normalised_mean if r.normalised_mean is not None else float("-inf")),
            -(r.raw_mean if r.raw_mean is not None else float("-inf")),
            r.project.title,
        ),
    )
