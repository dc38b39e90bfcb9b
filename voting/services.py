"""Writes of the voting app: casting, changing and withdrawing votes (DESIGN.md,
phase 3). One vote per voter per category is a unique constraint, written with a
single upsert: no interleaving of requests can make a second vote."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.errors import EmailNotVerified
from accounts.models import User
from accounts.permissions import has_confirmed_email, require_secretariat
from awards.models import Category, Edition
from awards.phases import Phase
from awards.selectors import edition_phase_is_open
from awards.services import standings_record
from config.errors import DomainError, NotAllowed
from voting.catalogue import voting_catalogue
from voting.models import Vote, VoteAction, VoteEvent
from voting.selectors import valid_count


class VotingClosed(NotAllowed):
    code = "voting_closed"
    default_detail = "Public online voting is not open: votes cannot be cast or changed now."


class NotANominee(DomainError):
    code = "not_a_nominee"
    default_detail = "This is not an accepted nominee of this edition."


class WrongCategory(DomainError):
    code = "wrong_category"
    default_detail = "This nominee competes in another category."


class Outcome(StrEnum):
    CREATED = "created"
    CHANGED = "changed"
    SAME = "same"


@dataclass(frozen=True)
class Cast:
    outcome: Outcome
    nominee_id: int


def _require_voting_open(edition: Edition, at: datetime) -> None:
    if not edition_phase_is_open(edition=edition, phase=Phase.VOTING, at=at):
        raise VotingClosed()


def _require_voter(voter: User) -> None:
    if not has_confirmed_email(voter):
        raise EmailNotVerified()


def _check_nominee(*, edition: Edition, category: Category, nominee_id: int) -> None:
    catalogue = voting_catalogue(year=edition.year)
    number = catalogue.nominee_categories.get(nominee_id) if catalogue else None
    if number is None:
        raise NotANominee(field="nominee")
    if number != category.number:
        raise WrongCategory(field="nominee")


# One statement: inserts the vote, or changes it when the nominee differs (a repeat
# returns no row). Only a fresh insert has this request's moment as cast_at. Two
# requests of one voter may commit in the other order than their moments: a change
# never dates from before the vote it changes.
_ROW = """%(edition)s, %(category)s, %(nominee)s, %(voter)s, %(at)s, %(at)s, %(network)s,
        %(user_agent)s, ''"""
_UPSERT_INTO = """
INSERT INTO voting_vote
    (edition_id, category_id, nominee_id, voter_id, cast_at, changed_at, network,
     user_agent, invalidated_reason)
{rows}
ON CONFLICT (voter_id, category_id) DO UPDATE SET
    nominee_id = EXCLUDED.nominee_id,
    changed_at = CASE WHEN EXCLUDED.changed_at > voting_vote.cast_at
                      THEN EXCLUDED.changed_at ELSE voting_vote.cast_at END,
    network = EXCLUDED.network,
    user_agent = EXCLUDED.user_agent
WHERE voting_vote.nominee_id <> EXCLUDED.nominee_id
RETURNING cast_at = %(at)s AS created
"""
_UPSERT = _UPSERT_INTO.format(rows=f"VALUES ({_ROW})")
_EVENT = """
INSERT INTO voting_voteevent
    (edition_id, category_id, nominee_id, voter_id, action, at, network, user_agent, note)
SELECT %(edition)s, %(category)s, %(nominee)s, %(voter)s,
       CASE WHEN {created} THEN 'cast' ELSE 'changed' END, %(at)s, %(network)s,
       %(user_agent)s, ''
