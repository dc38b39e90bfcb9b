"""A nominee's campaign: the share link, its preview tags, its QR code and the
submitter's "Vote for us" poster, for the owner and for every outsider."""

import io
import re

import pytest
import segno
import zxingcpp
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from awards.models import ActionLine, ProjectStatus, Standing
from awards.phases import Phase
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory
from tests.frontend.html import attribute, find, page, text
from voting.services import ballot_cast

pytestmark = pytest.mark.django_db

YEAR = 2020
LOGIN = reverse("account_login")
HIDDEN_STATUSES = [ProjectStatus.DRAFT, ProjectStatus.SUBMITTED, ProjectStatus.REJECTED]


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


@pytest.fixture
def owner():
    return UserFactory(email_confirmed=True)


@pytest.fixture
def nominee(category, owner):
    return ProjectFactory(
        category=category,
        submitted_by=owner,
        title="Village libraries",
        organisation_name="Read Together",
        short_description="Libraries in every village school, run by the pupils themselves.",
    )


def share_path(project) -> str:
    return reverse("frontend:share", args=[project.pk])


def qr_path(project, kind: str = "svg") -> str:
    return reverse("frontend:share-qr", args=[project.pk, kind])


def poster_path(project, year: int = YEAR) -> str:
    return reverse("frontend:campaign-poster", args=[year, project.pk])


def nominee_path(project, year: int = YEAR) -> str:
    return reverse("frontend:nominee", args=[year, project.pk])


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def meta_tags(response) -> dict[str, str]:
    """The page's meta tags, by property (Open Graph) or name (Twitter, description)."""
    tags = {}
    for meta in find(page(response), "meta"):
        key = attribute(meta, "property") or attribute(meta, "name")
        if key:
            tags[key] = attribute(meta, "content")
    return tags


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def decoded_qr(data: bytes) -> str:
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))
    return code.text


# The share link


def test_share_link_redirects_to_the_nominee_page(client, nominee):
    response = client.get(share_path(nominee))

    assert share_path(nominee) == f"/n/{nominee.pk}/"
    assert response.status_code == 302
    assert response["Location"] == nominee_path(nominee)


def test_link_checkers_and_preview_bots_asking_head_get_what_get_gets(client, nominee):
    """Link checkers and the bots that draw a shared link's preview often ask with
    HEAD first: a page that answers GET answers HEAD the same way, without a body."""
    pages = [
        share_path(nominee),
        qr_path(nominee, "svg"),
        qr_path(nominee, "png"),
        nominee_path(nominee),
        reverse("frontend:category", args=[YEAR, 3]),
        reverse("frontend:search", args=[YEAR]) + "?q=village",
        poster_path(nominee),
    ]
    for url in pages:
        got, head = client.get(url), client.head(url)

        assert (head.status_code, head.get("Content-Type")) == (
            got.status_code,
            got.get("Content-Type"),
        ), url
        assert head.content == b"", url


def test_share_link_follows_its_nominee_into_any_edition(client, nominee):
    older = ProjectFactory(category=CategoryFactory(edition=EditionFactory(year=2019), number=3))

    response = client.get(share_path(older))

    assert response.status_code == 302
    assert response["Location"] == f"/editions/2019/nominees/{older.pk}/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("status", [ProjectStatus.CHAMPION, ProjectStatus.WINNER])
def test_share_link_leads_to_champions_and_winners_as_nominees(client, category, status):
    project = ProjectFactory(category=category, status=status)

    assert client.get(share_path(project))["Location"] == nominee_path(project)


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_share_link_of_a_project_that_is_not_a_nominee_is_not_found(
    client, category, owner, status
):
    project = ProjectFactory(category=category, submitted_by=owner, status=status)
    # Not even its submitter learns anything from it.
    client.force_login(owner)

    for path in (share_path(project), qr_path(project), qr_path(project, "png")):
        response = client.get(path)
        assert response.status_code == 404
        assert "Page not found" in text(page(response))


def test_unknown_share_link_is_the_sites_not_found_page(client, nominee):
    response = client.get(f"/n/{nominee.pk + 1000}/")

    assert response.status_code == 404
    assert "Page not found" in text(page(response))
    assert client.get(f"/n/{nominee.pk + 1000}/qr.svg").status_code == 404
    assert client.get("/n/abc/").status_code == 404


