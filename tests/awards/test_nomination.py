import pytest
from django.core import mail

from accounts.errors import MfaRequired
from awards.models import ProjectEventKind, ProjectStatus
from awards.phases import Phase
from awards.services import (
    NominationClosed,
    ReasonRequired,
    nomination_accept,
    nomination_accept_many,
    nomination_reject,
)
from awards.workflow import InvalidTransition
from config.errors import NotAllowed
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(submitter):
    category = CategoryFactory(edition=EditionFactory(year=2020, phase=Phase.NOMINATION))
    return ProjectFactory(category=category, submitted_by=submitter, status="submitted")


def test_accept_makes_a_nominee_records_who_and_tells_the_submitter(
    submitted, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        nomination_accept(project=submitted, by=admin_user)

    submitted.refresh_from_db()
    assert submitted.status == ProjectStatus.NOMINEE
    event = submitted.events.get()
    assert (event.kind, event.actor) == (ProjectEventKind.ACCEPTED, admin_user)
    assert mail.outbox[0].to == ["ada@example.org"]
    assert "is a nominee" in mail.outbox[0].subject


def test_reject_keeps_the_reason_for_the_submitter(
    submitted, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        nomination_reject(project=submitted, by=admin_user, reason="  Not yet operational.  ")

    submitted.refresh_from_db()
    assert submitted.status == ProjectStatus.REJECTED
    assert submitted.decision_reason == "Not yet operational."
    assert submitted.events.get().note == "Not yet operational."
    assert "Not yet operational." in mail.outbox[0].body


def test_reject_needs_a_reason(submitted, admin_user):
    with pytest.raises(ReasonRequired) as refused:
        nomination_reject(project=submitted, by=admin_user, reason="   ")

    assert list(refused.value.errors) == ["reason"]
    submitted.refresh_from_db()
    assert submitted.status == ProjectStatus.SUBMITTED


def test_decision_can_be_reversed_while_nomination_is_open(submitted, admin_user):
    nomination_reject(project=submitted, by=admin_user, reason="Duplicate")
    nomination_accept(project=submitted, by=admin_user)

    submitted.refresh_from_db()
    assert submitted.status == ProjectStatus.NOMINEE
    assert submitted.decision_reason == ""
    assert list(submitted.events.values_list("kind", flat=True)) == [
        ProjectEventKind.REJECTED,
        ProjectEventKind.ACCEPTED,
    ]


def test_a_draft_cannot_be_accepted(submitted, admin_user):
    submitted.status = ProjectStatus.DRAFT
    submitted.save()

    with pytest.raises(InvalidTransition) as refused:
        nomination_accept(project=submitted, by=admin_user)

    assert refused.value.detail == "A draft project cannot be accepted as a nominee."
    assert submitted.events.count() == 0


@pytest.mark.parametrize("phase", [Phase.VOTING, Phase.JURY])
def test_no_decision_once_voting_has_opened(admin_user, phase, submitter):
    project = ProjectFactory(
        category=CategoryFactory(edition=EditionFactory(phase=phase)), status="submitted"
    )

    with pytest.raises(NominationClosed):
        nomination_accept(project=project, by=admin_user)


def test_decisions_may_start_during_submission(admin_user):
    project = ProjectFactory(
        category=CategoryFactory(edition=EditionFactory(phase=Phase.SUBMISSION)),
        status="submitted",
    )

    assert nomination_accept(project=project, by=admin_user).status == ProjectStatus.NOMINEE


def test_only_the_secretariat_decides(submitted):
    with pytest.raises(NotAllowed):
        nomination_accept(project=submitted, by=UserFactory(email_confirmed=True))
    with pytest.raises(NotAllowed):
        nomination_accept(project=submitted, by=UserFactory(mfa=True, roles=["Jury"]))


def test_secretariat_without_mfa_cannot_decide(submitted):
    staff = UserFactory(is_staff=True, roles=["Secretariat"])

    with pytest.raises(MfaRequired):
        nomination_accept(project=submitted, by=staff)


def test_bulk_accept_reports_what_it_skipped(submitted, admin_user):
    others = ProjectFactory.create_batch(2, category=submitted.category, status="submitted")
    draft = ProjectFactory(category=submitted.category, status="draft")

    result = nomination_accept_many(projects=[submitted, *others, draft], by=admin_user)

    assert {p.pk for p in result.accepted} == {submitted.pk, *(o.pk for o in others)}
    assert [(p.pk, why) for p, why in result.skipped] == [
        (draft.pk, "A draft project cannot be accepted as a nominee.")
    ]
