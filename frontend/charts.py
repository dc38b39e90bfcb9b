"""Figures for the vote bars of the standings and results pages."""


def percent(part: int, whole: int) -> float:
    """``part`` as a percentage of ``whole``; 0 when there is nothing yet."""
    return 100 * part / whole if whole else 0.0
