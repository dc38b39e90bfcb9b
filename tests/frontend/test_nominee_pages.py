import io

import pytest
from django.core.files.base import ContentFile
from django.test.html import Element
from django.urls import reverse
from PIL import Image

from accounts.models import User
from awards.filters import NomineeFilter
from awards.models import ActionLine, ProjectImage, ProjectStatus
from awards.phases import Phase
from awards.selectors import nominee_list, nominees_in_voter_order
from tests.factories import (
    CategoryFactory,
    EditionFactory,
    ProjectFactory,
    UserFactory,
    VoteFactory,
)
from tests.frontend.html import attribute, find, h1, page, text

pytestmark = pytest.mark.django_db

YEAR = 2020
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
HIDDEN_STATUSES = [ProjectStatus.DRAFT, ProjectStatus.SUBMITTED, ProjectStatus.REJECTED]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def edition():
    return EditionFactory(year=YEAR, phase=Phase.VOTING)


@pytest.fixture
def category(edition):
    return CategoryFactory(
        edition=edition,
        number=3,
        title="Access to information and knowledge",
        action_line=ActionLine.objects.get(code="C3"),
    )


def gallery_url(number: int = 3, year: int = YEAR) -> str:
    return reverse("frontend:category", args=[year, number])


def nominee_url(project, year: int = YEAR) -> str:
    return reverse("frontend:nominee", args=[year, project.pk])


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def with_files(project, *, images: int = 0, document: bool = False):
    """``project`` with a logo, ``images`` images and, if asked, a PDF."""
    project.logo.save("logo.png", ContentFile(png_bytes()))
    for position in range(1, images + 1):
        image = ProjectImage(project=project, position=position)
        image.image.save("photo.png", ContentFile(png_bytes()))
    if document:
        project.document.save("report.pdf", ContentFile(PDF))
    return project


def cards(response) -> list[Element]:
    return find(page(response), "li", class_="nominee-card")


def card_titles(response) -> list[str]:
    return [text(find(card, "h3")[0]) for card in cards(response)]


def main_html(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


# The gallery of a category


def test_gallery_shows_only_nominees(client, category):
    shown = [
        ProjectFactory(category=category, status=status, title=f"Shown as {status}")
        for status in (ProjectStatus.NOMINEE, ProjectStatus.CHAMPION, ProjectStatus.WINNER)
    ]
    for status in HIDDEN_STATUSES:
        ProjectFactory(category=category, status=status, title=f"Hidden as {status}")
    ProjectFactory(category=CategoryFactory(edition=category.edition, number=4), title="Other")

    response = client.get(gallery_url())

    assert response.status_code == 200
    assert h1(response) == "Category 3 Access to information and knowledge"
    assert sorted(card_titles(response)) == sorted(project.title for project in shown)
    assert text(find(page(response), "h2", id="nominees-heading")[0]) == "3 nominees"


def test_the_nominee_page_tells_a_voter_it_is_their_vote(client, category):
    chosen = ProjectFactory(category=category, title="Village libraries")
    other = ProjectFactory(category=category, title="Mobile schools")
    voter = UserFactory(email_confirmed=True)
    VoteFactory(nominee=chosen, voter=voter)
    client.force_login(voter)

    mine = find(page(client.get(nominee_url(chosen))), "p", class_="vote-link")
    theirs = find(page(client.get(nominee_url(other))), "p", class_="vote-link")

    assert [text(each) for each in mine] == ["Your vote Change or withdraw it"]
    [change] = find(mine[0], "a")
    assert attribute(change, "href") == reverse("frontend:ballot-category", args=[YEAR, 3])
    assert [text(each) for each in theirs] == ["Vote for this project Mobile schools"]
    client.logout()
    anonymous = find(page(client.get(nominee_url(chosen))), "p", class_="vote-link")
    assert [text(each) for each in anonymous] == ["Vote for this project Village libraries"]


def test_gallery_card_shows_logo_title_organisation_country_and_excerpt(client, category):
    nominee = with_files(
        ProjectFactory(
            category=category,
            title="Village libraries",
            organisation_name="Read Together",
            country="SN",
            short_description=" ".join(f"word{n}" for n in range(160)),
        )
    )

    [card] = cards(client.get(gallery_url()))

    # The project's page, and (voting being open) the way to vote for it.
    [link, vote] = find(card, "a")
    assert (text(link), attribute(link, "href")) == ("Village libraries", nominee_url(nominee))
    assert text(vote) == "Vote for this project Village libraries"
    [logo] = find(card, "img")
    assert attribute(logo, "src") == nominee.logo.url
    assert "Read Together" in text(card)
    assert "Senegal" in text(card)
    [excerpt] = find(card, "p", class_="nominee-card__excerpt")
    assert text(excerpt).startswith("word0 word1")
    assert text(excerpt).endswith("word29 …")


def test_champions_and_winners_are_shown_as_plain_nominees(client, category):
    owner = UserFactory(email="owner@example.org", name="Owner Person")
    for status in (ProjectStatus.NOMINEE, ProjectStatus.CHAMPION, ProjectStatus.WINNER):
        ProjectFactory(category=category, status=status, submitted_by=owner)

    response = client.get(gallery_url())

    html = main_html(response).lower()
    assert len(cards(response)) == 3
    for secret in ("champion", "winner", "owner@example.org", "owner person"):
        assert secret not in html, secret
    classes = {attribute(card, "class") for card in cards(response)}
    assert classes == {"nominee-card"}, "the cards look the same whatever the outcome"


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"region": "europe"}, ["Alpine clinics"]),
        ({"stakeholder_type": "academia"}, ["Health records"]),
        ({"country": "KE"}, ["Health records", "Mobile schools"]),
        ({"search": "clinics"}, ["Alpine clinics"]),
        ({"search": "records", "country": "KE"}, ["Health records"]),
        ({"search": "records", "country": "AT"}, []),
    ],
)
def test_gallery_filters_and_search(client, category, query, expected):
    ProjectFactory(category=category, title="Mobile schools")
    ProjectFactory(category=category, title="Health records", stakeholder_type="academia")
    ProjectFactory(category=category, title="Alpine clinics", country="AT", region="europe")

    response = client.get(gallery_url(), query)

    assert sorted(card_titles(response)) == expected
    if not expected:
        assert "No nominee matches these filters." in text(page(response))


