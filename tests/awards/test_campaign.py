"""The "Vote for us" poster: one page, every line on the paper, whatever the texts."""

import io

import pytest
import zxingcpp
from django.core.files.base import ContentFile
from PIL import Image
from pypdf import PdfReader
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from awards.campaign import (
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    campaign_poster_pdf,
    share_qr_drawing,
)
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

SHARE_URL = "https://prizes.example.org/n/12345/"
# 200 characters, as long titles come: words of every length.
LONG_TITLE = (
    "Community-owned broadband cooperatives bringing affordable connectivity, digital "
    "skills training and locally produced e-government services to remote mountain "
    "villages across three neighbouring countries "
)[:200]


def text_runs(data: bytes) -> list[tuple[str, float, float, float]]:
    """Each piece of text drawn on the single page: its text, where it starts and ends
    across the page, and its height on it, in points."""
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    runs = []

    def visit(text, cm, tm, font, size):
        if not text.strip():
            return
        scale = cm[0]
        start = cm[0] * tm[4] + cm[4]
        width = scale * stringWidth(text.strip("\n"), font["/BaseFont"][1:], size)
        runs.append((text, start, start + width, cm[3] * tm[5] + cm[5]))

    reader.pages[0].extract_text(visitor_text=visit)
    return runs


def assert_on_the_paper(runs) -> None:
    for text, start, end, height in runs:
        assert start >= MARGIN - 1, text
        assert end <= PAGE_WIDTH - MARGIN + 1, text
        assert MARGIN - 1 <= height <= PAGE_HEIGHT - MARGIN + 1, text


def png_bytes(size=(400, 100)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_200_character_title_wraps_within_the_page():
    assert len(LONG_TITLE) == 200
    project = ProjectFactory(title=LONG_TITLE, organisation_name="O" * 40 + " " + "Org " * 50)
    project.logo.save("logo.png", ContentFile(png_bytes()))

    runs = text_runs(campaign_poster_pdf(project, share_url=SHARE_URL))

    assert_on_the_paper(runs)
    drawn = " ".join(" ".join(text.split()) for text, *_ in runs)
    assert " ".join(LONG_TITLE.split()) in drawn
    assert SHARE_URL in drawn
    # Wrapped over several lines, not shrunk into one.
    assert sum(1 for text, *_ in runs if text.strip() in LONG_TITLE) >= 3


def test_a_title_of_one_long_word_is_split_within_the_page():
    project = ProjectFactory(title="Connectivity" * 16 + "X" * 8)

    runs = text_runs(campaign_poster_pdf(project, share_url=SHARE_URL))

    assert_on_the_paper(runs)
    assert "".join(text.strip() for text, *_ in runs).count("Connectivity") == 16


def test_texts_longer_than_a_page_still_make_one_page():
    project = ProjectFactory(title="Libraries " * 25, organisation_name="Cooperative " * 21)

    runs = text_runs(campaign_poster_pdf(project, share_url=SHARE_URL))

    assert_on_the_paper(runs)
    assert SHARE_URL in "".join(text for text, *_ in runs)


def test_markup_in_the_texts_is_printed_as_written():
    project = ProjectFactory(title="Apps <b>for</b> farmers & fishers", organisation_name="A&B")

    drawn = "".join(
        text for text, *_ in text_runs(campaign_poster_pdf(project, share_url=SHARE_URL))
    )

    assert "Apps <b>for</b> farmers & fishers" in drawn
    assert "A&B" in drawn


def test_the_same_facts_make_the_same_bytes():
    project = ProjectFactory()

    first = campaign_poster_pdf(project, share_url=SHARE_URL)

    assert campaign_poster_pdf(project, share_url=SHARE_URL) == first


def test_a_logo_whose_file_is_gone_leaves_the_poster_without_it():
    project = ProjectFactory()
    project.logo.save("logo.png", ContentFile(png_bytes()))
    project.logo.storage.delete(project.logo.name)

    assert campaign_poster_pdf(project, share_url=SHARE_URL).startswith(b"%PDF")


def test_the_posters_qr_code_scans_as_the_share_link():
    size = 210.0
    drawing = share_qr_drawing(SHARE_URL, size)
    squares = [shape for shape in drawing.contents if shape.fillColor == colors.black]
    modules = round(size / squares[0].width)
    # The drawn squares, painted on an image of one pixel per module, scaled up.
    image = Image.new("L", (modules, modules), 255)
    for square in squares:
        column = round(square.x / square.width)
        row = modules - 1 - round(square.y / square.height)
        image.putpixel((column, row), 0)

    [code] = zxingcpp.read_barcodes(image.resize((modules * 8, modules * 8), Image.NEAREST))

    assert code.text == SHARE_URL
