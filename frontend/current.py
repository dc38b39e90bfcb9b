"""The current edition as one request sees it.

The page header (through the context processor) and the page body both ask for the
current edition; they share one lookup, made only when something reads it, and one
moment, so that the header and the timeline never disagree about which phase is open.
"""

from datetime import datetime
from functools import cached_property

from django.http import HttpRequest
from django.utils import timezone

from awards.models import Edition
from awards.selectors import (
    TimelineState,
    edition_current,
    edition_get_or_404,
    edition_timeline_state,
    results_are_public,
)

_REQUEST_ATTRIBUTE = "_frontend_current_edition"


class CurrentEdition:
    """The most recent edition and where its timeline stands, loaded on first use."""

    @cached_property
    def at(self) -> datetime:
        return timezone.now()

    @cached_property
    def edition(self) -> Edition | None:
        return edition_current()

    @cached_property
    def state(self) -> TimelineState | None:
        if self.edition is None:
            return None
        return edition_timeline_state(edition=self.edition, at=self.at)

    @cached_property
    def results_public(self) -> bool:
        """Whether the current edition's results are published (no query: a field of the
        edition), for the header's links to the results, the ceremony and the booklet."""
        return self.edition is not None and results_are_public(edition=self.edition, at=self.at)

    def state_of(self, edition: Edition) -> TimelineState:
        """Where ``edition``'s timeline stands at this request's moment; the current
        edition's state is reused."""
        if self.edition is not None and self.edition.pk == edition.pk and self.state:
            return self.state
        return edition_timeline_state(edition=edition, at=self.at)


def current_edition(request: HttpRequest) -> CurrentEdition:
    """The request's CurrentEdition, created once per request."""
    current = getattr(request, _REQUEST_ATTRIBUTE, None)
    if current is None:
        current = CurrentEdition()
        setattr(request, _REQUEST_ATTRIBUTE, current)
    return current


def edition_or_404(request: HttpRequest, year: int) -> Edition:
    """The edition of ``year`` for a page. The header loads the current edition anyway:
    it is reused when it is the one asked for."""
    current = current_edition(request).edition
    if current is not None and current.year == year:
        return current
    return edition_get_or_404(year=year)
