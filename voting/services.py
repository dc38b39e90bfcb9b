"""Writes of the voting app: casting, changing and withdrawing votes (DESIGN.md,
phase 3). One vote per voter per category is a unique constraint, written with a
single upsert: no interleaving of requests can make a second vote."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.errors import EmailNotVerified
from accounts.models import User
from accounts.permissions import has_confirmed_email, require_secretariat
from accounts.services import email_send_templated
from awards.models import PUBLIC_STATUSES, AuditAction, Category, Edition, Project
from awards.phases import Phase
from awards.selectors import (
    category_list,
    edition_list_final,
    edition_phase_is_open,
    edition_winners_chosen,
    nominees_by_id,
)
from awards.services import WinnersAlreadyChosen, WrongCategory, audit_record, standings_record
from awards.vocabulary import translated
from config.celery import task_queue_after_commit
from config.errors import Conflict, DomainError, NotAllowed, ReasonRequired, reason_stripped
from voting.catalogue import voting_catalogue, voting_catalogue_forget
from voting.fraud import Flag, flag_key, signal_accounts_key
from voting.models import (
    AccountFlag,
    BallotReceipt,
    DecisionAction,
    DecisionJob,
    DecisionStatus,
    SignalDismissal,
    TracePurge,
    Vote,
    VoteAction,
    VoteEvent,
    VoterExclusion,
)
from voting.selectors import ballot_get, valid_count, vote_is_invalidated, voter_is_excluded


class VotingClosed(NotAllowed):
    code = "voting_closed"
    default_detail = _("Public online voting is not open: votes cannot be cast or changed now.")


class NotANominee(DomainError):
    code = "not_a_nominee"
    default_detail = _("This is not an accepted nominee of this edition.")


# The vote's words for awards' WrongCategory.
NOMINEE_ELSEWHERE = _("This nominee competes in another category.")


class VoterExcluded(NotAllowed):
    code = "voter_excluded"
    default_detail = _(
        "The secretariat has excluded your account from voting in this edition: you "
        "cannot vote, and your votes do not count."
    )


class VoteInvalidated(Conflict):
    code = "vote_invalidated"
    default_detail = _(
        "The secretariat has set your vote in this category aside: it does not count, "
        "and it can be neither changed nor withdrawn."
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
    if number != category.number:
        _require_nominee_now(edition=edition, category=category, nominee_id=nominee_id)


def _require_nominee_now(*, edition: Edition, category: Category, nominee_id: int) -> None:
    """Refuse a nominee that the database does not hold as an accepted nominee of
    ``category`` now; finding the catalogue stale drops it."""
    number = (
        Project.objects.filter(pk=nominee_id, edition=edition, status__in=PUBLIC_STATUSES)
        .values_list("category__number", flat=True)
        .first()
    )
    catalogue = voting_catalogue(year=edition.year)
    if catalogue is not None and catalogue.nominee_categories.get(nominee_id) != number:
        voting_catalogue_forget(year=edition.year)
    if number is None:
        raise NotANominee(field="nominee")
    if number != category.number:
        raise WrongCategory(NOMINEE_ELSEWHERE, field="nominee")


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
# only inside the edition's voting window, for an accepted nominee of the category and
# an account not excluded from voting in the edition, as the database holds them at
# that moment: a timeline changed in another process takes effect at once, whatever
# its catalogue says. A repeat, a vote the secretariat invalidated and a refusal
# return no row (``_unwritten`` tells them apart). Only a
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
    AND NOT EXISTS (SELECT 1 FROM voting_voterexclusion x WHERE x.voter_id = %(voter)s
                    AND x.edition_id = e.id AND x.lifted_at IS NULL)
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
# A withdrawal, inside the voting window as the database holds it, by an account not
# excluded from voting in the edition.
_WITHDRAW = """
DELETE FROM voting_vote
WHERE voter_id = %(voter)s AND category_id = %(category)s AND invalidated_at IS NULL
    AND EXISTS (SELECT 1 FROM awards_edition e WHERE e.id = %(edition)s
                AND e.voting_opens_at <= %(at)s AND e.voting_closes_at > %(at)s)
    AND NOT EXISTS (SELECT 1 FROM voting_voterexclusion x WHERE x.voter_id = %(voter)s
                    AND x.edition_id = %(edition)s AND x.lifted_at IS NULL)
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
    """Why a vote statement wrote nothing: raises the refusal, or returns where nothing
    was to be written: the vote named this nominee already (a repeat; another request
    of the same voter may have changed it since, after this one), or, ``nominee_id``
    None, there was no vote to withdraw."""
    if not _voting_is_open_now(edition, at):
        raise VotingClosed()
    if voter_is_excluded(edition=edition, voter=voter.pk):
        raise VoterExcluded()
    if vote_is_invalidated(category=category, voter=voter.pk):
        raise VoteInvalidated()
    if nominee_id is not None:
        _require_nominee_now(edition=edition, category=category, nominee_id=nominee_id)


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
    withdrawal is refused, as is any withdrawal by an account excluded from voting."""
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
# Every decision here is the secretariat's, with a written reason, and is appended to
# the audit trail of ``awards`` in the same transaction.


class AlreadyExcluded(Conflict):
    code = "already_excluded"
    default_detail = _("This account is already excluded from voting in this edition.")


class NotExcluded(Conflict):
    code = "not_excluded"
    default_detail = _("This account is not excluded from voting in this edition.")


class AlreadyFlagged(Conflict):
    code = "already_flagged"
    default_detail = _("This account is already flagged for review in this edition.")


class AlreadyDismissed(Conflict):
    code = "already_dismissed"
    default_detail = _("This signal is already dismissed.")


INVALIDATION_REASON_REQUIRED = _("Write why these votes are invalidated: the record keeps it.")
EXCLUSION_REASON_REQUIRED = _("Write why this account is excluded: the record keeps it.")
REINSTATEMENT_REASON_REQUIRED = _("Write why this account is reinstated: the record keeps it.")
FLAG_REASON_REQUIRED = _("Write why this account is flagged: the record keeps it.")
DISMISSAL_REASON_REQUIRED = _("Write why this signal is not fraud: the record keeps it.")
REINSTATEMENT_AFTER_WINNERS = _(
    "The Winners are chosen: an exclusion can no longer be lifted, as the votes it set "
    "aside could no longer count."
)


def _reason_given(reason: str, refusal: str = INVALIDATION_REASON_REQUIRED) -> str:
    reason = reason_stripped(reason)
    if not reason:
        raise ReasonRequired(refusal, field="reason")
    return reason


def _invalidate(
    *, votes: QuerySet[Vote], by: User, reason: str, at: datetime, signal: str = ""
) -> list[tuple]:
    """Invalidate the votes that still count, with the kind of fraud signal that led to
    it (empty for any other review: the public report counts by it), and record it in
    their history: the (id, edition, category, nominee, voter) of each."""
    chosen = list(
        votes.select_for_update()
        .filter(invalidated_at__isnull=True)
        .values_list("pk", "edition_id", "category_id", "nominee_id", "voter_id")
    )
    Vote.objects.filter(pk__in=[row[0] for row in chosen]).update(
        invalidated_at=at, invalidated_reason=reason, invalidated_by=by, invalidated_signal=signal
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
        for _pk, edition_id, category_id, nominee_id, voter_id in chosen
    )
    return chosen


@transaction.atomic
def votes_invalidate(
    *,
    votes: QuerySet[Vote],
    by: User,
    reason: str,
    at: datetime | None = None,
    signal: str = "",
) -> int:
    """Invalidate votes with a written reason; they leave the valid counts (the tallies
    follow by trigger), the history records it, and so does the audit trail (an entry
    per edition, naming the account when the votes are one account's). ``signal`` is
    the kind of fraud signal the decision came from (``voting.fraud.SIGNAL_KINDS``),
    empty for any other review. Returns how many changed."""
    at = at or timezone.now()
    require_secretariat(by, refusal=gettext("Only the secretariat invalidates votes."))
    reason = _reason_given(reason)
    chosen = _invalidate(votes=votes, by=by, reason=reason, at=at, signal=signal)
    by_edition: dict[int, list[tuple]] = {}
    for row in chosen:
        by_edition.setdefault(row[1], []).append(row)
    for edition_id, rows in by_edition.items():
        voters = {row[4] for row in rows}
        audit_record(
            edition=edition_id,
            actor=by,
            action=AuditAction.VOTES_INVALIDATED,
            subject=next(iter(voters)) if len(voters) == 1 else None,
            reason=reason,
            details={
                "votes": len(rows),
                "accounts": len(voters - {None}),
                **({"signal": signal} if signal else {}),
            },
            at=at,
        )
    return len(chosen)


def account_votes_invalidate(
    *,
    edition: Edition,
    voter: User,
    by: User,
    reason: str,
    at: datetime | None = None,
    signal: str = "",
) -> int:
    """Invalidate every vote of one account in an edition."""
    return votes_invalidate(
        votes=Vote.objects.filter(edition=edition, voter=voter),
        by=by,
        reason=reason,
        at=at,
        signal=signal,
    )


def _votes_held() -> None:
    """Hold the votes until this transaction ends. On PostgreSQL a vote statement
    checks for an exclusion as of the moment it starts: one started while an account
    is being excluded could still write after the exclusion's invalidation. The
    table's lock makes an exclusion wait for the votes in flight, and votes arriving
    meanwhile wait for it (a few milliseconds; reads go on). SQLite writes one
    transaction at a time already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE voting_vote IN SHARE ROW EXCLUSIVE MODE")


@transaction.atomic
def voter_exclude(
    *,
    edition: Edition,
    voter: User,
    by: User,
    reason: str,
    at: datetime | None = None,
    signal: str = "",
) -> VoterExclusion:
    """Exclude an account from voting in an edition: its votes there are invalidated
    with the reason (and ``signal``, the kind of fraud signal that led to it, if any),
    and it can cast, change or withdraw none until reinstated."""
    at = at or timezone.now()
    require_secretariat(by, refusal=_("Only the secretariat excludes accounts from voting."))
    reason = _reason_given(reason, EXCLUSION_REASON_REQUIRED)
    _votes_held()
    if voter_is_excluded(edition=edition, voter=voter):
        raise AlreadyExcluded()
    chosen = _invalidate(
        votes=Vote.objects.filter(edition=edition, voter=voter),
        by=by,
        reason=reason,
        at=at,
        signal=signal,
    )
    exclusion = VoterExclusion.objects.create(
        edition=edition,
        voter=voter,
        reason=reason,
        by=by,
        at=at,
        votes_set_aside=sorted(row[0] for row in chosen),
    )
    audit_record(
        edition=edition,
        actor=by,
        action=AuditAction.VOTER_EXCLUDED,
        subject=voter,
        reason=reason,
        details={"votes_invalidated": len(chosen), **({"signal": signal} if signal else {})},
        at=at,
    )
    return exclusion


@dataclass(frozen=True)
class Reinstatement:
    exclusion: VoterExclusion
    votes_restored: int
    # The Champions were counted with these votes left out: they must be counted
    # again (by the secretariat, never silently).
    recount_needed: bool


@transaction.atomic
def voter_reinstate(
    *, edition: Edition, voter: User, by: User, reason: str, at: datetime | None = None
) -> Reinstatement:
    """Lift an account's exclusion from voting in an edition: it may vote again, and
    the votes the exclusion set aside count again (their history says so; the tallies
    follow by trigger). Votes invalidated for another reason stay invalidated. Refused
    once the Winners are chosen."""
    at = at or timezone.now()
    require_secretariat(by, refusal=_("Only the secretariat reinstates accounts."))
    reason = _reason_given(reason, REINSTATEMENT_REASON_REQUIRED)
    if edition_winners_chosen(edition=edition):
        raise WinnersAlreadyChosen(REINSTATEMENT_AFTER_WINNERS)
    exclusion = (
        VoterExclusion.objects.select_for_update()
        .filter(edition=edition, voter=voter, lifted_at=None)
        .first()
    )
    if exclusion is None:
        raise NotExcluded()
    VoterExclusion.objects.filter(pk=exclusion.pk).update(
        lifted_at=at, lifted_by=by, lift_reason=reason
    )
    restored = list(
        Vote.objects.select_for_update()
        .filter(pk__in=exclusion.votes_set_aside, voter=voter, invalidated_at__isnull=False)
        .values_list("pk", "category_id", "nominee_id")
    )
    Vote.objects.filter(pk__in=[row[0] for row in restored]).update(
        invalidated_at=None, invalidated_reason="", invalidated_by=None, invalidated_signal=""
    )
    VoteEvent.objects.bulk_create(
        VoteEvent(
            edition=edition,
            category_id=category_id,
            nominee_id=nominee_id,
            voter=voter,
            action=VoteAction.RESTORED,
            at=at,
            note=reason,
        )
        for _pk, category_id, nominee_id in restored
    )
    audit_record(
        edition=edition,
        actor=by,
        action=AuditAction.VOTER_REINSTATED,
        subject=voter,
        reason=reason,
        details={"votes_restored": len(restored)},
        at=at,
    )
    exclusion.refresh_from_db()
    counted = Edition.objects.filter(pk=edition.pk, standings_recorded_at__isnull=False).exists()
    return Reinstatement(
        exclusion=exclusion, votes_restored=len(restored), recount_needed=bool(restored) and counted
    )


@transaction.atomic
def account_flag(
    *, edition: Edition, voter: User, by: User, reason: str, at: datetime | None = None
) -> AccountFlag:
    """Flag an account for review in an edition, where no computed signal found it: it
    is reviewed with the signals, and dismissed or acted on as they are."""
    at = at or timezone.now()
    require_secretariat(by, refusal=_("Only the secretariat flags accounts."))
    reason = _reason_given(reason, FLAG_REASON_REQUIRED)
    if AccountFlag.objects.filter(edition=edition, voter=voter).exists():
        raise AlreadyFlagged()
    flag = AccountFlag.objects.create(edition=edition, voter=voter, reason=reason, by=by, at=at)
    audit_record(
        edition=edition,
        actor=by,
        action=AuditAction.ACCOUNT_FLAGGED,
        subject=voter,
        reason=reason,
        at=at,
    )
    return flag


@transaction.atomic
def signal_dismiss(
    *, edition: Edition, flag: Flag, by: User, reason: str, at: datetime | None = None
) -> SignalDismissal:
    """Record that a fraud signal is not fraud. It stays dismissed while it names the
    same accounts; it comes back for review once they change."""
    at = at or timezone.now()
    require_secretariat(by, refusal=_("Only the secretariat dismisses fraud signals."))
    reason = _reason_given(reason, DISMISSAL_REASON_REQUIRED)
    key = signal_accounts_key(flag)
    if SignalDismissal.objects.filter(edition=edition, kind=flag.kind, accounts_key=key).exists():
        raise AlreadyDismissed()
    dismissal = SignalDismissal.objects.create(
        edition=edition,
        kind=flag.kind,
        accounts_key=key,
        voter_ids=sorted(flag.voter_ids),
        reason=reason,
        by=by,
        at=at,
    )
    audit_record(
        edition=edition,
        actor=by,
        action=AuditAction.SIGNAL_DISMISSED,
        subject=flag.voter_ids[0] if len(flag.voter_ids) == 1 else None,
        reason=reason,
        details={"kind": flag.kind, "accounts": len(flag.voter_ids), "votes": len(flag.vote_ids)},
        at=at,
    )
    return dismissal


# --- Decisions as background jobs ------------------------------------------------------
# Invalidating and excluding run outside the request (``tasks.decision_job_run``): the
# page queues a job and shows its progress. One job at a time per account or signal
# (a unique index on the active ones); the jobs of different accounts run side by side.
# Each step calls the service above, which writes the audit trail with its count when
# that step commits.


class DecisionInProgress(Conflict):
    code = "decision_in_progress"
    default_detail = _("A decision about this is already queued or running: wait for it to finish.")


def _job_subject(*, voter: User | None, flag: Flag | None) -> str:
    if voter is not None:
        return f"account:{voter.pk}"
    return f"signal:{flag_key(flag)}"


def decision_queue(
    *,
    edition: Edition,
    action: str,
    by: User,
    reason: str,
    voter: User | None = None,
    flag: Flag | None = None,
    signal_kind: str = "",
    at: datetime | None = None,
) -> DecisionJob:
    """Queue an invalidation or an exclusion, about one account (``voter``) or what a
    signal concerns (``flag``), to run in the background. An account decision taken
    from a signal's list of accounts names that signal's kind (``signal_kind``); the
    votes it invalidates carry it, as those of a signal decision carry the flag's.
    Refused at once when the reason is missing, the account is excluded already, or a
    job about the same account or signal is queued or running."""
    at = at or timezone.now()
    if action == DecisionAction.EXCLUDE_ACCOUNT:
        require_secretariat(by, refusal=_("Only the secretariat excludes accounts from voting."))
        reason = _reason_given(reason, EXCLUSION_REASON_REQUIRED)
    else:
        require_secretariat(by, refusal=gettext("Only the secretariat invalidates votes."))
        reason = _reason_given(reason)
    if (voter is None) == (flag is None) or (
        (action == DecisionAction.INVALIDATE_SIGNAL) != (flag is not None)
    ):
        raise ValueError("An account decision names a voter, a signal decision a flag.")
    if action == DecisionAction.EXCLUDE_ACCOUNT and voter_is_excluded(edition=edition, voter=voter):
        raise AlreadyExcluded()
    if flag is not None:
        by_account = not flag.vote_ids
        total = len(flag.voter_ids) if by_account else len(flag.vote_ids)
    else:
        total = 1
    try:
        with transaction.atomic():
            job = DecisionJob.objects.create(
                edition=edition,
                action=action,
                subject=_job_subject(voter=voter, flag=flag),
                voter=voter,
                signal_kind=flag.kind if flag else signal_kind,
                vote_ids=list(flag.vote_ids) if flag else [],
                voter_ids=list(flag.voter_ids) if flag else [],
                reason=reason,
                by=by,
                total=total,
                queued_at=at,
            )
    except IntegrityError:
        raise DecisionInProgress() from None
    from voting.tasks import decision_job_run  # the tasks call these services

    task_queue_after_commit(decision_job_run, job_id=job.pk)
    return job


def _job_progress(job: DecisionJob, **changes) -> None:
    DecisionJob.objects.filter(pk=job.pk).update(**changes)
    for name, value in changes.items():
        setattr(job, name, value)


def _job_steps(job: DecisionJob, by: User) -> Iterator[int]:
    """Carry the job out step by step, yielding the votes each step invalidated."""
    edition, signal = job.edition, job.signal_kind
    if job.action == DecisionAction.EXCLUDE_ACCOUNT:
        exclusion = voter_exclude(
            edition=edition, voter=job.voter, by=by, reason=job.reason, signal=signal
        )
        yield len(exclusion.votes_set_aside)
    elif job.action == DecisionAction.INVALIDATE_ACCOUNT:
        yield account_votes_invalidate(
            edition=edition, voter=job.voter, by=by, reason=job.reason, signal=signal
        )
    elif job.vote_ids:
        # A signal that names votes: as one decision, one entry in the audit trail.
        yield votes_invalidate(
            votes=Vote.objects.filter(edition=edition, pk__in=job.vote_ids),
            by=by,
            reason=job.reason,
            signal=signal,
        )
    else:
        # A signal that names accounts: one account at a time, as the page did.
        for voter in User.objects.filter(pk__in=job.voter_ids).order_by("pk").iterator():
            yield account_votes_invalidate(
                edition=edition, voter=voter, by=by, reason=job.reason, signal=signal
            )


def decision_run(*, job_id: int) -> DecisionJob | None:
    """Run a queued decision job, reporting its progress on its row. Running it again,
    or while it runs, does nothing: the job is claimed by a conditional update. A
    refusal (the account was excluded meanwhile, the decider lost the role) fails the
    job with the refusal's code; what earlier steps did stays done, and recorded."""
    now = timezone.now()
    claimed = DecisionJob.objects.filter(pk=job_id, status=DecisionStatus.QUEUED).update(
        status=DecisionStatus.RUNNING, started_at=now
    )
    if claimed != 1:
        return None
    job = DecisionJob.objects.select_related("edition", "voter", "by").get(pk=job_id)
    invalidated = 0
    try:
        if job.by is None:
            raise NotAllowed(gettext("The account that decided this no longer exists."))
        for count in _job_steps(job, job.by):
            invalidated += count
            # A signal that names votes is one step of all its votes; the others, one
            # step per account.
            step = job.total if job.vote_ids else 1
            _job_progress(job, done=min(job.total, job.done + step), votes_invalidated=invalidated)
    except DomainError as refusal:
        _job_progress(
            job,
            status=DecisionStatus.FAILED,
            error=refusal.code,
            votes_invalidated=invalidated,
            finished_at=timezone.now(),
        )
    except Exception:
        _job_progress(
            job,
            status=DecisionStatus.FAILED,
            error="error",
            votes_invalidated=invalidated,
            finished_at=timezone.now(),
        )
        raise
    else:
        _job_progress(
            job,
            status=DecisionStatus.DONE,
            done=job.total,
            votes_invalidated=invalidated,
            finished_at=timezone.now(),
        )
    if invalidated:
        from voting.tasks import signals_compute_for  # the tasks call these services

        task_queue_after_commit(signals_compute_for, edition_id=job.edition_id)
    return job


# A job queued this long ago and still not started lost its message on the way to a
# worker; one running this long stopped with its worker (jobs take seconds).
DECISION_JOB_LOST_AFTER = timedelta(minutes=2)
DECISION_JOB_STOPPED_AFTER = timedelta(minutes=15)


def decision_jobs_resume(*, now: datetime | None = None) -> dict[str, int]:
    """Run by Celery beat every minute: send again the jobs the broker lost (claiming a
    job makes a second delivery do nothing), and fail the jobs whose worker stopped
    half-way, so that their account or signal is free for a new decision (what they did
    so far stays done and recorded; the page says to decide again)."""
    now = now or timezone.now()
    lost = list(
        DecisionJob.objects.filter(
            status=DecisionStatus.QUEUED, queued_at__lt=now - DECISION_JOB_LOST_AFTER
        ).values_list("pk", flat=True)
    )
    if lost:
        from voting.tasks import decision_job_run  # the tasks call these services

        for pk in lost:
            task_queue_after_commit(decision_job_run, job_id=pk)
    stopped = DecisionJob.objects.filter(
        status=DecisionStatus.RUNNING, started_at__lt=now - DECISION_JOB_STOPPED_AFTER
    ).update(status=DecisionStatus.FAILED, error="interrupted", finished_at=now)
    return {"resent": len(lost), "stopped": stopped}


# --- The close of voting -------------------------------------------------------------


def champions_compute(
    *, edition: Edition, by: User | None = None, at: datetime | None = None
) -> list:
    """Count the valid votes and record the final standings, the Champions and the
    exclusion report in ``awards``. Safe to run again: the same votes give the same
    result. ``by`` is the secretariat member who asks; None when the scheduled task
    runs it at the close."""
    if by is not None:
        require_secretariat(by, refusal=gettext("Only the secretariat computes the Champions."))
    counted = valid_count(edition=edition)
    return standings_record(
        edition=edition,
        votes=counted.votes,
        exclusions=counted.exclusions,
        voters=counted.voters,
        by=by,
        at=at,
    )


# --- Retention of traces -------------------------------------------------------------
# The network and browser of each vote (and of its history) and of each sign-up serve
# the fraud review only. Once an edition's results are final, and TRACE_RETENTION_DAYS
# after that, its review needs them no more: they are emptied, daily, by Celery beat.


@dataclass(frozen=True)
class TracesPurged:
    editions: int  # editions whose votes' traces were emptied by this run
    votes: int
    events: int
    accounts: int  # accounts whose sign-up traces were emptied


def _traces_empty(rows: QuerySet[Vote] | QuerySet[VoteEvent]) -> int:
    return rows.exclude(network="", user_agent="").update(network="", user_agent="")


def traces_purge(*, at: datetime | None = None) -> TracesPurged:
    """Empty the traces the fraud review no longer needs at ``at``:

    - the network and user agent of the votes and vote history of every edition whose
      results were final (published) more than TRACE_RETENTION_DAYS ago, each edition
      once (``TracePurge`` records it, so that its votes are not read again);
    - the sign-up network and browser of the accounts that joined before the latest
      such edition's voting closed and have voted in no edition still within its
      period (nor in one to come): those that voted only in expired editions, and
      those that never voted.

    Running it again, or twice at once, empties nothing more."""
    at = at or timezone.now()
    until = at - timedelta(days=settings.TRACE_RETENTION_DAYS)
    expired = edition_list_final(by=until)
    editions = votes = events = 0
    due = expired.exclude(Exists(TracePurge.objects.filter(edition=OuterRef("pk"))))
    for edition_id in due.values_list("pk", flat=True):
        try:
            with transaction.atomic():
                # Claimed first: a second run at once waits here, then finds it done.
                TracePurge.objects.create(edition_id=edition_id, at=at)
                emptied_votes = _traces_empty(Vote.objects.filter(edition_id=edition_id))
                emptied_events = _traces_empty(VoteEvent.objects.filter(edition_id=edition_id))
                TracePurge.objects.filter(edition_id=edition_id).update(
                    votes=emptied_votes, events=emptied_events
                )
        except IntegrityError:
            continue
        editions += 1
        votes += emptied_votes
        events += emptied_events
    last_close = expired.aggregate(last=Max("voting_closes_at"))["last"]
    accounts = 0
    if last_close is not None:
        current = Edition.objects.exclude(pk__in=expired.values("pk"))
        accounts = (
            User.objects.filter(date_joined__lt=last_close)
            .exclude(signup_network="", signup_browser="")
            .exclude(Exists(Vote.objects.filter(voter=OuterRef("pk"), edition__in=current)))
            .exclude(Exists(VoteEvent.objects.filter(voter=OuterRef("pk"), edition__in=current)))
            .update(signup_network="", signup_browser="")
        )
    return TracesPurged(editions=editions, votes=votes, events=events, accounts=accounts)


# --- Receipts ------------------------------------------------------------------------
# A voter who changed their ballot gets a summary of it by e-mail, once they have left
# it alone for a while, and at most one an hour: a ballot filled in one sitting makes one
# e-mail. Sent by Celery beat every few minutes, outside the vote's own request.

RECEIPT_QUIET = timedelta(minutes=10)  # no change for this long: the sitting is over
RECEIPT_EVERY = timedelta(hours=1)  # at most one summary in this time
# Changes older than this are not looked at again (the beat runs every 5 minutes: a
# change is due within an hour and a quarter at the latest).
RECEIPT_WINDOW = timedelta(hours=3)
_VOTER_ACTIONS = (VoteAction.CAST, VoteAction.CHANGED, VoteAction.WITHDRAWN)


@dataclass(frozen=True)
class ReceiptLine:
    number: int
    category: str
    nominee: str | None
    at: datetime | None
    withdraw_url: str


def ballot_receipts_due(*, at: datetime) -> list[tuple[int, int]]:
    """The (edition id, voter id) pairs whose ballot changed since their last summary,
    who left it alone for RECEIPT_QUIET, and had no summary in the last RECEIPT_EVERY."""
    last_receipt = BallotReceipt.objects.filter(
        edition=OuterRef("edition"), voter=OuterRef("voter")
    )
    changed = (
        VoteEvent.objects.filter(
            at__gt=at - RECEIPT_WINDOW,
            at__lte=at,
            voter__isnull=False,
            action__in=_VOTER_ACTIONS,
        )
        .values("edition", "voter")
        .annotate(
            last=Max("at"),
            covered=Subquery(last_receipt.values("covers_until")),
            sent=Subquery(last_receipt.values("sent_at")),
        )
        .filter(last__lte=at - RECEIPT_QUIET)
        .exclude(
            Exists(
                VoterExclusion.objects.filter(
                    edition=OuterRef("edition"), voter=OuterRef("voter"), lifted_at=None
                )
            )
        )
        .filter(Q(covered__isnull=True) | Q(last__gt=F("covered")))
        .filter(Q(sent__isnull=True) | Q(sent__lte=at - RECEIPT_EVERY))
        .order_by()
    )
    return [(row["edition"], row["voter"]) for row in changed]


def _receipt_lines(edition: Edition, voter: User) -> list[ReceiptLine]:
    ballot = ballot_get(edition=edition, voter=voter)
    votes = {vote.category: vote for vote in ballot.votes}
    nominees = nominees_by_id(edition=edition, ids=[vote.nominee for vote in ballot.votes])
    lines = []
    for category in category_list(edition=edition):
        vote = votes.get(category.number)
        nominee = nominees.get(vote.nominee) if vote else None
        path = reverse("frontend:ballot-withdraw", args=[edition.year, category.number])
        lines.append(
            ReceiptLine(
                number=category.number,
                category=translated(category.title),
                nominee=nominee.title if nominee else None,
                at=vote.changed_at if vote else None,
                withdraw_url=f"{settings.SITE_URL}{path}",
            )
        )
    return lines


@transaction.atomic
def ballot_receipt_send(*, edition: Edition, voter: User, at: datetime | None = None) -> bool:
    """Send ``voter`` the summary of their ballot in ``edition`` (through the outbox) and
    remember it; False, sending nothing, for an account excluded from voting there."""
    at = at or timezone.now()
    if voter_is_excluded(edition=edition, voter=voter):
        return False  # ballot_receipts_due leaves them out already
    lines = _receipt_lines(edition, voter)
    email_send_templated(
        to=voter.email,
        language=voter.language,
        template_prefix="voting/email/ballot_receipt",
        context={
            "user": voter,
            "edition": edition,
            "lines": lines,
            "voted": sum(line.nominee is not None for line in lines),
            "ballot_url": settings.SITE_URL + reverse("frontend:ballot", args=[edition.year]),
        },
    )
    BallotReceipt.objects.update_or_create(
        edition=edition, voter=voter, defaults={"sent_at": at, "covers_until": at}
    )
    return True


def ballot_receipts_send(*, at: datetime | None = None) -> int:
    """Send every summary due at ``at``; the number sent. Running it twice in a row
    sends nothing the second time."""
    at = at or timezone.now()
    due = ballot_receipts_due(at=at)
    editions = Edition.objects.in_bulk({edition_id for edition_id, _ in due})
    voters = User.objects.filter(is_active=True).in_bulk({voter_id for _, voter_id in due})
    sent = 0
    for edition_id, voter_id in due:
        if voter_id in voters:
            sent += ballot_receipt_send(edition=editions[edition_id], voter=voters[voter_id], at=at)
    return sent
