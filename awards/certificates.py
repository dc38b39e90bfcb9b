"""The PDFs of the results: a certificate for each Winner and Champion, a Champion's
letter with its figures, and the "Success Stories" booklet, each in the language it is
for (``awards.documents``)."""

from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from awards.documents import image_data_uri, render_pdf
from awards.models import Edition, Project, ProjectStatus, Standing
from awards.selectors import project_status_for_owner
from awards.vocabulary import translated

ORGANISERS = _("World Summit on the Information Society Forum · ITU, UNESCO, UNDP, UNCTAD")


def category_line(project: Project) -> str:
    """ "Category 2: … (Action Line C3)", in the active language."""
    category = project.category
    line = category.action_line
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


def recipient_language(project: Project) -> str:
    """The language its submitter chose for the platform, else the site's."""
    submitter = project.submitted_by
    return (submitter.language if submitter else "") or settings.LANGUAGE_CODE


def _award(project: Project) -> str:
    # Made once the results are published; should one be made before, it still says
    # what the embargo lets the project's submitter know.
    winner = project_status_for_owner(project=project) == ProjectStatus.WINNER
    return gettext("Winner") if winner else gettext("Champion")


def _date(at: datetime | None) -> str:
    return date_format(timezone.localtime(at), "DATE_FORMAT") if at else ""


def _common(project: Project) -> dict:
    return {
        "project": project,
        "edition": project.edition,
        "award": _award(project),
        "category_line": category_line(project),
        "organisers": ORGANISERS,
        "date": _date(project.edition.results_published_at),
    }


def certificate_pdf(project: Project, *, language: str) -> bytes:
    """One landscape page, whatever the length of the names on it."""
    return render_pdf(
        "documents/certificate.html", lambda: _common(project), language=language, one_page=True
    )


def champion_letter_pdf(project: Project, standing: Standing, *, language: str) -> bytes:
    def context() -> dict:
        return {
            **_common(project),
            "greeting": gettext("Dear %(organisation)s,")
            % {"organisation": project.organisation_name},
            "congratulations": gettext(
                "Congratulations: “%(title)s” is a WSIS Prizes Champion in %(category)s."
            )
            % {"title": project.title, "category": category_line(project)},
            "figures": ngettext(
                "In the public online vote it received %(votes)d valid vote and ranked "
                "%(rank)d in its category.",
                "In the public online vote it received %(votes)d valid votes and ranked "
                "%(rank)d in its category.",
                standing.votes,
            )
            % {"votes": standing.votes, "rank": standing.rank},
        }

    return render_pdf("documents/letter.html", context, language=language)


def booklet_pdf(edition: Edition, projects: list[Project], *, language: str) -> bytes:
    """The "Success Stories": a cover, the contents with their pages, then a page for
    every Winner and Champion with its logo and description, by category."""

    def context() -> dict:
        return {
            "edition": edition,
            "heading": gettext("%(edition)s: Success Stories") % {"edition": edition.title},
            "organisers": ORGANISERS,
            "stories": [
                {
                    "project": project,
                    "award": _award(project),
                    "category_line": category_line(project),
                    "logo": image_data_uri(project.logo),
                }
                for project in projects
            ],
        }

    return render_pdf("documents/booklet.html", context, language=language)
