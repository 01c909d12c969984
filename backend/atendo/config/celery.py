"""The Celery application: Redis (or RabbitMQ) broker, the plan's four queues, beat in the DB."""

import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atendo.config.settings")

app = Celery("atendo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in ("default", "webhooks", "automations", "analytics")]
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _close_old_db_connections(task: Any = None, **_kwargs: Any) -> None:
    """What Django does around a request, around every task: drop connections that are broken
    (errors) or older than CONN_MAX_AGE, and health-check the rest on first use. Celery's own
    fixup would close them all (CELERY_DB_REUSE_MAX only spaces that out), costing a reconnect
    per task. Not for eager tasks: they run inside the caller's transaction."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
