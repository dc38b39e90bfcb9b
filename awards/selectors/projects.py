"""Reads of projects: the owner's, the public nominees (searched, in each voter's
order) and the secretariat's queue of submissions."""

import zlib
from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Mod

from accounts.models import User
from awards.models import (
    PUBLIC_STATUSES,
    Edition,
    Project,
    ProjectStatus,
)
from awards.phases import Phase
from awards.selectors.editions import edition_phase_is_open

# A large prime: voter orderings are permutations of the ids modulo it.
_ORDER_MODULUS = 2_147_483_647


def project_list_for_owner(*, edition: Edition, owner: User) -> QuerySet[Project]:
    return (
        Project.objects.filter(edition=edition, submitted_by=owner)
        .select_related("category", "edition")
        .prefetch_related("sdgs", "images", "events")
        .order_by("-updated_at", "pk")
    )


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


def nominees_search(queryset: QuerySet[Project], text: str) -> QuerySet[Project]:
    """Full-text search in titles, organisations and short descriptions (PostgreSQL's
    text search; word by word on SQLite)."""
    text = text.strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("organisation_name", weight="A", config="english")
            + SearchVector("short_description", weight="B", config="english")
        )
        query = SearchQuery(text, search_type="websearch", config="english")
        return queryset.annotate(search=vector).filter(search=query)
    for word in text.split():
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(organisation_name__icontains=word)
            | Q(short_description__icontains=word)
        )
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
    return queryset.annotate(voter_rank=Mod(F("id") * multiplier + seed, _ORDER_MODULUS)).order_by(
        "voter_rank", "pk"
    )


def submission_list(*, edition: Edition) -> QuerySet[Project]:
    """The secretariat's queue: an edition's submissions (no drafts), oldest first."""
    return (
        Project.objects.filter(edition=edition)
        .exclude(status=ProjectStatus.DRAFT)
        .select_related("category", "submitted_by")
        .order_by("submitted_at", "pk")
    )
