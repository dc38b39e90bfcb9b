"""The PDFs of the results: a certificate for each Winner and Champion, a Champion's
letter with its figures, and the "Success Stories" booklet. ReportLab's invariant mode
leaves out creation times and random ids, so the same facts make the same bytes."""

import io

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

from awards.models import Project, ProjectStatus, Standing
from awards.selectors import project_status_for_owner
from awards.vocabulary import translated

NAVY = colors.HexColor("#0b2d5b")
ORGANISERS = _("World Summit on the Information Society Forum · ITU, UNESCO, UNDP, UNCTAD")


def _category_line(project: Project) -> str:
    line = project.category.action_line
    category = project.category
    if line is None:
        return gettext("Category %(number)s: %(title)s") % {
            "number": category.number,
            "title": translated(category.title),
        }
    return gettext("Category %(number)s: %(title)s (Action Line %(code)s)") % {
        "number": category.number,
        "title": translated(category.title),
        "code": line.code,
    }


def _title(project: Project) -> str:
    # Made once the results are published; should one be made before, it still says
    # what the embargo lets the project's submitter know.
    winner = project_status_for_owner(project=project) == ProjectStatus.WINNER
    return gettext("Winner") if winner else gettext("Champion")


def certificate_pdf(project: Project) -> bytes:
    buffer = io.BytesIO()
    width, height = landscape(A4)
    page = canvas.Canvas(buffer, pagesize=(width, height), invariant=1)
    page.setTitle(f"{project.edition.title}: {project.title}")
    page.setStrokeColor(NAVY)
    page.setLineWidth(6)
    page.rect(1.2 * cm, 1.2 * cm, width - 2.4 * cm, height - 2.4 * cm)
    title = _title(project)
    lines = [
        ("Helvetica", 16, project.edition.title.upper()),
        ("Helvetica-Bold", 40, title),
        ("Helvetica", 14, gettext("is awarded to")),
        ("Helvetica-Bold", 22, project.title),
        ("Helvetica", 16, project.organisation_name),
        ("Helvetica", 13, _category_line(project)),
        ("Helvetica", 11, str(ORGANISERS)),
    ]
    y = height - 4.5 * cm
    for font, size, text in lines:
        page.setFont(font, size)
        page.setFillColor(NAVY if font.endswith("Bold") else colors.black)
        page.drawCentredString(width / 2, y, text[:110])
        y -= size * 1.9
    page.showPage()
    page.save()
    return buffer.getvalue()


def champion_letter_pdf(project: Project, standing: Standing) -> bytes:
    buffer = io.BytesIO()
    styles = getSampleStyleSheet()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, invariant=1, title=f"{project.edition.title}: {project.title}"
    )
    story = [
        Paragraph(project.edition.title, styles["Title"]),
        Paragraph(
            gettext("Dear %(organisation)s,") % {"organisation": project.organisation_name},
            styles["Normal"],
        ),
        Spacer(1, 12),
        Paragraph(
            gettext("Congratulations: “%(title)s” is a WSIS Prizes Champion in %(category)s.")
            % {"title": project.title, "category": _category_line(project)},
            styles["Normal"],
        ),
        Spacer(1, 12),
        Paragraph(
            ngettext(
                "In the public online vote it received %(votes)d valid vote and ranked "
                "%(rank)d in its category.",
                "In the public online vote it received %(votes)d valid votes and ranked "
                "%(rank)d in its category.",
                standing.votes,
            )
            % {"votes": standing.votes, "rank": standing.rank},
            styles["Normal"],
        ),
        Spacer(1, 12),
        Paragraph(gettext("The WSIS Prizes secretariat"), styles["Normal"]),
    ]
    document.build(story)
    return buffer.getvalue()


def _success_stories(edition) -> str:
    return gettext("%(edition)s: Success Stories") % {"edition": edition.title}


def booklet_pdf(edition, projects: list[Project]) -> bytes:
    """The "Success Stories": every Winner and Champion with its description, by
    category."""
    buffer = io.BytesIO()
    styles = getSampleStyleSheet()
    label = ParagraphStyle("label", parent=styles["Normal"], textColor=NAVY, fontSize=9)
    document = SimpleDocTemplate(buffer, pagesize=A4, invariant=1, title=_success_stories(edition))
    story = [
        Paragraph(_success_stories(edition), styles["Title"]),
        Paragraph(gettext("The Winners and Champions of every category."), styles["Normal"]),
        PageBreak(),
    ]
    for project in projects:
        title = _title(project)
        story += [
            Paragraph(f"{_category_line(project)} · {title}", label),
            Paragraph(project.title, styles["Heading2"]),
            Paragraph(project.organisation_name, styles["Italic"]),
            Paragraph(project.short_description, styles["Normal"]),
            Spacer(1, 18),
        ]
    document.build(story)
    return buffer.getvalue()
