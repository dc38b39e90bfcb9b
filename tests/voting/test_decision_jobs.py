"""Fraud decisions run as background jobs: their progress, running them twice, one job
at a time per account, and the same outcome as the decisions taken in the request."""

from datetime import timedelta

import pytest
from django.test import TestCase

from awards.models import AuditAction, AuditEntry
from awards.phases import Phase
from config.errors import NotAllowed
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory
from tests.frontend.test_review_pages import cluster, mailbox_pair
from voting.fraud import fraud_flags, signal_computation_get, stored_open
from voting.models import DecisionAction, DecisionJob, DecisionStatus, Vote
from voting.selectors import standings, tally_differences
from voting.services import (
    AlreadyExcluded,
    DecisionInProgress,
    account_votes_invalidate,
    decision_jobs_resume,
    decision_queue,
    decision_run,
    voter_exclude,
)

pytestmark = pytest.mark.django_db

REASON = "Accounts made for this vote."


@pytest.fixture
def edition():
    return EditionFactory(year=2032, phase=Phase.VOTING)


@pytest.fixture
def nominee(edition):
    return ProjectFactory(category=CategoryFactory(edition=edition, number=3))


def queued(**kwargs) -> DecisionJob:
    """Queue a decision without running it (as when the broker has it, no worker yet)."""
    with TestCase.captureOnCommitCallbacks(execute=False):
        return decision_queue(**kwargs)


def test_a_queued_job_runs_once_and_reports_its_progress(edition, nominee, admin_user):
    votes = cluster(nominee)
    [flag] = fraud_flags(edition=edition)
    job = queued(
        edition=edition,
        action=DecisionAction.INVALIDATE_SIGNAL,
        flag=flag,
        by=admin_user,
        reason=REASON,
    )
    assert (job.status, job.done, job.total) == (DecisionStatus.QUEUED, 0, 5)
    assert Vote.objects.filter(invalidated_at__isnull=True).count() == 5

    with TestCase.captureOnCommitCallbacks(execute=True):
        decision_run(job_id=job.pk)
    again = decision_run(job_id=job.pk)  # a second delivery of the task

    assert again is None
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.votes_invalidated) == (
        DecisionStatus.DONE,
        5,
        5,
        5,
    )
    assert job.started_at and job.finished_at >= job.started_at
    assert set(Vote.objects.filter(invalidated_at__isnull=False).values_list("pk", flat=True)) == {
        vote.pk for vote in votes
    }
    [entry] = AuditEntry.objects.filter(action=AuditAction.VOTES_INVALIDATED)
    # With the kind of signal acted on, as the audit trail names it.
    assert entry.details == {"votes": 5, "accounts": 5, "signal": "new_accounts_one_network"}
    # The job computed the signals again: the cluster no longer counts, so it is gone.
    assert signal_computation_get(edition=edition) is not None
    assert not stored_open(edition=edition).exists()


def test_a_second_click_while_a_job_waits_starts_no_second_job(edition, nominee, admin_user):
    [vote] = cluster(nominee, size=1)
    first = queued(
        edition=edition,
        action=DecisionAction.INVALIDATE_ACCOUNT,
        voter=vote.voter,
        by=admin_user,
        reason=REASON,
    )

    with pytest.raises(DecisionInProgress):
        queued(
            edition=edition,
            action=DecisionAction.EXCLUDE_ACCOUNT,
            voter=vote.voter,
            by=admin_user,
            reason=REASON,
        )

    assert list(DecisionJob.objects.all()) == [first]
    decision_run(job_id=first.pk)
    # Once it is done, the account can be decided about again.
    queued(
        edition=edition,
        action=DecisionAction.EXCLUDE_ACCOUNT,
        voter=vote.voter,
        by=admin_user,
        reason=REASON,
    )
    assert DecisionJob.objects.count() == 2


def test_one_accounts_job_does_not_block_anothers(edition, nominee, admin_user):
    one, other = (vote.voter for vote in cluster(nominee, size=2))
    jobs = [
        queued(
            edition=edition,
            action=DecisionAction.INVALIDATE_ACCOUNT,
            voter=voter,
            by=admin_user,
            reason=REASON,
        )
        for voter in (one, other)
    ]

    decision_run(job_id=jobs[1].pk)

    assert not Vote.objects.get(voter=other).is_valid
    assert Vote.objects.get(voter=one).is_valid
    assert DecisionJob.objects.get(pk=jobs[0].pk).status == DecisionStatus.QUEUED


