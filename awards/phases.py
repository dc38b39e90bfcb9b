"""The phases of an edition, in the order they run, and the fields that time them.

This module owns the edition timeline: every other module asks it (or the selector
built on it) which phase is current, rather than comparing dates itself.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import models


class Phase(models.TextChoices):
    SUBMISSION = "submission", "Submission"
    NOMINATION = "nomination", "Nomination"
    VOTING = "voting", "Public online voting"
    CHAMPIONS = "champions", "Champions"
    JURY = "jury", "Winner selection"
    CEREMONY = "ceremony", "Ceremony and publication"


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
