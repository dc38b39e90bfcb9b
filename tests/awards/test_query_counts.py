"""Query-count guards of the awards and ballot endpoints over every dimension that
grows: the same number of queries for one row and for several, whether the rows are
categories, nominees, Champions, votes, SDGs, images or history events."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from awards.models import (
    Edition,
    ExclusionReason,
    Project,
    ProjectEvent,
    ProjectEventKind,
    ProjectImage,
    ProjectStatus,
)
from awards.phases import Phase
from awards.services import ceremony_reveal_next, results_publish, standings_record
from awards.workflow import CROWN, project_transition
from tests.factories import (
    CategoryFactory,
    EditionFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def decided_edition(admin, *, categories: int, nominees: int, champions: int) -> Edition:
    """An edition at its ceremony: its standings recorded (with votes left out in each
    category), a Winner confirmed in each category."""
    edition = EditionFactory(year=2020, phase=Phase.CEREMONY, champions_per_category=champions)
    votes: dict[int, int] = {}
    exclusions: dict[tuple[int, str], int] = {}
    for number in range(1, categories + 1):
        category = CategoryFactory(edition=edition, number=number)
        for position in range(nominees):
            project = ProjectFactory(category=category, title=f"{number}-{position}", sdgs=[4, 9])
            votes[project.pk] = 100 - position
        exclusions[(category.pk, ExclusionReason.INVALIDATED)] = 2
        exclusions[(category.pk, ExclusionReason.INCOMPLETE_BALLOT)] = 1
    standings_record(edition=edition, votes=votes, exclusions=exclusions, voters=50)
    for category in edition.categories.all():
        winner = category.projects.order_by("title").first()
        project_transition(project=winner, transition=CROWN, actor=admin, at=timezone.now())
    return edition


def with_details(project: Project, *, sdgs: int, images: int, events: int, actor) -> Project:
    project.sdgs.set(range(1, sdgs + 1))
    for position in range(1, images + 1):
        ProjectImage.objects.create(
            project=project, image=f"projects/{project.pk}-{position}.png", position=position
        )
    for _ in range(events):
        ProjectEvent.objects.create(
            project=project, kind=ProjectEventKind.SUBMITTED, actor=actor, at=timezone.now()
        )
    return project


def submitted_projects(admin, *, sdgs: int, images: int, events: int) -> list[Project]:
    """Three submitted projects of one owner in an edition open for submission, each
    with these SDGs, images and history events."""
    category = CategoryFactory(edition=EditionFactory(year=2022, phase=Phase.SUBMISSION), number=1)
    owner = UserFactory(email_confirmed=True)
    return [
        with_details(
            ProjectFactory(category=category, submitted_by=owner, status=ProjectStatus.SUBMITTED),
            sdgs=sdgs,
            images=images,
            events=events,
            actor=admin,
        )
        for _ in range(3)
    ]


SIZES = [
    pytest.param(1, 2, 1, id="1 category, 2 nominees, 1 Champion"),
    pytest.param(4, 6, 5, id="4 categories, 6 nominees, 5 Champions"),
]


@pytest.mark.parametrize("categories, nominees, champions", SIZES)
def test_results_endpoint_query_count(
    api_client, admin_user, django_assert_num_queries, categories, nominees, champions
):
    edition = decided_edition(
        admin_user, categories=categories, nominees=nominees, champions=champions
    )
    results_publish(edition=edition, by=admin_user)

    with django_assert_num_queries(4):
        response = api_client.get(f"/api/v1/editions/{edition.year}/results/")

    listed = response.json()["categories"]
    assert [len(category["champions"]) for category in listed] == [champions] * categories


@pytest.mark.parametrize("categories, nominees, champions", SIZES)
def test_ceremony_endpoint_query_count(
    api_client, admin_user, django_assert_num_queries, categories, nominees, champions
):
    edition = decided_edition(
        admin_user, categories=categories, nominees=nominees, champions=champions
    )
    for _ in range(categories):
        ceremony_reveal_next(edition=edition, by=admin_user)

    with django_assert_num_queries(3):
        response = api_client.get(f"/api/v1/editions/{edition.year}/ceremony/")

    assert len(response.json()["revealed"]) == categories


@pytest.mark.parametrize("categories", [1, 6])
def test_statistics_endpoint_query_count(
    api_client, admin_user, django_assert_num_queries, categories
):
    edition = EditionFactory(year=2021, phase=Phase.NOMINATION)
    for number in range(1, categories + 1):
        category = CategoryFactory(edition=edition, number=number)
        for status in (ProjectStatus.DRAFT, ProjectStatus.SUBMITTED, ProjectStatus.NOMINEE):
            ProjectFactory(category=category, status=status)
    api_client.force_authenticate(admin_user)

    with django_assert_num_queries(4):
        response = api_client.get(f"/api/v1/editions/{edition.year}/statistics/")

    assert [row["by_status"]["submitted"] for row in response.json()] == [1] * categories


@pytest.mark.parametrize("sdgs, images, events", [(1, 0, 1), (5, 4, 6)])
def test_project_endpoints_query_count_does_not_grow_with_their_details(
    admin_user, django_assert_num_queries, sdgs, images, events
):
    projects = submitted_projects(admin_user, sdgs=sdgs, images=images, events=events)
    edition, owner = projects[0].edition, projects[0].submitted_by
    client = APIClient()
    client.force_authenticate(owner)
    mine = f"/api/v1/editions/{edition.year}/my-projects/"

    with django_assert_num_queries(6):
        listed = client.get(mine)
    with django_assert_num_queries(9):
        one = client.get(f"{mine}{projects[0].pk}/")
    Project.objects.filter(pk__in=[p.pk for p in projects]).update(status=ProjectStatus.NOMINEE)
    nominees = f"/api/v1/editions/{edition.year}/nominees/"
    with django_assert_num_queries(5):
        public = client.get(nominees)
    with django_assert_num_queries(4):
        nominee = client.get(f"{nominees}{projects[0].pk}/")

    assert [len(p["sdgs"]) for p in listed.json()["results"]] == [sdgs] * 3
    assert len(one.json()["images"]) == images
    assert len(public.json()["results"]) == 3
    assert len(nominee.json()["images"]) == images