def test_invalidating_by_job_gives_what_the_service_gives(nominee, admin_user):
    edition = nominee.edition
    by_job, by_service = (vote.voter for vote in mailbox_pair(nominee))
    job = queued(
        edition=edition,
        action=DecisionAction.INVALIDATE_ACCOUNT,
        voter=by_job,
        by=admin_user,
        reason=REASON,
    )
    decision_run(job_id=job.pk)
    account_votes_invalidate(edition=edition, voter=by_service, by=admin_user, reason=REASON)

    for voter in (by_job, by_service):
        vote = Vote.objects.get(voter=voter)
        assert (vote.is_valid, vote.invalidated_reason, vote.invalidated_by) == (
            False,
            REASON,
            admin_user,
        )
    entries = AuditEntry.objects.filter(action=AuditAction.VOTES_INVALIDATED).order_by("pk")
    assert [(e.subject, e.reason, e.details) for e in entries] == [
        (by_job, REASON, {"votes": 1, "accounts": 1}),
        (by_service, REASON, {"votes": 1, "accounts": 1}),
    ]
    assert standings(edition=edition) == {nominee.pk: 0}
    assert tally_differences(edition=edition) == {}


def test_an_exclusion_refused_when_it_runs_fails_the_job_and_says_why(edition, nominee, admin_user):
    [vote] = cluster(nominee, size=1)
    job = queued(
        edition=edition,
        action=DecisionAction.EXCLUDE_ACCOUNT,
        voter=vote.voter,
        by=admin_user,
        reason=REASON,
    )
    voter_exclude(edition=edition, voter=vote.voter, by=admin_user, reason="Meanwhile.")

    decision_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.error, job.votes_invalidated) == (
        DecisionStatus.FAILED,
        AlreadyExcluded.code,
        0,
    )
    assert AuditEntry.objects.filter(action=AuditAction.VOTER_EXCLUDED).count() == 1


def test_only_the_secretariat_queues_decisions(edition, nominee):
    [vote] = cluster(nominee, size=1)
    voter = UserFactory(email_confirmed=True)

    with pytest.raises(NotAllowed):
        queued(
            edition=edition,
            action=DecisionAction.INVALIDATE_ACCOUNT,
            voter=vote.voter,
            by=voter,
            reason=REASON,
        )

    assert not DecisionJob.objects.exists()


def invalidation_queued(edition, voter, by) -> DecisionJob:
    return queued(
        edition=edition, action=DecisionAction.INVALIDATE_ACCOUNT, voter=voter, by=by, reason=REASON
    )


def test_a_job_the_broker_lost_is_sent_again_and_runs_once(edition, nominee, admin_user):
    voter = cluster(nominee)[0].voter
    job = invalidation_queued(edition, voter, admin_user)
    later = job.queued_at + timedelta(minutes=3)

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert decision_jobs_resume(now=later) == {"resent": 1, "stopped": 0}
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert decision_jobs_resume(now=later) == {"resent": 0, "stopped": 0}

    job.refresh_from_db()
    assert job.status == DecisionStatus.DONE
    assert not Vote.objects.filter(voter=voter, invalidated_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action=AuditAction.VOTES_INVALIDATED).count() == 1


def test_a_job_just_queued_is_left_to_its_worker(edition, nominee, admin_user):
    voter = cluster(nominee)[0].voter
    job = invalidation_queued(edition, voter, admin_user)

    with TestCase.captureOnCommitCallbacks(execute=True):
        resumed = decision_jobs_resume(now=job.queued_at + timedelta(seconds=30))

    assert resumed == {"resent": 0, "stopped": 0}
    job.refresh_from_db()
    assert job.status == DecisionStatus.QUEUED


def test_a_job_whose_worker_stopped_frees_the_account_for_a_new_decision(
    edition, nominee, admin_user
):
    voter = cluster(nominee)[0].voter
    job = invalidation_queued(edition, voter, admin_user)
    started = job.queued_at + timedelta(seconds=1)
    DecisionJob.objects.filter(pk=job.pk).update(status=DecisionStatus.RUNNING, started_at=started)

    assert decision_jobs_resume(now=started + timedelta(minutes=5)) == {"resent": 0, "stopped": 0}
    assert decision_jobs_resume(now=started + timedelta(minutes=16)) == {"resent": 0, "stopped": 1}

    job.refresh_from_db()
    assert (job.status, job.error) == (DecisionStatus.FAILED, "interrupted")
    again = invalidation_queued(edition, voter, admin_user)
    assert again.status == DecisionStatus.QUEUED
