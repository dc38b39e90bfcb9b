from dataclasses import dataclass
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from awards.models import Edition
from awards.phases import PHASE_ORDER, PhaseWindow
from awards.selectors import (
    TimelineState,
    categories_by_action_line,
    edition_timeline_state,
    results_are_public,
)
from frontend.current import current_edition, edition_or_404

StepStatus = Literal["done", "current", "upcoming"]


@dataclass(frozen=True)
class TimelineStep:
    window: PhaseWindow
    status: StepStatus


def timeline_steps(*, edition: Edition, state: TimelineState) -> list[TimelineStep]:
    """The edition's phases in order, each marked done, current or upcoming.

    Derived from the timeline state rather than from the dates, so that the selector
    stays the one place that decides which phase is open; phases run in order, so
    everything up to the last closed phase is done.
    """
    last_done = PHASE_ORDER.index(state.previous.phase) if state.previous else -1
    steps = []
    for index, window in enumerate(edition.timeline):
        status: StepStatus
        if state.current is not None and window.phase == state.current.phase:
            status = "current"
        elif index <= last_done:
            status = "done"
        else:
            status = "upcoming"
        steps.append(TimelineStep(window=window, status=status))
    return steps


def _edition_page(request: HttpRequest, edition: Edition) -> HttpResponse:
    current = current_edition(request)
    is_current = current.edition is not None and current.edition.pk == edition.pk
    state = current.state if is_current else edition_timeline_state(edition=edition, at=current.at)
    return render(
        request,
        "frontend/edition.html",
        {
            "edition": edition,
            "is_current": is_current,
            "state": state,
            "timeline": timeline_steps(edition=edition, state=state),
            "groups": categories_by_action_line(edition=edition),
            "results_public": results_are_public(edition=edition, at=current.at),
        },
    )


def home(request: HttpRequest) -> HttpResponse:
    edition = current_edition(request).edition
    if edition is None:
        return render(request, "frontend/no_edition.html")
    return _edition_page(request, edition)


def edition_detail(request: HttpRequest, year: int) -> HttpResponse:
    return _edition_page(request, edition_or_404(request, year))
