from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.errors import EmailNotVerified
from awards.models import Category, Project, ProjectEventKind, ProjectStage, ProjectStatus
from awards.phases import Phase
from awards.services import (
    ProjectInvalid,
    ProjectNotEditable,
    SubmissionClosed,
    SubmissionInvalid,
    WrongCategory,
    project_create,
    project_submit,
    project_update,
)
from config.errors import NotFound
from tests.factories import (
    CategoryFactory,
    EditionFactory,
    ProjectFactory,
    UserFactory,
    words,
)

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)


def refusal(draft, by=None, at=None) -> dict[str, list[str]]:
    with pytest.raises(SubmissionInvalid) as refused:
        project_submit(project=draft, by=by or draft.submitted_by, at=at)
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.DRAFT
    return refused.value.errors


def test_complete_draft_is_submitted_with_a_receipt(draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        project_submit(project=draft, by=draft.submitted_by)

    draft.refresh_from_db()
    assert draft.status == ProjectStatus.SUBMITTED
    assert draft.submitted_at is not None
    assert list(draft.events.values_list("kind", flat=True)) == [ProjectEventKind.SUBMITTED]
    assert mail.outbox[0].to == ["ada@example.org"]
    assert draft.title in mail.outbox[0].subject
    assert any(mime == "text/html" for _, mime in mail.outbox[0].alternatives)


def test_empty_draft_reports_every_missing_field_at_once(category, submitter):
    project = project_create(
        edition=category.edition, category=category, by=submitter, data={"title": "Only a title"}
    )

    errors = refusal(project)

    assert set(errors) == {
        "organisation_name",
        "stakeholder_type",
        "country",
        "region",
        "short_description",
        "linkage",
        "impact",
        "partnerships",
        "challenges",
        "outlook",
        "stage",
        "sdgs",
    }
    assert errors["country"] == ["This is needed to submit the project."]


@pytest.mark.parametrize("count", [149, 201])
def test_short_description_outside_150_to_200_words_is_refused(draft, count):
    draft.short_description = words(count)
    draft.save()

    errors = refusal(draft)

    assert errors == {
        "short_description": [f"The short description has {count} words: it needs 150 to 200."]
    }


@pytest.mark.parametrize("count", [150, 200])
def test_short_description_of_150_or_200_words_is_accepted(draft, count):
    draft.short_description = words(count)
    draft.save()

    assert project_submit(project=draft, by=draft.submitted_by).status == ProjectStatus.SUBMITTED


def test_project_in_development_is_not_eligible(draft):
    draft.stage = ProjectStage.IN_DEVELOPMENT
    draft.save()

    assert refusal(draft) == {
        "stage": ["Only projects that are operational or at the end of a major phase are eligible."]
    }


def test_second_project_of_an_organisation_in_a_category_is_refused(draft):
    ProjectFactory(
        category=draft.category,
        organisation_name=f"  {draft.organisation_name.upper()} ",
        title="Something else",
        status=ProjectStatus.SUBMITTED,
    )

    errors = refusal(draft)

    assert list(errors) == ["organisation_name"]
    assert "one project per category" in errors["organisation_name"][0]


def test_organisation_may_submit_in_another_category(draft):
    ProjectFactory(
        category=CategoryFactory(edition=draft.edition, number=4),
        organisation_name=draft.organisation_name,
        title="Something else",
        status=ProjectStatus.SUBMITTED,
    )

    assert project_submit(project=draft, by=draft.submitted_by).status == ProjectStatus.SUBMITTED


def test_same_project_submitted_twice_to_an_edition_is_refused(draft):
    ProjectFactory(
        category=CategoryFactory(edition=draft.edition, number=4),
        organisation_name=draft.organisation_name,
        title=draft.title.lower(),
        status=ProjectStatus.NOMINEE,
    )

    errors = refusal(draft)

    assert errors == {
        "title": [
            "This project has already been submitted to this edition by the same organisation."
        ]
    }


def test_other_drafts_do_not_block_a_submission(draft):
    ProjectFactory(
        category=draft.category,
        organisation_name=draft.organisation_name,
        title=draft.title,
        status=ProjectStatus.DRAFT,
    )

    assert project_submit(project=draft, by=draft.submitted_by).status == ProjectStatus.SUBMITTED


def _previous_win(draft, **edition_fields) -> Project:
    return ProjectFactory(
        category=CategoryFactory(edition=EditionFactory(year=2018, **edition_fields), number=3),
        organisation_name=draft.organisation_name,
        title=draft.title,
        status=ProjectStatus.WINNER,
    )


def test_previous_winner_is_not_eligible(draft):
    _previous_win(draft, results_published_at=timezone.now() - timedelta(days=300))

    assert refusal(draft) == {
        "title": ["This project won a WSIS Prize in 2018: previous winners are not eligible."]
    }


def test_previous_winner_revealed_at_its_ceremony_is_not_eligible(draft):
    past = _previous_win(draft)
    Category.objects.filter(pk=past.category_id).update(revealed_at=timezone.now())

    assert "title" in refusal(draft)


def test_a_win_under_embargo_is_not_told_by_a_refusal(draft):
    # Whoever submits the title would learn that it won before the ceremony: the
    # secretariat, which knows, can reject it at nomination.
    _previous_win(draft)

    assert project_submit(project=draft, by=draft.submitted_by).status == ProjectStatus.SUBMITTED


def test_previous_champion_may_compete_again(draft):
    ProjectFactory(
        category=CategoryFactory(edition=EditionFactory(year=2018), number=3),
        organisation_name=draft.organisation_name,
        title=draft.title,
        status=ProjectStatus.CHAMPION,
    )

    assert project_submit(project=draft, by=draft.submitted_by).status == ProjectStatus.SUBMITTED


def test_submission_at_the_window_edges(draft):
    edition = draft.edition

    with pytest.raises(SubmissionClosed):
        project_submit(project=draft, by=draft.submitted_by, at=edition.submission_closes_at)
    with pytest.raises(SubmissionClosed):
        project_submit(
            project=draft, by=draft.submitted_by, at=edition.submission_opens_at - SECOND
        )
    submitted = project_submit(
        project=draft, by=draft.submitted_by, at=edition.submission_closes_at - SECOND
    )

    assert submitted.status == ProjectStatus.SUBMITTED


def test_after_the_window_nothing_is_created_or_edited(draft):
    after = draft.edition.submission_closes_at

    with pytest.raises(SubmissionClosed):
        project_create(
            edition=draft.edition,
            category=draft.category,
            by=draft.submitted_by,
            data={"title": "Late"},
            at=after,
        )
    with pytest.raises(SubmissionClosed):
        project_update(project=draft, by=draft.submitted_by, data={"title": "Late"}, at=after)

    draft.refresh_from_db()
    assert draft.title != "Late"
    assert Project.objects.count() == 1


def test_submitted_project_can_no_longer_be_edited(draft):
    project_submit(project=draft, by=draft.submitted_by)

    with pytest.raises(ProjectNotEditable):
        project_update(project=draft, by=draft.submitted_by, data={"title": "Changed"})


def test_submitting_twice_is_refused(draft):
    project_submit(project=draft, by=draft.submitted_by)

    with pytest.raises(ProjectNotEditable):
        project_submit(project=draft, by=draft.submitted_by)


def test_unconfirmed_account_cannot_create_or_submit(category):
    unconfirmed = UserFactory()

    with pytest.raises(EmailNotVerified):
        project_create(edition=category.edition, category=category, by=unconfirmed, data={})
    draft = ProjectFactory(category=category, submitted_by=unconfirmed, status="draft")
    with pytest.raises(EmailNotVerified):
        project_submit(project=draft, by=unconfirmed)


def test_someone_elses_draft_is_not_found(draft):
    other = UserFactory(email_confirmed=True)

    with pytest.raises(NotFound):
        project_update(project=draft, by=other, data={"title": "Mine now"})
    with pytest.raises(NotFound):
        project_submit(project=draft, by=other)


def test_draft_may_be_saved_incomplete_but_fields_are_checked(category, submitter):
    draft = project_create(
        edition=category.edition, category=category, by=submitter, data={"title": "Draft"}
    )

    with pytest.raises(ProjectInvalid) as refused:
        project_update(project=draft, by=submitter, data={"website": "not a url", "region": "mars"})

    assert set(refused.value.errors) == {"website", "region"}
    assert list(draft.events.values_list("kind", flat=True)) == [ProjectEventKind.DRAFTED]


def test_category_of_another_edition_is_refused(category, submitter):
    elsewhere = CategoryFactory(edition=EditionFactory(phase=Phase.SUBMISSION))

    with pytest.raises(WrongCategory):
        project_create(edition=category.edition, category=elsewhere, by=submitter, data={})


def test_unknown_sdg_is_refused(draft):
    with pytest.raises(ProjectInvalid) as refused:
        project_update(project=draft, by=draft.submitted_by, data={}, sdgs=[3, 18])

    assert list(refused.value.errors) == ["sdgs"]
