import pytest
from django.utils import timezone

from awards.models import ActionLine, Category
from awards.phases import PHASE_ORDER, Phase
from awards.services import edition_categories_create_standard
from tests.factories import CategoryFactory, EditionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_action_lines_lists_every_line_with_c7_sub_lines(api_client, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = api_client.get("/api/v1/action-lines/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 19
    assert body["results"][0] == {
        "code": "C1",
        "title": "The role of public governance authorities and all stakeholders "
        "in the promotion of ICTs for development",
        "parent": None,
    }
    sub_lines = [line for line in body["results"] if line["parent"] == "C7"]
    assert [line["title"] for line in sub_lines] == [
        "E-government",
        "E-business",
        "E-learning",
        "E-health",
        "E-employment",
        "E-environment",
        "E-agriculture",
        "E-science",
    ]
    assert body["results"][-1]["code"] == "C11"


@pytest.mark.parametrize("editions", [1, 4])
def test_editions_list_shows_year_title_and_current_phase(
    api_client, django_assert_num_queries, editions
):
    for offset in range(editions):
        EditionFactory(year=2020 + offset, phase=Phase.NOMINATION)

    with django_assert_num_queries(2):
        response = api_client.get("/api/v1/editions/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == editions
    assert body["results"][0] == {
        "year": 2020 + editions - 1,
        "title": f"WSIS Prizes {2020 + editions - 1}",
        "current_phase": "nomination",
    }
    assert {"count", "next", "previous", "results"} <= body.keys()


def test_editions_list_is_paginated(api_client):
    for year in range(2001, 2006):
        EditionFactory(year=year)

    body = api_client.get("/api/v1/editions/?page_size=2&page=2").json()

    assert body["count"] == 5
    assert [edition["year"] for edition in body["results"]] == [2003, 2002]
    assert body["next"] and body["previous"]


@pytest.mark.parametrize("size", ["0", "-1", "two", "1.5", "", "9" * 5000])
def test_a_page_size_that_is_not_a_whole_number_from_1_is_refused(api_client, size):
    EditionFactory(year=2020)

    response = api_client.get("/api/v1/editions/", {"page_size": size})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == ["page_size"]


def test_a_page_size_given_twice_is_refused(api_client):
    response = api_client.get("/api/v1/editions/?page_size=2&page_size=3")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["page_size"]


def test_a_page_size_past_the_maximum_gives_the_maximum(api_client):
    for year in range(2001, 2004):
        EditionFactory(year=year)

    body = api_client.get("/api/v1/editions/", {"page_size": 10**30}).json()

    assert body["count"] == 3 and len(body["results"]) == 3


@pytest.mark.parametrize("query", ["page=", "page=1&page=2", "page=0", "page=two"])
def test_a_page_given_empty_twice_or_out_of_range_is_not_found(api_client, query):
    EditionFactory(year=2020)

    response = api_client.get(f"/api/v1/editions/?{query}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page.", "code": "not_found"}


def test_edition_detail_gives_phases_current_phase_and_rules(api_client, django_assert_num_queries):
    edition = EditionFactory(year=2020, phase=Phase.VOTING, complete_ballot_required=True)

    with django_assert_num_queries(1):
        response = api_client.get("/api/v1/editions/2020/")

    assert response.status_code == 200
    body = response.json()
    assert body["current_phase"] == "voting"
    assert [phase["phase"] for phase in body["phases"]] == [p.value for p in PHASE_ORDER]
    voting = body["phases"][2]
    assert voting["title"] == "Public online voting"
    assert voting["opens_at"] == timezone.localtime(edition.voting_opens_at).isoformat().replace(
        "+00:00", "Z"
    )
    assert body["rules"] == {
        "complete_ballot_required": True,
        "champions_per_category": 5,
        "tie_rule": "include_all",
    }


def test_edition_detail_unknown_year_is_json_404(api_client):
    response = api_client.get("/api/v1/editions/1999/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.parametrize("special", [0, 2])
def test_categories_lists_the_18_by_number_with_action_line(
    api_client, django_assert_num_queries, special
):
    edition = EditionFactory(year=2020)
    edition_categories_create_standard(edition=edition)
    for number in range(19, 19 + special):
        CategoryFactory(
            edition=edition, number=number, title="Special Recognition", action_line=None
        )

    with django_assert_num_queries(3):
        response = api_client.get("/api/v1/editions/2020/categories/")

    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 18 + special
    assert results[0] == {
        "number": 1,
        "title": ActionLine.objects.get(code="C1").title,
        "action_line": "C1",
        "is_special": False,
    }
    assert results[6]["action_line"] == "C7.1"
    assert results[6]["title"] == "E-government"
    assert results[17]["action_line"] == "C11"
    if special:
        assert results[-1]["action_line"] is None
        assert results[-1]["is_special"] is True


def test_categories_of_one_category_edition(api_client, django_assert_num_queries):
    CategoryFactory(edition=EditionFactory(year=2021), number=1)

    with django_assert_num_queries(3):
        response = api_client.get("/api/v1/editions/2021/categories/")

    assert response.json()["count"] == 1


def test_categories_only_of_the_requested_edition(api_client):
    CategoryFactory(edition=EditionFactory(year=2020), number=1, title="Ours")
    CategoryFactory(edition=EditionFactory(year=2021), number=1, title="Theirs")

    titles = [
        c["title"] for c in api_client.get("/api/v1/editions/2020/categories/").json()["results"]
    ]

    assert titles == ["Ours"]


def test_categories_unknown_edition_is_404(api_client):
    response = api_client.get("/api/v1/editions/1999/categories/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unknown_api_path_answers_json_404(client):
    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.parametrize(
    "path", ["/api/v1/action-lines/", "/api/v1/editions/", "/api/v1/editions/2020/"]
)
def test_read_endpoints_answer_anonymous_and_signed_in_alike(api_client, path):
    EditionFactory(year=2020)
    anonymous = api_client.get(path).json()
    api_client.force_authenticate(UserFactory())

    assert api_client.get(path).json() == anonymous


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_read_endpoints_refuse_writes(api_client, method):
    EditionFactory(year=2020)
    api_client.force_authenticate(UserFactory(is_staff=True, is_superuser=True))

    response = getattr(api_client, method)("/api/v1/editions/2020/", {})

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert Category.objects.count() == 0
