"""The phases of an edition, in the order they run, and the fields that time them.

This module owns the edition timeline: every other module asks it (or the selector
built on it) which phase is current, rather than comparing dates itself.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    SUBMISSION = "submission", _("Submission")
    NOMINATION = "nomination", _("Nomination")
    VOTING = "voting", _("Public online voting")
    CHAMPIONS = "champions", _("Champions")
    JURY = "jury", _("Winner selection")
    CEREMONY = "ceremony", _("Ceremony and publication")


PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)


def opens_field(phase: Phase) -> str:
    return f"{phase.value}_opens_at"


def closes_field(phase: Phase) -> str:
    return f"{phase.value}_closes_at"


@dataclass(frozen=True)
class PhaseWindow:
    """One phase of one edition: open from ``opens_at`` (included) to ``closes_at``
    (excluded)."""

    phase: Phase
    opens_at: datetime
    closes_at: datetime

    @property
    def label(self) -> str:
        return self.phase.label

    def contains(self, moment: datetime) -> bool:
        return self.opens_at <= moment < self.closes_at


DEFAULT_DURATIONS: dict[Phase, timedelta] = {
    Phase.SUBMISSION: timedelta(days=60),
    Phase.NOMINATION: timedelta(days=30),
    Phase.VOTING: timedelta(days=45),
    Phase.CHAMPIONS: timedelta(days=7),
    Phase.JURY: timedelta(days=30),
    Phase.CEREMONY: timedelta(days=4),
}


def timeline_around(
    *,
    current: Phase,
    at: datetime,
    durations: Mapping[Phase, timedelta] = DEFAULT_DURATIONS,
) -> dict[str, datetime]:
    """The opening and closing times of a gap-free timeline in which ``current`` is
    halfway through at ``at``, as edition field values."""
    index = PHASE_ORDER.index(current)
    opens = at - durations[current] / 2
    for phase in PHASE_ORDER[:index]:
        opens -= durations[phase]
    fields: dict[str, datetime] = {}
    for phase in PHASE_ORDER:
        closes = opens + durations[phase]
        fields[opens_field(phase)] = opens
        fields[closes_field(phase)] = closes
        opens = closes
    return fields
