"""The broker down: sign-up and password reset still answer, the account and the
e-mails are saved, nothing is sent; once the broker and a worker are back, each e-mail
is delivered exactly once.

The broker is a Redis of the test's own on a port of its own (``tests/servers.py``),
served to a Celery app made current for the test; the worker is a real one, in a
thread, as in ``test_email_worker.py``."""

import time

import pytest
from celery import Celery
from celery.contrib.testing.app import setup_default_app
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.management import call_command
from django.test import Client

from accounts.models import OutboxEmail, User
from accounts.tasks import outbox_deliver, outbox_relay
from tests.accounts.conftest import APP, AppClient
from tests.factories import PASSWORD, UserFactory
from tests.servers import RedisServer

pytestmark = [
    pytest.mark.real_worker,
    # Committed for real: the e-mails are queued on commit, and the worker reads them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def broker(tmp_path):
    """A Redis broker of the test's own, not started yet, and a Celery app that
    publishes to it, current for the test."""
    server = RedisServer(tmp_path / "broker")
    app = Celery("wsis-broker-faults", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    # Celery prefers CELERY_BROKER_URL from the environment (CI's broker) to broker_url,
    # but not to these two.
    app.conf.broker_read_url = app.conf.broker_write_url = server.url(db=0)
    app.conf.task_always_eager = False
    assert app.connection_for_write().port == server.port
    with setup_default_app(app):
        app.set_current()
        app.set_default()
        yield server, app
    server.kill()


def wait_for_mail(count: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def pending() -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(sent_at__isnull=True).order_by("created_at"))


def test_signup_and_password_reset_lose_no_email_while_the_broker_is_down(broker, caplog):
    server, app = broker
    UserFactory(email="grace@example.org", email_confirmed=True)

    with caplog.at_level("WARNING", logger="config.celery"):
        signup = AppClient().signup(email="ada@example.org")
        reset = AppClient().post(f"{APP}/auth/password/request", {"email": "grace@example.org"})
        browser = Client().post(
            "/accounts/signup/",
            {
                "email": "alan@example.org",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "name": "Alan Turing",
                "country": "GB",
            },
        )

    assert (signup.status_code, reset.status_code, browser.status_code) == (200, 200, 302)
    assert User.objects.filter(email__in=["ada@example.org", "alan@example.org"]).count() == 2
    waiting = pending()
    assert sorted(e.to[0] for e in waiting) == [
        "ada@example.org",
        "alan@example.org",
        "grace@example.org",
    ]
    assert mail.outbox == []
    assert "The broker did not take accounts.tasks.outbox_deliver" in caplog.text

    server.start()
    # The test reads nothing while the worker runs: SQLite's shared in-memory test
    # database refuses a second connection while one writes.
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        outbox_relay.delay()  # as Celery beat does every minute
        wait_for_mail(3)
        # Every way of delivering again sends nothing more.
        outbox_relay.delay()
        for email in waiting:
            outbox_deliver.delay(message_id=str(email.pk))
        time.sleep(1)
    call_command("outbox_relay")

    assert sorted(m.to[0] for m in mail.outbox) == [
        "ada@example.org",
        "alan@example.org",
        "grace@example.org",
    ]
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(
        e.headers["Message-ID"] for e in waiting
    )
    assert pending() == []
