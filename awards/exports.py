"""The submissions of an edition as a table, for the secretariat: CSV and XLSX."""

import csv
import io
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from awards.models import Category, Edition, Project, Score
from awards.translations import translation_languages, translation_of

COLUMNS = [
    (_("id"), lambda p: p.pk),
    (_("category"), lambda p: p.category.number),
    (_("category title"), lambda p: p.category.title),
    (_("title"), lambda p: p.title),
    (_("organisation"), lambda p: p.organisation_name),
    (_("stakeholder type"), lambda p: p.get_stakeholder_type_display()),
    (_("country"), lambda p: p.country.code),
    (_("country name"), lambda p: p.country.name),
    (_("ITU region"), lambda p: p.get_region_display()),
    (_("website"), lambda p: p.website),
    (_("status"), lambda p: p.get_status_display()),
    (_("submitted at"), lambda p: p.submitted_at.isoformat() if p.submitted_at else ""),
    (_("submitter"), lambda p: p.submitted_by.name if p.submitted_by else ""),
    (_("submitter e-mail"), lambda p: p.submitted_by.email if p.submitted_by else ""),
    (_("SDGs"), lambda p: " ".join(str(g.number) for g in p.sdgs.all())),
    (_("project stage"), lambda p: p.get_stage_display()),
    (_("short description"), lambda p: p.short_description),
    (_("linkage"), lambda p: p.linkage),
    (_("impact"), lambda p: p.impact),
    (_("partnerships"), lambda p: p.partnerships),
    (_("challenges"), lambda p: p.challenges),
    (_("outlook"), lambda p: p.outlook),
    (_("decision reason"), lambda p: p.decision_reason),
]
# Then the title and short description in each other language: "title (fr)", empty
# where the project has no such version.
COLUMNS += [
    (
        format_lazy("{} ({})", name, language),
        lambda p, field=field, language=language: translation_of(p, field, language),
    )
    for language in translation_languages()
    for field, name in (("title", _("title")), ("short_description", _("short description")))
]


def _formula_safe(value: object) -> object:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def submissions_rows(projects: QuerySet[Project]) -> Iterator[list[object]]:
    projects = (
        projects.select_related("category", "submitted_by")
        .prefetch_related("sdgs")
        .order_by("category__number", "title", "pk")
    )
    yield [str(name) for name, _value in COLUMNS]
    for project in projects.iterator(chunk_size=500):
        yield [_formula_safe(value(project)) for _name, value in COLUMNS]


def submissions_csv(projects: QuerySet[Project]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(submissions_rows(projects))
    return buffer.getvalue()


def submissions_xlsx(projects: QuerySet[Project]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=gettext("Submissions"))
    for row in submissions_rows(projects):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(projects: QuerySet[Project], *, kind: str, name: str) -> HttpResponse:
    """The projects as a CSV or XLSX file to download."""
    if kind == "xlsx":
        response = HttpResponse(submissions_xlsx(projects), content_type=XLSX)
    else:
        response = HttpResponse(submissions_csv(projects), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- The jury's scores and ranking ----------------------------------------------------


def jury_scores_rows(edition: Edition) -> Iterator[list[object]]:
    """Every score of the edition's Champions (drafts marked), one row each."""
    from awards.ranking import weighted, weights_of

    weights = weights_of(edition)
    yield [
        str(name)
        for name in (
            _("category"),
            _("title"),
            _("organisation"),
            _("juror"),
            _("juror e-mail"),
            _("merit"),
            _("originality"),
            _("impact"),
            _("contribution to sustainable development"),
            _("weighted score"),
            _("submitted"),
            _("comment"),
        )
    ]
    scores = (
        Score.objects.filter(project__edition=edition)
        .select_related("project__category", "juror")
        .order_by("project__category__number", "project__title", "juror__email")
    )
    for score in scores:
        yield [
            _formula_safe(value)
            for value in (
                score.project.category.number,
                score.project.title,
                score.project.organisation_name,
                score.juror.name,
                score.juror.email,
                score.merit,
                score.originality,
                score.impact,
                score.sustainability,
                round(weighted(score, weights), 4),
                gettext("yes") if score.is_submitted else gettext("draft"),
                score.comment,
            )
        ]


def jury_ranking_rows(edition: Edition) -> Iterator[list[object]]:
    """The jury's ranking of every category, ties shown as "=1"."""
    from awards.ranking import categories_ranking

    categories = list(Category.objects.filter(edition=edition).order_by("number"))
    for category in categories:
        category.edition = edition
    rankings = categories_ranking(categories=categories)
    # A confirmed Winner leaves the ranking (it ranks the Champions still to decide).
    winners = {
        project.category_id: project
        for project in Project.objects.filter(edition=edition, status="winner")
    }
    yield [
        str(name)
        for name in (
            _("category"),
            _("rank"),
            _("title"),
            _("organisation"),
            _("scores"),
            _("raw mean"),
            _("normalised mean"),
            _("spread"),
            _("quorum"),
            _("winner"),
        )
    ]
    for category in categories:
        for rank in rankings[category.pk]:
            yield [
                _formula_safe(value)
                for value in (
                    category.number,
                    f"={rank.rank}" if rank.tied else rank.rank,
                    rank.project.title,
                    rank.project.organisation_name,
                    rank.scores,
                    None if rank.raw_mean is None else round(rank.raw_mean, 4),
                    None if rank.normalised_mean is None else round(rank.normalised_mean, 4),
                    None if rank.spread is None else round(rank.spread, 4),
                    gettext("yes") if rank.has_quorum else gettext("no"),
                    "",
                )
            ]
        winner = winners.get(category.pk)
        if winner is not None:
            yield [
                category.number,
                "",
                _formula_safe(winner.title),
                _formula_safe(winner.organisation_name),
                "",
                "",
                "",
                "",
                "",
                gettext("yes"),
            ]


def table_download(rows: Iterator[list[object]], *, kind: str, name: str) -> HttpResponse:
    """Rows (the first the headings) as a CSV or XLSX file to download."""
    if kind == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=name[:31])
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    else:
        text = io.StringIO()
        csv.writer(text).writerows(rows)
        response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
