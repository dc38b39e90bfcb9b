"""Who may see what of a project beyond its public page."""

from accounts.permissions import AnyUser, can_act_as_secretariat
from awards.models import PUBLIC_STATUSES, Project, ProjectStatus
from awards.selectors import results_are_public


def can_download_certificates(user: AnyUser, project: Project) -> bool:
    """A Winner's or a Champion's certificates: its submitter and the secretariat, once
    the results are published."""
    if (
        project.status not in (ProjectStatus.CHAMPION, ProjectStatus.WINNER)
        or not results_are_public(edition=project.edition)
        or not user.is_authenticated
    ):
        return False
    return project.submitted_by_id == user.pk or can_act_as_secretariat(user)


def project_files_are_public(project: Project) -> bool:
    """A nominee's files (a Champion's, a Winner's) are on its public page."""
    return project.status in PUBLIC_STATUSES


def can_see_project_files(user: AnyUser, project: Project) -> bool:
    """Anyone a nominee's; a draft's, a submission's or a rejected project's only its
    submitter and the secretariat."""
    if project_files_are_public(project):
        return True
    if not user.is_authenticated:
        return False
    return project.submitted_by_id == user.pk or can_act_as_secretariat(user)
