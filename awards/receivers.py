from typing import Any

from django.dispatch import receiver

from accounts.models import User
from accounts.signals import personal_data_requested, roles_changed
from awards.models import Project
from awards.selectors import project_history_for_owner, project_status_for_owner
from awards.services import audit_role_changes
from awards.translations import translations_of


@receiver(personal_data_requested, dispatch_uid="awards-personal-data")
def projects_for_download(sender, *, user: User, **kwargs) -> tuple[str, list[dict[str, Any]]]:
    """The person's projects as their own pages show them: a Winner under embargo is
    the Champion it also is, without the event that made it the Winner."""
    projects = (
        Project.objects.filter(submitted_by=user)
        .select_related("edition", "category")
        .prefetch_related("events")
        .order_by("edition__year", "category__number", "title")
    )
    return "projects", [
        {
            "edition": project.edition.year,
            "category": project.category.number,
            "title": project.title,
            "organisation": project.organisation_name,
            "short_description": project.short_description,
            # The title and short description in other languages, as the person gave them.
            "translations": translations_of(project),
            "status": project_status_for_owner(project=project).value,
            "created_at": project.created_at.isoformat(),
            "submitted_at": project.submitted_at.isoformat() if project.submitted_at else None,
            "history": [
                {"kind": event.kind, "at": event.at.isoformat(), "note": event.note}
                for event in project_history_for_owner(project=project)
            ],
        }
        for project in projects
    ]


@receiver(roles_changed, dispatch_uid="awards-audit-roles")
def roles_into_audit_trail(sender, *, user: User, by: User | None, changes, **kwargs) -> None:
    audit_role_changes(user=user, by=by, changes=changes)
