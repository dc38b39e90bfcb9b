"""Writes of the accounts app: e-mail and its outbox, the personal data export and
account deletion."""

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from accounts.models import OutboxEmail, User
from accounts.signals import account_deleting, personal_data_requested
from config.celery import task_queue_after_commit
from config.languages import site_name

logger = logging.getLogger(__name__)

_emails_held: ContextVar[bool] = ContextVar("emails_held", default=False)

# A relay holds an e-mail this long while it sends it; longer than EMAIL_TIMEOUT, so
# that no other relay takes over a send still under way.
CLAIM_LEASE = timedelta(minutes=5)
# After a failed attempt the next one waits 1, 2, 4 ... minutes, at most an hour; after
# this many attempts (about a day) the e-mail is left, with its last error, and logged.
RETRY_FIRST = timedelta(minutes=1)
RETRY_AT_MOST = timedelta(hours=1)
ATTEMPTS_AT_MOST = 30
# Sent e-mails are deleted after a week: long enough to answer "did it go out?", short
# for what they say about people.
SENT_KEPT_FOR = timedelta(days=7)


@contextmanager
def emails_held() -> Iterator[None]:
    """Send no e-mail from the block: for demo data made through the real services."""
    token = _emails_held.set(True)
    try:
        yield
    finally:
        _emails_held.reset(token)


def _html_body(message: EmailMessage) -> str:
    if isinstance(message, EmailMultiAlternatives):
        for content, mimetype in message.alternatives:
            if mimetype == "text/html":
                return content
    if message.content_subtype == "html":
        return message.body
    return ""


@transaction.atomic
def email_queue(*, message: EmailMessage) -> str:
    """Write ``message`` to the outbox in the current transaction, and have the relay
    deliver it once the transaction commits: no mail goes out for work that is rolled
    back, and none is lost if the broker is down (the periodic relay sends it then).
    Returns the outbox id; the message keeps a Message-ID made from it."""
    message_id = uuid.uuid4()
    if _emails_held.get():
        return str(message_id)
    if message.attachments:
        raise ValueError("The outbox keeps text and HTML e-mails, without attachments.")
    sender = message.from_email or settings.DEFAULT_FROM_EMAIL
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    html = _html_body(message)
    OutboxEmail.objects.create(
        id=message_id,
        from_email=sender,
        to=list(message.to),
        cc=list(message.cc),
        bcc=list(message.bcc),
        reply_to=list(message.reply_to),
        subject=message.subject,
        body="" if html and html == message.body else message.body,
        html=html,
        headers={**message.extra_headers, "Message-ID": f"<{message_id.hex}@{domain}>"},
    )
    from accounts.tasks import outbox_deliver  # the tasks call these services

    task_queue_after_commit(outbox_deliver, message_id=str(message_id))
    return str(message_id)


