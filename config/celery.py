import logging
import os
from functools import partial
from typing import Any

from celery import Celery
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("wsis")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


def task_queue_after_commit(task: Any, /, **kwargs: Any) -> None:
    """Queue ``task`` with these keyword arguments once the current transaction commits.

    A broker that cannot be reached is logged, not raised: what caused the task is
    saved by then, and the task's periodic counterpart (the outbox relay, the count at
    the close) or the page that needs its result does the work later. Every task
    queued this way must therefore be safe to run late, or twice."""
    transaction.on_commit(partial(_publish, task, kwargs))


def _publish(task: Any, kwargs: dict[str, Any]) -> None:
    if task.app.conf.task_always_eager:
        task.apply_async(kwargs=kwargs)  # in-process: the task's own errors are real errors
        return
    try:
        task.apply_async(kwargs=kwargs)
    except (BrokerError, OSError) as error:
        logger.warning(
            "The broker did not take %s(%s): %s. It is left to the periodic tasks.",
            task.name,
            ", ".join(f"{name}={value!r}" for name, value in kwargs.items()),
            error,
        )