# The preview tags of the nominee's page


def test_nominee_page_has_open_graph_and_twitter_tags(client, nominee):
    nominee.logo.save("logo.png", ContentFile(png_bytes()))

    response = client.get(nominee_path(nominee))

    tags = meta_tags(response)
    description = "Read Together: Libraries in every village school, run by the pupils themselves."
    assert tags["og:title"] == tags["twitter:title"] == "Village libraries"
    assert tags["og:description"] == tags["twitter:description"] == description
    assert tags["og:url"] == f"http://testserver/n/{nominee.pk}/"
    assert tags["og:image"] == tags["twitter:image"] == f"http://testserver{nominee.logo.url}"
    assert tags["og:image:alt"] == "Logo of Read Together"
    assert tags["twitter:card"] == "summary"
    assert client.get(tags["og:image"]).status_code == 200


def test_nominee_tags_shorten_the_description_and_leave_out_a_missing_logo(client, category):
    nominee = ProjectFactory(
        category=category,
        organisation_name="",
        short_description=" ".join(f"word{n}" for n in range(160)),
    )

    tags = meta_tags(client.get(nominee_path(nominee)))

    assert tags["og:description"] == " ".join(f"word{n}" for n in range(30)) + " …"
    assert "og:image" not in tags
    assert "twitter:image" not in tags


def test_nominee_tags_escape_the_projects_words(client, category):
    nominee = ProjectFactory(category=category, title='Tools "for" <all> & more')

    response = client.get(nominee_path(nominee))

    assert meta_tags(response)["og:title"] == 'Tools "for" <all> & more'
    assert "<all>" not in response.content.decode()


# Standings hidden: nothing shared tells a count, a rank or an outcome


def head_of(response) -> str:
    html = response.content.decode()
    return html[: html.index("</head>")]


def test_shared_tags_and_poster_tell_no_votes_while_standings_are_hidden(
    client, edition, category, nominee, owner
):
    assert not edition.public_standings
    rival = ProjectFactory(category=category)
    client.force_login(owner)
    head_before = head_of(client.get(nominee_path(nominee)))
    poster_before = client.get(poster_path(nominee)).content

    for _ in range(3):
        ballot_cast(
            edition=edition,
            category=category,
            voter=UserFactory(email_confirmed=True),
            nominee_id=nominee.pk,
        )
    ballot_cast(
        edition=edition,
        category=category,
        voter=UserFactory(email_confirmed=True),
        nominee_id=rival.pk,
    )

    assert head_of(client.get(nominee_path(nominee))) == head_before
    assert client.get(poster_path(nominee)).content == poster_before


def test_recorded_standings_and_champions_stay_off_shared_pages_before_publication(client, owner):
    edition = EditionFactory(year=YEAR, phase=Phase.JURY)
    category = CategoryFactory(edition=edition, number=3)
    champion = ProjectFactory(
        category=category, submitted_by=owner, status=ProjectStatus.CHAMPION, title="Mesh radio"
    )
    Standing.objects.create(
        edition=edition, category=category, nominee=champion, votes=48213, rank=1
    )
    client.force_login(owner)

    response = client.get(nominee_path(champion))
    poster = pdf_text(client.get(poster_path(champion)).content)

    for shown in (head_of(response), text(page(response)), poster):
        assert "48213" not in shown
        assert "48,213" not in shown
        assert "Champion" not in shown
        assert not re.search(r"\branke?d?\b", shown, re.IGNORECASE)


# The QR code


def test_qr_code_svg_is_segnos_code_of_the_absolute_share_link(client, nominee):
    response = client.get(qr_path(nominee))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "public" in response["Cache-Control"]
    assert "max-age=86400" in response["Cache-Control"]
    expected = io.BytesIO()
    segno.make(f"http://testserver/n/{nominee.pk}/", error="m", micro=False).save(
        expected, kind="svg", scale=8, border=4, xmldecl=True, svgns=True
    )
    assert response.content == expected.getvalue()


