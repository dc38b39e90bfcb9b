import pytest

from awards.phases import Phase
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/editions/2020/nominees/"


@pytest.fixture
def edition():
    return EditionFactory(year=2020, phase=Phase.VOTING)


@pytest.fixture
def categories(edition):
    return [CategoryFactory(edition=edition, number=n) for n in (1, 2)]


def test_only_accepted_projects_are_nominees(api_client, categories):
    shown = [
        ProjectFactory(category=categories[0], status=status)
        for status in ("nominee", "champion", "winner")
    ]
    for status in ("draft", "submitted", "rejected"):
        ProjectFactory(category=categories[0], status=status)

    body = api_client.get(BASE).json()

    assert sorted(n["id"] for n in body["results"]) == sorted(p.pk for p in shown)


def test_nominee_carries_no_contact_data_and_no_outcome(api_client, categories):
    owner = UserFactory(email="owner@example.org", name="Owner Person")
    winner = ProjectFactory(category=categories[0], status="winner", submitted_by=owner)

    listed = api_client.get(BASE).json()["results"][0]
    detail = api_client.get(f"{BASE}{winner.pk}/").json()

    for body in (listed, detail):
        text = repr(body)
        assert "owner@example.org" not in text
        assert "Owner Person" not in text
        assert not {"status", "submitted_by", "decision_reason", "history"} & body.keys()
    assert detail["title"] == winner.title
    assert detail["impact"] == winner.impact


def test_unpublished_project_detail_is_404(api_client, categories):
    draft = ProjectFactory(category=categories[0], status="submitted")

    response = api_client.get(f"{BASE}{draft.pk}/")

    assert response.status_code == 404


@pytest.mark.parametrize(
    "query, expected",
    [
        ("category=2", {"in-two"}),
        ("region=europe", {"european"}),
        ("stakeholder_type=academia", {"academic"}),
        ("country=BR", {"brazilian"}),
    ],
)
def test_nominees_filter(api_client, categories, query, expected):
    ProjectFactory(category=categories[0], title="plain")
    ProjectFactory(category=categories[1], title="in-two")
    ProjectFactory(category=categories[0], title="european", region="europe", country="SE")
    ProjectFactory(category=categories[0], title="academic", stakeholder_type="academia")
    ProjectFactory(category=categories[0], title="brazilian", country="BR", region="americas")

    titles = {n["title"] for n in api_client.get(f"{BASE}?{query}").json()["results"]}

    assert titles == expected


def test_bad_filter_value_is_a_clear_400(api_client, categories):
    response = api_client.get(f"{BASE}?region=atlantis")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "region" in response.json()["errors"]


@pytest.mark.parametrize("number", ["1.5", "1e1", "one"])
def test_a_category_is_a_whole_number(api_client, categories, number):
    ProjectFactory(category=categories[0])

    response = api_client.get(BASE, {"category": number})

    # django-filter's number filter read 1.5 as category 1.
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["category"]


def test_an_empty_filter_filters_nothing(api_client, categories):
    ProjectFactory(category=categories[0])

    response = api_client.get(
        BASE, {"category": "", "region": "", "country": "", "stakeholder_type": ""}
    )

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_nominees_search_finds_words_in_titles_and_descriptions(api_client, categories):
    ProjectFactory(category=categories[0], title="Solar schools for rural girls")
    ProjectFactory(
        category=categories[0],
        title="Health records",
        short_description="Clinics share patient records across districts.",
    )
    ProjectFactory(category=categories[0], title="Open maps")

    by_title = api_client.get(f"{BASE}?search=schools").json()["results"]
    by_text = api_client.get(f"{BASE}?search=patient records").json()["results"]

    assert [n["title"] for n in by_title] == ["Solar schools for rural girls"]
    assert [n["title"] for n in by_text] == ["Health records"]


@pytest.mark.parametrize(
    ("search", "message"),
    [
        ("\x00", "Null characters are not allowed."),
        ("open\x00maps", "Null characters are not allowed."),
        ("x" * 201, "Ensure this value has at most 200 characters (it has 201)."),
    ],
)
def test_a_search_no_database_could_read_is_refused(api_client, categories, search, message):
    ProjectFactory(category=categories[0], title="Open maps")

    response = api_client.get(BASE, {"search": search})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"] == {"search": [message]}


def test_voters_get_a_stable_order_of_their_own(api_client, categories):
    for number in range(12):
        ProjectFactory(category=categories[0], title=f"Nominee {number:02}")
    first, second = UserFactory(), UserFactory()

    api_client.force_authenticate(first)
    order_first = [n["id"] for n in api_client.get(BASE).json()["results"]]
    again = [n["id"] for n in api_client.get(BASE).json()["results"]]
    api_client.force_authenticate(second)
    order_second = [n["id"] for n in api_client.get(BASE).json()["results"]]

    assert order_first == again
    assert sorted(order_first) == sorted(order_second)
    assert order_first != order_second


def test_outside_voting_nominees_come_by_category_and_title(api_client):
    edition = EditionFactory(year=2020, phase=Phase.JURY)
    later = CategoryFactory(edition=edition, number=2)
    earlier = CategoryFactory(edition=edition, number=1)
    ProjectFactory(category=later, title="Alpha")
    ProjectFactory(category=earlier, title="Beta")
    ProjectFactory(category=earlier, title="Alpha")
    api_client.force_authenticate(UserFactory())

    results = api_client.get(BASE).json()["results"]

    assert [(n["category"], n["title"]) for n in results] == [
        (1, "Alpha"),
        (1, "Beta"),
        (2, "Alpha"),
    ]


@pytest.mark.parametrize("count", [1, 8])
def test_nominees_list_query_count_does_not_grow(
    api_client, categories, django_assert_num_queries, count
):
    ProjectFactory.create_batch(count, category=categories[0])

    with django_assert_num_queries(5):
        response = api_client.get(BASE)

    assert response.json()["count"] == count


def test_unknown_edition_is_404(api_client):
    assert api_client.get("/api/v1/editions/1999/nominees/").status_code == 404
