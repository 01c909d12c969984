"""A real Celery worker killed with SIGKILL in the middle of processing: the event accepted with
200 is neither lost nor duplicated once a worker and the sweeper run again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from atendo.config.celery import app as celery_app
from atendo.connectors.models import ChannelAccount, ChannelConnector, InboundEvent
from atendo.connectors.tests import fake_meta as meta
from atendo.messaging.models import Message, MessageAttachment

pytestmark = pytest.mark.django_db(transaction=True)
BACKEND = Path(__file__).resolve().parents[3]


def _database_url() -> str:
    base, _name = os.environ["DATABASE_URL"].split("?", 1)[0].rsplit("/", 1)
    return f"{base}/{connection.settings_dict['NAME']}"


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "atendo.config.celery",
            "worker",
            "-Q",
            "webhooks",
            "-c",
            "1",
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "WARNING",
        ],
        cwd=BACKEND,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_sigkill_mid_task_then_restart_loses_and_duplicates_nothing(two_tenants, anon, fake_meta, settings):
    tenant = two_tenants.a.tenant
    connector = ChannelConnector.objects.create(
        tenant=tenant, kind="whatsapp", name="WA", credentials=json.dumps(meta.credentials())
    )
    ChannelAccount.objects.create(
        tenant=tenant,
        connector=connector,
        kind="whatsapp",
        name="WA",
        external_id=meta.PHONE_NUMBER_ID,
        status="active",
    )
    image = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 4000
    media_id = fake_meta.add_media(image, "image/jpeg")
    fake_meta.download_delay = 30  # the first worker will be killed while it downloads
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "atendo.config.settings_test",
        "PYTHONPATH": str(BACKEND),
        "WHATSAPP_API_BASE": settings.WHATSAPP_API_BASE,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    queue_key = "webhooks"
    celery_app.conf.task_always_eager = False
    try:
        with celery_app.connection_for_write() as conn:  # nothing left over from another run
            conn.default_channel.client.delete(queue_key)
        payload = meta.inbound(meta.image_message(media_id=media_id, data=image, wamid="wamid.CRASH"))
        worker = _worker(env)
        response = meta.post_webhook(anon.client, connector.webhook_key, payload)
        assert response.status_code == 200
        # The worker stores the message, then hangs downloading the image: kill it there.
        assert _wait(lambda: Message.objects.for_tenant(tenant).exists(), 60), "the worker never picked the task"
        assert _wait(lambda: bool(fake_meta.requests_to("/media-download")), 30)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        event = InboundEvent.objects.for_tenant(tenant).get()
        assert (event.status, event.attempts) == ("pending", 1)

        fake_meta.download_delay = 0
        settings.INBOUND_SWEEP_GRACE_SECONDS = 0
        restarted = _worker(env)
        try:
            from atendo.messaging.tasks import sweep_inbound_events

            assert sweep_inbound_events.apply().get() == 1  # the lost task goes back on the queue
            assert _wait(lambda: InboundEvent.objects.for_tenant(tenant).get().status == "done", 60)
        finally:
            os.killpg(restarted.pid, signal.SIGTERM)
            restarted.wait(20)
    finally:
        celery_app.conf.task_always_eager = True
    assert Message.objects.for_tenant(tenant).filter(provider_message_id="wamid.CRASH").count() == 1
    assert MessageAttachment.objects.for_tenant(tenant).count() == 1
    assert InboundEvent.objects.for_tenant(tenant).get().attempts == 2
