"""Reads of the Expert Group's work: what a juror sees."""

from django.db.models import QuerySet

from accounts.models import User
from awards.models import (
    Project,
    ProjectStatus,
)


def jury_champions(*, juror: User) -> QuerySet[Project]:
    """What a member of the Expert Group sees: the Champions (and, once chosen, the
    Winners) of the categories assigned to them, and nothing else."""
    return Project.objects.filter(
        status__in=(ProjectStatus.CHAMPION, ProjectStatus.WINNER),
        category__jurors__juror=juror,
    ).distinct()
