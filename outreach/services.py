"""Writes of the messages: a draft, its sending (the recipients taken once, the audit
entry, the task), and the delivery of each recipient's e-mail to the outbox."""

from datetime import datetime

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import OutboxEmail, User
from accounts.permissions import require_secretariat
from accounts.services import email_queue
from awards.models import AuditAction, Category, Edition
from awards.services import audit_record
from config.celery import task_queue_after_commit
from config.errors import Conflict, DomainError
from config.languages import site_name
from outreach.models import Message, MessageRecipient, MessageStatus, Segment, SkipReason
from outreach.permissions import segment_is_open
from outreach.selectors import AudienceMember, audience_get

SECRETARIAT_ONLY = _("Only the secretariat writes messages.")
SUBJECT_MAX = Message._meta.get_field("subject").max_length
# Recipients written to the outbox per transaction by the delivery.
BATCH = 100


class WinnersUnderEmbargo(DomainError):
    code = "winners_under_embargo"
    status_code = 400
    default_detail = _(
        "The Winners can be written to once the results are published: until then, a "
        "message to them would tell who won."
    )


class CategoryRequired(DomainError):
    code = "category_required"
    status_code = 400
    default_detail = _("Choose the category whose jurors the message is for.")


class MessageIncomplete(DomainError):
    code = "message_incomplete"
    status_code = 400
    default_detail = _("Write a subject and a message.")


class MessageAlreadySent(Conflict):
    code = "message_already_sent"
    default_detail = _("This message has been sent already: it cannot be sent or changed again.")


class RecipientsChanged(Conflict):
    code = "recipients_changed"
    default_detail = _(
        "The recipients have changed since this page was shown: check the count and the "
        "preview again before sending."
    )


class NoRecipients(Conflict):
    code = "no_recipients"
    default_detail = _(
        "No one in these recipients can be written to: none has a confirmed e-mail address."
    )


def _checked(
    *, edition: Edition, segment: str, category: Category | None, subject: str, body: str
) -> tuple[str, Category | None, str, str]:
    if segment not in Segment.values:
        raise DomainError(_("Choose whom the message is for."), field="segment")
    if segment == Segment.CATEGORY_JURORS:
        if category is None or category.edition_id != edition.pk:
            raise CategoryRequired(field="category")
    else:
        category = None
    if not segment_is_open(edition, segment):
        raise WinnersUnderEmbargo(field="segment")
    subject, body = " ".join(subject.split()), body.strip()
    errors = {}
    if not subject:
        errors["subject"] = [str(MessageIncomplete.default_detail)]
    elif len(subject) > SUBJECT_MAX:
        errors["subject"] = [
            str(_("A subject has at most %(limit)d characters.") % {"limit": SUBJECT_MAX})
        ]
    if not body:
        errors["body"] = [str(MessageIncomplete.default_detail)]
    if errors:
        raise MessageIncomplete(errors=errors)
    return segment, category, subject, body


@transaction.atomic
def message_draft_create(
    *,
    edition: Edition,
    by: User,
    segment: str,
    subject: str,
    body: str,
    category: Category | None = None,
) -> Message:
    """Write a draft: nothing is sent until ``message_send``."""
    require_secretariat(by, refusal=SECRETARIAT_ONLY)
    segment, category, subject, body = _checked(
        edition=edition, segment=segment, category=category, subject=subject, body=body
    )
    return Message.objects.create(
        edition=edition,
        segment=segment,
        category=category,
        subject=subject,
        body=body,
        created_by=by,
    )


@transaction.atomic
def message_draft_update(
    *,
    message: Message,
    by: User,
    segment: str,
    subject: str,
    body: str,
    category: Category | None = None,
) -> Message:
    """Change a draft; a message being sent or sent stays as it went out."""
    require_secretariat(by, refusal=SECRETARIAT_ONLY)
    segment, category, subject, body = _checked(
        edition=message.edition, segment=segment, category=category, subject=subject, body=body
    )
    changed = Message.objects.filter(pk=message.pk, status=MessageStatus.DRAFT).update(
        segment=segment, category=category, subject=subject, body=body
    )
    if not changed:
        raise MessageAlreadySent()
    message.refresh_from_db()
    return message


def message_render(*, message: Message, member: AudienceMember | MessageRecipient) -> EmailMessage:
    """The e-mail ``member`` receives: the one text of the message, in the site's mail
    layout, with the greeting and the footer in the member's language. The preview
    shows it as it is sent."""
    with translation.override(member.language or settings.LANGUAGE_CODE):
        context = {
            "site_name": site_name(),
            "message": message,
            "edition": message.edition,
            "name": member.name,
            "email": member.email,
            "segment": message.segment,
        }
        return get_adapter().render_mail("outreach/email/message", member.email, context)


