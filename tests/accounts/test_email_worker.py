"""The e-mail task on a real Celery worker, through the configured broker (Redis in CI)."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail

from accounts.tasks import email_send
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


def test_email_task_sent_twice_delivers_once(worker):
    message = {
        "message_id": "once-only-test",
        "subject": "Hello",
        "body": "Hello there",
        "to": ["ada@example.org"],
        "from_email": "prizes@example.org",
    }
    email_send.delay(**message)
    email_send.delay(**message)

    wait_for_outbox(1)
    time.sleep(0.5)

    assert len(mail.outbox) == 1
