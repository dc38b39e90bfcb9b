"""Reads of projects: the owner's, the public nominees (searched, in each voter's
order) and the secretariat's queue of submissions."""

import zlib
from collections.abc import Iterable
from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Mod

from accounts.models import User
from awards.models import (
    PUBLIC_STATUSES,
    Category,
    Edition,
    Project,
    ProjectEvent,
    ProjectStatus,
)
from awards.phases import Phase
from awards.selectors.editions import edition_phase_is_open
from awards.translations import translation_field, translation_languages

# A large prime: voter orderings are computed from the ids modulo it.
_ORDER_MODULUS = 2_147_483_647


def project_list_for_owner(
    *, edition: Edition, owner: User, details: bool = True
) -> QuerySet[Project]:
    """The owner's projects in the edition, last changed first; with their SDGs, images
    and history unless ``details`` is False (a list that shows none of them)."""
    projects = (
        Project.objects.filter(edition=edition, submitted_by=owner)
        .select_related("category", "edition")
        .order_by("-updated_at", "pk")
    )
    return projects.prefetch_related("sdgs", "images", "events") if details else projects


def project_get_for_owner(*, edition: Edition, owner: User, pk: int) -> Project | None:
    """The owner's project, or None: another person's project is as good as absent."""
    return project_list_for_owner(edition=edition, owner=owner).filter(pk=pk).first()


def nominee_list(*, edition: Edition) -> QuerySet[Project]:
    """The public nominees of an edition (champions and winners among them)."""
    return (
        Project.objects.filter(edition=edition, status__in=PUBLIC_STATUSES)
        .select_related("category")
        .prefetch_related("sdgs", "images")
    )


def nominee_get(*, edition: Edition, pk: int) -> Project | None:
    return nominee_list(edition=edition).filter(pk=pk).first()


def nominee_get_any_edition(*, pk: int) -> Project | None:
    """A public nominee of whichever edition, with its edition and category: what a
    share link names, which outlives the address of the edition's pages."""
    return (
        Project.objects.filter(pk=pk, status__in=PUBLIC_STATUSES)
        .select_related("edition", "category__action_line")
        .first()
    )


def nominee_cards(*, edition: Edition, category: Category | None = None) -> QuerySet[Project]:
    """The nominees (of one category, if given) as lists and cards show them: with
    their category, without the SDGs and images that only a nominee's page shows."""
    nominees = Project.objects.filter(edition=edition, status__in=PUBLIC_STATUSES).select_related(
        "category"
    )
    return nominees.filter(category=category) if category is not None else nominees


def nominee_lines(*, edition: Edition) -> QuerySet[Project]:
    """The nominees with only what a line of a table about them shows (the title in
    other languages too: ``i18n``)."""
    return Project.objects.filter(edition=edition, status__in=PUBLIC_STATUSES).only(
        "pk", "title", "organisation_name", "country", "category_id", "status", "i18n"
    )


def nominees_by_id(*, edition: Edition, ids: Iterable[int]) -> dict[int, Project]:
    """The edition's nominees with these ids, as lines (one query, none for no id)."""
    ids = list(ids)
    if not ids:
        return {}
    return {nominee.pk: nominee for nominee in nominee_lines(edition=edition).filter(pk__in=ids)}


def nominee_country_codes(nominees: QuerySet[Project]) -> list[str]:
    """The countries these nominees come from (codes, each once; none left out)."""
    codes = nominees.prefetch_related(None).order_by().values_list("country", flat=True)
    return [code for code in codes.distinct() if code]


def project_get(*, year: int, pk: int) -> Project | None:
    """A project of the edition of ``year``, with its edition; whoever asks must be
    allowed to see it (``awards.permissions``)."""
    return Project.objects.filter(edition__year=year, pk=pk).select_related("edition").first()


