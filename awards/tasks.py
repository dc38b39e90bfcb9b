from celery import shared_task

from awards.models import Edition, Project, ProjectStatus
from awards.services.certificates import booklet_generate, certificates_generate


@shared_task
def certificates_for_edition(*, edition_id: int) -> int:
    """Every Winner's and Champion's certificates, and the booklet; safe to run again."""
    edition = Edition.objects.get(pk=edition_id)
    projects = Project.objects.filter(
        edition=edition, status__in=[ProjectStatus.WINNER, ProjectStatus.CHAMPION]
    )
    for project in projects:
        certificates_generate(project=project)
    booklet_generate(edition=edition)
    return projects.count()
