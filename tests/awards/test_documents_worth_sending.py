"""The certificate, the Champion letter and the booklet read as official documents: the
edition's emblem, the date, a signature block, text that stays on the paper whatever
its length, a booklet with a cover, contents, page numbers and a page per project; and
a document is made again when the facts on it change."""

import io

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageOps

from awards.certificates import booklet_pdf, certificate_pdf, champion_letter_pdf
from awards.models import AuditAction, AuditEntry, Certificate, ProjectImage, Standing
from awards.services import results_publish
from awards.services.certificates import booklet_generate, certificates_generate
from config.storage import private_storage
from tests.awards.test_rules_lock import edition_form_data
from tests.documents import (
    POINTS_PER_CM,
    page_count,
    page_size,
    pdf_lines,
    pdf_text,
    render_page,
)
from tests.factories import CategoryFactory, EditionFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

LONGEST_TITLE = ("Community broadband cooperatives for remote mountain villages " * 5)[:255]
LONGEST_ORGANISATION = ("International Association of Rural Telecentre Networks " * 5)[:255]
LONGEST_CATEGORY = (
    "ICT applications: benefits in all aspects of life — E-environment, climate "
    "monitoring and disaster early warning for small island developing states"
)


def png(size=(300, 120), colour=(11, 45, 91)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def images_on(data: bytes, page: int = 0) -> int:
    """How many images the page draws."""
    document = pdfium.PdfDocument(data)
    return len(list(document[page].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])))


def ink_outside(data: bytes, page: int, *, inline: float, block: float, foot: bool = False) -> bool:
    """Whether anything is drawn in the page's margins (``inline`` on the sides,
    ``block`` at the top and bottom, in points), the page rendered at 2 pixels per
    point; ``foot`` leaves out the bottom margin, where a page number belongs."""
    scale = 2
    image = render_page(data, page=page, scale=scale).convert("L")
    ink = ImageOps.invert(image).point(lambda value: 255 if value > 127 else 0)
    width, height = ink.size
    # A point less: the edge of a line drawn on the margin is shaded into the next pixel.
    side, end = int((inline - 1) * scale), int((block - 1) * scale)
    bands = [(0, 0, side, height), (width - side, 0, width, height), (0, 0, width, end)]
    if not foot:
        bands.append((0, height - end, width, height))
    return any(ink.crop(band).getbbox() for band in bands)


def assert_no_line_overlaps(data: bytes) -> None:
    lines = pdf_lines(data)
    for index, line in enumerate(lines):
        for other in lines[index + 1 :]:
            if other.page != line.page:
                continue
            apart = (
                line.right <= other.left
                or other.right <= line.left
                or line.top <= other.bottom
                or other.top <= line.bottom
            )
            assert apart, (line.text, other.text)


@pytest.fixture
def edition_with_signatory():
    edition = EditionFactory(
        signatory_name="Doreen Bogdan-Martin",
        signatory_title="Secretary-General, International Telecommunication Union",
    )
    edition.emblem.save("emblem.png", ContentFile(png()), save=True)
    return edition


@pytest.fixture
def longest(edition_with_signatory):
    category = CategoryFactory(edition=edition_with_signatory, title=LONGEST_CATEGORY)
    return ProjectFactory(
        edition=edition_with_signatory,
        category=category,
        title=LONGEST_TITLE,
        organisation_name=LONGEST_ORGANISATION,
    )


def test_the_certificate_carries_the_emblem_and_the_signature(longest):
    certificate = certificate_pdf(longest, language="en")

    text = " ".join(pdf_text(certificate).split())
    assert "Doreen Bogdan-Martin" in text
    assert "Secretary-General, International Telecommunication Union" in text
    assert images_on(certificate) == 1


