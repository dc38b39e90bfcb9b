import pytest
from django.urls import reverse

from awards.models import ProjectStatus
from awards.phases import Phase
from awards.selectors import nominee_cards, nominees_in_voter_order, nominees_search
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory
from tests.frontend.html import attribute, error_summary, find, h1, page, text

pytestmark = pytest.mark.django_db

YEAR = 2020
HIDDEN_STATUSES = [ProjectStatus.DRAFT, ProjectStatus.SUBMITTED, ProjectStatus.REJECTED]


@pytest.fixture
def edition():
    return EditionFactory(year=YEAR, phase=Phase.VOTING)


@pytest.fixture
def schools(edition):
    return CategoryFactory(edition=edition, number=3, title="Access to information")


@pytest.fixture
def clinics(edition):
    return CategoryFactory(edition=edition, number=10, title="E-health")


def search_url(year: int = YEAR) -> str:
    return reverse("frontend:search", args=[year])


def hits(response) -> list:
    return find(page(response), "li", class_="search-hit")


def hit_titles(response) -> list[str]:
    return [text(find(hit, "h3")[0]) for hit in hits(response)]


def results_heading(response) -> str:
    [heading] = find(page(response), "h2", id="results-heading")
    return text(heading)


def main_html(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


# What it finds


def test_search_finds_nominees_of_every_category_by_title_organisation_and_text(
    client, schools, clinics
):
    ProjectFactory(category=schools, title="Solar schools", organisation_name="Light")
    ProjectFactory(category=clinics, title="Rural care", organisation_name="Solar Health")
    ProjectFactory(
        category=clinics, title="Mobile doctors", short_description="Clinics run on solar power."
    )
    ProjectFactory(category=schools, title="Village libraries")

    response = client.get(search_url(), {"q": "solar"})

    assert response.status_code == 200
    assert h1(response) == "Search the nominees"
    assert sorted(hit_titles(response)) == ["Mobile doctors", "Rural care", "Solar schools"]
    assert results_heading(response) == "3 nominees found for “solar”"


def test_each_hit_shows_and_links_its_category(client, schools, clinics):
    nominee = ProjectFactory(category=clinics, title="Rural clinics", country="SN")

    [hit] = hits(client.get(search_url(), {"q": "clinics"}))

    [title, category] = find(hit, "a")
    assert (text(title), attribute(title, "href")) == (
        "Rural clinics",
        reverse("frontend:nominee", args=[YEAR, nominee.pk]),
    )
    assert (text(category), attribute(category, "href")) == (
        "Category 10: E-health",
        reverse("frontend:category", args=[YEAR, 10]),
    )
    assert "Senegal" in text(hit)


def test_search_needs_every_word(client, schools, clinics):
    ProjectFactory(category=schools, title="Solar schools")
    ProjectFactory(category=clinics, title="Solar clinics")

    response = client.get(search_url(), {"q": "  solar   clinics "})

    assert hit_titles(response) == ["Solar clinics"]
    assert results_heading(response) == "1 nominee found for “solar clinics”"


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_search_finds_no_project_that_is_not_a_nominee(client, schools, status):
    ProjectFactory(category=schools, title="Solar schools", status=status)
    ProjectFactory(category=schools, title="Solar libraries")

    assert hit_titles(client.get(search_url(), {"q": "solar"})) == ["Solar libraries"]


def test_search_finds_no_nominee_of_another_edition(client, schools):
    ProjectFactory(category=CategoryFactory(edition=EditionFactory(year=2021)), title="Solar")

    response = client.get(search_url(), {"q": "solar"})

    assert hits(response) == []
    assert results_heading(response) == "0 nominees found for “solar”"
    assert "No nominee of any category matches “solar”." in text(page(response))


def test_champions_and_winners_are_found_as_plain_nominees(client, schools, clinics):
    owner = UserFactory(email="owner@example.org", name="Owner Person")
    for category, status in (
        (schools, ProjectStatus.NOMINEE),
        (schools, ProjectStatus.CHAMPION),
        (clinics, ProjectStatus.WINNER),
    ):
        ProjectFactory(
            category=category, status=status, submitted_by=owner, title=f"Solar {status}"
        )

    response = client.get(search_url(), {"q": "solar"})

    assert len(hits(response)) == 3
    html = main_html(response).lower().replace("solar champion", "").replace("solar winner", "")
    for secret in ("champion", "winner", "owner@example.org", "owner person"):
        assert secret not in html, secret
    assert {attribute(hit, "class") for hit in hits(response)} == {"nominee-card search-hit"}


def test_outside_voting_hits_are_listed_by_category_then_title(client):
    edition = EditionFactory(year=YEAR, phase=Phase.JURY)
    later = CategoryFactory(edition=edition, number=9)
    first = CategoryFactory(edition=edition, number=2)
    for category, title in ((later, "Solar A"), (first, "Solar C"), (first, "Solar B")):
        ProjectFactory(category=category, title=title)

    assert hit_titles(client.get(search_url(), {"q": "solar"})) == ["Solar B", "Solar C", "Solar A"]


def test_signed_in_voters_see_the_hits_in_their_own_order(client, edition, schools, clinics):
    for number in range(12):
        ProjectFactory(category=(schools, clinics)[number % 2], title=f"Solar {number:02}")
    voter = UserFactory(email_confirmed=True)
    client.force_login(voter)

    response = client.get(search_url(), {"q": "solar"})

    expected = nominees_in_voter_order(
        nominees_search(nominee_cards(edition=edition), "solar"), edition=edition, voter=voter
    )
    assert hit_titles(response) == [project.title for project in expected]
    assert "an order of your own" in text(page(response))


# Empty, paged and hostile queries


@pytest.mark.parametrize("query", [{}, {"q": ""}, {"q": "   "}])
def test_empty_search_asks_for_words_and_lists_nothing(client, schools, query):
    ProjectFactory(category=schools)

    response = client.get(search_url(), query)

    assert response.status_code == 200
    assert hits(response) == []
    assert results_heading(response) == "No search yet"
    assert "Type one or more words above" in text(page(response))


def test_search_pages_by_24_and_keeps_the_query(client, schools, clinics):
    for number in range(26):
        ProjectFactory(category=(schools, clinics)[number % 2], title=f"Solar {number:02}")

    first = client.get(search_url(), {"q": "solar"})
    second = client.get(search_url(), {"q": "solar", "page": 2})

    assert len(hits(first)) == 24
    assert results_heading(first).startswith("26 nominees found for “solar”")
    assert results_heading(first).endswith("page 1 of 2")
    assert len(hits(second)) == 2
    [pages] = find(page(first), "nav", class_="pagination")
    assert attribute(find(pages, "a", rel="next")[0], "href") == "?q=solar&page=2"
    # A page out of range or not a number shows the nearest page, not an error.
    assert client.get(search_url(), {"q": "solar", "page": "x"}).status_code == 200
    assert len(hits(client.get(search_url(), {"q": "solar", "page": 99}))) == 2


@pytest.mark.parametrize(
    "query, error",
    [
        ("a" * 201, "Ensure this value has at most 200 characters (it has 201)."),
        ("solar\x00", "Null characters are not allowed."),
    ],
)
def test_a_query_that_cannot_be_searched_is_refused_with_a_message(client, schools, query, error):
    ProjectFactory(category=schools, title="Solar schools")

    response = client.get(search_url(), {"q": query})

    assert response.status_code == 400
    assert hits(response) == []
    assert error in error_summary(response)
    assert "Nothing was searched" in text(page(response))


@pytest.mark.parametrize(
    "query",
    ["%", "_", "'; DROP TABLE awards_project; --", "<script>alert(1)</script>", "ü ∑ 🌞"],
)
def test_odd_characters_find_nothing_and_break_nothing(client, schools, query):
    ProjectFactory(category=schools, title="Solar schools")

    response = client.get(search_url(), {"q": query})

    assert response.status_code == 200
    assert hits(response) == []
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize("query", ['"solar', 'solar"', '"solar schools"', '"solar" "schools'])
def test_quotes_are_read_as_the_search_engines_read_them(client, schools, query):
    """Quotation marks, even unbalanced, do not hide the words between them (PostgreSQL's
    web search reads them as a phrase; SQLite's word by word search drops them)."""
    ProjectFactory(category=schools, title="Solar schools")

    response = client.get(search_url(), {"q": query})

    assert response.status_code == 200
    assert len(hits(response)) == 1


# Who may search, where the search box is


@pytest.mark.parametrize("signed_in", [False, True])
def test_anyone_may_search(client, schools, signed_in):
    ProjectFactory(category=schools, title="Solar schools")
    if signed_in:
        client.force_login(UserFactory())

    response = client.get(search_url(), {"q": "solar"})

    assert response.status_code == 200
    assert hit_titles(response) == ["Solar schools"]


def test_search_of_an_unknown_edition_is_404(client, schools):
    assert client.get(search_url(1999), {"q": "solar"}).status_code == 404


def test_search_answers_get_only(client, schools):
    assert client.post(search_url(), {"q": "solar"}).status_code == 405


@pytest.mark.parametrize(
    "address",
    [
        reverse("frontend:edition", args=[YEAR]),
        reverse("frontend:home"),
        reverse("frontend:category", args=[YEAR, 3]),
    ],
)
def test_edition_page_and_galleries_have_the_search_box(client, schools, address):
    response = client.get(address)

    [form] = find(page(response), "form", class_="nominee-search")
    assert (attribute(form, "method"), attribute(form, "action")) == ("get", search_url())
    [box] = find(form, "input", name="q")
    assert attribute(box, "type") == "search"
    assert text(find(form, "label")[0]) == "Search the nominees of every category"


def test_search_page_keeps_the_query_in_its_box(client, schools):
    response = client.get(search_url(), {"q": "solar schools"})

    [box] = find(page(response), "input", name="q")
    assert attribute(box, "value") == "solar schools"


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("count", [1, 8])
def test_search_query_count_does_not_grow(
    client, edition, django_assert_num_queries, count, signed_in
):
    categories = [CategoryFactory(edition=edition, number=n) for n in (1, 2, 3)]
    for n in range(count):
        ProjectFactory(category=categories[n % 3], title=f"Solar {n}")
    if signed_in:
        client.force_login(UserFactory(email_confirmed=True))

    # The edition, the count and the page (with the categories); signed in, also the
    # session, the user (with its address check) and the header's role groups.
    with django_assert_num_queries(6 if signed_in else 3):
        response = client.get(search_url(), {"q": "solar"})

    assert len(hits(response)) == count
