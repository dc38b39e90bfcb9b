"""The predicates of ``awards.permissions``: who may do what, decided once for the
services and the pages alike."""

import pytest
from django.utils import timezone

from awards.models import ProjectStatus, Score
from awards.permissions import (
    juror_may_declare_conflict,
    juror_may_score,
    may_edit_project,
    project_is_editable,
    score_counts,
)
from awards.phases import Phase
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def champion():
    edition = EditionFactory(year=2020, phase=Phase.JURY)
    return ProjectFactory(
        category=CategoryFactory(edition=edition, number=1),
        status=ProjectStatus.CHAMPION,
        organisation_name="Open Radio",
        website="https://openradio.example/",
    )


@pytest.fixture
def juror():
    return UserFactory(email="juror@jury.test", organisation="University of Lagos")


def score(juror, project, *, submitted: bool) -> Score:
    return Score(
        juror=juror,
        project=project,
        merit=5,
        originality=5,
        impact=5,
        sustainability=5,
        submitted_at=timezone.now() if submitted else None,
    )


@pytest.mark.parametrize(
    "situation, may_score, may_declare",
    [
        ("not scored", True, True),
        ("draft", True, True),
        ("submitted", False, False),
        ("declared", False, False),
        ("likely conflict", False, True),
        ("after winner selection", False, False),
        ("the Winner", False, False),
    ],
)
def test_what_a_juror_may_do_with_a_champion(champion, juror, situation, may_score, may_declare):
    given, declared, at = None, False, None
    if situation in ("draft", "submitted"):
        given = score(juror, champion, submitted=situation == "submitted")
    if situation == "declared":
        declared = True
    if situation == "likely conflict":
        juror.email = "someone@openradio.example"
    if situation == "after winner selection":
        at = champion.edition.jury_closes_at
    if situation == "the Winner":
        champion.status = ProjectStatus.WINNER
    rule = {"score": given, "declared_conflict": declared, "at": at}

    assert juror_may_score(juror, champion, **rule) is may_score
    assert juror_may_declare_conflict(juror, champion, **rule) is may_declare


@pytest.mark.parametrize(
    "declared, organisation, counts",
    [
        (False, "University of Lagos", True),
        (True, "University of Lagos", False),
        (False, "open radio ", False),
    ],
)
def test_a_submitted_score_counts_unless_its_juror_is_conflicted(
    champion, juror, declared, organisation, counts
):
    juror.organisation = organisation

    assert (
        score_counts(score(juror, champion, submitted=True), declared_conflict=declared) is counts
    )
    assert not score_counts(score(juror, champion, submitted=False), declared_conflict=False)


@pytest.mark.parametrize(
    "phase, status, owner, confirmed, editable, may_edit",
    [
        (Phase.SUBMISSION, ProjectStatus.DRAFT, True, True, True, True),
        (Phase.SUBMISSION, ProjectStatus.DRAFT, True, False, True, False),
        (Phase.SUBMISSION, ProjectStatus.DRAFT, False, True, True, False),
        (Phase.SUBMISSION, ProjectStatus.SUBMITTED, True, True, False, False),
        (Phase.NOMINATION, ProjectStatus.DRAFT, True, True, False, False),
    ],
)
def test_who_may_edit_a_project(phase, status, owner, confirmed, editable, may_edit):
    submitter = UserFactory(email_confirmed=True)
    edition = EditionFactory(year=2021, phase=phase)
    project = ProjectFactory(
        category=CategoryFactory(edition=edition, number=1), submitted_by=submitter, status=status
    )
    user = submitter if owner else UserFactory(email_confirmed=True)
    if not confirmed:
        user = UserFactory()
        project.submitted_by = user

    assert project_is_editable(project) is editable
    assert may_edit_project(user, project) is may_edit
