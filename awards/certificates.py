"""The PDFs of the results: a certificate for each Winner and Champion, a Champion's
letter with its figures, and the "Success Stories" booklet, each in the language it is
for (``awards.documents``)."""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from awards.documents import document_facts, embedded, render_pdf
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


def _edition_context(edition: Edition) -> dict:
    """What every document of an edition carries: its emblem and who signs."""
    return {
        "edition": edition,
        "organisers": ORGANISERS,
        "emblem": embedded(edition.emblem),
        "signatory": {
            "name": edition.signatory_name or gettext("The WSIS Prizes secretariat"),
            "title": edition.signatory_title,
        },
    }


def _common(project: Project) -> dict:
    return {
        **_edition_context(project.edition),
        "project": project,
        "award": _award(project),
        "category_line": category_line(project),
        "date": _date(project.edition.results_published_at),
    }


CERTIFICATE = "documents/certificate.html"
LETTER = "documents/letter.html"
BOOKLET = "documents/booklet.html"


def certificate_facts(project: Project, *, language: str) -> str:
    return document_facts(CERTIFICATE, lambda: _common(project), language=language)


def certificate_pdf(project: Project, *, language: str) -> bytes:
    """One landscape page, whatever the length of the names on it."""
    return render_pdf(CERTIFICATE, lambda: _common(project), language=language, one_page=True)


def _letter_context(project: Project, standing: Standing) -> Callable[[], dict]:
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
            "success_stories": gettext(
                "The project will appear among the Success Stories of %(edition)s, the "
                "publication that presents every Winner and Champion of the edition."
            )
            % {"edition": project.edition.title},
        }

    return context


def champion_letter_facts(project: Project, standing: Standing, *, language: str) -> str:
    return document_facts(LETTER, _letter_context(project, standing), language=language)


def champion_letter_pdf(project: Project, standing: Standing, *, language: str) -> bytes:
    return render_pdf(LETTER, _letter_context(project, standing), language=language)


def _booklet_context(edition: Edition, projects: list[Project]) -> Callable[[], dict]:
    def context() -> dict:
        stories = []
        for project in projects:
            # The first of its images (``images`` prefetched, in their order).
            picture = next(iter(project.images.all()), None)
            stories.append(
                {
                    "project": project,
                    "award": _award(project),
                    "category_line": category_line(project),
                    "logo": embedded(project.logo),
                    "picture": embedded(picture.image) if picture else None,
                    "caption": picture.caption if picture else "",
                }
            )
        return {
            **_edition_context(edition),
            "heading": gettext("%(edition)s: Success Stories") % {"edition": edition.title},
            "stories": stories,
        }

    return context


def booklet_facts(edition: Edition, projects: list[Project], *, language: str) -> str:
    return document_facts(BOOKLET, _booklet_context(edition, projects), language=language)


def booklet_pdf(edition: Edition, projects: list[Project], *, language: str) -> bytes:
    """The "Success Stories": a cover, the contents with their pages, then a page for
    every Winner and Champion with its logo, its first image and its description, by
    category, each page numbered."""
    return render_pdf(BOOKLET, _booklet_context(edition, projects), language=language)
