"""The Celery application: Redis (or RabbitMQ) broker, the plan's four queues, beat in the DB."""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atendo.config.settings")

app = Celery("atendo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in ("default", "webhooks", "automations", "analytics")]
app.autodiscover_tasks()
