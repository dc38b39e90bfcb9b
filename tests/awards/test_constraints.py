from datetime import timedelta
from itertools import pairwise

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from awards.models import Category, Edition, Project, ProjectStatus
from awards.phases import PHASE_ORDER, closes_field, opens_field
from awards.services import edition_timeline_set
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def assert_refused_by_database(write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_edition_year_is_unique():
    EditionFactory(year=2020)

    assert_refused_by_database(
        lambda: Edition.objects.create(
            **{
                f.name: getattr(EditionFactory.build(year=2020), f.name)
                for f in Edition._meta.fields
                if f.name != "id"
            }
        )
    )


@pytest.mark.parametrize("phase", PHASE_ORDER)
def test_edition_phase_cannot_close_before_it_opens(phase):
    edition = EditionFactory()
    opens_at = getattr(edition, opens_field(phase))

    assert_refused_by_database(
        lambda: Edition.objects.filter(pk=edition.pk).update(**{closes_field(phase): opens_at})
    )


@pytest.mark.parametrize("earlier, later", list(pairwise(PHASE_ORDER)))
def test_edition_phases_cannot_overlap(earlier, later):
    edition = EditionFactory()
    overlapping = getattr(edition, opens_field(later)) + HOUR

    assert_refused_by_database(
        lambda: Edition.objects.filter(pk=edition.pk).update(**{closes_field(earlier): overlapping})
    )


def test_edition_needs_at_least_one_champion_per_category():
    edition = EditionFactory()

    assert_refused_by_database(
        lambda: Edition.objects.filter(pk=edition.pk).update(champions_per_category=0)
    )


def test_edition_refuses_an_unknown_tie_rule():
    edition = EditionFactory()

    assert_refused_by_database(
        lambda: Edition.objects.filter(pk=edition.pk).update(tie_rule="coin")
    )


def test_timeline_service_names_the_field_of_an_overlap():
    edition = EditionFactory()

    with pytest.raises(ValidationError) as refused:
        edition_timeline_set(
            edition=edition, times={"voting_opens_at": edition.nomination_closes_at - HOUR}
        )

    assert refused.value.message_dict == {
        "voting_opens_at": [
            "The public online voting phase cannot open before the nomination phase closes."
        ]
    }
    edition.refresh_from_db()
    assert edition.voting_opens_at == edition.nomination_closes_at


def test_timeline_service_names_the_field_of_a_phase_closing_before_it_opens():
    edition = EditionFactory()

    with pytest.raises(ValidationError) as refused:
        edition_timeline_set(edition=edition, times={"jury_closes_at": edition.jury_opens_at})

    assert list(refused.value.message_dict) == ["jury_closes_at"]


def test_timeline_service_accepts_a_gap_between_phases():
    edition = EditionFactory()
    later = edition.voting_opens_at + HOUR

    edition_timeline_set(edition=edition, times={"voting_opens_at": later})

    edition.refresh_from_db()
    assert edition.voting_opens_at == later


def test_category_number_is_unique_within_an_edition():
    category = CategoryFactory(number=3)
    CategoryFactory(number=3)  # another edition may have its own category 3

    assert_refused_by_database(
        lambda: Category.objects.create(edition=category.edition, number=3, title="Again")
    )


def test_category_number_starts_at_one():
    edition = EditionFactory()

    assert_refused_by_database(
        lambda: Category.objects.create(edition=edition, number=0, title="Zero")
    )


def test_project_one_per_organisation_per_category_ignoring_case_and_spaces():
    first = ProjectFactory(organisation_name="Digital Africa Foundation")

    assert_refused_by_database(
        lambda: ProjectFactory(
            category=first.category,
            organisation_name="  digital AFRICA foundation ",
            title="Another title",
            status=ProjectStatus.SUBMITTED,
        )
    )


def test_project_same_organisation_allowed_in_another_category():
    first = ProjectFactory(organisation_name="Digital Africa Foundation")
    other = CategoryFactory(edition=first.edition)

    ProjectFactory(category=other, organisation_name="Digital Africa Foundation")

    assert Project.objects.count() == 2


def test_project_drafts_of_one_organisation_may_coexist_until_submitted():
    first = ProjectFactory(organisation_name="Digital Africa Foundation")
    draft = ProjectFactory(
        category=first.category,
        organisation_name="Digital Africa Foundation",
        status=ProjectStatus.DRAFT,
    )

    assert_refused_by_database(
        lambda: Project.objects.filter(pk=draft.pk).update(status=ProjectStatus.SUBMITTED)
    )


def test_project_category_must_belong_to_its_edition_on_insert():
    elsewhere = CategoryFactory()
    edition = EditionFactory()

    assert_refused_by_database(lambda: ProjectFactory(edition=edition, category=elsewhere))


def test_project_category_must_belong_to_its_edition_on_update():
    project = ProjectFactory()
    elsewhere = CategoryFactory()

    assert_refused_by_database(
        lambda: Project.objects.filter(pk=project.pk).update(category=elsewhere)
    )
    assert_refused_by_database(
        lambda: Project.objects.filter(pk=project.pk).update(edition=elsewhere.edition)
    )


def test_category_with_projects_cannot_move_to_another_edition():
    project = ProjectFactory()
    other_edition = EditionFactory()

    assert_refused_by_database(
        lambda: Category.objects.filter(pk=project.category_id).update(edition=other_edition)
    )


def test_project_refuses_an_unknown_status():
    project = ProjectFactory()

    assert_refused_by_database(lambda: Project.objects.filter(pk=project.pk).update(status="lost"))