def test_the_longest_names_stay_on_one_certificate_inside_its_frame(longest):
    certificate = certificate_pdf(longest, language="en")

    assert page_count(certificate) == 1
    assert_no_line_overlaps(certificate)
    flat = " ".join(pdf_text(certificate).split())
    assert " ".join(LONGEST_TITLE.split()) in flat
    assert " ".join(LONGEST_ORGANISATION.split()) in flat
    # Nothing beyond the frame's outer edge (the page's 1.2 cm margin).
    assert not ink_outside(certificate, 0, inline=1.2 * POINTS_PER_CM, block=1.2 * POINTS_PER_CM)
    # The heading and "Winner"/"Champion" do not run into each other, nor the names
    # into the signature: every line of text is apart from every other.
    width, height = page_size(certificate)
    inside = 1.2 * POINTS_PER_CM + 6
    for line in pdf_lines(certificate):
        assert inside <= line.left and line.right <= width - inside, line.text
        assert inside <= line.bottom and line.top <= height - inside, line.text


@pytest.mark.parametrize("language", ["en", "ar", "ru"])
def test_the_letter_is_a_letter(longest, language):
    standing = Standing(nominee=longest, category=longest.category, votes=12345, rank=3)

    letter = champion_letter_pdf(longest, standing, language=language)

    assert page_count(letter) == 1
    assert_no_line_overlaps(letter)
    text = " ".join(pdf_text(letter).split())
    assert "Doreen Bogdan-Martin" in text
    assert " ".join(LONGEST_ORGANISATION.split()) in text
    assert images_on(letter) == 1  # the emblem, in the letterhead
    assert not ink_outside(letter, 0, inline=2.4 * POINTS_PER_CM, block=2.2 * POINTS_PER_CM)


def test_the_booklet_has_a_page_per_project_with_its_logo_and_image(edition_with_signatory):
    category = CategoryFactory(edition=edition_with_signatory, title=LONGEST_CATEGORY)
    projects = [
        ProjectFactory(edition=edition_with_signatory, category=category, title=title)
        for title in ("Alpha telecentres", LONGEST_TITLE)
    ]
    projects[0].logo.save("logo.png", ContentFile(png((200, 200), (200, 30, 30))))
    ProjectImage.objects.create(
        project=projects[0],
        position=1,
        caption="Pupils at the telecentre",
        image=ContentFile(png((800, 500), (30, 160, 60)), name="picture.png"),
    )

    booklet = booklet_pdf(edition_with_signatory, projects, language="en")

    assert page_count(booklet) == 4  # cover, contents, a page each
    assert images_on(booklet, 0) == 1  # the emblem on the cover
    assert images_on(booklet, 2) == 2  # the logo and the picture
    assert "Pupils at the telecentre" in pdf_text(booklet)
    assert_no_line_overlaps(booklet)
    for page in range(4):
        margin = 2 * POINTS_PER_CM
        assert not ink_outside(booklet, page, inline=margin, block=margin, foot=True)
    # The page numbers, at the foot of each page but the cover.
    numbers = [line for line in pdf_lines(booklet) if line.text.strip().isdigit()]
    assert [(line.page, line.text.strip()) for line in numbers][-3:] == [
        (1, "2"),
        (2, "3"),
        (3, "4"),
    ]


@pytest.fixture
def published(decided, admin_user):
    edition, projects = decided
    results_publish(edition=edition, by=admin_user)
    return edition, projects


def test_a_corrected_name_reaches_the_stored_certificate(published):
    _, projects = published
    winner = projects[(2, "top")]
    [certificate, _letter] = certificates_generate(project=winner)
    first_name, first_at = certificate.file.name, certificate.generated_at

    again = certificates_generate(project=winner)[0]
    assert (again.file.name, again.generated_at) == (first_name, first_at)  # nothing changed

    winner.title = "Corrected title of the project"
    winner.save()
    corrected = certificates_generate(project=winner)[0]

    assert corrected.pk == certificate.pk
    assert "Corrected title of the project" in pdf_text(corrected.file.read())
    assert not private_storage().exists(first_name)


def test_the_download_gives_the_certificate_as_the_facts_now_stand(client, published):
    _, projects = published
    winner = projects[(2, "top")]
    certificates_generate(project=winner)
    winner.organisation_name = "Renamed Organisation"
    winner.save()
    client.force_login(winner.submitted_by)

    response = client.get(f"/editions/2020/my-projects/{winner.pk}/certificate.pdf")

    assert response.status_code == 200
    assert "Renamed Organisation" in pdf_text(b"".join(response.streaming_content))


