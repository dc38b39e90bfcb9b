"""The secretariat's audit trail of an edition: every decision on votes, voters and
rules, newest first, as ``awards.services.audit_record`` appended it."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.decorators import secretariat_required
from awards.models import AuditAction, AuditEntry, TieRule
from awards.selectors import audit_entry_list
from frontend.current import edition_or_404
from frontend.views.fraud import FLAG_KINDS

ENTRIES_PER_PAGE = 50

RULE_LABELS = {
    "champions_per_category": _("Champions per category"),
    "tie_rule": _("Ties at the cut"),
    "complete_ballot_required": _("Complete ballot required"),
}


def _rule_value(name: str, value) -> str:
    if name == "tie_rule":
        return str(TieRule(value).label) if value in TieRule.values else str(value)
    if name == "complete_ballot_required":
        return str(_("yes") if value else _("no"))
    return str(value)


def _counted(template_one: str, template_many: str, count: int) -> str:
    return ngettext(template_one, template_many, count) % {"count": count}


def entry_summary(entry: AuditEntry) -> list[str]:
    """What the entry's details say, in words (presentation only)."""
    details = entry.details or {}
    action = entry.action
    if action == AuditAction.VOTES_INVALIDATED:
        votes = _counted("%(count)d vote", "%(count)d votes", details.get("votes", 0))
        accounts = _counted("%(count)d account", "%(count)d accounts", details.get("accounts", 0))
        return [str(_("%(votes)s of %(accounts)s") % {"votes": votes, "accounts": accounts})]
    if action == AuditAction.VOTER_EXCLUDED:
        count = details.get("votes_invalidated", 0)
        return [_counted("%(count)d vote invalidated", "%(count)d votes invalidated", count)]
    if action == AuditAction.VOTER_REINSTATED:
        count = details.get("votes_restored", 0)
        return [_counted("%(count)d vote restored", "%(count)d votes restored", count)]
    if action == AuditAction.SIGNAL_DISMISSED:
        kind = FLAG_KINDS.get(details.get("kind", ""), details.get("kind", ""))
        accounts = _counted("%(count)d account", "%(count)d accounts", details.get("accounts", 0))
        return [f"{kind}: {accounts}"]
    if action == AuditAction.RULES_CHANGED:
        changes = details.get("changes", {})
        # In the rules' own order: a JSON object keeps none on PostgreSQL (jsonb).
        order = [*RULE_LABELS, *sorted(set(changes) - set(RULE_LABELS))]
        lines = [
            f"{RULE_LABELS.get(name, name)}: {_rule_value(name, old)} → {_rule_value(name, new)}"
            for name in order
            if name in changes
            for old, new in [changes[name]]
        ]
        if details.get("standings_recorded"):
            lines.append(str(_("after the Champions were counted: they were not counted again")))
        elif details.get("voting_opened"):
            lines.append(str(_("after voting opened")))
        return lines
    if action == AuditAction.CHAMPIONS_COUNTED:
        champions = _counted(
            "%(count)d Champion", "%(count)d Champions", details.get("champions", 0)
        )
        nominees = _counted("%(count)d nominee", "%(count)d nominees", details.get("nominees", 0))
        return [
            str(
                _("%(champions)s among %(nominees)s")
                % {"champions": champions, "nominees": nominees}
            )
        ]
    return []


@dataclass(frozen=True)
class EntryRow:
    entry: AuditEntry
    summary: list[str]


@secretariat_required
@never_cache
@require_GET
def audit(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_or_404(request, year)
    page = Paginator(audit_entry_list(edition=edition), ENTRIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "frontend/review/audit.html",
        {
            "edition": edition,
            "page": page,
            "rows": [EntryRow(entry=entry, summary=entry_summary(entry)) for entry in page],
        },
    )
