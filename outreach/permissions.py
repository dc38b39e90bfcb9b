"""Who may write to whom: the secretariat writes; the Winners can be written to only
once the results are public."""

from datetime import datetime

from accounts.permissions import AnyUser, can_act_as_secretariat
from awards.models import Edition
from awards.selectors import results_are_public
from outreach.models import Segment


def can_send_messages(user: AnyUser) -> bool:
    return can_act_as_secretariat(user)


def segment_is_open(edition: Edition, segment: str, *, at: datetime | None = None) -> bool:
    """Whether the secretariat may write to ``segment`` now. A message to the Winners
    alone would tell each of them (and anyone they forward it to) who won: it waits for
    the publication of the results, the embargo's end (awards.selectors)."""
    if segment == Segment.WINNERS:
        return results_are_public(edition=edition, at=at)
    return True
