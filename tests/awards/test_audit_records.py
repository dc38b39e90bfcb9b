"""Each staff action lands in the one audit trail: who, what, about which account, the
values before and after, and why."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group

from awards.models import AuditAction, AuditEntry, ProjectStatus
from awards.phases import Phase
from awards.services import (
    ReasonRequired,
    nomination_accept,
    nomination_accept_many,
    nomination_reject,
)
from awards.workflow import InvalidTransition
from tests.accounts.test_admin_roles import change_url as user_change_url
from tests.accounts.test_admin_roles import form_data as user_form_data
from tests.awards.test_rules_lock import change_url as edition_change_url
from tests.awards.test_rules_lock import edition_form_data
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return EditionFactory(year=2031, phase=Phase.NOMINATION)


@pytest.fixture
def submitted(edition, submitter):
    category = CategoryFactory(edition=edition, number=7)
    return ProjectFactory(
        category=category, submitted_by=submitter, status="submitted", title="Rural clinics online"
    )


def test_accepting_a_project_is_audited_with_its_status_before_and_after(
    submitted, admin_user, edition
):
    nomination_accept(project=submitted, by=admin_user)

    [entry] = AuditEntry.objects.all()
    assert (entry.action, entry.actor, entry.subject, entry.edition) == (
        AuditAction.PROJECT_NOMINATED,
        admin_user,
        submitted.submitted_by,
        edition,
    )
    assert entry.details == {
        "project": submitted.pk,
        "project_title": "Rural clinics online",
        "category": 7,
        "changes": {"status": ["submitted", "nominee"]},
    }


def test_rejecting_a_nominee_is_audited_with_the_reason(submitted, admin_user):
    nomination_accept(project=submitted, by=admin_user)

    nomination_reject(project=submitted, by=admin_user, reason=" Not operational yet. ")

    rejected = AuditEntry.objects.get(action=AuditAction.PROJECT_REJECTED)
    assert rejected.reason == "Not operational yet."
    assert rejected.details["changes"] == {"status": ["nominee", "rejected"]}
    assert AuditEntry.objects.count() == 2


def test_a_refused_decision_leaves_no_entry(submitted, admin_user):
    with pytest.raises(ReasonRequired):
        nomination_reject(project=submitted, by=admin_user, reason="  ")
    submitted.status = ProjectStatus.DRAFT
    submitted.save()
    with pytest.raises(InvalidTransition):
        nomination_accept(project=submitted, by=admin_user)

    assert not AuditEntry.objects.exists()


def test_accepting_several_audits_each_accepted_project_only(submitted, admin_user, edition):
    other = ProjectFactory(category=submitted.category, status="submitted")
    draft = ProjectFactory(category=submitted.category, status="draft")

    result = nomination_accept_many(projects=[submitted, other, draft], by=admin_user)

    assert len(result.accepted) == 2
    audited = AuditEntry.objects.filter(action=AuditAction.PROJECT_NOMINATED)
    assert sorted(entry.details["project"] for entry in audited) == sorted([submitted.pk, other.pk])


def test_the_nomination_page_records_its_decision(client, admin_user, submitted, edition):
    client.force_login(admin_user)

    response = client.post(
        f"/secretariat/editions/{edition.year}/submissions/{submitted.pk}/",
        {"decision": "reject", "reason": "Outside the Action Line."},
    )

    assert response.status_code == 302
    [entry] = AuditEntry.objects.all()
    assert (entry.action, entry.reason) == (
        AuditAction.PROJECT_REJECTED,
        "Outside the Action Line.",
    )


# --- Edition settings changed in the admin ------------------------------------------------


def test_changing_an_edition_in_the_admin_is_audited_with_before_and_after(
    admin_client, admin_user
):
    edition = EditionFactory(year=2034, phase=Phase.SUBMISSION, title="WSIS Prizes 2034")
    data = edition_form_data(
        admin_client, edition, title="WSIS Prizes 2034 (revised)", jury_quorum="4"
    )

    response = admin_client.post(edition_change_url(edition), data)

    assert response.status_code == 302
    [entry] = AuditEntry.objects.all()
    assert (entry.action, entry.actor, entry.edition) == (
        AuditAction.EDITION_CHANGED,
        admin_user,
        edition,
    )
    assert entry.details["changes"] == {
        "title": ["WSIS Prizes 2034", "WSIS Prizes 2034 (revised)"],
        "jury_quorum": [edition.jury_quorum, 4],
    }


def test_saving_an_edition_unchanged_records_nothing(admin_client):
    edition = EditionFactory(year=2034, phase=Phase.SUBMISSION)

    response = admin_client.post(
        edition_change_url(edition), edition_form_data(admin_client, edition)
    )

    assert response.status_code == 302
    assert not AuditEntry.objects.exists()


def test_a_new_phase_time_is_audited_in_iso_8601(admin_client):
    edition = EditionFactory(year=2034, phase=Phase.SUBMISSION)
    old = edition.submission_opens_at
    new = old - timedelta(hours=1)
    data = edition_form_data(admin_client, edition)
    data["submission_opens_at_0"] = new.strftime("%Y-%m-%d")
    data["submission_opens_at_1"] = new.strftime("%H:%M:%S.%f")

    admin_client.post(edition_change_url(edition), data)

    [entry] = AuditEntry.objects.all()
    assert entry.details["changes"] == {"submission_opens_at": [old.isoformat(), new.isoformat()]}


# --- Roles granted and taken away in the admin --------------------------------------------


def test_granting_a_role_in_the_admin_is_audited_with_who_got_what(admin_client, admin_user):
    juror = UserFactory(email="juror@example.org", email_confirmed=True)
    jury = Group.objects.get(name="Jury")

    response = admin_client.post(
        user_change_url(juror),
        user_form_data(admin_client, juror, groups=[jury.pk], is_staff="on"),
    )

    assert response.status_code == 302
    [entry] = AuditEntry.objects.all()
    assert (entry.action, entry.actor, entry.subject, entry.edition) == (
        AuditAction.ROLE_CHANGED,
        admin_user,
        juror,
        None,
    )
    assert entry.details["changes"] == {"groups": [[], ["Jury"]], "is_staff": [False, True]}


def test_taking_a_role_away_is_audited(admin_client):
    member = UserFactory(
        email="member@example.org", is_staff=True, email_confirmed=True, roles=["Secretariat"]
    )
    data = user_form_data(admin_client, member)
    data.pop("groups")

    admin_client.post(user_change_url(member), data)

    [entry] = AuditEntry.objects.all()
    assert entry.details["changes"] == {"groups": [["Secretariat"], []]}


def test_a_profile_change_without_a_role_records_nothing(admin_client):
    voter = UserFactory(email="voter@example.org", email_confirmed=True)

    admin_client.post(user_change_url(voter), user_form_data(admin_client, voter, name="Vera"))

    assert not AuditEntry.objects.exists()


def test_a_member_without_the_right_to_grant_roles_records_no_role_change(client, edition):
    member = UserFactory(is_staff=True, email_confirmed=True, mfa=True, roles=["Secretariat"])
    voter = UserFactory(email="voter@example.org", email_confirmed=True)
    client.force_login(member)

    client.post(user_change_url(voter), user_form_data(client, voter, is_staff="on", name="Vera"))

    assert not AuditEntry.objects.exists()
