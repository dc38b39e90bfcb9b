"""The secretariat's audit trail: every action of the staff (votes and voters,
nomination, jury and results, publication, messages, roles and settings, documents),
newest first, as ``awards.services.audit_record`` appended it; of every edition or one,
by kind and by person, and exported as CSV or XLSX."""

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from openpyxl import Workbook

from accounts.decorators import secretariat_required
from accounts.models import User
from awards.models import (
    AuditAction,
    AuditEntry,
    Category,
    Edition,
    Project,
    ProjectStatus,
    TieRule,
)
from awards.selectors import (
    AUDIT_KIND_OF,
    AUDIT_KINDS,
    audit_actor_list,
    audit_entry_filter,
    edition_list,
)
from awards.vocabulary import translated
from frontend.current import edition_or_404
from voting.fraud import SIGNAL_KINDS, signal_kind_label

ENTRIES_PER_PAGE = 50

# The voting rules, first among an edition's changes (named by their model fields).
RULE_FIELDS = ("champions_per_category", "tie_rule", "complete_ballot_required")

# Names of the role fields as a person reads them (the model's own are technical).
ROLE_LABELS = {
    "is_staff": _("Staff status"),
    "is_superuser": _("Superuser status"),
    "groups": _("Roles"),
    "user_permissions": _("Permissions"),
}

# What the summaries count, each with its plural forms.
UNREVEALED = ngettext_lazy(
    "with %(count)d category not yet revealed",
    "with %(count)d categories not yet revealed",
    "count",
)
JURORS_REMINDED = ngettext_lazy("%(count)d juror reminded", "%(count)d jurors reminded", "count")
RECIPIENTS = ngettext_lazy("%(count)d recipient", "%(count)d recipients", "count")
DOCUMENTS = ngettext_lazy("%(count)d document", "%(count)d documents", "count")
VOTES = ngettext_lazy("%(count)d vote", "%(count)d votes", "count")
ACCOUNTS = ngettext_lazy("%(count)d account", "%(count)d accounts", "count")
VOTES_INVALIDATED = ngettext_lazy(
    "%(count)d vote invalidated", "%(count)d votes invalidated", "count"
)
VOTES_RESTORED = ngettext_lazy("%(count)d vote restored", "%(count)d votes restored", "count")
CHAMPIONS = ngettext_lazy("%(count)d Champion", "%(count)d Champions", "count")
NOMINEES = ngettext_lazy("%(count)d nominee", "%(count)d nominees", "count")

EXPORT_KINDS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _rule_value(name: str, value) -> str:
    if name == "tie_rule":
        return str(TieRule(value).label) if value in TieRule.values else str(value)
    if name == "complete_ballot_required":
        return str(_("yes") if value else _("no"))
    return str(value)


def _counted(template, count: int) -> str:
    """One of the counted phrases above, with ``count`` in it."""
    return str(template % {"count": count})


def _after_signal(details: dict, text: str) -> str:
    """``text`` after the kind of fraud signal the decision acted on, if it says one."""
    if details.get("signal"):
        return f"{signal_kind_label(details['signal'])}: {text}"
    return text


def _moment(value: Any) -> str:
    # Times in the details are ISO 8601: shown in UTC, said so, in the page's language.
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{date_format(moment, 'DATETIME_FORMAT')} UTC"


def _field_label(name: str) -> str:
    if name in ROLE_LABELS:
        return str(ROLE_LABELS[name])
    for model in (Edition, Category, Project):
        try:
            label = str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            continue
        return label[:1].upper() + label[1:]
    return name.replace("_", " ").capitalize()


def _value(name: str, value: Any) -> str:
    if name in RULE_FIELDS:
        return _rule_value(name, value)
    if name == "status" and value in ProjectStatus.values:
        return str(ProjectStatus(value).label)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if value is None or value == "" or value == []:
        return gettext("none")
    if isinstance(value, list):
        return ", ".join(_value(name, item) for item in value)
    if isinstance(value, str) and parse_datetime(value) is not None:
        return _moment(value)
    return str(value)


def _changes(details: dict) -> list[str]:
    """Each changed value, old → new, in a stable order (jsonb keeps none)."""
    changes = details.get("changes") or {}
    if not isinstance(changes, dict):
        return []
    order = [
        *[name for name in RULE_FIELDS if name in changes],
        *sorted(set(changes) - set(RULE_FIELDS)),
    ]
    lines = []
    for name in order:
        pair = changes[name]
        if isinstance(pair, list | tuple) and len(pair) == 2:
            old, new = pair
            lines.append(f"{_field_label(name)}: {_value(name, old)} → {_value(name, new)}")
    return lines


def _project(details: dict) -> list[str]:
    title = details.get("project_title")
    category = details.get("category")
    if title and category is not None:
        return [gettext("“%(title)s”, category %(number)s") % {"title": title, "number": category}]
    if title:
        return [gettext("“%(title)s”") % {"title": title}]
    if category is not None:
        return [_category(details)]
    return []


