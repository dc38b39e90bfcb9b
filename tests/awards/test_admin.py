import pytest

from awards.models import Category, Edition, Project
from awards.phases import Phase
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "/admin/awards/actionline/",
    "/admin/awards/sustainabledevelopmentgoal/",
    "/admin/awards/edition/",
    "/admin/awards/category/",
    "/admin/awards/project/",
    "/admin/awards/juryassignment/",
    "/admin/awards/conflictofinterest/",
    "/admin/awards/score/",
]


@pytest.fixture
def project():
    return ProjectFactory(category=CategoryFactory(edition=EditionFactory(year=2020)))


@pytest.mark.parametrize("path", CHANGELISTS)
def test_secretariat_sees_every_changelist(admin_client, project, path):
    response = admin_client.get(path)

    assert response.status_code == 200


@pytest.mark.parametrize("path", CHANGELISTS)
def test_anonymous_is_sent_to_login(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_non_staff_account_cannot_enter_the_admin(client):
    client.force_login(UserFactory())

    response = client.get("/admin/awards/project/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_edition_list_shows_current_phase_and_category_count(admin_client):
    CategoryFactory(edition=EditionFactory(year=2020, phase=Phase.JURY))

    html = admin_client.get("/admin/awards/edition/").content.decode()

    assert "WSIS Prizes 2020" in html
    assert "Winner selection" in html
    assert '<td class="field-category_count">1</td>' in html


def test_edition_change_page_shows_timeline_and_rules(admin_client):
    # Before voting opens: afterwards the rules are read-only (tests/awards/test_rules_lock.py).
    edition = EditionFactory(year=2020, phase=Phase.NOMINATION)

    html = admin_client.get(f"/admin/awards/edition/{edition.pk}/change/").content.decode()

    assert "Public online voting" in html
    assert 'name="voting_opens_at_0"' in html
    assert 'name="tie_rule"' in html


def test_edition_change_refuses_overlapping_phases_with_a_message(admin_client):
    edition = EditionFactory(year=2020)
    response = admin_client.get(f"/admin/awards/edition/{edition.pk}/change/")
    data = {
        key: value
        for key, value in response.context["adminform"].form.initial.items()
        if not key.endswith("_at")
    }
    timeline = [
        f.name for f in Edition._meta.fields if f.name.endswith(("_opens_at", "_closes_at"))
    ]
    for phase_field in timeline:
        moment = getattr(edition, phase_field)
        data[f"{phase_field}_0"] = moment.strftime("%Y-%m-%d")
        data[f"{phase_field}_1"] = moment.strftime("%H:%M:%S")
    data["voting_closes_at_0"] = edition.jury_opens_at.strftime("%Y-%m-%d")
    data.update(
        {
            "categories-TOTAL_FORMS": "0",
            "categories-INITIAL_FORMS": "0",
            "champions_per_category": "5",
            "tie_rule": "include_all",
        }
    )

    response = admin_client.post(f"/admin/awards/edition/{edition.pk}/change/", data)

    assert response.status_code == 200
    assert "cannot open before the public online voting phase closes" in response.content.decode()
    edition.refresh_from_db()
    assert edition.voting_closes_at == edition.champions_opens_at


def test_create_standard_categories_action(admin_client):
    edition = EditionFactory(year=2020)

    response = admin_client.post(
        "/admin/awards/edition/",
        {"action": "create_standard_categories", "_selected_action": [edition.pk]},
        follow=True,
    )

    assert "standard categories are in place" in response.content.decode()
    assert list(Category.objects.filter(edition=edition).values_list("number", flat=True)) == list(
        range(1, 19)
    )


def test_project_search_finds_by_organisation(admin_client, project):
    ProjectFactory(category=project.category, organisation_name="Someone Else")

    response = admin_client.get("/admin/awards/project/", {"q": project.organisation_name})

    assert list(response.context["cl"].result_list) == [project]


@pytest.mark.parametrize("rows", [1, 12])
def test_project_changelist_query_count_does_not_grow_with_rows(
    admin_client, django_assert_num_queries, rows
):
    category = CategoryFactory(edition=EditionFactory(year=2020))
    ProjectFactory.create_batch(rows, category=category)
    admin_client.get("/admin/awards/project/")  # warm the session and content types

    with django_assert_num_queries(10):
        response = admin_client.get("/admin/awards/project/")

    assert len(response.context["cl"].result_list) == rows
    assert Project.objects.count() == rows
