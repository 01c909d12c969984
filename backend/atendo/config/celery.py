"""The Celery application: Redis (or RabbitMQ) broker, the plan's four queues, beat in the DB."""

import gc
import importlib
import logging
import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_init
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atendo.config.settings")

app = Celery("atendo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in ("default", "webhooks", "automations", "analytics")]
app.autodiscover_tasks()
logger = logging.getLogger(__name__)

# What tasks import on first use: imported by the worker's main process before it forks, so that
# no child pays for it in its first batch (a drain's first WhatsApp event imported httpx: ~0.25 s
# on a busy machine, with the events queued behind it waiting).
WORKER_PRELOAD = ("atendo.messaging.ingestion", "channels_redis.core")


@worker_init.connect
def _preload(**_kwargs: Any) -> None:
    try:
        from atendo.connectors.adapters import preload_adapters

        preload_adapters()
        for module in WORKER_PRELOAD:
            importlib.import_module(module)
    except Exception:  # only an optimisation: the children import what they need anyway
        logger.warning("worker preload failed", exc_info=True)
    # What the worker loaded lives as long as it (as in config/wsgi.py): out of the cyclic
    # collector's sight, a full collection no longer stalls a drain for tens of milliseconds, and
    # the forked children do not copy the pages a collection would have touched.
    gc.freeze()


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
