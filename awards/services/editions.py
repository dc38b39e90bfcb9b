"""Edition set-up: the timeline, the voting rules and the standard categories."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.permissions import require_secretariat
from awards.models import ActionLine, AuditAction, Category, Edition
from awards.phases import PHASE_ORDER, closes_field, opens_field
from awards.selectors import edition_rules_locked, edition_winners_chosen
from awards.services.audit import audit_record
from awards.services.results import WinnersAlreadyChosen
from config.errors import ReasonRequired, reason_stripped


@transaction.atomic
def edition_timeline_set(*, edition: Edition, times: Mapping[str, datetime]) -> Edition:
    """Set the opening and closing times of an edition's phases.

    ``times`` maps edition timeline fields (``voting_opens_at``...) to moments; a
    timeline out of order or with overlapping phases is refused with a ValidationError
    naming the field.
    """
    known = {opens_field(p) for p in PHASE_ORDER} | {closes_field(p) for p in PHASE_ORDER}
    unknown = set(times) - known
    if unknown:
        raise ValueError(f"Not timeline fields: {', '.join(sorted(unknown))}")
    for field, moment in times.items():
        setattr(edition, field, moment)
    edition.full_clean()
    edition.save()
    return edition


# The rules that decide which votes count and who becomes a Champion: locked once
# voting opens (``awards.selectors.edition_rules_locked``).
RULE_FIELDS: tuple[str, ...] = ("champions_per_category", "tie_rule", "complete_ballot_required")

RULES_REASON_REQUIRED = _(
    "Voting has opened: write why the rules change. The audit trail keeps the reason."
)
RULES_AFTER_WINNERS = _(
    "The Winners are chosen: the rules that made the Champions can no longer change."
)


@transaction.atomic
def edition_rules_change(
    *, edition: Edition, by: User, reason: str = "", at: datetime | None = None, **changes: Any
) -> dict[str, tuple[Any, Any]]:
    """Change the edition's voting rules (``RULE_FIELDS``). Before voting opens they
    change freely; afterwards only with a written reason. Every change is audited with
    the old and new values. Recorded standings are left as they are: the secretariat
    pages say they predate the change until the Champions are counted again. Returns
    what changed, by field: (old, new)."""
    at = at or timezone.now()
    require_secretariat(by, refusal=_("Only the secretariat changes an edition's rules."))
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"Not voting rules: {', '.join(sorted(unknown))}")
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    changed = {
        name: (getattr(edition, name), value)
        for name, value in changes.items()
        if getattr(edition, name) != value
    }
    if not changed:
        return {}
    reason = reason_stripped(reason)
    locked = edition_rules_locked(edition=edition, at=at)
    if locked and not reason:
        raise ReasonRequired(RULES_REASON_REQUIRED, field="reason")
    if locked and edition_winners_chosen(edition=edition):
        raise WinnersAlreadyChosen(RULES_AFTER_WINNERS)
    for name, (_old, new) in changed.items():
        setattr(edition, name, new)
    edition.full_clean()
    edition.rules_changed_at = at
    edition.save(update_fields=[*changed, "rules_changed_at"])
    audit_record(
        edition=edition,
        actor=by,
        action=AuditAction.RULES_CHANGED,
        reason=reason,
        details={
            "changes": {name: [old, new] for name, (old, new) in changed.items()},
            "voting_opened": locked,
            "standings_recorded": edition.standings_recorded_at is not None,
        },
        at=at,
    )
    return changed


# The 18 standard prize categories, numbered as ITU numbers them, by Action Line code.
STANDARD_CATEGORIES: tuple[str, ...] = (
    "C1",
    "C2",
    "C3",
    "C4",
    "C5",
    "C6",
    "C7.1",
    "C7.2",
    "C7.3",
    "C7.4",
    "C7.5",
    "C7.6",
    "C7.7",
    "C7.8",
    "C8",
    "C9",
    "C10",
    "C11",
)


@transaction.atomic
def edition_categories_create_standard(*, edition: Edition) -> list[Category]:
    """Give an edition the 18 standard categories (1-6 = C1-C6, 7-14 = the C7
    sub-lines, 15-18 = C8-C11), titled after their Action Line. Categories the edition
    already has keep their titles; running it again creates nothing new."""
    lines = {line.code: line for line in ActionLine.objects.filter(code__in=STANDARD_CATEGORIES)}
    categories = []
    for number, code in enumerate(STANDARD_CATEGORIES, start=1):
        line = lines[code]
        category, _ = Category.objects.get_or_create(
            edition=edition, number=number, defaults={"title": line.title, "action_line": line}
        )
        categories.append(category)
    return categories
