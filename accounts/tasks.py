"""The e-mail relay: every e-mail is in the outbox (``services.email_queue``) before a
task is queued for it, so these tasks may be lost, late or run twice."""

import uuid

from celery import shared_task

from accounts.models import OutboxEmail
from accounts.services import email_deliver, email_outbox_prune, email_relay


@shared_task
def outbox_deliver(*, message_id: str) -> bool:
    """Send one outbox e-mail, queued once its transaction commits; a second run, or
    the periodic relay, sends nothing more."""
    return email_deliver(message_id=message_id)


@shared_task
def outbox_relay() -> int:
    """Run by Celery beat every minute (and ``manage.py outbox_relay``): deliver what
    is still pending, and delete what was sent more than a week ago."""
    sent = email_relay()
    email_outbox_prune()
    return sent


@shared_task
def email_send(
    *,
    message_id: str,
    subject: str,
    body: str,
    to: list[str],
    from_email: str,
    html: str | None = None,
) -> bool:
    """The task of the release before the outbox, for the messages it left in the
    broker: written to the outbox once per id, then delivered. Remove it once no
    worker of that release is left."""
    try:
        outbox_id = uuid.UUID(hex=message_id)
    except ValueError:
        outbox_id = uuid.uuid5(uuid.NAMESPACE_URL, f"email-send:{message_id}")
    domain = from_email.rpartition("@")[2].rstrip(">") or "localhost"
    OutboxEmail.objects.get_or_create(
        id=outbox_id,
        defaults={
            "from_email": from_email,
            "to": to,
            "subject": subject,
            "body": body,
            "html": html or "",
            "headers": {"Message-ID": f"<{outbox_id.hex}@{domain}>"},
        },
    )
    return email_deliver(message_id=outbox_id)