def _message(email: OutboxEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=email.from_email,
        to=email.to,
        cc=email.cc,
        bcc=email.bcc,
        reply_to=email.reply_to,
        headers=email.headers,
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    return message


def _next_attempt(attempts: int) -> timedelta:
    return min(RETRY_FIRST * 2 ** max(attempts - 1, 0), RETRY_AT_MOST)


def email_deliver(*, message_id: str | uuid.UUID) -> bool:
    """Send one outbox e-mail, unless it is sent already or another relay holds it.
    True if this call sent it.

    Three statements, not one transaction, on purpose: the claim (a conditional
    update) commits before the mail goes out, so that no second relay sends it, and the
    mark after. A relay that dies between the mail server taking the mail and the mark
    leaves its claim to expire: after ``CLAIM_LEASE`` the relay sends the mail again,
    with the same Message-ID, so that the second copy is recognisable (at least once,
    never lost; the window is one statement wide). A failed send is recorded and tried
    again later by the periodic relay."""
    now = timezone.now()
    claimed = (
        OutboxEmail.objects.filter(pk=message_id, sent_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .update(claimed_until=now + CLAIM_LEASE, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    email = OutboxEmail.objects.get(pk=message_id)
    try:
        _message(email).send()
    except Exception as error:  # the mail server, the network, a bad header: try later
        OutboxEmail.objects.filter(pk=email.pk, sent_at__isnull=True).update(
            claimed_until=timezone.now() + _next_attempt(email.attempts),
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        log = logger.error if email.attempts >= ATTEMPTS_AT_MOST else logger.warning
        log(
            "E-mail %s to %s not sent (attempt %d%s): %s",
            email.pk,
            ", ".join(email.to),
            email.attempts,
            ", the last" if email.attempts >= ATTEMPTS_AT_MOST else "",
            error,
        )
        return False
    OutboxEmail.objects.filter(pk=email.pk).update(
        sent_at=timezone.now(), claimed_until=None, last_error="", body="", html=""
    )
    return True


def email_relay(*, limit: int = 500) -> int:
    """Deliver what the outbox still holds: e-mails whose task never reached the
    broker, failed attempts due again, claims left by a relay that died. Returns how
    many were sent."""
    now = timezone.now()
    pending = (
        OutboxEmail.objects.filter(sent_at__isnull=True, attempts__lt=ATTEMPTS_AT_MOST)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(email_deliver(message_id=message_id) for message_id in list(pending))


@transaction.atomic
def email_outbox_prune(*, before: datetime | None = None) -> int:
    """Delete the e-mails sent before ``before`` (a week ago by default)."""
    before = before or timezone.now() - SENT_KEPT_FOR
    deleted, _ = OutboxEmail.objects.filter(sent_at__lt=before).delete()
    return deleted


def email_send_templated(
    *, to: str, template_prefix: str, context: dict[str, Any], language: str = ""
) -> str:
    """Render ``<template_prefix>_subject.txt``, ``_message.txt`` and ``_message.html``
    (the layout of every mail of the site) in ``language`` (the recipient's saved
    language; else the language of the moment) and queue the mail after commit."""
    from allauth.account.adapter import get_adapter

    adapter = get_adapter()
    with translation.override(language or translation.get_language()):
        context = {"site_name": site_name(), **context}
        message = adapter.render_mail(template_prefix, to, context)
    return email_queue(message=message)


PROFILE_FIELDS = ("name", "country", "organisation", "stakeholder_type", "language")


@transaction.atomic
def profile_update(*, user: User, data: dict[str, Any]) -> User:
    """Change a person's own profile: name, country, organisation, stakeholder type,
    language."""
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {', '.join(sorted(unknown))}")
    for field, value in data.items():
        setattr(user, field, value)
    user.save(update_fields=list(data))
    return user


def user_language_set(*, user: User, language: str) -> User:
    """Remember the language ``user`` chose (one of settings.LANGUAGES)."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Not a language of the site: {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about ``user``, for the person to download."""
    addresses = EmailAddress.objects.filter(user=user).order_by("email")
    data: dict[str, Any] = {
        "account": {
            "email": user.email,
            "name": user.name,
            "country": user.country.code or None,
            "organisation": user.organisation,
            "stakeholder_type": user.stakeholder_type or None,
            "language": user.language or None,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "two_factor_authentication": Authenticator.objects.filter(user=user).exists(),
            "roles": sorted(user.groups.values_list("name", flat=True)),
            # Where the account signed up from, kept for the fraud review until the
            # retention period ends (voting.services.traces_purge): None once emptied.
            "signup_network": user.signup_network or None,
            "signup_browser": user.signup_browser or None,
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary} for a in addresses
        ],
    }
    for _receiver, (section, section_data) in personal_data_requested.send(sender=User, user=user):
        data[section] = section_data
    return data


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete an account; the other apps first apply the privacy rules to what they
    hold about the person (``account_deleting``)."""
    account_deleting.send(sender=User, user=user)
    user.delete()
