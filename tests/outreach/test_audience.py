"""Who each segment of an edition reaches, each person once, and who it skips."""

import pytest

from awards.models import ProjectStatus
from outreach.models import Segment, SkipReason
from outreach.selectors import audience_get
from tests.factories import CategoryFactory, EditionFactory
from tests.outreach.conftest import juror, person, project

pytestmark = pytest.mark.django_db


def emails(audience) -> list[str]:
    return [member.email for member in audience.reachable]


@pytest.fixture
def projects(category):
    """One project at each stage, by different people, and one of another edition."""
    return {
        status: project(category, status, submitted_by=person(email=f"{status}@people.test"))
        for status in ProjectStatus.values
    } | {"elsewhere": project(CategoryFactory(edition=EditionFactory(year=2037), number=1))}


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        (Segment.SUBMITTERS, ["champion", "nominee", "rejected", "submitted", "winner"]),
        (Segment.NOMINEES, ["champion", "nominee", "winner"]),
        (Segment.CHAMPIONS, ["champion", "winner"]),
        (Segment.WINNERS, ["winner"]),
    ],
)
def test_a_project_segment_reaches_the_submitters_of_its_projects(
    edition, projects, segment, expected
):
    audience = audience_get(edition=edition, segment=segment)

    assert emails(audience) == [f"{status}@people.test" for status in expected]


def test_a_submitter_of_two_projects_is_written_to_once_about_both(edition, category):
    ada = person(email="ada@people.test")
    project(category, title="Schools online", submitted_by=ada)
    project(CategoryFactory(edition=edition, number=2), title="Clinics online", submitted_by=ada)

    [member] = audience_get(edition=edition, segment=Segment.NOMINEES).members

    assert member.email == "ada@people.test"
    assert sorted(member.concerning) == ["Clinics online", "Schools online"]


def test_the_jurors_of_a_category_and_all_jurors(edition, category):
    other = CategoryFactory(edition=edition, number=2)
    both = juror(category, other, email="both@jury.test")
    juror(category, email="one@jury.test")
    juror(other, email="two@jury.test")
    juror(CategoryFactory(edition=EditionFactory(year=2037), number=1), email="else@jury.test")

    of_category = audience_get(edition=edition, segment=Segment.CATEGORY_JURORS, category=category)
    everyone = audience_get(edition=edition, segment=Segment.JURORS)

    assert emails(of_category) == ["both@jury.test", "one@jury.test"]
    assert emails(everyone) == ["both@jury.test", "one@jury.test", "two@jury.test"]
    [member] = [m for m in everyone.members if m.user == both]
    assert member.concerning == ["1. Public governance", str(other)]


def test_deleted_deactivated_and_unconfirmed_accounts_are_skipped_with_the_reason(
    edition, category
):
    project(category, submitted_by=person(email="ok@people.test"))
    project(category, submitted_by=person(email="new@people.test", email_confirmed=False))
    project(category, submitted_by=person(email="gone@people.test", is_active=False))
    project(category, title="Orphan", submitted_by=None)

    audience = audience_get(edition=edition, segment=Segment.NOMINEES)

    assert emails(audience) == ["ok@people.test"]
    assert sorted((m.email, m.skipped) for m in audience.skipped) == [
        ("", SkipReason.ACCOUNT_DELETED),
        ("gone@people.test", SkipReason.ACCOUNT_INACTIVE),
        ("new@people.test", SkipReason.ADDRESS_UNCONFIRMED),
    ]


def test_an_audience_costs_the_same_few_queries_whatever_its_size(
    edition, category, django_assert_num_queries
):
    for _ in range(2):
        project(category)
    juror(category)
    with django_assert_num_queries(2):
        audience_get(edition=edition, segment=Segment.NOMINEES)
    for _ in range(8):
        project(category)
        juror(category)
    with django_assert_num_queries(2):
        assert len(audience_get(edition=edition, segment=Segment.NOMINEES).reachable) == 10
    with django_assert_num_queries(2):
        assert len(audience_get(edition=edition, segment=Segment.JURORS).reachable) == 9
