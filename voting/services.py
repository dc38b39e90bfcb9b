"""Writes of the voting app: casting, changing and withdrawing votes (DESIGN.md,
phase 3). One vote per voter per category is a unique constraint, written with a
single upsert: no interleaving of requests can make a second vote."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from django.db import OperationalError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.errors import EmailNotVerified
from accounts.models import User
from accounts.permissions import has_confirmed_email, require_secretariat
from awards.models import PUBLIC_STATUSES, Category, Edition, Project
from awards.phases import Phase
from awards.selectors import edition_phase_is_open
from awards.services import standings_record
from config.errors import Conflict, DomainError, NotAllowed
from voting.catalogue import voting_catalogue, voting_catalogue_forget
from voting.models import Vote, VoteAction, VoteEvent
from voting.selectors import valid_count


class VotingClosed(NotAllowed):
    code = "voting_closed"
    default_detail = _("Public online voting is not open: votes cannot be cast or changed now.")


class NotANominee(DomainError):
    code = "not_a_nominee"
    default_detail = _("This is not an accepted nominee of this edition.")


class WrongCategory(DomainError):
    code = "wrong_category"
    default_detail = _("This nominee competes in another category.")


class VoteInvalidated(Conflict):
    code = "vote_invalidated"
    default_detail = _(
        "The secretariat set this vote aside: it can no longer be changed or withdrawn."
    )


class Outcome(StrEnum):
    CREATED = "created"
    CHANGED = "changed"
    SAME = "same"


@dataclass(frozen=True)
class Cast:
    outcome: Outcome
    nominee_id: int


def _require_voter(voter: User) -> None:
    if not has_confirmed_email(voter):
        raise EmailNotVerified()


def _voting_is_open_now(edition: Edition, at: datetime) -> bool:
    """Whether voting is open at ``at``, as the database holds the edition's timeline
    now. ``edition`` may come from the catalogue, which a change made in another
    process has left stale; finding it so drops the catalogue of its year."""
    fresh = Edition.objects.filter(pk=edition.pk).first()
    if fresh is None:
        return False
    if fresh.timeline != edition.timeline:
        voting_catalogue_forget(year=edition.year)
    return edition_phase_is_open(edition=fresh, phase=Phase.VOTING, at=at)


def _require_voting_open(edition: Edition, at: datetime) -> None:
    """Refuse outside the voting window, as the database holds it: a refusal reads
    the timeline again before it is given (while voting is open, the vote's statement
    checks the window in the database as it writes)."""
    if not edition_phase_is_open(
        edition=edition, phase=Phase.VOTING, at=at
    ) and not _voting_is_open_now(edition, at):
        raise VotingClosed()


def _check_nominee(*, edition: Edition, category: Category, nominee_id: int) -> None:
    """Refuse a nominee that is not an accepted nominee of ``category``, as the
    catalogue knows it and, before refusing, as the database knows it now."""
    catalogue = voting_catalogue(year=edition.year)
    number = catalogue.nominee_categories.get(nominee_id) if catalogue else None
    if number == category.number:
        return
    number = (
        Project.objects.filter(pk=nominee_id, edition=edition, status__in=PUBLIC_STATUSES)
        .values_list("category__number", flat=True)
        .first()
    )
    if number is not None:
        voting_catalogue_forget(year=edition.year)  # it was stale
    if number is None:
        raise NotANominee(field="nominee")
    if number != category.number:
        raise WrongCategory(field="nominee")


T = TypeVar("T")

# PostgreSQL's codes for a statement broken off to resolve a deadlock or a
# serialization failure: trying it again can succeed.
_RETRYABLE = frozenset({"40P01", "40001"})


def _retried_once(write: Callable[[], T]) -> T:
    """``write()``, tried once more if the database broke it off to resolve a deadlock
    or a serialization failure. Inside a transaction it runs in a savepoint, so that
    only the write is rolled back before the second try."""
    for attempt in (1, 2):
        try:
            if connection.in_atomic_block:
                with transaction.atomic():
                    return write()
            return write()
        except OperationalError as error:
            if attempt == 2 or getattr(error.__cause__, "sqlstate", None) not in _RETRYABLE:
                raise
    raise AssertionError("unreachable")


# One statement inserts the vote, or changes it when the nominee differs. It writes
# only inside the edition's voting window and for an accepted nominee of the category,
# as the database holds them at that moment: a timeline changed in another process
# takes effect at once, whatever its catalogue says. A repeat, a vote the secretariat
# invalidated and a refusal return no row (``_unwritten`` tells them apart). Only a
# fresh insert has this request's moment as cast_at. Two requests of one voter may
# commit in the other order than their moments: a change never dates from before the
# vote it changes.
_UPSERT = f"""
INSERT INTO voting_vote
    (edition_id, category_id, nominee_id, voter_id, cast_at, changed_at, network,
     user_agent, invalidated_reason)
SELECT p.edition_id, p.category_id, p.id, %(voter)s, %(at)s, %(at)s, %(network)s,
       %(user_agent)s, ''