def test_a_new_emblem_makes_the_booklet_again(published):
    edition, _ = published
    first = booklet_generate(edition=edition, language="fr")

    edition.emblem.save("emblem.png", ContentFile(png()), save=True)
    second = booklet_generate(edition=edition, language="fr")

    assert second != first
    assert booklet_generate(edition=edition, language="fr") == second
    assert not private_storage().exists(first)
    with private_storage().open(second, "rb") as booklet:
        assert images_on(booklet.read(), 0) == 1


def test_the_secretariat_asks_for_the_documents_again(admin_client, published, admin_user):
    edition, projects = published
    winner = projects[(2, "top")]
    [certificate, _] = certificates_generate(project=winner)

    response = admin_client.post(
        "/admin/awards/edition/",
        {"action": "remake_documents", "_selected_action": [edition.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "made again" in response.content.decode()
    assert Certificate.objects.get(pk=certificate.pk).generated_at > certificate.generated_at
    entry = AuditEntry.objects.get(action=AuditAction.DOCUMENTS_MADE)
    assert entry.actor == admin_user and winner.pk in entry.details["projects"]


def test_documents_are_not_made_before_publication(admin_client, decided):
    edition, _ = decided

    response = admin_client.post(
        "/admin/awards/edition/",
        {"action": "remake_documents", "_selected_action": [edition.pk]},
        follow=True,
    )

    assert "once the results are published" in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.DOCUMENTS_MADE).exists()


def test_the_emblem_is_uploaded_in_the_admin_and_checked(admin_client):
    edition = EditionFactory()
    data = edition_form_data(admin_client, edition)

    refused = admin_client.post(
        f"/admin/awards/edition/{edition.pk}/change/",
        {**data, "emblem": SimpleUploadedFile("emblem.png", b"not an image")},
    )
    accepted = admin_client.post(
        f"/admin/awards/edition/{edition.pk}/change/",
        {**data, "emblem": SimpleUploadedFile("emblem.png", png())},
    )

    assert refused.status_code == 200
    # Django's image field refuses it first, in its own words.
    assert "Upload a valid image." in refused.content.decode()
    assert accepted.status_code == 302
    edition.refresh_from_db()
    assert edition.emblem.name.startswith(f"editions/{edition.year}/emblem-")
    assert edition.emblem.storage is private_storage() or edition.emblem.path.startswith(
        str(private_storage().location)
    )


def test_only_the_secretariat_reaches_the_editions_admin(client):
    client.force_login(UserFactory())

    response = client.post(
        "/admin/awards/edition/", {"action": "remake_documents", "_selected_action": [1]}
    )

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def font_size_of(data: bytes, text: str) -> float:
    """The size of the type ``text`` is set in on the first page, in the page's units."""
    page = pdfium.PdfDocument(data)[0].get_textpage()
    whole = page.get_text_range()
    index = whole.index(text)
    return round(pdfium_c.FPDFText_GetFontSize(page.raw, index), 1)


def test_a_certificate_that_fits_keeps_its_full_size_type(edition_with_signatory):
    category = CategoryFactory(edition=edition_with_signatory)
    short = ProjectFactory(
        edition=edition_with_signatory, category=category, title="Telecentres", status="winner"
    )
    longest = ProjectFactory(
        edition=edition_with_signatory,
        category=category,
        title=LONGEST_TITLE,
        organisation_name=LONGEST_ORGANISATION,
        status="winner",
    )

    # The award ("Champion" until the results are published) is set at 3.2 times the
    # 11-point body text: 35.2 points, 46.9 in the units WeasyPrint draws in (CSS pixels).
    assert font_size_of(certificate_pdf(short, language="en"), "Champion") == 46.9
    # The longest names the fields take may shrink it, never past one page.
    shrunk = certificate_pdf(longest, language="en")
    assert page_count(shrunk) == 1
    assert font_size_of(shrunk, "Champion") <= 46.9