def _category(details: dict) -> str:
    title = details.get("category_title")
    number = details.get("category")
    if title:  # a standard category's title, as stored, in the page's language
        return gettext("Category %(number)s: %(title)s") % {
            "number": number,
            "title": translated(title),
        }
    return gettext("Category %(number)s") % {"number": number}


def _count(details: dict, *keys: str) -> int | None:
    for key in keys:
        if isinstance(details.get(key), int):
            return details[key]
        if isinstance(details.get(key), list):
            return len(details[key])
    return None


def _later_actions(action: str, details: dict) -> list[str] | None:
    """The actions of the jury, publication, messages and documents: whatever details
    their services keep, a readable line each."""
    if action in (AuditAction.WINNER_CONFIRMED, AuditAction.WINNER_UNDONE):
        lines = _project(details)
        if details.get("tied"):
            lines.append(gettext("tied at the top of the ranking"))
        return lines + _changes(details)
    if action == AuditAction.CATEGORY_REVEALED:
        lines = [_category(details)] if details.get("category") is not None else []
        return lines + _project(details if details.get("project_title") else {})
    if action == AuditAction.RESULTS_PUBLISHED:
        unrevealed = _count(details, "unrevealed", "categories_unrevealed")
        if unrevealed:
            return [_counted(UNREVEALED, unrevealed)]
        return _changes(details)
    if action in (AuditAction.PUBLICATION_SCHEDULED, AuditAction.PUBLICATION_UNSCHEDULED):
        moment = details.get("publish_at") or details.get("scheduled_for")
        lines = [gettext("for %(moment)s") % {"moment": _moment(moment)}] if moment else []
        return lines + _changes(details)
    if action == AuditAction.JURY_REMINDED:
        count = _count(details, "jurors", "count", "recipients")
        lines = []
        if count is not None:
            lines.append(_counted(JURORS_REMINDED, count))
        if details.get("category") is not None:
            lines.append(_category(details))
        return lines
    if action == AuditAction.MESSAGE_SENT:
        lines = []
        if details.get("subject"):
            lines.append(gettext("“%(subject)s”") % {"subject": details["subject"]})
        segment = details.get("segment_label") or details.get("segment")
        count = _count(details, "recipients", "count")
        if segment and count is not None:
            recipients = _counted(RECIPIENTS, count)
            lines.append(f"{segment}: {recipients}")
        elif segment:
            lines.append(str(segment))
        elif count is not None:
            lines.append(_counted(RECIPIENTS, count))
        return lines
    if action == AuditAction.DOCUMENTS_MADE:
        count = _count(details, "documents", "count")
        lines = []
        if details.get("kind_label") or details.get("kind"):
            lines.append(str(details.get("kind_label") or details.get("kind")))
        if count is not None:
            lines.append(_counted(DOCUMENTS, count))
        return lines + _project(details)
    return None


def entry_summary(entry: AuditEntry) -> list[str]:
    """What the entry's details say, in words (presentation only)."""
    details = entry.details or {}
    action = entry.action
    if action in (
        AuditAction.PROJECT_NOMINATED,
        AuditAction.PROJECT_REJECTED,
        AuditAction.PROJECT_EXCLUDED,
    ):
        return _project(details) + _changes(details)
    if action in (AuditAction.ROLE_CHANGED, AuditAction.EDITION_CHANGED):
        return _changes(details)
    later = _later_actions(action, details)
    if later is not None:
        return later
    if action == AuditAction.VOTES_INVALIDATED:
        votes = _counted(VOTES, details.get("votes", 0))
        accounts = _counted(ACCOUNTS, details.get("accounts", 0))
        counted = str(_("%(votes)s of %(accounts)s") % {"votes": votes, "accounts": accounts})
        return [_after_signal(details, counted)]
    if action == AuditAction.VOTER_EXCLUDED:
        return [
            _after_signal(details, _counted(VOTES_INVALIDATED, details.get("votes_invalidated", 0)))
        ]
    if action == AuditAction.VOTER_REINSTATED:
        count = details.get("votes_restored", 0)
        return [_counted(VOTES_RESTORED, count)]
    if action == AuditAction.SIGNAL_DISMISSED:
        kind = SIGNAL_KINDS.get(details.get("kind", ""), details.get("kind", ""))
        accounts = _counted(ACCOUNTS, details.get("accounts", 0))
        return [f"{kind}: {accounts}"]
    if action == AuditAction.RULES_CHANGED:
        lines = _changes(details)
        if details.get("standings_recorded"):
            lines.append(str(_("after the Champions were counted: they were not counted again")))
        elif details.get("voting_opened"):
            lines.append(str(_("after voting opened")))
        return lines
    if action == AuditAction.CHAMPIONS_COUNTED:
        champions = _counted(CHAMPIONS, details.get("champions", 0))
        nominees = _counted(NOMINEES, details.get("nominees", 0))
        return [
            str(
                _("%(champions)s among %(nominees)s")
                % {"champions": champions, "nominees": nominees}
            )
        ]
    return _changes(details)


# --- The filters -----------------------------------------------------------------------


