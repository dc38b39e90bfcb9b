"""The "Vote for us" poster: one page, every line on the paper, whatever the texts."""

import io

import pytest
import zxingcpp
from django.core.files.base import ContentFile
from PIL import Image

from awards.campaign import campaign_poster_pdf
from tests.documents import POINTS_PER_CM, page_count, pdf_lines, render_page
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

SHARE_URL = "https://prizes.example.org/n/12345/"
# A4, and the margin every line keeps from its edges.
PAGE_WIDTH, PAGE_HEIGHT = 21 * POINTS_PER_CM, 29.7 * POINTS_PER_CM
MARGIN = 2 * POINTS_PER_CM
# 200 characters, as long titles come: words of every length.
LONG_TITLE = (
    "Community-owned broadband cooperatives bringing affordable connectivity, digital "
    "skills training and locally produced e-government services to remote mountain "
    "villages across three neighbouring countries "
)[:200]


def text_runs(data: bytes) -> list[tuple[str, float, float, float, float]]:
    """Each line of text on the single page: its text, where it starts and ends across
    the page, and its bottom and top on it, in points."""
    assert page_count(data) == 1
    return [(line.text, line.left, line.right, line.bottom, line.top) for line in pdf_lines(data)]


def assert_on_the_paper(runs) -> None:
    for text, start, end, bottom, top in runs:
        assert start >= MARGIN - 1, text
        assert end <= PAGE_WIDTH - MARGIN + 1, text
        assert bottom >= MARGIN - 1 and top <= PAGE_HEIGHT - MARGIN + 1, text


def png_bytes(size=(400, 100)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 120, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_200_character_title_wraps_within_the_page():
    assert len(LONG_TITLE) == 200
    project = ProjectFactory(title=LONG_TITLE, organisation_name="O" * 40 + " " + "Org " * 50)
    project.logo.save("logo.png", ContentFile(png_bytes()))

    runs = text_runs(campaign_poster_pdf(project, share_url=SHARE_URL, language="en"))

    assert_on_the_paper(runs)
    drawn = " ".join(" ".join(text.split()) for text, *_ in runs)
    assert " ".join(LONG_TITLE.split()) in drawn
    assert SHARE_URL in drawn
    # Wrapped over several lines, not shrunk into one.
    assert sum(1 for text, *_ in runs if text.strip() in LONG_TITLE) >= 3


def test_a_title_of_one_long_word_is_split_within_the_page():
    project = ProjectFactory(title="Connectivity" * 16 + "X" * 8)

    runs = text_runs(campaign_poster_pdf(project, share_url=SHARE_URL, language="en"))

    assert_on_the_paper(runs)
    assert "".join(text.strip() for text, *_ in runs).count("Connectivity") == 16


def test_texts_longer_than_a_page_still_make_one_page():
    project = ProjectFactory(title="Libraries " * 25, organisation_name="Cooperative " * 21)

    runs = text_runs(campaign_poster_pdf(project, share_url=SHARE_URL, language="en"))

    assert_on_the_paper(runs)
    assert SHARE_URL in "".join(text for text, *_ in runs)


def test_markup_in_the_texts_is_printed_as_written():
    project = ProjectFactory(title="Apps <b>for</b> farmers & fishers", organisation_name="A&B")

    drawn = "".join(
        text
        for text, *_ in text_runs(campaign_poster_pdf(project, share_url=SHARE_URL, language="en"))
    )

    assert "Apps <b>for</b> farmers & fishers" in drawn
    assert "A&B" in drawn


def test_the_same_facts_make_the_same_bytes():
    project = ProjectFactory()

    first = campaign_poster_pdf(project, share_url=SHARE_URL, language="en")

    assert campaign_poster_pdf(project, share_url=SHARE_URL, language="en") == first


def test_a_logo_whose_file_is_gone_leaves_the_poster_without_it():
    project = ProjectFactory()
    project.logo.save("logo.png", ContentFile(png_bytes()))
    project.logo.storage.delete(project.logo.name)

    assert campaign_poster_pdf(project, share_url=SHARE_URL, language="en").startswith(b"%PDF")


def test_the_posters_qr_code_scans_as_the_share_link():
    poster = campaign_poster_pdf(ProjectFactory(), share_url=SHARE_URL, language="en")

    [code] = zxingcpp.read_barcodes(render_page(poster, scale=2))

    assert code.text == SHARE_URL
