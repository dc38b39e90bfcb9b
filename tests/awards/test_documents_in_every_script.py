"""The certificates, letters, booklet and poster print every script: Latin, Cyrillic,
Greek, Arabic (shaped, joined, right to left) and Chinese, in the recipient's language.

Each document is read back (its text) and rendered to an image (no character drawn as
a missing-glyph box)."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from awards.campaign import campaign_poster_pdf
from awards.certificates import booklet_pdf, certificate_pdf, champion_letter_pdf
from awards.models import ProjectStatus, Standing
from awards.services import results_publish
from awards.services.certificates import certificates_generate
from tests.documents import (
    POINTS_PER_CM,
    characters,
    missing_glyph_boxes,
    page_count,
    page_size,
    pdf_lines,
    pdf_text,
    render_page,
)
from tests.factories import CategoryFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

SHARE_URL = "https://prizes.example.org/n/1/"

# A project title and an organisation in each script, with the language of the page
# a recipient writing in it would read.
NAMES = {
    "latin": ("en", "Coopérative numérique Ñandú: l'école à distance", "Åsa & Søren Ltd."),
    "cyrillic": ("ru", "Цифровая деревня: школа для всех", "Фонд «Открытый мир»"),
    "greek": ("en", "Ψηφιακό χωριό της Κρήτης", "Ένωση Δήμων Ελλάδος"),
    "arabic": ("ar", "القرية الرقمية الذكية لتعليم الأطفال", "جمعية تمكين المرأة الريفية"),
    "cjk": ("zh-hans", "智慧乡村数字平台", "中国信息通信研究院"),
}


def documents(project, language):
    standing = Standing(nominee=project, category=project.category, votes=1234, rank=2)
    return {
        "certificate": certificate_pdf(project, language=language),
        "letter": champion_letter_pdf(project, standing, language=language),
        "booklet": booklet_pdf(project.edition, [project], language=language),
        "poster": campaign_poster_pdf(project, share_url=SHARE_URL, language=language),
    }


@pytest.mark.parametrize("script", NAMES)
def test_every_document_prints_a_name_in_each_script(script):
    language, title, organisation = NAMES[script]
    project = ProjectFactory(title=title, organisation_name=organisation)

    for name, data in documents(project, language).items():
        # A long name may wrap: read as one line.
        text = " ".join(pdf_text(data).split())
        assert title in text, name
        assert organisation in text, name
        assert missing_glyph_boxes(data) == [], name


@pytest.mark.parametrize("language", ["en", "ar", "zh-hans", "ru"])
def test_a_name_in_another_script_than_the_page(language):
    project = ProjectFactory(title=NAMES["arabic"][1], organisation_name=NAMES["cjk"][2])

    certificate = certificate_pdf(project, language=language)

    text = pdf_text(certificate)
    assert NAMES["arabic"][1] in text and NAMES["cjk"][2] in text
    with translation.override(language):
        assert gettext("is awarded to") in text
    assert missing_glyph_boxes(certificate) == []


def test_a_character_no_font_has_is_found_as_a_box():
    # The check above can fail: a character of the private use area has no glyph in
    # any font, and is drawn as the font's empty box.
    project = ProjectFactory(title="Project \ue000\ue001", organisation_name="Org")

    assert missing_glyph_boxes(certificate_pdf(project, language="en")) != []


def test_arabic_letters_are_joined():
    # Every letter of "تمكين" joins the next: shaped, the word is one unbroken stroke
    # along its baseline; left as separate letters it would have gaps between them.
    project = ProjectFactory(title="تمكين", organisation_name="Org")
    certificate = certificate_pdf(project, language="ar")
    [line] = [line for line in pdf_lines(certificate) if "تمكين" in line.text]
    scale = 4
    image = render_page(certificate, scale=scale).convert("L")

    top = int(image.height - line.top * scale)
    bottom = int(image.height - line.bottom * scale)
    columns = range(int(line.left * scale) + 2, int(line.right * scale) - 2)
    empty = [x for x in columns if all(image.getpixel((x, y)) > 127 for y in range(top, bottom))]

    assert empty == []


def test_an_arabic_letter_runs_from_the_right():
    project = ProjectFactory(organisation_name=NAMES["arabic"][2])
    standing = Standing(nominee=project, category=project.category, votes=30, rank=1)

    letter = champion_letter_pdf(project, standing, language="ar")

    width, _ = page_size(letter)
    lines = [line for line in pdf_lines(letter) if line.bottom > 5 * POINTS_PER_CM]
    # Each paragraph starts at the right margin and its lines end wherever they end.
    rights = [round(line.right) for line in lines]
    lefts = [round(line.left) for line in lines]
    margin = 2.4 * POINTS_PER_CM
    assert max(rights) == pytest.approx(width - margin, abs=2)
    assert sum(1 for right in rights if abs(right - (width - margin)) <= 2) >= 3
    assert min(lefts) > margin - 2


def test_the_submitters_language_is_the_certificates(decided, admin_user):
    edition, projects = decided
    winner = projects[(2, "top")]
    winner.submitted_by.language = "fr"
    winner.submitted_by.save()
    results_publish(edition=edition, by=admin_user)

    certificate, letter = certificates_generate(project=winner)

    with translation.override("fr"):
        assert gettext("Winner") in pdf_text(certificate.file.read())
        assert gettext("The WSIS Prizes secretariat") in pdf_text(letter.file.read())


def test_a_change_of_language_makes_the_certificate_again(decided, admin_user):
    edition, projects = decided
    winner = projects[(2, "top")]
    results_publish(edition=edition, by=admin_user)
    [english, _] = certificates_generate(project=winner)
    english_digest = english.sha256

    winner.submitted_by.language = "es"
    winner.submitted_by.save()
    [spanish, _] = certificates_generate(project=winner)

    assert spanish.sha256 != english_digest
    with translation.override("es"):
        assert gettext("is awarded to") in pdf_text(spanish.file.read())


def test_the_longest_titles_stay_on_one_certificate_page_inside_its_frame():
    # As long as a category's title may be: 200 characters.
    category = CategoryFactory(title=("C" * 40 + " " + "Category " * 23)[:200])
    user = UserFactory(language="en")
    project = ProjectFactory(
        category=category,
        edition=category.edition,
        submitted_by=user,
        title=("Community broadband cooperatives for remote villages " * 5)[:255],
        organisation_name="Organisation" * 21,
        status=ProjectStatus.WINNER,
    )

    certificate = certificate_pdf(project, language="en")

    assert page_count(certificate) == 1
    width, height = page_size(certificate)
    inside = 1.2 * POINTS_PER_CM + 6  # the page's margin and the frame's rule
    for line in pdf_lines(certificate):
        assert line.left >= inside and line.right <= width - inside, line.text
        assert line.bottom >= inside and line.top <= height - inside, line.text
    assert "Organisation" * 3 in pdf_text(certificate).replace("\n", "")


def test_the_booklet_has_a_cover_contents_and_a_page_per_project(decided, admin_user):
    edition, projects = decided
    results_publish(edition=edition, by=admin_user)
    shown = [projects[key] for key in [(1, "top"), (1, "second"), (2, "top"), (2, "second")]]

    booklet = booklet_pdf(edition, shown, language="en")

    assert page_count(booklet) == 2 + len(shown)
    lines = pdf_lines(booklet)
    assert any("Success Stories" in line.text for line in lines if line.page == 0)
    contents = [line.text for line in lines if line.page == 1]
    for number, project in enumerate(shown, start=3):
        [entry] = [text for text in contents if project.title in text]
        assert entry.rstrip().endswith(str(number))
        assert any(project.title in line.text for line in lines if line.page == number - 1)
    # Numbered at the foot of every page but the cover.
    assert not any(line.text.strip() == "1" for line in lines if line.page == 0)
    assert any(line.text.strip() == "3" for line in lines if line.page == 2)


@pytest.mark.parametrize(
    ("language", "title", "ends_on"),
    [("ar", "Smart Villages (phase 2)!", "right"), ("en", "القرية الذكية (المرحلة 2)!", "left")],
)
def test_a_name_keeps_its_own_direction_in_a_page_of_the_other(language, title, ends_on):
    # A Latin name in an Arabic certificate reads left to right, its closing "!" on
    # the right where its writer put it; an Arabic name in an English one, right to
    # left, its "!" on the left.
    project = ProjectFactory(title=title, organisation_name="Org")

    certificate = certificate_pdf(project, language=language)

    [mark] = [drawn for drawn in characters(certificate) if drawn[0] == "!"]
    _, _, bottom, _, top = mark
    line = [drawn for drawn in characters(certificate) if drawn[2] < top and drawn[4] > bottom]
    lefts = [left for _, left, _, _, _ in line]
    if ends_on == "right":
        assert mark[1] == max(lefts)
    else:
        assert mark[1] == min(lefts)
