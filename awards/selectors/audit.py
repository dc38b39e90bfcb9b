"""Reads of the audit trail: the one list of the staff's actions, of every edition or
one, by kind of action and by person."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from awards.models import AuditAction, AuditEntry, Edition

A = AuditAction

# The kinds the actions are grouped in, in the order the page lists them; every action
# belongs to exactly one.
AUDIT_KINDS: dict[str, tuple[str, tuple[AuditAction, ...]]] = {
    "votes": (
        _("Votes and voters"),
        (
            A.VOTES_INVALIDATED,
            A.VOTER_EXCLUDED,
            A.VOTER_REINSTATED,
            A.SIGNAL_DISMISSED,
            A.ACCOUNT_FLAGGED,
        ),
    ),
    "nomination": (
        _("Nomination"),
        (A.PROJECT_NOMINATED, A.PROJECT_REJECTED, A.PROJECT_EXCLUDED),
    ),
    "jury": (
        _("Jury and results"),
        (A.CHAMPIONS_COUNTED, A.WINNER_CONFIRMED, A.WINNER_UNDONE, A.JURY_REMINDED),
    ),
    "publication": (
        _("Publication"),
        (
            A.CATEGORY_REVEALED,
            A.RESULTS_PUBLISHED,
            A.PUBLICATION_SCHEDULED,
            A.PUBLICATION_UNSCHEDULED,
        ),
    ),
    "messages": (_("Messages"), (A.MESSAGE_SENT,)),
    "settings": (
        _("Roles and settings"),
        (A.ROLE_CHANGED, A.EDITION_CHANGED, A.RULES_CHANGED),
    ),
    "documents": (_("Documents"), (A.DOCUMENTS_MADE,)),
}

AUDIT_KIND_OF: dict[str, str] = {
    action: kind for kind, (_label, actions) in AUDIT_KINDS.items() for action in actions
}


def audit_entry_filter(
    *,
    edition: Edition | None = None,
    kind: str | None = None,
    actor: User | None = None,
) -> QuerySet[AuditEntry]:
    """The audit trail, newest first, with the editions and accounts it names: of one
    edition or all (roles belong to none), of one kind of action, by one person."""
    entries = AuditEntry.objects.select_related("edition", "actor", "subject")
    if edition is not None:
        entries = entries.filter(edition=edition)
    if kind:
        entries = entries.filter(action__in=AUDIT_KINDS[kind][1])
    if actor is not None:
        entries = entries.filter(actor=actor)
    return entries.order_by("-at", "-pk")


def audit_actor_list() -> QuerySet[User]:
    """The people who have taken an action in the audit trail, by e-mail address."""
    return User.objects.filter(
        pk__in=AuditEntry.objects.filter(actor__isnull=False).values("actor")
    ).order_by("email")
