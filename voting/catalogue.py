"""What the vote endpoint needs to know about an edition, kept in memory for a few
seconds: every vote of the rush would otherwise ask the database the same questions.

The catalogue is a first answer, never the last word: the vote's statement checks the
voting window and the nominee in the database as it writes, and a refusal reads the
catalogue again before it is given (``voting.services``). So a change of an edition's
timeline or nominees takes effect at once in every process; in the process that made
it, saving an edition, a category or a project also drops the catalogue of its year.
"""

import threading
import time
from dataclasses import dataclass

from awards.models import PUBLIC_STATUSES, Category, Edition, Project

TTL = 5.0


@dataclass(frozen=True)
class CategoryEntry:
    category: Category
    nominees: frozenset[int]


@dataclass(frozen=True)
class Catalogue:
    edition: Edition
    categories: dict[int, CategoryEntry]  # by number
    nominee_categories: dict[int, int]  # nominee id -> category number


_cache: dict[int, tuple[float, Catalogue | None]] = {}
_lock = threading.Lock()


def _load(year: int) -> Catalogue | None:
    edition = Edition.objects.filter(year=year).first()
    if edition is None:
        return None
    categories = {c.pk: c for c in Category.objects.filter(edition=edition)}
    for category in categories.values():
        category.edition = edition  # spares a query per use
    members: dict[int, set[int]] = {pk: set() for pk in categories}
    nominee_categories = {}
    for nominee_id, category_id in Project.objects.filter(
        edition=edition, status__in=PUBLIC_STATUSES
    ).values_list("pk", "category_id"):
        members[category_id].add(nominee_id)
        nominee_categories[nominee_id] = categories[category_id].number
    return Catalogue(
        edition=edition,
        categories={
            c.number: CategoryEntry(category=c, nominees=frozenset(members[pk]))
            for pk, c in categories.items()
        },
        nominee_categories=nominee_categories,
    )


def voting_catalogue(*, year: int) -> Catalogue | None:
    now = time.monotonic()
    cached = _cache.get(year)
    if cached and cached[0] > now:
        return cached[1]
    return voting_catalogue_refresh(year=year)


def voting_category(*, year: int, number: int) -> Category | None:
    """Category ``number`` of the edition of ``year`` (its ``edition`` loaded), or None."""
    catalogue = voting_catalogue(year=year)
    entry = catalogue.categories.get(number) if catalogue else None
    return entry.category if entry else None


def voting_catalogue_refresh(*, year: int) -> Catalogue | None:
    """The catalogue read again from the database now."""
    catalogue = _load(year)
    with _lock:
        _cache[year] = (time.monotonic() + TTL, catalogue)
    return catalogue


def voting_catalogue_forget(*, year: int) -> None:
    with _lock:
        _cache.pop(year, None)


def voting_catalogue_clear() -> None:
    with _lock:
        _cache.clear()
