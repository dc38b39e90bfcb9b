"""Who may do what in the contest: each rule once, as a plain predicate.

The services ask these before they change anything (and raise the refusal that names
the rule that failed); the pages ask the same ones to offer only what would be
accepted; the API goes through the services. The roles themselves (secretariat, jury,
a confirmed e-mail address, two-factor authentication) are ``accounts.permissions``;
voting's rules are ``voting.permissions``.

| who may what                                    | predicate                        |
|-------------------------------------------------|----------------------------------|
| change a project: its owner, a draft, submission open | ``may_edit_project``        |
| see a project's files                           | ``can_see_project_files``        |
| download a project's certificates               | ``can_download_certificates``    |
| download a nominee's "Vote for us" poster       | ``can_download_campaign_poster`` |
| accept or reject submissions                    | ``nomination_is_open``           |
| score a Champion                                | ``juror_may_score``              |
| declare a conflict of interest                  | ``juror_may_declare_conflict``   |
| have a score count in the ranking               | ``score_counts``                 |
"""

from datetime import datetime

from accounts.models import User
from accounts.permissions import AnyUser, can_act_as_secretariat, has_confirmed_email
from awards.models import PUBLIC_STATUSES, Edition, Project, ProjectStatus, Score
from awards.phases import Phase
from awards.selectors import edition_current_phase, edition_phase_is_open, results_are_public

# --- Projects and their files ---------------------------------------------------------


def is_project_owner(user: AnyUser, project: Project) -> bool:
    """The account that submits the project (it need not own the organisation)."""
    return bool(user.is_authenticated and project.submitted_by_id == user.pk)


def submission_is_open(edition: Edition, *, at: datetime | None = None) -> bool:
    return edition_phase_is_open(edition=edition, phase=Phase.SUBMISSION, at=at)


def project_is_editable(project: Project, *, at: datetime | None = None) -> bool:
    """A draft, while submission is open: after the close nothing changes, and a
    submitted project is the secretariat's to decide on."""
    return project.status == ProjectStatus.DRAFT and submission_is_open(project.edition, at=at)


def may_edit_project(user: AnyUser, project: Project, *, at: datetime | None = None) -> bool:
    """Its owner, with a confirmed e-mail address, while it is editable."""
    return (
        is_project_owner(user, project)
        and has_confirmed_email(user)
        and project_is_editable(project, at=at)
    )


def project_files_are_public(project: Project) -> bool:
    """A nominee's files (a Champion's, a Winner's) are on its public page."""
    return project.status in PUBLIC_STATUSES


def can_see_project_files(user: AnyUser, project: Project) -> bool:
    """Anyone a nominee's; a draft's, a submission's or a rejected project's only its
    submitter and the secretariat."""
    if project_files_are_public(project):
        return True
    return is_project_owner(user, project) or can_act_as_secretariat(user)


def project_receives_certificates(project: Project) -> bool:
    """Winners and Champions receive a certificate (and a Champion a letter)."""
    return project.status in (ProjectStatus.CHAMPION, ProjectStatus.WINNER)


def can_download_certificates(user: AnyUser, project: Project) -> bool:
    """A Winner's or a Champion's certificates: its submitter and the secretariat, once
    the results are published."""
    if not project_receives_certificates(project) or not results_are_public(
        edition=project.edition
    ):
        return False
    return is_project_owner(user, project) or can_act_as_secretariat(user)


# --- Nomination -----------------------------------------------------------------------

# Decisions may start as soon as projects come in, and stop when voting opens: the
# nominees are what the public votes on.
REVIEW_PHASES = (Phase.SUBMISSION, Phase.NOMINATION)


def nomination_is_open(edition: Edition, *, at: datetime | None = None) -> bool:
    """Whether the secretariat may accept or reject submissions now."""
    return edition_current_phase(edition=edition, at=at) in REVIEW_PHASES


# --- The jury -------------------------------------------------------------------------
# A juror works on the Champions of the categories assigned to them
# (``awards.selectors.jury_champions``, which the callers read the project through).


def jury_is_open(edition: Edition, *, at: datetime | None = None) -> bool:
    """Scores are given, and conflicts declared, during winner selection only."""
    return edition_phase_is_open(edition=edition, phase=Phase.JURY, at=at)


def likely_conflict(juror: User, project: Project) -> bool:
    """The platform's own guess: the juror's organisation, or the domain of their
    e-mail address, is the project's."""
    organisation = (juror.organisation or "").strip().lower()
    if organisation and organisation == project.organisation_name.strip().lower():
        return True
    domain = juror.email.rsplit("@", 1)[-1].lower()
    website = project.website.lower().split("//", 1)[-1].split("/", 1)[0].removeprefix("www.")
    return bool(website) and (website == domain or website.endswith("." + domain))


def juror_is_conflicted(juror: User, project: Project, *, declared: bool) -> bool:
    """A juror does not score a project they declared a conflict of interest with, nor
    one the platform guesses they are linked to."""
    return declared or likely_conflict(juror, project)


def _juror_at_work(project: Project, score: Score | None, at: datetime | None) -> bool:
    """A Champion, during winner selection, while the juror's score (``score``, if
    any) is not submitted: a submitted score is final."""
    return (
        project.status == ProjectStatus.CHAMPION
        and jury_is_open(project.edition, at=at)
        and not (score is not None and score.is_submitted)
    )


def juror_may_score(
    juror: User,
    project: Project,
    *,
    score: Score | None,
    declared_conflict: bool,
    at: datetime | None = None,
) -> bool:
    """A Champion of the juror's categories, during winner selection, without a
    conflict of interest, until the juror's score (``score``, if any) is submitted."""
    return _juror_at_work(project, score, at) and not juror_is_conflicted(
        juror, project, declared=declared_conflict
    )


def juror_may_declare_conflict(
    juror: User,
    project: Project,
    *,
    score: Score | None,
    declared_conflict: bool,
    at: datetime | None = None,
) -> bool:
    """A Champion of the juror's categories, during winner selection, not declared
    yet, while the juror's score is not submitted (a submitted score is final)."""
    return _juror_at_work(project, score, at) and not declared_conflict


def score_counts(score: Score, *, declared_conflict: bool) -> bool:
    """A score counts in the ranking once submitted, unless its juror has a conflict of
    interest with the project (load ``score.juror`` and ``score.project`` with it)."""
    return score.is_submitted and not juror_is_conflicted(
        score.juror, score.project, declared=declared_conflict
    )


def can_download_campaign_poster(user: AnyUser, project: Project) -> bool:
    """A public nominee's "Vote for us" poster: its submitter and the secretariat."""
    if project.status not in PUBLIC_STATUSES:
        return False
    return is_project_owner(user, project) or can_act_as_secretariat(user)
