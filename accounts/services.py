"""Writes of the accounts app: e-mail, the personal data export and account deletion."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction

from accounts.models import User
from accounts.signals import account_deleting, personal_data_requested
from accounts.tasks import email_send

_emails_held: ContextVar[bool] = ContextVar("emails_held", default=False)


@contextmanager
def emails_held() -> Iterator[None]:
    """Send no e-mail from the block: for demo data made through the real services."""
    token = _emails_held.set(True)
    try:
        yield
    finally:
        _emails_held.reset(token)


def email_queue(*, message: EmailMessage) -> str:
    """Send ``message`` through the e-mail task once the current transaction commits,
    so that no mail goes out for work that is rolled back. Returns the message id."""
    message_id = uuid.uuid4().hex
    if _emails_held.get():
        return message_id
    html = None
    if isinstance(message, EmailMultiAlternatives):
        html = next(
            (content for content, mimetype in message.alternatives if mimetype == "text/html"),
            None,
        )
    elif message.content_subtype == "html":
        html = message.body
    transaction.on_commit(
        partial(
            email_send.delay,
            message_id=message_id,
            subject=message.subject,
            body=message.body,
            to=list(message.to),
            from_email=message.from_email,
            html=html,
        )
    )
    return message_id


def email_send_templated(*, to: str, template_prefix: str, context: dict[str, Any]) -> str:
    """Render ``<template_prefix>_subject.txt``, ``_message.txt`` and ``_message.html``
    (the layout of every mail of the site) and queue the mail after commit."""
    from allauth.account.adapter import get_adapter

    adapter = get_adapter()
    context = {"site_name": settings.SITE_NAME, **context}
    return email_queue(message=adapter.render_mail(template_prefix, to, context))


PROFILE_FIELDS = ("name", "country", "organisation", "stakeholder_type")


@transaction.atomic
def profile_update(*, user: User, data: dict[str, Any]) -> User:
    """Change a person's own profile: name, country, organisation, stakeholder type."""
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {', '.join(sorted(unknown))}")
    for field, value in data.items():
        setattr(user, field, value)
    user.save(update_fields=list(data))
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
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "two_factor_authentication": Authenticator.objects.filter(user=user).exists(),
            "roles": sorted(user.groups.values_list("name", flat=True)),
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