def test_gallery_country_filter_offers_the_countries_of_its_nominees(client, category):
    ProjectFactory(category=category, country="KE")
    ProjectFactory(category=category, country="AT", region="europe")
    ProjectFactory(category=category, country="BR", status=ProjectStatus.REJECTED)

    response = client.get(gallery_url(), {"country": "AT"})

    [select] = find(page(response), "select", name="country")
    assert [text(option) for option in find(select, "option")] == [
        "All countries",
        "Austria",
        "Kenya",
    ]
    [chosen] = find(select, "option", selected=None)
    assert attribute(chosen, "value") == "AT"
    [search] = find(page(response), "input", name="search")
    assert attribute(search, "type") == "search"


def test_gallery_filters_keep_their_choices_once_the_shared_fields_exist(client, category):
    # The API schema builds the shared filters' fields; the page must not inherit them.
    for name in ("country", "region"):
        assert NomineeFilter.base_filters[name].field
    ProjectFactory(category=category, country="KE")

    response = client.get(gallery_url())

    [countries] = find(page(response), "select", name="country")
    assert [text(option) for option in find(countries, "option")] == ["All countries", "Kenya"]
    [regions] = find(page(response), "select", name="region")
    assert text(find(regions, "option")[0]) == "All regions"


def test_gallery_bad_filter_value_is_explained_not_an_error(client, category):
    ProjectFactory(category=category)

    response = client.get(gallery_url(), {"region": "atlantis", "page": "x"})

    assert response.status_code == 200
    assert "Select a valid choice" in text(find(page(response), class_="error-summary")[0])
    assert len(cards(response)) == 1


@pytest.mark.parametrize(
    "search, error",
    [
        ("a" * 201, "Ensure this value has at most 200 characters (it has 201)."),
        ("solar\x00", "Null characters are not allowed."),
    ],
)
def test_gallery_search_that_cannot_be_searched_is_explained_not_an_error(
    client, category, search, error
):
    ProjectFactory(category=category)

    response = client.get(gallery_url(), {"search": search})

    assert response.status_code == 200
    assert error in text(find(page(response), class_="error-summary")[0])
    assert len(cards(response)) == 1


def test_gallery_pages_by_24_and_keeps_the_filters(client, category):
    for number in range(26):
        ProjectFactory(category=category, title=f"Nominee {number:02}")

    first = client.get(gallery_url(), {"region": "africa"})
    second = client.get(gallery_url(), {"region": "africa", "page": 2})

    assert len(cards(first)) == 24
    assert card_titles(second) == ["Nominee 24", "Nominee 25"]
    [pages] = find(page(first), "nav", class_="pagination")
    [current] = find(pages, "a", aria_current="page")
    assert text(current) == "Page 1"
    assert attribute(find(pages, "a", rel="next")[0], "href") == "?region=africa&page=2"


def test_signed_in_voters_see_the_nominees_in_their_own_order(client, category):
    for number in range(12):
        ProjectFactory(category=category, title=f"Nominee {number:02}")
    voter = UserFactory(email_confirmed=True)
    client.force_login(voter)

    response = client.get(gallery_url())

    expected = nominees_in_voter_order(
        nominee_list(edition=category.edition), edition=category.edition, voter=voter
    )
    assert card_titles(response) == [project.title for project in expected]
    assert card_titles(response) != sorted(card_titles(response))
    assert "an order of your own" in text(page(response))


def test_visitors_outside_voting_see_nominees_by_title(client):
    category = CategoryFactory(edition=EditionFactory(year=YEAR, phase=Phase.JURY), number=3)
    for title in ("Beta", "Alpha", "Gamma"):
        ProjectFactory(category=category, title=title)

    assert card_titles(client.get(gallery_url())) == ["Alpha", "Beta", "Gamma"]


