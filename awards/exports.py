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

from awards.models import Project
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
