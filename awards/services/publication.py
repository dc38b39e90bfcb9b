"""Phase 6: the ceremony reveals the Winners category by category, in Action Line
order; the results stay under embargo until the secretariat publishes them."""

from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import require_secretariat
from awards.models import Category, Edition, ProjectStatus
from awards.selectors import ceremony_feed_forget, ceremony_to_reveal
from config.celery import task_queue_after_commit
from config.errors import Conflict, NotFound


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


@transaction.atomic
def ceremony_reveal_next(*, edition: Edition, by: User, at: datetime | None = None) -> Category:
    """Reveal the next category's Winner, in Action Line (category number) order."""
    at = at or timezone.now()
    require_secretariat(by, refusal=gettext("Only the secretariat or the ceremony host reveals."))
    if _undecided(edition):
        raise WinnersMissing()
    category = ceremony_to_reveal(edition=edition).first()
    if category is None:
        raise NothingToReveal()
    # Conditional, so that two hosts pressing at once reveal one category, not two.
    if not Category.objects.filter(pk=category.pk, revealed_at__isnull=True).update(revealed_at=at):
        raise NothingToReveal()
    category.revealed_at = at
    # The audience's shared answer, once the reveal is there for its next reader.
    transaction.on_commit(partial(ceremony_feed_forget, year=edition.year))
    return category


@transaction.atomic
def results_publish(*, edition: Edition, by: User, at: datetime | None = None) -> Edition:
    """Lift the embargo: the results endpoint, pages and files show the outcome."""
    at = at or timezone.now()
    require_secretariat(by, refusal=gettext("Only the secretariat publishes the results."))
    if _undecided(edition):
        raise WinnersMissing()
    published = Edition.objects.filter(pk=edition.pk, results_published_at__isnull=True).update(
        results_published_at=at
    )
    if not published:
        raise AlreadyPublished()
    edition.results_published_at = at
    # The certificates, Champion letters and booklet, once this commits; a download
    # makes what the task has not made yet.
    from awards.tasks import certificates_for_edition  # the task calls these services

    task_queue_after_commit(certificates_for_edition, edition_id=edition.pk)
    return edition
