"""What a nominee campaigns with: the QR code of its share link and a one-page "Vote
for us" poster to print.

The poster says only what the nominee's public page says (never a count, a rank or
an outcome); the same facts make the same bytes (``awards.documents``).
"""

import io

import segno
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from awards.certificates import category_line
from awards.documents import embedded, render_pdf
from awards.models import Project
from awards.phases import Phase


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


def share_qr_data_uri(url: str) -> str:
    """The QR code as an SVG ``data:`` address: vector squares, sharp at any print size."""
    return share_qr(url).svg_data_uri(scale=8, border=4)


def _voting_dates(project: Project) -> str:
    window = project.edition.window(Phase.VOTING)
    return gettext("Public online voting from %(opens)s to %(closes)s") % {
        "opens": date_format(timezone.localtime(window.opens_at), "DATE_FORMAT"),
        "closes": date_format(timezone.localtime(window.closes_at), "DATE_FORMAT"),
    }


def campaign_poster_pdf(project: Project, *, share_url: str, language: str) -> bytes:
    """One A4 page: the project, its category, the voting dates, the share link and its
    QR code. Whatever the length of the texts, it stays on one page (shrunk to fit)."""

    def context() -> dict:
        return {
            "project": project,
            "edition": project.edition,
            "logo": embedded(project.logo),
            "category_line": category_line(project),
            "voting_dates": _voting_dates(project),
            "qr": share_qr_data_uri(share_url),
            "share_url": share_url,
        }

    return render_pdf("documents/poster.html", context, language=language, one_page=True)