class AuditFilterForm(forms.Form):
    """Which entries to list: choices made from lists loaded once, so that checking and
    showing them costs no query of its own."""

    edition = forms.ChoiceField(label=_("Edition"), required=False)
    kind = forms.ChoiceField(label=_("Kind of action"), required=False)
    actor = forms.ChoiceField(label=_("By"), required=False)

    def __init__(self, data, *, editions: list[Edition], actors: list[User]):
        super().__init__(data)
        self.editions = {str(edition.year): edition for edition in editions}
        self.actors = {str(actor.pk): actor for actor in actors}
        self.fields["edition"].choices = [
            ("", _("All editions")),
            *[(year, edition.title) for year, edition in self.editions.items()],
        ]
        self.fields["kind"].choices = [
            ("", _("Every kind")),
            *[(kind, label) for kind, (label, _actions) in AUDIT_KINDS.items()],
        ]
        self.fields["actor"].choices = [
            ("", _("Anyone")),
            *[(pk, actor.email) for pk, actor in self.actors.items()],
        ]
        for name in ("edition", "kind", "actor"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "Choose one of the list: “%(value)s” is not among them."
            )

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "edition": self.editions.get(data["edition"]),
            "kind": data["kind"] or None,
            "actor": self.actors.get(data["actor"]),
        }

    def query(self) -> str:
        """The filters as a query string, for the export's link."""
        data = {name: value for name, value in self.cleaned_data.items() if value}
        return f"?{urlencode(data)}" if data else ""


def _filter_form(request: HttpRequest, edition: Edition | None) -> AuditFilterForm:
    data = request.GET.copy()
    if edition is not None:
        data["edition"] = str(edition.year)
    return AuditFilterForm(data, editions=list(edition_list()), actors=list(audit_actor_list()))


@dataclass(frozen=True)
class EntryRow:
    entry: AuditEntry
    summary: list[str]


@secretariat_required
@never_cache
@require_safe
def audit(request: HttpRequest, year: int | None = None) -> HttpResponse:
    """The audit trail: of one edition at its own address, of every edition (with the
    roles, which belong to none) at the general one."""
    edition = edition_or_404(request, year) if year is not None else None
    form = _filter_form(request, edition)
    valid = form.is_valid()
    filters = form.filters() if valid else {}
    entries = audit_entry_filter(**filters) if valid else AuditEntry.objects.none()
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    shown = filters.get("edition")
    return render(
        request,
        "frontend/review/audit.html",
        {
            "edition": edition,
            "shown_edition": shown,
            "form": form,
            "filters_valid": valid,
            # The edition of the page's own address is where one is, not a filter.
            "filtered": valid
            and any(value for name, value in filters.items() if name != "edition" or not edition),
            "export_query": form.query() if valid else "",
            "page": page,
            "rows": [EntryRow(entry=entry, summary=entry_summary(entry)) for entry in page],
        },
        status=200 if valid else 400,
    )


# --- The export ------------------------------------------------------------------------


def _cell(value: object) -> object:
    # A cell starting with = + - @ (or a tab or carriage return before one) would run
    # as a formula in a spreadsheet: a quote makes it text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def audit_rows(entries) -> Iterator[list[object]]:
    yield [
        gettext("When (UTC)"),
        gettext("Edition"),
        gettext("Kind of action"),
        gettext("Action"),
        gettext("Action code"),
        gettext("By"),
        gettext("Account concerned"),
        gettext("What"),
        gettext("Reason"),
        gettext("Details"),
    ]
    for entry in entries.iterator(chunk_size=500):
        kind = AUDIT_KIND_OF.get(entry.action)
        row = [
            entry.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            entry.edition.year if entry.edition else "",
            str(AUDIT_KINDS[kind][0]) if kind else "",
            entry.get_action_display(),
            entry.action,
            entry.actor.email if entry.actor else "",
            entry.subject.email if entry.subject else "",
            "; ".join(entry_summary(entry)),
            entry.reason,
            json.dumps(entry.details, ensure_ascii=False, sort_keys=True),
        ]
        yield [_cell(value) for value in row]


def _csv(entries) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(audit_rows(entries))
    # With a byte order mark, a spreadsheet opening the file reads it as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode()


def _xlsx(entries) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=gettext("Audit trail"))
    for row in audit_rows(entries):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@secretariat_required
@never_cache
@require_safe
def audit_export(request: HttpRequest, kind: str) -> HttpResponse:
    """The filtered audit trail, every page of it, as a file."""
    if kind not in EXPORT_KINDS:
        raise Http404(gettext("There is no %(kind)s export.") % {"kind": kind})
    form = _filter_form(request, None)
    if not form.is_valid():
        return render(
            request,
            "frontend/review/audit.html",
            {
                "edition": None,
                "form": form,
                "filters_valid": False,
                "export_refused": True,
                "page": None,
                "rows": [],
            },
            status=400,
        )
    filters = form.filters()
    entries = audit_entry_filter(**filters)
    body = _xlsx(entries) if kind == "xlsx" else _csv(entries)
    name = "-".join(
        [
            "wsis-prizes-audit",
            *([str(filters["edition"].year)] if filters["edition"] else []),
            *([filters["kind"]] if filters["kind"] else []),
        ]
    )
    response = HttpResponse(body, content_type=EXPORT_KINDS[kind])
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
