"""Query-count guards of the pages over the dimensions their own tests leave fixed:
the same number of queries for one row and for several, whether the rows are
categories, nominees, Champions, votes, SDGs, images or history events."""

import pytest
from django.test import Client
from django.urls import reverse

from awards.models import ProjectStatus
from awards.phases import Phase
from awards.services import ceremony_reveal_next, results_publish
from tests.awards.test_query_counts import SIZES, decided_edition, submitted_projects
from tests.factories import (
    CategoryFactory,
    EditionFactory,
    ProjectFactory,
    VoteFactory,
)
from tests.frontend.html import find, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("categories, nominees, champions", SIZES)
def test_results_pages_query_count(
    client, admin_user, django_assert_num_queries, categories, nominees, champions
):
    edition = decided_edition(
        admin_user, categories=categories, nominees=nominees, champions=champions
    )
    results_publish(edition=edition, by=admin_user)

    with django_assert_num_queries(5):
        results = client.get(reverse("frontend:results", args=[edition.year]))
    with django_assert_num_queries(4):
        csv = client.get(reverse("frontend:results-csv", args=[edition.year]))

    assert len(find(page(results), "section", class_="results-category")) == categories
    assert csv.content.decode().count("\n") == 1 + categories * champions


@pytest.mark.parametrize("categories, nominees, champions", SIZES)
def test_ceremony_pages_query_count(
    client, admin_user, secretariat, django_assert_num_queries, categories, nominees, champions
):
    edition = decided_edition(
        admin_user, categories=categories, nominees=nominees, champions=champions
    )
    for _ in range(categories):
        ceremony_reveal_next(edition=edition, by=admin_user)

    with django_assert_num_queries(3):
        audience = client.get(reverse("frontend:ceremony", args=[edition.year]))
    # One more than before the host page said how many categories the audience still
    # waits for (ceremony_remaining), so as not to say "every category is revealed" early.
    with django_assert_num_queries(9):
        host = secretariat.get(reverse("frontend:ceremony-host", args=[edition.year]))
    feed_url = reverse("frontend:ceremony-feed", args=[edition.year])
    with django_assert_num_queries(3):
        feed = client.get(feed_url)
    # Every later viewer, until the kept answer expires, costs the database nothing.
    with django_assert_num_queries(0):
        again = Client().get(feed_url)

    assert audience.status_code == host.status_code == feed.status_code == 200
    assert len(feed.json()["revealed"]) == len(again.json()["revealed"]) == categories


@pytest.mark.parametrize("categories, nominees, champions", SIZES)
def test_recorded_standings_query_count(
    secretariat, admin_user, django_assert_num_queries, categories, nominees, champions
):
    edition = decided_edition(
        admin_user, categories=categories, nominees=nominees, champions=champions
    )

    with django_assert_num_queries(9):
        response = secretariat.get(reverse("frontend:standings", args=[edition.year]))

    tables = find(page(response), "section", class_="standings-category")
    assert len(tables) == categories


@pytest.mark.parametrize("categories", [1, 6])
def test_live_standings_query_count_does_not_grow_with_categories(
    client, secretariat, django_assert_num_queries, categories
):
    edition = EditionFactory(year=2021, phase=Phase.VOTING, public_standings=True)
    for number in range(1, categories + 1):
        category = CategoryFactory(edition=edition, number=number)
        for _ in range(2):
            VoteFactory(nominee=ProjectFactory(category=category))

    with django_assert_num_queries(8):
        live = secretariat.get(reverse("frontend:standings", args=[edition.year]))
    with django_assert_num_queries(5):
        public = client.get(reverse("frontend:public-standings", args=[edition.year]))

    assert len(find(page(live), "section", class_="standings-category")) == categories
    assert public.status_code == 200


@pytest.mark.parametrize("sdgs, images, events", [(1, 0, 1), (5, 4, 6)])
def test_project_pages_query_count_does_not_grow_with_their_details(
    secretariat, admin_user, django_assert_num_queries, sdgs, images, events
):
    projects = submitted_projects(admin_user, sdgs=sdgs, images=images, events=events)
    edition, owner, category = projects[0].edition, projects[0].submitted_by, projects[0].category
    first = projects[0]
    owner_client = Client()
    owner_client.force_login(owner)

    with django_assert_num_queries(8):
        mine = owner_client.get(reverse("frontend:my-project", args=[edition.year, first.pk]))
    with django_assert_num_queries(11):
        reviewed = secretariat.get(reverse("frontend:submission", args=[edition.year, first.pk]))
    with django_assert_num_queries(6):
        exported = secretariat.get(
            reverse("frontend:submissions-export", args=[edition.year, "csv"])
        )
    category.projects.update(status=ProjectStatus.NOMINEE)
    with django_assert_num_queries(7):
        public = owner_client.get(reverse("frontend:nominee", args=[edition.year, first.pk]))

    assert mine.status_code == reviewed.status_code == public.status_code == 200
    assert exported.content.decode().strip().count("\n") == len(projects)