def test_qr_code_png_scans_as_the_share_link(client, nominee):
    response = client.get(qr_path(nominee, "png"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "max-age=86400" in response["Cache-Control"]
    assert decoded_qr(response.content) == f"http://testserver/n/{nominee.pk}/"
    # The link it names leads to the nominee.
    assert client.get(decoded_qr(response.content))["Location"] == nominee_path(nominee)


def test_qr_code_in_another_format_is_not_found(client, nominee):
    assert client.get(f"/n/{nominee.pk}/qr.gif").status_code == 404


# The campaign block on the submitter's page


def test_submitter_page_of_a_nominee_offers_the_campaign_block(client, nominee, owner):
    client.force_login(owner)

    response = client.get(reverse("frontend:my-project", args=[YEAR, nominee.pk]))

    [block] = find(page(response), "section", class_="campaign")
    assert "Campaign for your project" in text(block)
    [field] = find(block, "input", id="share-link")
    assert attribute(field, "value") == f"http://testserver/n/{nominee.pk}/"
    assert "readonly" in dict(field.attributes)
    [qr] = find(block, "img")
    assert attribute(qr, "src") == qr_path(nominee)
    assert attribute(qr, "alt") == "QR code of the share link"
    links = {text(a): attribute(a, "href") for a in find(block, "a")}
    assert links["Your “Vote for us” poster to print (PDF, one page)"] == poster_path(nominee)
    assert links["The QR code for print (PNG)"] == qr_path(nominee, "png")


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_submitter_page_of_a_project_that_is_not_a_nominee_has_no_campaign(
    client, category, owner, status
):
    project = ProjectFactory(category=category, submitted_by=owner, status=status)
    client.force_login(owner)

    response = client.get(reverse("frontend:my-project", args=[YEAR, project.pk]))

    assert response.status_code == 200
    assert "Campaign for your project" not in text(page(response))
    assert not find(page(response), "input", id="share-link")


# The "Vote for us" poster


def test_owner_downloads_a_one_page_poster(client, nominee, owner):
    nominee.logo.save("logo.png", ContentFile(png_bytes()))
    client.force_login(owner)

    response = client.get(poster_path(nominee))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="wsis-prizes-{YEAR}-{nominee.pk}-vote-for-us.pdf"'
    )
    poster = pdf_text(response.content)
    for shown in (
        "WSIS Prizes 2020",
        "Village libraries",
        "Read Together",
        "Category 3: Access to information and knowledge (Action Line C3)",
        "Vote for us!",
        f"http://testserver/n/{nominee.pk}/",
    ):
        assert shown in poster
    voting = nominee.edition.window(Phase.VOTING)
    assert f"{voting.opens_at:%-d %B %Y}" in poster
    assert f"{voting.closes_at:%-d %B %Y}" in poster


def test_secretariat_downloads_any_nominees_poster(client, nominee, admin_user):
    client.force_login(admin_user)

    assert client.get(poster_path(nominee)).status_code == 200


def test_another_submitter_is_refused_the_poster(client, nominee, category):
    other = UserFactory(email_confirmed=True)
    ProjectFactory(category=category, submitted_by=other)
    client.force_login(other)

    response = client.get(poster_path(nominee))

    assert response.status_code == 403
    assert "Only the project's submitter and the secretariat" in text(page(response))


def test_secretariat_without_two_factor_is_refused_the_poster(client, nominee):
    client.force_login(UserFactory(is_staff=True, email_confirmed=True, roles=["Secretariat"]))

    response = client.get(poster_path(nominee))

    # Not a role's page: the account is refused as any other account would be.
    assert response.status_code == 403


def test_anonymous_is_sent_to_log_in_for_the_poster(client, nominee):
    response = client.get(poster_path(nominee))

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={poster_path(nominee)}"


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_no_poster_for_a_project_that_is_not_a_nominee(client, category, owner, admin_user, status):
    project = ProjectFactory(category=category, submitted_by=owner, status=status)

    for user in (owner, admin_user):
        client.force_login(user)
        assert client.get(poster_path(project)).status_code == 404


def test_no_poster_under_another_editions_year_or_an_unknown_id(client, nominee, owner):
    client.force_login(owner)

    assert client.get(poster_path(nominee, year=2019)).status_code == 404
    assert (
        client.get(f"/editions/{YEAR}/my-projects/{nominee.pk + 1000}/vote-for-us.pdf").status_code
        == 404
    )


def test_share_link_and_qr_code_read_one_row_each(client, nominee, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get(share_path(nominee)).status_code == 302
    with django_assert_num_queries(1):
        assert client.get(qr_path(nominee)).status_code == 200