def test_gallery_without_nominees_says_so(client, category):
    ProjectFactory(category=category, status=ProjectStatus.SUBMITTED)

    response = client.get(gallery_url())

    assert cards(response) == []
    assert "This category has no nominees yet" in text(page(response))


@pytest.mark.parametrize(
    "address", ["/editions/2020/categories/99/", "/editions/1999/categories/3/"]
)
def test_unknown_category_or_edition_is_404(client, category, address):
    assert client.get(address).status_code == 404


def test_home_page_links_each_category_to_its_gallery(client, category):
    response = client.get(reverse("frontend:home"))

    links = [attribute(a, "href") for a in find(page(response), "a")]
    assert gallery_url() in links


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("count", [1, 8])
def test_gallery_query_count_does_not_grow(
    client, category, django_assert_num_queries, count, signed_in
):
    for _ in range(count):
        with_files(ProjectFactory(category=category))
    if signed_in:
        client.force_login(UserFactory(email_confirmed=True))

    # The edition, the category, the countries to filter by, the count and the page;
    # signed in, also the session, the user (with its address check) and the header's
    # role groups.
    with django_assert_num_queries(8 if signed_in else 5):
        response = client.get(gallery_url())

    assert len(cards(response)) == count


# The page of a nominee


def test_nominee_page_shows_the_project(client, category):
    nominee = with_files(
        ProjectFactory(
            category=category,
            title="Village libraries",
            organisation_name="Read Together",
            country="SN",
            region="africa",
            website="https://read.example.org/",
            impact="Ninety villages have a library.",
            sdgs=[4, 10],
        ),
        images=2,
        document=True,
    )
    ProjectImage.objects.filter(project=nominee, position=1).update(caption="Children reading")

    response = client.get(nominee_url(nominee))

    assert response.status_code == 200
    assert h1(response) == "Village libraries"
    body = text(page(response))
    for shown in (
        "Read Together",
        "Senegal",
        "Africa",
        "Civil society",
        "4 Quality education",
        "10 Reduced inequalities",
        "Ninety villages have a library.",
        nominee.short_description,
        nominee.linkage,
        nominee.partnerships,
        nominee.challenges,
        nominee.outlook,
    ):
        assert shown in body, shown
    [website] = [a for a in find(page(response), "a") if text(a) == "https://read.example.org/"]
    assert attribute(website, "rel") == "noopener nofollow"
    [logo] = find(page(response), "img", class_="nominee__logo")
    assert attribute(logo, "alt") == "Logo of Read Together"
    images = find(page(response), "li", class_="project-images__item")
    assert [attribute(find(item, "img")[0], "alt") for item in images] == [
        "Children reading",
        "Image 2 of Village libraries",
    ]
    [document] = find(page(response), "a", class_="document-link")
    assert attribute(document, "href") == nominee.document.url
    back = find(page(response), "p", class_="back-link")[0]
    assert attribute(find(back, "a")[0], "href") == gallery_url()


def test_nominee_page_shows_no_contact_data_and_no_outcome(client, category):
    owner = UserFactory(email="owner@example.org", name="Owner Person")
    winner = ProjectFactory(category=category, status=ProjectStatus.WINNER, submitted_by=owner)

    response = client.get(nominee_url(winner))

    html = main_html(response).lower()
    for secret in ("champion", "winner", "owner@example.org", "owner person", "stage"):
        assert secret not in html, secret
    assert "Nominee · WSIS Prizes 2020" in text(page(response))


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_project_that_is_not_a_nominee_has_no_page(client, category, status):
    project = ProjectFactory(category=category, status=status)

    assert client.get(nominee_url(project)).status_code == 404


def test_nominee_of_another_edition_is_not_found_under_this_one(client, category):
    other = ProjectFactory(category=CategoryFactory(edition=EditionFactory(year=2021)))

    assert client.get(nominee_url(other, year=YEAR)).status_code == 404
    assert client.get(nominee_url(other, year=2021)).status_code == 200


@pytest.mark.parametrize("images", [1, 5])
def test_nominee_page_query_count_does_not_grow(
    client, category, django_assert_num_queries, images
):
    nominee = with_files(ProjectFactory(category=category, sdgs=[1, 4, 9]), images=images)

    # The edition; the nominee with its category, SDGs and images.
    with django_assert_num_queries(4):
        response = client.get(nominee_url(nominee))

    assert len(find(page(response), "li", class_="project-images__item")) == images


def test_no_voter_sees_nominees_made_one_after_another_in_that_order(category):
    # Nominees created one after another have ids that follow each other: each voter's
    # order must scatter them, not keep them in step.
    nominees = [ProjectFactory(category=category, title=f"Nominee {n:02}") for n in range(12)]
    created = [project.pk for project in nominees]

    in_step = 0
    for pk in range(1, 401):
        order = list(
            nominees_in_voter_order(
                nominee_list(edition=category.edition),
                edition=category.edition,
                voter=User(pk=pk),
            ).values_list("pk", flat=True)
        )
        assert sorted(order) == sorted(created)
        in_step += order in (created, created[::-1])

    assert in_step == 0
