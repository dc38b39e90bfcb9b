from typing import Any

from django.dispatch import receiver

from accounts.models import User
from accounts.signals import personal_data_requested
from awards.models import Project


@receiver(personal_data_requested, dispatch_uid="awards-personal-data")
def projects_for_download(sender, *, user: User, **kwargs) -> tuple[str, list[dict[str, Any]]]:
    projects = (
        Project.objects.filter(submitted_by=user)
        .select_related("edition", "category")
        .order_by("edition__year", "category__number", "title")
    )
    return "projects", [
        {
            "edition": project.edition.year,
            "category": project.category.number,
            "title": project.title,
            "organisation": project.organisation_name,
            "status": project.status,
            "created_at": project.created_at.isoformat(),
            "submitted_at": project.submitted_at.isoformat() if project.submitted_at else None,
        }
        for project in projects
    ]
