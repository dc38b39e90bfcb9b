from smtplib import SMTPException

from celery import shared_task
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives

SENT_KEY = "email-sent:{message_id}"
REMEMBER_SENT_FOR = 7 * 24 * 3600


@shared_task(
    autoretry_for=(OSError, SMTPException),
    retry_backoff=True,
    retry_kwargs={"max_retries": 6},
)
def email_send(
    *,
    message_id: str,
    subject: str,
    body: str,
    to: list[str],
    from_email: str,
    html: str | None = None,
) -> bool:
    """Send one e-mail; a second run with the same ``message_id`` sends nothing."""
    key = SENT_KEY.format(message_id=message_id)
    if not cache.add(key, True, timeout=REMEMBER_SENT_FOR):
        return False
    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:
        cache.delete(key)  # not sent: let a retry send it
        raise
    return True
