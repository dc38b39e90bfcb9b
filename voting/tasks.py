from dataclasses import asdict

from celery import shared_task
from django.utils import timezone

from awards.models import Edition, ProjectStatus
from voting.fraud import signals_compute, signals_due
from voting.services import (
    ballot_receipts_send,
    champions_compute,
    decision_jobs_resume,
    decision_run,
    traces_purge,
)


@shared_task
def champions_when_voting_closes() -> list[int]:
    """Run by Celery beat every minute: record the Champions of every edition whose
    voting has closed and whose standings are not recorded yet. Running it twice
    changes nothing."""
    done = []
    due = Edition.objects.filter(
        voting_closes_at__lte=timezone.now(), standings_recorded_at__isnull=True
    ).exclude(projects__status=ProjectStatus.WINNER)
    for edition_id in due.values_list("pk", flat=True).distinct():
        champions_compute_for(edition_id=edition_id)
        done.append(edition_id)
    return done


@shared_task
def champions_compute_for(*, edition_id: int) -> None:
    champions_compute(edition=Edition.objects.get(pk=edition_id))


@shared_task
def ballot_receipts() -> int:
    """Run by Celery beat every five minutes: e-mail each voter who changed their
    ballot the summary of it (at most one an hour; ``services.ballot_receipts_send``)."""
    return ballot_receipts_send()


@shared_task
def decision_job_run(*, job_id: int) -> None:
    """Carry out a fraud decision queued by the page; running it twice changes nothing."""
    decision_run(job_id=job_id)


@shared_task
def decision_jobs_resume_lost() -> dict[str, int]:
    """Run by Celery beat every minute: the decision jobs the broker lost are sent again,
    those whose worker stopped are failed (``services.decision_jobs_resume``)."""
    return decision_jobs_resume()


@shared_task
def signals_compute_for(*, edition_id: int) -> None:
    """Compute an edition's fraud signals again (after a decision, or asked by the page)."""
    signals_compute(edition=Edition.objects.get(pk=edition_id))


@shared_task
def signals_refresh() -> list[int]:
    """Run by Celery beat every five minutes: compute again the fraud signals of every
    edition whose votes changed since they were last computed, while voting is open
    and until the Champions are counted. Running it twice changes nothing more."""
    done = []
    for edition in signals_due():
        signals_compute(edition=edition)
        done.append(edition.pk)
    return done


@shared_task
def traces_purge_expired() -> dict[str, int]:
    """Run by Celery beat daily: empty the networks and browsers of votes and sign-ups
    that the fraud review no longer needs (``services.traces_purge``); running it twice
    empties nothing more."""
    return asdict(traces_purge())
