"""Who may see what of a project beyond its public page."""

from accounts.permissions import AnyUser, can_act_as_secretariat
from awards.models import Project
from awards.selectors import results_are_public


def can_download_certificates(user: AnyUser, project: Project) -> bool:
    """The project's submitter, and the secretariat; once the results are published."""
    if not results_are_public(edition=project.edition) or not user.is_authenticated:
        return False
    return project.submitted_by_id == user.pk or can_act_as_secretariat(user)