def _search_vector() -> SearchVector:
    """The words of a project, weighted: the original texts by the English stemmer (as
    before) and word for word (the ``simple`` configuration: their language may be any),
    and their versions in the other languages word for word, where an English stemmer
    would mangle them."""
    vector = None
    for field, weight in (("title", "A"), ("organisation_name", "A"), ("short_description", "B")):
        for config in ("english", "simple"):
            part = SearchVector(field, weight=weight, config=config)
            vector = part if vector is None else vector + part
    for language in translation_languages():
        for field, weight in (("title", "A"), ("short_description", "B")):
            text = KeyTextTransform(translation_field(field, language), "i18n")
            vector += SearchVector(text, weight=weight, config="simple")
    return vector


def nominees_search(queryset: QuerySet[Project], text: str) -> QuerySet[Project]:
    """Full-text search in titles, organisations and short descriptions, the original
    and every other language's version of them (PostgreSQL's text search; word by word
    on SQLite)."""
    text = text.strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(text, search_type="websearch", config="english") | SearchQuery(
            text, search_type="websearch", config="simple"
        )
        return queryset.annotate(search=_search_vector()).filter(search=query)
    # Quotation marks group words into a phrase for PostgreSQL's web search: here, where
    # each word is looked for on its own, they are dropped.
    for word in filter(None, (word.strip('"') for word in text.split())):
        found = (
            Q(title__icontains=word)
            | Q(organisation_name__icontains=word)
            | Q(short_description__icontains=word)
        )
        for language in translation_languages():
            for field in ("title", "short_description"):
                found |= Q(**{f"{translation_field(field, language)}__icontains": word})
        queryset = queryset.filter(found)
    return queryset


def voter_order_applies(
    *, edition: Edition, voter: User | None, at: datetime | None = None
) -> bool:
    """Whether the nominees are listed in the voter's own order: for a signed-in
    voter, while voting is open."""
    return voter is not None and edition_phase_is_open(edition=edition, phase=Phase.VOTING, at=at)


def nominees_in_voter_order(
    queryset: QuerySet[Project],
    *,
    edition: Edition,
    voter: User | None,
    at: datetime | None = None,
) -> QuerySet[Project]:
    """During voting, nominees in an order of their own for each voter, the same at
    every visit, so that no nominee profits from being listed first; otherwise by
    category and title."""
    if not voter_order_applies(edition=edition, voter=voter, at=at):
        return queryset.order_by("category__number", "title", "pk")
    seed = zlib.crc32(f"{edition.year}:{voter.pk}".encode())
    multiplier = seed % (_ORDER_MODULUS - 1) + 1
    # A linear map alone keeps ids that follow each other in step (for about one voter
    # in six, a category's nominees came out in the order they were created); squaring
    # it twice modulo the prime scatters them. Two ids may meet, rarely, and the id
    # decides then. Every product stays under 2**62.
    spread = Mod(F("id") * multiplier + seed, _ORDER_MODULUS)
    for _round in range(2):
        spread = Mod(spread * spread + multiplier, _ORDER_MODULUS)
    return queryset.annotate(voter_rank=spread).order_by("voter_rank", "pk")


def submission_list(*, edition: Edition) -> QuerySet[Project]:
    """The secretariat's queue: an edition's submissions (no drafts), oldest first."""
    return (
        Project.objects.filter(edition=edition)
        .exclude(status=ProjectStatus.DRAFT)
        .select_related("category", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def submission_list_by_ids(*, edition: Edition, ids: Iterable[int]) -> list[Project]:
    """The edition's submissions among these ids (others are left out)."""
    return list(submission_list(edition=edition).filter(pk__in=list(ids)))


def submission_get(*, edition: Edition, pk: int) -> Project | None:
    """One submission of the edition with all its page shows: its SDGs, images and
    history with who acted."""
    return (
        submission_list(edition=edition)
        .prefetch_related(
            "sdgs",
            "images",
            Prefetch("events", queryset=ProjectEvent.objects.select_related("actor")),
        )
        .filter(pk=pk)
        .first()
    )


def submission_titles(submissions: QuerySet[Project]) -> list[tuple[int, str]]:
    """The (id, title) of each of these submissions, in their order."""
    return list(submissions.values_list("pk", "title"))
