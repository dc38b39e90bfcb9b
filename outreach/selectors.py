"""Reads of the messages: who a segment reaches, the messages of an edition and how far
each one's sending has gone (counted from the outbox rows)."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db.models import Count, Q, QuerySet

from accounts.models import User
from awards.models import Category, Edition, JuryAssignment, Project, ProjectStatus
from outreach.models import Message, MessageRecipient, Segment, SkipReason

SEGMENT_STATUSES: dict[str, tuple[str, ...]] = {
    Segment.SUBMITTERS: tuple(s for s in ProjectStatus.values if s != ProjectStatus.DRAFT),
    Segment.NOMINEES: (ProjectStatus.NOMINEE, ProjectStatus.CHAMPION, ProjectStatus.WINNER),
    # A Winner is also one of its category's Champions.
    Segment.CHAMPIONS: (ProjectStatus.CHAMPION, ProjectStatus.WINNER),
    Segment.WINNERS: (ProjectStatus.WINNER,),
}


@dataclass
class AudienceMember:
    """One person a segment reaches (``user`` None: an account deleted since)."""

    user: User | None
    email: str
    name: str
    language: str
    concerning: list[str]
    skipped: str = ""


@dataclass(frozen=True)
class Audience:
    members: list[AudienceMember]

    @property
    def reachable(self) -> list[AudienceMember]:
        return [member for member in self.members if not member.skipped]

    @property
    def skipped(self) -> list[AudienceMember]:
        return [member for member in self.members if member.skipped]

    @property
    def sample(self) -> AudienceMember | None:
        """Whom the preview shows the message as: the first one it would reach."""
        reachable = self.reachable
        return reachable[0] if reachable else None


def _confirmed_addresses(user_ids: set[int]) -> set[tuple[int, str]]:
    rows = EmailAddress.objects.filter(user_id__in=user_ids, verified=True).values_list(
        "user_id", "email"
    )
    return {(user_id, email.lower()) for user_id, email in rows}


def _skip_reason(user: User, confirmed: set[tuple[int, str]]) -> str:
    if not user.is_active:
        return SkipReason.ACCOUNT_INACTIVE
    if (user.pk, user.email.lower()) not in confirmed:
        return SkipReason.ADDRESS_UNCONFIRMED
    return ""


def _project_audience(edition: Edition, statuses: tuple[str, ...]) -> list[AudienceMember]:
    projects = (
        Project.objects.filter(edition=edition, status__in=statuses)
        .select_related("submitted_by")
        .only("title", "submitted_by")
        .order_by("title", "pk")
    )
    by_user: dict[int, AudienceMember] = {}
    deleted: list[AudienceMember] = []
    for project in projects:
        user = project.submitted_by
        if user is None:
            deleted.append(
                AudienceMember(
                    user=None,
                    email="",
                    name="",
                    language="",
                    concerning=[project.title],
                    skipped=SkipReason.ACCOUNT_DELETED,
                )
            )
            continue
        member = by_user.get(user.pk)
        if member is None:
            member = by_user[user.pk] = AudienceMember(
                user=user, email=user.email, name=user.name, language=user.language, concerning=[]
            )
        member.concerning.append(project.title)
    return [*by_user.values(), *deleted]


def _jury_audience(edition: Edition, category: Category | None) -> list[AudienceMember]:
    assignments = JuryAssignment.objects.filter(category__edition=edition).select_related(
        "juror", "category"
    )
    if category is not None:
        assignments = assignments.filter(category=category)
    by_user: dict[int, AudienceMember] = {}
    for assignment in assignments.order_by("category__number", "juror__email"):
        user = assignment.juror
        member = by_user.get(user.pk)
        if member is None:
            member = by_user[user.pk] = AudienceMember(
                user=user, email=user.email, name=user.name, language=user.language, concerning=[]
            )
        member.concerning.append(str(assignment.category))
    return list(by_user.values())


def audience_get(*, edition: Edition, segment: str, category: Category | None = None) -> Audience:
    """Everyone ``segment`` of ``edition`` reaches today, by address, each once; those
    it cannot reach (a deleted or deactivated account, an unconfirmed address) marked
    with the reason. Three queries whatever the size."""
    if segment in (Segment.CATEGORY_JURORS, Segment.JURORS):
        members = _jury_audience(edition, category if segment == Segment.CATEGORY_JURORS else None)
    else:
        members = _project_audience(edition, SEGMENT_STATUSES[segment])
    confirmed = _confirmed_addresses({m.user.pk for m in members if m.user is not None})
    for member in members:
        if member.user is not None:
            member.skipped = _skip_reason(member.user, confirmed)
    members.sort(key=lambda m: (m.user is None, m.email.lower()))
    return Audience(members=members)


# --- Progress, from the outbox rows -----------------------------------------------------

_SKIPPED = ~Q(recipients__skipped="")
_WAITING = Q(recipients__skipped="", recipients__queued_at__isnull=True)
# A sent e-mail's outbox row is deleted after a week: a queued recipient without one was
# sent (the outbox deletes nothing else).
_SENT = Q(recipients__queued_at__isnull=False) & (
    Q(recipients__outbox__isnull=True) | Q(recipients__outbox__sent_at__isnull=False)
)
_FAILED = Q(recipients__outbox__sent_at__isnull=True, recipients__outbox__last_error__gt="")
_QUEUED = Q(
    recipients__outbox__isnull=False,
    recipients__outbox__sent_at__isnull=True,
    recipients__outbox__last_error="",
)


def _with_progress(messages: QuerySet[Message]) -> QuerySet[Message]:
    return messages.annotate(
        recipients_total=Count("recipients"),
        recipients_skipped=Count("recipients", filter=_SKIPPED),
        recipients_waiting=Count("recipients", filter=_WAITING),
        recipients_queued=Count("recipients", filter=_QUEUED),
        recipients_sent=Count("recipients", filter=_SENT),
        recipients_failed=Count("recipients", filter=_FAILED),
    )


def message_list(*, edition: Edition) -> QuerySet[Message]:
    """The messages of ``edition``, newest first, each with its progress counts
    (``recipients_total``, ``_skipped``, ``_waiting``, ``_queued``, ``_sent``,
    ``_failed``) and its author: one query."""
    return _with_progress(
        Message.objects.filter(edition=edition).select_related("category", "created_by", "sent_by")
    ).order_by("-created_at", "-pk")


def message_get(*, edition: Edition, pk: int) -> Message | None:
    """One message of ``edition`` with its progress counts."""
    return message_list(edition=edition).filter(pk=pk).first()


def message_recipient_list(*, message: Message) -> QuerySet[MessageRecipient]:
    """The recipients of ``message`` with what the outbox says of each (its bodies
    left unread)."""
    return (
        MessageRecipient.objects.filter(message=message)
        .select_related("outbox")
        .only(
            "message_id",
            "user_id",
            "email",
            "name",
            "language",
            "concerning",
            "skipped",
            "queued_at",
            "outbox__sent_at",
            "outbox__last_error",
            "outbox__attempts",
        )
        .order_by("skipped", "email", "pk")
    )


def recipient_state(recipient: MessageRecipient) -> str:
    """skipped, waiting (not yet in the outbox), queued, sent or failed (the relay tries
    again)."""
    if recipient.skipped:
        return "skipped"
    if recipient.queued_at is None:
        return "waiting"
    if recipient.outbox is None or recipient.outbox.sent_at is not None:
        return "sent"
    if recipient.outbox.last_error:
        return "failed"
    return "queued"
