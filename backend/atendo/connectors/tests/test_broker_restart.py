"""The broker restarted (SIGKILL, no persistence: every queued task gone) or down while provider
webhooks arrive: every event acknowledged with 200 is stored, and processed exactly once after the
broker is back, by a real Celery worker and the sweeper.

A private redis-server per test (never the shared one), a real worker subprocess on the
`webhooks` queue, the signed WhatsApp webhook through the Django test client.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

import pytest

from atendo.connectors.models import ChannelAccount, ChannelConnector, InboundEvent
from atendo.connectors.tests import fake_meta as meta
from atendo.connectors.tests.live_broker import PrivateRedis, Worker, private_broker, wait_for, worker_starter
from atendo.messaging.models import Message
from atendo.messaging.tasks import WAKE_FLAG_SECONDS, sweep_inbound_events

pytestmark = pytest.mark.django_db(transaction=True)

QUEUE = "webhooks"
PROCESS_TIMEOUT = 30  # seconds a worker gets to drain a handful of events


@pytest.fixture
def broker(tmp_path, monkeypatch) -> Iterator[PrivateRedis]:
    with private_broker(tmp_path, monkeypatch) as running:
        yield running


@pytest.fixture
def start_worker(tmp_path, settings) -> Iterator[Callable[[str], Worker]]:
    with worker_starter(tmp_path, settings) as start:
        yield start


@pytest.fixture
def whatsapp(two_tenants, fake_meta):
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
    return connector


def post_webhook(anon, connector: ChannelConnector, wamid: str) -> tuple[int, float]:
    """POST one signed text message; (status, seconds to the answer)."""
    payload = meta.inbound(meta.text_message(f"hello {wamid}", wamid=wamid))
    started = time.monotonic()
    response = meta.post_webhook(anon.client, connector.webhook_key, payload)
    return response.status_code, time.monotonic() - started


def assert_each_stored_once(connector: ChannelConnector, wamids: list[str]) -> None:
    messages = Message.objects.for_tenant(connector.tenant_id).filter(provider_message_id__in=wamids)
    per_wamid = {w: 0 for w in wamids}
    for wamid in messages.values_list("provider_message_id", flat=True):
        per_wamid[wamid] += 1
    assert per_wamid == dict.fromkeys(wamids, 1), "every acknowledged message exactly once"
    events = InboundEvent.objects.for_tenant(connector.tenant_id)
    assert events.count() == len(wamids), "one stored envelope per acknowledged webhook"
    assert set(events.values_list("status", flat=True)) == {"done"}


def wait_all_done(connector: ChannelConnector, count: int, worker: Worker) -> None:
    events = InboundEvent.objects.for_tenant(connector.tenant_id)
    done = wait_for(lambda: events.filter(status="done").count() == count or not worker.alive(), PROCESS_TIMEOUT)
    assert worker.alive(), f"the worker died:\n{worker.output()}"
    assert done, (
        f"{events.filter(status='done').count()}/{count} processed; statuses "
        f"{list(events.values_list('status', 'attempts', 'last_error'))}\nworker log:\n{worker.output()}"
    )


def test_events_acked_before_a_broker_restart_are_processed_once(
    whatsapp, anon, broker: PrivateRedis, start_worker: Callable[[str], Worker], settings
):
    wamids = [f"wamid.RESTART-{i}" for i in range(5)]
    for wamid in wamids:
        assert post_webhook(anon, whatsapp, wamid)[0] == 200
    # One drain task wakes the workers for all of them (nobody consuming yet).
    assert broker.queue_length(QUEUE) == 1

    broker.kill()  # SIGKILL, no persistence: the queued tasks are gone
    broker.start()
    assert broker.queue_length(QUEUE) == 0
    # Meta retries one envelope meanwhile: acknowledged again, stored once, not enqueued again.
    assert post_webhook(anon, whatsapp, wamids[0])[0] == 200
    assert broker.queue_length(QUEUE) == 0

    worker = start_worker(broker.url)
    settings.INBOUND_SWEEP_GRACE_SECONDS = 0
    assert sweep_inbound_events.apply().get() == len(wamids)  # overdue: the workers are woken again
    sweep_inbound_events.apply().get()  # a second sweep before the worker caught up: double wake-ups
    wait_all_done(whatsapp, len(wamids), worker)
    assert sweep_inbound_events.apply().get() == 0
    assert_each_stored_once(whatsapp, wamids)
    # Double enqueues found the row done (or locked): one processing attempt each.
    assert set(InboundEvent.objects.for_tenant(whatsapp.tenant_id).values_list("attempts", flat=True)) == {1}


def test_webhooks_are_acked_and_stored_while_the_broker_is_down(
    whatsapp, anon, broker: PrivateRedis, start_worker: Callable[[str], Worker], settings
):
    assert post_webhook(anon, whatsapp, "wamid.DOWN-0")[0] == 200  # the publisher's connection is warm
    broker.kill()
    down = [f"wamid.DOWN-{i}" for i in range(1, 4)]
    for wamid in down:
        status, seconds = post_webhook(anon, whatsapp, wamid)
        assert status == 200, "a broker outage must not turn an accepted webhook into an error"
        assert seconds < 0.5, f"the ack waited {seconds:.2f} s for a broker that is down"
    events = InboundEvent.objects.for_tenant(whatsapp.tenant_id)
    assert events.filter(status="pending").count() == 4

    broker.start()  # back, empty
    # The drain queued before the outage was lost with it; it counts as queued only for
    # WAKE_FLAG_SECONDS, after which a stored event publishes a new one.
    time.sleep(WAKE_FLAG_SECONDS)
    assert post_webhook(anon, whatsapp, "wamid.DOWN-4")[0] == 200
    assert broker.queue_length(QUEUE) == 1, "publishing recovers once the broker is back"

    worker = start_worker(broker.url)
    settings.INBOUND_SWEEP_GRACE_SECONDS = 0
    sweep_inbound_events.apply().get()  # the four whose task never reached (or left) the broker
    wait_all_done(whatsapp, 5, worker)
    assert_each_stored_once(whatsapp, ["wamid.DOWN-0", *down, "wamid.DOWN-4"])


def test_a_running_worker_reconnects_after_the_broker_restarts(
    whatsapp, anon, broker: PrivateRedis, start_worker: Callable[[str], Worker]
):
    worker = start_worker(broker.url)
    assert post_webhook(anon, whatsapp, "wamid.LIVE-0")[0] == 200
    wait_all_done(whatsapp, 1, worker)

    broker.kill()
    broker.start()
    assert post_webhook(anon, whatsapp, "wamid.LIVE-1")[0] == 200
    # No sweep: the same worker reconnects by itself and takes the new task.
    wait_all_done(whatsapp, 2, worker)
    assert_each_stored_once(whatsapp, ["wamid.LIVE-0", "wamid.LIVE-1"])
