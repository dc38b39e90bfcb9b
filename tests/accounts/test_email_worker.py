"""The e-mail relay on a real Celery worker, through the configured broker (Redis in CI)."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from accounts.models import OutboxEmail
from accounts.services import email_queue
from accounts.tasks import outbox_deliver
from config.celery import app as celery_app
from tests.accounts.conftest import AppClient, confirmation_key

pytestmark = [
    pytest.mark.real_worker,
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL,
        reason="needs CELERY_BROKER_URL: the embedded mode has no broker (CI sets Redis)",
    ),
]


def wait_for_outbox(count: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture
def worker():
    assert not celery_app.conf.task_always_eager
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_signup_confirmation_goes_through_the_broker_and_worker(worker):
    # A transactional test: the sign-up commits, so the task is queued on commit as in
    # production, crosses the broker and is sent by the worker.
    response = AppClient().signup()
    assert response.status_code == 200

    wait_for_outbox(1)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.org"]
    assert confirmation_key(mail.outbox[0])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_email_queued_twice_is_delivered_once(worker):
    email = EmailMultiAlternatives(
        "Hello", "Hello there", "prizes@example.org", ["ada@example.org"]
    )
    with transaction.atomic():
        message_id = email_queue(message=email)  # queued once on commit

    outbox_deliver.delay(message_id=message_id)
    outbox_deliver.delay(message_id=message_id)
    wait_for_outbox(1)
    time.sleep(0.5)

    assert len(mail.outbox) == 1
    assert OutboxEmail.objects.get(pk=message_id).sent_at is not None