"""
# On PostgreSQL the vote and its history row go in one statement (a data-modifying
# CTE), atomic without a transaction of its own: the vote endpoint's hottest path.
_CAST_POSTGRESQL = (
    f"WITH vote AS ({_UPSERT}), "
    f"event AS ({_EVENT.format(created='created')} FROM vote) "
    "SELECT created FROM vote"
)
_EVENT_PORTABLE = _EVENT.format(created="%(created)s")


def _event(
    *,
    edition: Edition,
    category: Category,
    nominee_id: int,
    voter: User | None,
    action: str,
    at: datetime,
    network: str = "",
    user_agent: str = "",
    note: str = "",
) -> None:
    VoteEvent.objects.create(
        edition=edition,
        category=category,
        nominee_id=nominee_id,
        voter=voter,
        action=action,
        at=at,
        network=network,
        user_agent=user_agent,
        note=note,
    )


def _vote_values(
    edition: Edition,
    category: Category,
    voter_id: int,
    nominee_id: int,
    at: datetime,
    network: str,
    user_agent: str,
) -> dict:
    return {
        "edition": edition.pk,
        "category": category.pk,
        "nominee": nominee_id,
        "voter": voter_id,
        "at": connection.ops.adapt_datetimefield_value(at),
        "network": network,
        "user_agent": user_agent[:300],
    }


def _cast(created: bool | None, nominee_id: int) -> Cast:
    """The outcome of a vote statement: whether it inserted, None for a repeat."""
    if created is None:
        return Cast(outcome=Outcome.SAME, nominee_id=nominee_id)
    return Cast(outcome=Outcome.CREATED if created else Outcome.CHANGED, nominee_id=nominee_id)


def ballot_cast(
    *,
    edition: Edition,
    category: Category,
    voter: User,
    nominee_id: int,
    network: str = "",
    user_agent: str = "",
    at: datetime | None = None,
) -> Cast:
    """Vote for ``nominee_id`` in ``category``, or change the vote there to it.
    Repeating it changes nothing."""
    at = at or timezone.now()
    _require_voter(voter)
    _require_voting_open(edition, at)
    _check_nominee(edition=edition, category=category, nominee_id=nominee_id)
    values = _vote_values(edition, category, voter.pk, nominee_id, at, network, user_agent)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_CAST_POSTGRESQL, values)
            row = cursor.fetchone()
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_UPSERT, values)
            row = cursor.fetchone()
            if row is not None:
                cursor.execute(_EVENT_PORTABLE, {**values, "created": row[0]})
    return _cast(None if row is None else row[0], nominee_id)


@transaction.atomic
def ballot_withdraw(
    *,
    edition: Edition,
    category: Category,
    voter: User,
    network: str = "",
    user_agent: str = "",
    at: datetime | None = None,
) -> bool:
    """Withdraw the vote in ``category``; True if there was one. An invalidated vote
    stays on record for the fraud report (it counts for nothing already)."""
    at = at or timezone.now()
    _require_voter(voter)
    _require_voting_open(edition, at)
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM voting_vote WHERE voter_id = %s AND category_id = %s "
            "AND invalidated_at IS NULL RETURNING nominee_id",
            [voter.pk, category.pk],
        )
        row = cursor.fetchone()
    if row is None:
        return False
    _event(
        edition=edition,
        category=category,
        nominee_id=row[0],
        voter=voter,
        action=VoteAction.WITHDRAWN,
        at=at,
        network=network,
        user_agent=user_agent[:300],
    )
    return True


# --- Fraud review --------------------------------------------------------------------


class ReasonRequired(DomainError):
    code = "reason_required"
    default_detail = "Write why these votes are invalidated: the record keeps it."


@transaction.atomic
def votes_invalidate(
    *, votes: QuerySet[Vote], by: User, reason: str, at: datetime | None = None
) -> int:
    """Invalidate votes with a written reason; they leave the valid counts (the tallies
    follow by trigger) and the history records it. Returns how many changed."""
    at = at or timezone.now()
    require_secretariat(by, refusal="Only the secretariat invalidates votes.")
    reason = reason.strip()
    if not reason:
        raise ReasonRequired(field="reason")
    chosen = list(
        votes.select_for_update()
        .filter(invalidated_at__isnull=True)
        .values_list("pk", "edition_id", "category_id", "nominee_id", "voter_id")
    )
    Vote.objects.filter(pk__in=[row[0] for row in chosen]).update(
        invalidated_at=at, invalidated_reason=reason, invalidated_by=by
    )
    VoteEvent.objects.bulk_create(
        VoteEvent(
            edition_id=edition_id,
            category_id=category_id,
            nominee_id=nominee_id,
            voter_id=voter_id,
            action=VoteAction.INVALIDATED,
            at=at,
            note=reason,
        )
        for _, edition_id, category_id, nominee_id, voter_id in chosen
    )
    return len(chosen)


def account_votes_invalidate(
    *, edition: Edition, voter: User, by: User, reason: str, at: datetime | None = None
) -> int:
    """Invalidate every vote of one account in an edition."""
    return votes_invalidate(
        votes=Vote.objects.filter(edition=edition, voter=voter), by=by, reason=reason, at=at
    )


# --- The close of voting -------------------------------------------------------------


def champions_compute(
    *, edition: Edition, by: User | None = None, at: datetime | None = None
) -> list:
    """Count the valid votes and record the final standings, the Champions and the
    exclusion report in ``awards``. Safe to run again: the same votes give the same
    result. ``by`` is the secretariat member who asks; None when the scheduled task
    runs it at the close."""
    if by is not None:
        require_secretariat(by, refusal="Only the secretariat computes the Champions.")
    counted = valid_count(edition=edition)
    return standings_record(
        edition=edition,
        votes=counted.votes,
        exclusions=counted.exclusions,
        voters=counted.voters,
        by=by,
        at=at,
    )
