"""Phase 6: the ceremony reveals the Winners category by category, in Action Line
order; the results stay under embargo until the secretariat publishes them."""

import logging
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import require_secretariat
from awards.models import AuditAction, Category, Edition, Project, ProjectStatus
from awards.selectors import ceremony_feed_forget, ceremony_to_reveal
from awards.services.audit import audit_record
from config.celery import task_queue_after_commit
from config.errors import Conflict, DomainError, NotFound

logger = logging.getLogger(__name__)


class ResultsNotPublished(NotFound):
    """Asked for what only published results show (the results, their documents): for
    everyone but the secretariat and the jury they do not exist yet."""

    code = "results_not_published"
    default_detail = _("The results of this edition are not published yet.")


class WinnersMissing(Conflict):
    code = "winners_missing"
    default_detail = _("Every category needs its confirmed Winner first.")


class AlreadyPublished(Conflict):
    code = "results_published"
    default_detail = _("The results of this edition are already published.")


class NothingToReveal(Conflict):
    code = "nothing_to_reveal"
    default_detail = _("Every category has been revealed.")


class NotNextToReveal(Conflict):
    code = "not_next_to_reveal"
    default_detail = _(
        "This category is no longer the next to reveal: someone revealed it meanwhile."
        " Check the page again."
    )


class UnrevealedCategories(Conflict):
    code = "categories_unrevealed"
    default_detail = _(
        "The ceremony has categories still to reveal: confirm that the results are published"
        " although they are not revealed."
    )


class ScheduleInvalid(DomainError):
    code = "invalid_schedule"
    default_detail = _("Choose a date and time in the future.")


class NotScheduled(Conflict):
    code = "not_scheduled"
    default_detail = _("No publication is scheduled.")


def _undecided(edition: Edition) -> list[int]:
    decided = set(
        Category.objects.filter(edition=edition, projects__status=ProjectStatus.WINNER).values_list(
            "number", flat=True
        )
    )
    with_champions = set(
        Category.objects.filter(
            edition=edition, projects__status__in=[ProjectStatus.CHAMPION, ProjectStatus.WINNER]
        ).values_list("number", flat=True)
    )
    return sorted(with_champions - decided)


def ceremony_unrevealed(*, edition: Edition) -> list[Category]:
    """The categories publishing would show before the ceremony reveals them."""
    return list(ceremony_to_reveal(edition=edition))


def ceremony_under_way(*, edition: Edition) -> bool:
    """Whether the ceremony has begun revealing: a category of the edition is revealed.
    (Publishing before the first reveal is the usual way to skip a ceremony.)"""
    return Category.objects.filter(edition=edition, revealed_at__isnull=False).exists()


@transaction.atomic
def ceremony_reveal_next(
    *,
    edition: Edition,
    by: User,
    at: datetime | None = None,
    expected: Category | None = None,
) -> Category:
    """Reveal the next category's Winner, in Action Line (category number) order;
    ``expected``, the category the host confirmed, must still be the next one."""
    at = at or timezone.now()
    require_secretariat(by, refusal=gettext("Only the secretariat or the ceremony host reveals."))
    if _undecided(edition):
        raise WinnersMissing()
    category = ceremony_to_reveal(edition=edition).first()
    if category is None:
        raise NothingToReveal()
    if expected is not None and expected.pk != category.pk:
        raise NotNextToReveal()
    # Conditional, so that two hosts pressing at once reveal one category, not two.
    if not Category.objects.filter(pk=category.pk, revealed_at__isnull=True).update(revealed_at=at):
        raise NothingToReveal()
    category.revealed_at = at
    winner = Project.objects.filter(category=category, status=ProjectStatus.WINNER).first()
    audit_record(
        edition=edition,
        actor=by,
        action=AuditAction.CATEGORY_REVEALED,
        details={
            "category": category.number,
            "category_title": category.title,
            "project": winner.pk if winner else None,
            "project_title": winner.title if winner else "",
            "changes": {"revealed_at": [None, at.isoformat()]},
        },
        at=at,
    )
    # The audience's shared answer, once the reveal is there for its next reader.
    transaction.on_commit(partial(ceremony_feed_forget, year=edition.year))
    return category