@transaction.atomic
def message_send(
    *, message: Message, by: User, expected: int | None = None, at: datetime | None = None
) -> Message:
    """Send a draft: its recipients are taken now, once (those it cannot reach kept as
    skipped, with the reason), the audit trail records it, and the e-mails are written
    to the outbox by a task, after commit. Sending twice is refused, and so is sending
    to another number of people than the ``expected`` the sender confirmed."""
    at = at or timezone.now()
    require_secretariat(by, refusal=SECRETARIAT_ONLY)
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("edition", "category")
        .get(pk=message.pk)
    )
    if message.status != MessageStatus.DRAFT:
        raise MessageAlreadySent()
    if not segment_is_open(message.edition, message.segment, at=at):
        raise WinnersUnderEmbargo()
    audience = audience_get(
        edition=message.edition, segment=message.segment, category=message.category
    )
    if not audience.reachable:
        raise NoRecipients()
    if expected is not None and expected != len(audience.reachable):
        raise RecipientsChanged()
    sent = Message.objects.filter(pk=message.pk, status=MessageStatus.DRAFT).update(
        status=MessageStatus.SENDING, sent_by=by, sent_at=at
    )
    if not sent:
        raise MessageAlreadySent()
    MessageRecipient.objects.bulk_create(
        [
            MessageRecipient(
                message=message,
                user=member.user,
                email=member.email,
                name=member.name,
                language=member.language,
                concerning="; ".join(member.concerning)[:500],
                skipped=member.skipped,
            )
            for member in audience.members
        ],
        batch_size=1000,
    )
    details = {
        "message": message.pk,
        "segment": message.segment,
        "subject": message.subject,
        "recipients": len(audience.reachable),
        "skipped": len(audience.skipped),
    }
    if message.category is not None:
        details["category"] = message.category.number
    audit_record(
        edition=message.edition,
        actor=by,
        action=AuditAction.MESSAGE_SENT,
        details=details,
        at=at,
    )
    from outreach.tasks import message_deliver  # the task calls these services

    task_queue_after_commit(message_deliver, message_id=message.pk)
    message.refresh_from_db()
    return message


def _deliver_one(message: Message, recipient: MessageRecipient, now: datetime) -> bool:
    """Write one recipient's e-mail to the outbox, in the transaction that marks them
    queued: a second run finds them queued and writes nothing."""
    if recipient.user_id is None:
        # The account was deleted after the message was sent, before its turn came.
        MessageRecipient.objects.filter(pk=recipient.pk, queued_at__isnull=True).update(
            skipped=SkipReason.ACCOUNT_DELETED
        )
        return False
    claimed = MessageRecipient.objects.filter(
        pk=recipient.pk, queued_at__isnull=True, skipped="", user__isnull=False
    ).update(queued_at=now)
    if not claimed:
        return False
    outbox_id = email_queue(message=message_render(message=message, member=recipient))
    # Demo data made with e-mails held writes no outbox row (accounts.services).
    if OutboxEmail.objects.filter(pk=outbox_id).exists():
        MessageRecipient.objects.filter(pk=recipient.pk).update(outbox_id=outbox_id)
    return True


def message_deliver(*, message_id: int) -> int:
    """Write the e-mails of a message being sent to the outbox, a batch per
    transaction, for the relay to send; then mark it sent. Safe to run twice or side by
    side: each recipient is written once. Returns how many this run wrote."""
    message = (
        Message.objects.select_related("edition")
        .filter(pk=message_id, status__in=[MessageStatus.SENDING, MessageStatus.SENT])
        .first()
    )
    if message is None:
        return 0
    written = 0
    while True:
        pending = list(
            MessageRecipient.objects.filter(
                message=message, queued_at__isnull=True, skipped=""
            ).order_by("pk")[:BATCH]
        )
        if not pending:
            break
        with transaction.atomic():
            now = timezone.now()
            written += sum(_deliver_one(message, recipient, now) for recipient in pending)
    Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
        status=MessageStatus.SENT, queued_at=timezone.now()
    )
    return written


def messages_resume() -> int:
    """Deliver what messages still being sent hold: a task the broker never took, or a
    worker that stopped half-way. Returns how many e-mails were written."""
    pending = Message.objects.filter(status=MessageStatus.SENDING).values_list("pk", flat=True)
    return sum(message_deliver(message_id=pk) for pk in list(pending))
