import pytest

from awards.duplicates import probable_duplicates
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    return CategoryFactory(edition=EditionFactory(year=2020), number=3)


def flagged(edition) -> dict[int, set[tuple[int, str]]]:
    return {
        pk: {(d.other_id, d.reason) for d in found}
        for pk, found in probable_duplicates(edition=edition).items()
    }


def test_similar_titles_are_flagged_both_ways(category):
    a = ProjectFactory(category=category, title="Digital Health Records for Rural Clinics")
    b = ProjectFactory(category=category, title="Digital health records for rural clinics!")
    ProjectFactory(category=category, title="Open maps of flood zones")

    assert flagged(category.edition) == {
        a.pk: {(b.pk, "similar title")},
        b.pk: {(a.pk, "similar title")},
    }


def test_same_organisation_and_website_is_flagged(category):
    a = ProjectFactory(
        category=category, organisation_name="Acme", website="https://www.acme.example/x/"
    )
    b = ProjectFactory(
        category=CategoryFactory(edition=category.edition, number=4),
        organisation_name="ACME ",
        website="http://acme.example/x",
        title="Something unrelated",
    )

    assert flagged(category.edition)[a.pk] == {(b.pk, "same organisation and website")}


def test_different_projects_and_drafts_are_not_flagged(category):
    ProjectFactory(category=category, title="Solar schools", status="submitted")
    ProjectFactory(category=category, title="Solar schools", status="draft")
    ProjectFactory(category=category, title="Health records", status="submitted")

    assert flagged(category.edition) == {}


def test_other_editions_do_not_count(category):
    ProjectFactory(category=category, title="Solar schools")
    ProjectFactory(category=CategoryFactory(number=3), title="Solar schools")

    assert flagged(category.edition) == {}


def test_one_organisation_in_several_categories_is_not_a_duplicate(category):
    ProjectFactory(
        category=category, organisation_name="Acme", website="https://acme.example/schools/"
    )
    ProjectFactory(
        category=CategoryFactory(edition=category.edition, number=4),
        organisation_name="Acme",
        website="https://acme.example/clinics/",
        title="Something unrelated",
    )

    assert flagged(category.edition) == {}


def test_titles_that_differ_by_a_name_are_not_flagged(category):
    ProjectFactory(category=category, title="AmaniBridge Open Consultation Platform")
    ProjectFactory(category=category, title="DeltaBridge Open Consultation Platform")

    assert flagged(category.edition) == {}
