"""What a nominee campaigns with: the QR code of its share link and a one-page "Vote
for us" poster to print.

The poster says only what the nominee's public page says (never a count, a rank or
an outcome), in ReportLab's invariant mode, so the same facts make the same bytes.
"""

import io
from xml.sax.saxutils import escape

import segno
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Image, KeepInFrame, Paragraph, SimpleDocTemplate, Spacer

from awards.models import Project
from awards.phases import Phase
from awards.vocabulary import translated

NAVY = colors.HexColor("#0b2d5b")
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 2 * cm
# The width that every line of the poster must fit in.
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
QR_SIZE = 7 * cm
LOGO_BOX = (6 * cm, 3.5 * cm)

TITLE_FONT = "Helvetica-Bold"
TITLE_SIZE = 26
BODY_FONT = "Helvetica"


def share_qr(url: str) -> segno.QRCode:
    """The QR code of a share link: error correction M, readable once printed small."""
    return segno.make(url, error="m", micro=False)


def share_qr_svg(url: str) -> bytes:
    buffer = io.BytesIO()
    share_qr(url).save(buffer, kind="svg", scale=8, border=4, xmldecl=True, svgns=True)
    return buffer.getvalue()


def share_qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    # About 4 cm at 300 dpi: sharp on paper.
    share_qr(url).save(buffer, kind="png", scale=12, border=4)
    return buffer.getvalue()


def share_qr_drawing(url: str, size: float) -> Drawing:
    """The QR code as vector squares, sharp at any print size."""
    rows = list(share_qr(url).matrix_iter(scale=1, border=4))
    module = size / len(rows)
    drawing = Drawing(size, size, hAlign="CENTER")
    drawing.add(Rect(0, 0, size, size, fillColor=colors.white, strokeColor=None))
    for row_number, row in enumerate(rows):
        y = size - (row_number + 1) * module
        for column, dark in enumerate(row):
            if dark:
                drawing.add(
                    Rect(
                        column * module,
                        y,
                        module,
                        module,
                        fillColor=colors.black,
                        strokeColor=None,
                        strokeWidth=0,
                    )
                )
    return drawing


def _styles() -> dict[str, ParagraphStyle]:
    centred = {"alignment": TA_CENTER, "fontName": BODY_FONT}
    return {
        "kicker": ParagraphStyle("kicker", fontSize=14, leading=18, textColor=NAVY, **centred),
        "title": ParagraphStyle(
            "title",
            alignment=TA_CENTER,
            fontName=TITLE_FONT,
            fontSize=TITLE_SIZE,
            leading=TITLE_SIZE * 1.2,
            textColor=NAVY,
            spaceBefore=6,
            spaceAfter=10,
        ),
        "organisation": ParagraphStyle("organisation", fontSize=16, leading=20, **centred),
        "body": ParagraphStyle("body", fontSize=12, leading=16, **centred),
        "call": ParagraphStyle(
            "call",
            alignment=TA_CENTER,
            fontName=TITLE_FONT,
            fontSize=30,
            leading=36,
            textColor=NAVY,
            spaceBefore=8,
            spaceAfter=8,
        ),
        "link": ParagraphStyle("link", fontSize=14, leading=18, **centred),
    }


def _logo(project: Project) -> Image | None:
    if not project.logo:
        return None
    try:
        with project.logo.open("rb") as file:
            data = io.BytesIO(file.read())
        return Image(
            data, width=LOGO_BOX[0], height=LOGO_BOX[1], kind="proportional", hAlign="CENTER"
        )
    except (OSError, ValueError):
        # A logo whose file is missing or unreadable leaves the poster without one.
        return None


def _category_line(project: Project) -> str:
    category = project.category
    line = category.action_line
    if line:
        return gettext("Category %(number)s: %(title)s (Action Line %(code)s)") % {
            "number": category.number,
            "title": translated(category.title),
            "code": line.code,
        }
    return gettext("Category %(number)s: %(title)s") % {
        "number": category.number,
        "title": translated(category.title),
    }


def _voting_dates(project: Project) -> str:
    window = project.edition.window(Phase.VOTING)
    return gettext("Public online voting from %(opens)s to %(closes)s") % {
        "opens": date_format(timezone.localtime(window.opens_at), "j F Y"),
        "closes": date_format(timezone.localtime(window.closes_at), "j F Y"),
    }


def campaign_poster_story(project: Project, *, share_url: str) -> list:
    """The poster's content, top to bottom, each text wrapped to ``TEXT_WIDTH``."""
    styles = _styles()
    story: list = []
    logo = _logo(project)
    if logo is not None:
        story += [logo, Spacer(1, 10)]
    story += [
        Paragraph(escape(project.edition.title), styles["kicker"]),
        Paragraph(escape(project.title), styles["title"]),
        Paragraph(escape(project.organisation_name), styles["organisation"]),
        Spacer(1, 6),
        Paragraph(escape(_category_line(project)), styles["body"]),
        Paragraph(escape(gettext("Vote for us!")), styles["call"]),
        Paragraph(escape(_voting_dates(project)), styles["body"]),
        Spacer(1, 12),
        share_qr_drawing(share_url, QR_SIZE),
        Spacer(1, 8),
        Paragraph(escape(gettext("Scan the code or go to")), styles["body"]),
        Paragraph(escape(share_url), styles["link"]),
    ]
    return story


def campaign_poster_pdf(project: Project, *, share_url: str) -> bytes:
    """One A4 page: the project, its category, the voting dates, the share link and its
    QR code. Whatever the length of the texts, it stays on one page (shrunk to fit)."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        invariant=1,
        title=gettext("Vote for %(title)s") % {"title": project.title},
        author=project.organisation_name,
    )
    story = campaign_poster_story(project, share_url=share_url)
    fitted = KeepInFrame(document.width, document.height, story, mode="shrink", hAlign="CENTER")
    document.build([fitted])
    return buffer.getvalue()