FROM awards_project p JOIN awards_edition e ON e.id = p.edition_id
WHERE p.id = %(nominee)s AND p.category_id = %(category)s AND p.edition_id = %(edition)s
    AND p.status IN ({", ".join(f"'{status}'" for status in PUBLIC_STATUSES)})
    AND e.voting_opens_at <= %(at)s AND e.voting_closes_at > %(at)s
ON CONFLICT (voter_id, category_id) DO UPDATE SET
    nominee_id = EXCLUDED.nominee_id,
    changed_at = CASE WHEN EXCLUDED.changed_at > voting_vote.cast_at
                      THEN EXCLUDED.changed_at ELSE voting_vote.cast_at END,
    network = EXCLUDED.network,
    user_agent = EXCLUDED.user_agent
WHERE voting_vote.nominee_id <> EXCLUDED.nominee_id AND voting_vote.invalidated_at IS NULL
RETURNING cast_at = %(at)s AS created
"""
_EVENT = """
INSERT INTO voting_voteevent
    (edition_id, category_id, nominee_id, voter_id, action, at, network, user_agent, note)
SELECT %(edition)s, %(category)s, %(nominee)s, %(voter)s,
       CASE WHEN {created} THEN 'cast' ELSE 'changed' END, %(at)s, %(network)s,
       %(user_agent)s, ''
"""
# On PostgreSQL the vote and its history row go in one statement (a data-modifying
# CTE), atomic without a transaction of its own.
_CAST_POSTGRESQL = (
    f"WITH vote AS ({_UPSERT}), "
    f"event AS ({_EVENT.format(created='created')} FROM vote) "
    "SELECT created FROM vote"
)
_EVENT_PORTABLE = _EVENT.format(created="%(created)s")
# A withdrawal, inside the voting window as the database holds it.
_WITHDRAW = """
DELETE FROM voting_vote
WHERE voter_id = %(voter)s AND category_id = %(category)s AND invalidated_at IS NULL
    AND EXISTS (SELECT 1 FROM awards_edition e WHERE e.id = %(edition)s
                AND e.voting_opens_at <= %(at)s AND e.voting_closes_at > %(at)s)
RETURNING nominee_id
"""


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
    nominee_id: int | None,
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


def _upsert(values: dict) -> tuple | None:
    """The vote and its history row; the statement's row, or None if it wrote none."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_CAST_POSTGRESQL, values)
            return cursor.fetchone()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_UPSERT, values)
        row = cursor.fetchone()
        if row is not None:
            cursor.execute(_EVENT_PORTABLE, {**values, "created": row[0]})
        return row


def _unwritten(
    *, edition: Edition, category: Category, voter: User, nominee_id: int | None, at: datetime
) -> None:
    """Why a vote statement wrote nothing: raises the refusal, or returns for a repeat
    of the vote as it stands (or, ``nominee_id`` None, a withdrawal without a vote)."""
    if not _voting_is_open_now(edition, at):
        raise VotingClosed()
    vote = (
        Vote.objects.filter(voter=voter, category=category)
        .values_list("nominee_id", "invalidated_at")
        .first()
    )
    if vote is not None and vote[1] is not None:
        raise VoteInvalidated()
    if nominee_id is None or (vote is not None and vote[0] == nominee_id):
        return
    # The database holds it as an accepted nominee of this category no longer.
    voting_catalogue_forget(year=edition.year)
    raise NotANominee(field="nominee")


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
    row = _retried_once(lambda: _upsert(values))
    if row is None:
        _unwritten(edition=edition, category=category, voter=voter, nominee_id=nominee_id, at=at)
        return Cast(outcome=Outcome.SAME, nominee_id=nominee_id)
    return Cast(outcome=Outcome.CREATED if row[0] else Outcome.CHANGED, nominee_id=nominee_id)


def ballot_withdraw(
    *,
    edition: Edition,
    category: Category,
    voter: User,
    network: str = "",
    user_agent: str = "",
    at: datetime | None = None,
) -> bool:
    """Withdraw the vote in ``category``; True if there was one. A vote the
    secretariat invalidated stays on record (it counts for nothing already): its
    withdrawal is refused."""
    at = at or timezone.now()
    _require_voter(voter)
    _require_voting_open(edition, at)
    values = _vote_values(edition, category, voter.pk, None, at, network, user_agent)

    @transaction.atomic
    def withdraw() -> int | None:
        with connection.cursor() as cursor:
            cursor.execute(_WITHDRAW, values)
            row = cursor.fetchone()
        if row is None:
            return None
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
        return row[0]

    if _retried_once(withdraw) is not None:
        return True
    _unwritten(edition=edition, category=category, voter=voter, nominee_id=None, at=at)
    return False


# --- Fraud review --------------------------------------------------------------------


class ReasonRequired(DomainError):
    code = "reason_required"
    default_detail = _("Write why these votes are invalidated: the record keeps it.")


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
