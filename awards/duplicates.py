"""Probable duplicate submissions within an edition, for the secretariat to look at:
titles that say nearly the same thing, or the same organisation with the same website."""

import re
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from urllib.parse import urlsplit

from awards.models import Edition, Project, ProjectStatus
from awards.rules import normalised

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "through",
        "towards",
        "via",
    ]
)
SIMILAR_TITLES = 0.75
# A word found in more titles than this share does not make two titles worth comparing.
COMMON_WORD_SHARE = 0.1


@dataclass(frozen=True)
class Duplicate:
    other_id: int
    other_title: str
    reason: str


def _title_words(title: str) -> tuple[str, ...]:
    words = re.findall(r"\w+", normalised(title))
    return tuple(word for word in words if word not in STOPWORDS)


def _site(website: str) -> str:
    """The project's web address without scheme, "www." or trailing slash: an
    organisation's projects in several categories have addresses of their own."""
    parts = urlsplit(website.strip().lower())
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" if host else ""


def _similar(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Titles that share nearly all their words, in any order."""
    if not a or not b:
        return False
    return len(set(a) & set(b)) / len(set(a) | set(b)) >= SIMILAR_TITLES


def probable_duplicates(*, edition: Edition) -> dict[int, list[Duplicate]]:
    """For each submitted project (drafts aside) that looks like another, the others."""
    projects = list(
        Project.objects.filter(edition=edition)
        .exclude(status=ProjectStatus.DRAFT)
        .values("pk", "title", "organisation_name", "website")
    )
    words = {p["pk"]: _title_words(p["title"]) for p in projects}
    titles = {p["pk"]: p["title"] for p in projects}
    found: dict[int, dict[int, str]] = defaultdict(dict)

    def flag(a: int, b: int, reason: str) -> None:
        found[a].setdefault(b, reason)
        found[b].setdefault(a, reason)

    by_organisation_site: dict[tuple[str, str], list[int]] = defaultdict(list)
    for project in projects:
        site = _site(project["website"])
        if site:
            by_organisation_site[(normalised(project["organisation_name"]), site)].append(
                project["pk"]
            )
    for same in by_organisation_site.values():
        for a, b in combinations(same, 2):
            flag(a, b, "same organisation and website")

    # Compare only titles that share a word that is not common to many titles.
    by_word: dict[str, list[int]] = defaultdict(list)
    for pk, title_words in words.items():
        for word in set(title_words):
            by_word[word].append(pk)
    limit = max(2, int(len(projects) * COMMON_WORD_SHARE))
    compared: set[tuple[int, int]] = set()
    for sharing in by_word.values():
        if len(sharing) > limit:
            continue
        for a, b in combinations(sorted(sharing), 2):
            if (a, b) in compared:
                continue
            compared.add((a, b))
            if _similar(words[a], words[b]):
                flag(a, b, "similar title")

    return {
        pk: [Duplicate(other_id=o, other_title=titles[o], reason=r) for o, r in sorted(d.items())]
        for pk, d in found.items()
    }