@transaction.atomic
def results_publish(
    *,
    edition: Edition,
    by: User,
    at: datetime | None = None,
    unrevealed_confirmed: bool = False,
) -> Edition:
    """Lift the embargo: the results endpoint, pages and files show the outcome. During
    the ceremony, categories still unrevealed need ``unrevealed_confirmed``."""
    at = at or timezone.now()
    require_secretariat(by, refusal=gettext("Only the secretariat publishes the results."))
    if _undecided(edition):
        raise WinnersMissing()
    unrevealed = ceremony_unrevealed(edition=edition)
    if unrevealed and not unrevealed_confirmed and ceremony_under_way(edition=edition):
        raise UnrevealedCategories()
    return _publish(edition=edition, by=by, at=at, unrevealed=unrevealed, scheduled=False)


def _publish(
    *, edition: Edition, by: User | None, at: datetime, unrevealed: list[Category], scheduled: bool
) -> Edition:
    published = Edition.objects.filter(pk=edition.pk, results_published_at__isnull=True).update(
        results_published_at=at, results_scheduled_at=None
    )
    if not published:
        raise AlreadyPublished()
    edition.results_published_at, edition.results_scheduled_at = at, None
    audit_record(
        edition=edition,
        actor=by,
        action=AuditAction.RESULTS_PUBLISHED,
        details={
            "scheduled": scheduled,
            "unrevealed": [category.number for category in unrevealed],
            "changes": {"results_published_at": [None, at.isoformat()]},
        },
        at=at,
    )
    # The certificates, Champion letters and booklet, once this commits; a download
    # makes what the task has not made yet.
    from awards.tasks import certificates_for_edition  # the task calls these services

    task_queue_after_commit(certificates_for_edition, edition_id=edition.pk)
    return edition


@transaction.atomic
def publication_schedule(
    *, edition: Edition, by: User, when: datetime, at: datetime | None = None
) -> Edition:
    """Publish the results at ``when`` (beat's ``results_publish_when_due``), whatever
    the ceremony has revealed by then: scheduling is that confirmation."""
    at = at or timezone.now()
    require_secretariat(by, refusal=gettext("Only the secretariat publishes the results."))
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if edition.results_published_at is not None:
        raise AlreadyPublished()
    if when <= at:
        raise ScheduleInvalid(field="when")
    before = edition.results_scheduled_at
    edition.results_scheduled_at = when
    edition.save(update_fields=["results_scheduled_at"])
    audit_record(
        edition=edition,
        actor=by,
        action=AuditAction.PUBLICATION_SCHEDULED,
        details={
            "unrevealed": [c.number for c in ceremony_unrevealed(edition=edition)],
            "changes": {
                "results_scheduled_at": [before.isoformat() if before else None, when.isoformat()]
            },
        },
        at=at,
    )
    return edition


@transaction.atomic
def publication_unschedule(*, edition: Edition, by: User, at: datetime | None = None) -> Edition:
    """Cancel the scheduled publication."""
    at = at or timezone.now()
    require_secretariat(by, refusal=gettext("Only the secretariat publishes the results."))
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    before = edition.results_scheduled_at
    if before is None or edition.results_published_at is not None:
        raise NotScheduled()
    edition.results_scheduled_at = None
    edition.save(update_fields=["results_scheduled_at"])
    audit_record(
        edition=edition,
        actor=by,
        action=AuditAction.PUBLICATION_UNSCHEDULED,
        details={"changes": {"results_scheduled_at": [before.isoformat(), None]}},
        at=at,
    )
    return edition


def results_publish_when_due(*, at: datetime | None = None) -> list[Edition]:
    """Publish every edition whose scheduled moment has come (the scheduled task);
    safe to run again. One still missing a Winner waits, and is tried at the next run."""
    at = at or timezone.now()
    published = []
    due = Edition.objects.filter(results_scheduled_at__lte=at, results_published_at__isnull=True)
    for edition in due:
        if _undecided(edition):
            logger.warning("Scheduled publication of %s waits for its Winners.", edition.year)
            continue
        try:
            with transaction.atomic():
                unrevealed = ceremony_unrevealed(edition=edition)
                _publish(edition=edition, by=None, at=at, unrevealed=unrevealed, scheduled=True)
        except AlreadyPublished:
            continue
        published.append(edition)
    return published
