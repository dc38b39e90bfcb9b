"""The sending of messages: the recipients are in the database before a task is queued
for them, so these tasks may be lost, late or run twice."""

from celery import shared_task

from outreach import services


@shared_task
def message_deliver(*, message_id: int) -> int:
    """Write a message's e-mails to the outbox; a second run writes nothing more."""
    return services.message_deliver(message_id=message_id)


@shared_task
def messages_resume() -> int:
    """Run by Celery beat every minute: finish the messages whose sending stopped."""
    return services.messages_resume()
