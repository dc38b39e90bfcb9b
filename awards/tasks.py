from celery import shared_task
from django.conf import settings

from awards.models import Edition, Project, ProjectStatus
from awards.services.certificates import booklet_generate, certificates_generate


@shared_task
def certificates_for_edition(*, edition_id: int) -> int:
    """Every Winner's and Champion's certificates, and the booklet in every language;
    safe to run again."""
    edition = Edition.objects.get(pk=edition_id)
    projects = Project.objects.filter(
        edition=edition, status__in=[ProjectStatus.WINNER, ProjectStatus.CHAMPION]
    )
    for project in projects:
        certificates_generate(project=project)
    for language, _name in settings.LANGUAGES:
        booklet_generate(edition=edition, language=language)
    return projects.count()


@shared_task
def results_publish_when_due() -> list[int]:
    """Publish the results whose scheduled moment has come (beat, every minute); safe
    to run twice: an edition is published once."""
    from awards.services.publication import results_publish_when_due as publish_due

    return [edition.year for edition in publish_due()]


@shared_task
def jury_reminders_when_due() -> int:
    """The scheduled jury reminder (beat, hourly); safe to run twice."""
    from awards.services.jury import jury_reminders_when_due as remind_due

    return len(remind_due())
