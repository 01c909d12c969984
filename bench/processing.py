"""Processing throughput of ONE worker process draining stored provider events (issue 7, scenario 2).

Runs under `python -m devstack exec -- …` (see `make bench`): PostgreSQL and Redis only; this
script makes a scratch database `atendo_bench_processing` (migrated, demo tenant loaded) and
starts one Celery worker with the product's command line (devstack's `worker` argv, prefork with
a single child process, production settings) on a Redis database of its own.

1. Drain: BENCH_PROCESSING_EVENTS (20,000; 1,000 with BENCH_QUICK=1) WhatsApp text webhooks
   from BENCH_PROCESSING_SENDERS (500) customers, inserted as pending stored events directly in
   SQL, each then announced exactly as the webhook view announces it (InboundEventStored). The
   figure is messages fully processed per second (contact upsert, conversation find/open,
   message insert, events published to the realtime layer) from the first announcement until
   no event is pending. A subscriber on the tenant's inbox group counts the `message.created`
   frames, so "events published" is checked, not assumed.
2. Sustained ingest: BENCH_PROCESSING_RATE (300) events per second for BENCH_PROCESSING_SECONDS
   (20; 5 quick) stored and announced through the view's own service call while the worker
   runs; the backlog is sampled every second (bounded = it does not grow with time).
Baseline, measured in the same run: the same number of single-row INSERTs into
messaging_message through psycopg (autocommit), the database's own cost of storing a message.
Ratio = Atendo / baseline. Fails on a lost, duplicated or dead-lettered event.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "backend"))
sys.path.insert(0, str(ROOT / "bench"))

from common import row, save  # noqa: E402

from devstack.commands import BACKEND_DIR, server_argvs  # noqa: E402
from devstack.services import create_database, pg_connect_kwargs, with_database, with_redis_db  # noqa: E402


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


QUICK = _flag("BENCH_QUICK")
EVENTS = int(os.environ.get("BENCH_PROCESSING_EVENTS") or (1_000 if QUICK else 20_000))
SENDERS = int(os.environ.get("BENCH_PROCESSING_SENDERS") or 500)
RATE = int(os.environ.get("BENCH_PROCESSING_RATE") or 300)
SUSTAIN_SECONDS = int(os.environ.get("BENCH_PROCESSING_SECONDS") or (5 if QUICK else 20))
DRAIN_TIMEOUT = int(os.environ.get("BENCH_PROCESSING_TIMEOUT") or 600)
SCRATCH_DATABASE = "atendo_bench_processing"
REDIS_DB = 3  # e2e uses 1; `make run` 0
NODE = "bench-processing"

# Point this process (and the worker) at the scratch database and a Redis database of its own
# before Django reads its settings.
ORIGINAL_DATABASE_URL = os.environ["DATABASE_URL"]
os.environ["DATABASE_URL"] = with_database(ORIGINAL_DATABASE_URL, SCRATCH_DATABASE)
os.environ["REDIS_URL"] = with_redis_db(os.environ["REDIS_URL"], REDIS_DB)
os.environ.pop("CELERY_BROKER_URL", None)
os.environ["CACHE_KEY_PREFIX"] = f"atendo-bench-{secrets.token_hex(4)}"
os.environ["DEBUG"] = "false"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atendo.config.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
import redis  # noqa: E402
from channels.layers import get_channel_layer  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from whatsapp_payload import template  # noqa: E402

from atendo.config.celery import app as celery_app  # noqa: E402
from atendo.connectors.events import InboundEventStored  # noqa: E402
from atendo.connectors.models import ChannelAccount, ChannelConnector  # noqa: E402
from atendo.connectors.services import inbound_event_store  # noqa: E402
from atendo.contacts.models import Contact  # noqa: E402
from atendo.core.events import publish  # noqa: E402
from atendo.core.models import Tenant  # noqa: E402
from atendo.core.realtime import groups  # noqa: E402
from atendo.messaging.models import Conversation, Message  # noqa: E402


def prepare_database() -> ChannelAccount:
    create_database(os.environ["DATABASE_URL"], drop_first=True)
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    tenant = Tenant.objects.get(slug="demo")
    connector = ChannelConnector.objects.create(
        tenant=tenant,
        kind="whatsapp",
        name="Bench WhatsApp",
        credentials=json.dumps({"access_token": "bench", "app_secret": "bench", "verify_token": "bench"}),
    )
    return ChannelAccount.objects.create(
        tenant=tenant,
        connector=connector,
        kind="whatsapp",
        name="Bench WhatsApp",
        external_id=str(10**14 + secrets.randbelow(10**14)),
        status="active",
    )


def seed_events(account: ChannelAccount, count: int, tag: str) -> list[int]:
    """`count` pending events, one text message each, from SENDERS customers (valid BR mobiles)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO connectors_inboundevent (tenant_id, connector_id, event_key, body, status, attempts,
                   last_error, received_at)
               SELECT %(tenant)s, %(connector)s, %(tag)s || n,
                      convert_to(replace(replace(replace(%(template)s, '{{WAMID}}', 'wamid.' || %(tag)s || n),
                          '{{FROM}}', (5511900000000 + n %% %(senders)s)::text), '{{TEXT}}', 'Message number ' || n),
                          'UTF8'),
                      'pending', 0, '', now()
               FROM generate_series(1, %(count)s) AS n
               RETURNING id""",
            {
                "tenant": account.tenant_id,
                "connector": account.connector_id,
                "tag": tag,
                "template": template(account.external_id),
                "senders": SENDERS,
                "count": count,
            },
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        cursor.execute("ANALYZE connectors_inboundevent")
    return ids


def announce(account: ChannelAccount, event_id: int) -> None:
    """What the webhook view does once the event is stored (outside a transaction: at once)."""
    publish(InboundEventStored(tenant_id=account.tenant_id, inbound_event_id=event_id))


def state(account: ChannelAccount) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'done'),
                      count(*) FILTER (WHERE status = 'dead'), count(*)
               FROM connectors_inboundevent WHERE connector_id = %s""",
            [account.connector_id],
        )
        pending, done, dead, stored = cursor.fetchone()
        cursor.execute(
            """SELECT count(*), count(*) - count(DISTINCT provider_message_id)
               FROM messaging_message WHERE account_id = %s""",
            [account.id],
        )
        messages, duplicated = cursor.fetchone()
    return {
        "pending": pending,
        "done": done,
        "dead": dead,
        "stored": stored,
        "messages": messages,
        "duplicated": duplicated,
    }


# --- the worker ------------------------------------------------------------------------------
def start_worker(log: Path) -> subprocess.Popen[bytes]:
    argv = server_argvs(port=0, ws_port=0, web_workers=1, concurrency=1, node=NODE)["worker"]
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603 (our own argv)
            argv,
            cwd=BACKEND_DIR,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the worker exited ({proc.returncode}); log {log}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(Exception):
            if celery_app.control.ping(timeout=0.5):
                return proc
        time.sleep(0.2)
    stop(proc)
    raise SystemExit(f"the worker did not answer a ping; log {log}:\n{log.read_text()[-3000:]}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


class InboxListener:
    """Counts `message.created` frames reaching the tenant's inbox group (what agents' sockets get)."""

    def __init__(self, tenant_id: Any) -> None:
        self.group = groups.inbox(tenant_id)
        self.created = 0
        self.frames = 0
        self.ready = threading.Event()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    async def _run(self) -> None:
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(self.group, channel)
        self.ready.set()
        while not self.stopping.is_set():
            try:
                message = await asyncio.wait_for(layer.receive(channel), timeout=0.5)
            except TimeoutError:
                continue
            payloads = message.get("payloads") or [message.get("payload") or {}]
            for payload in payloads:
                self.frames += 1
                self.created += payload.get("event") == "message.created"
        await layer.group_discard(self.group, channel)

    def __enter__(self) -> InboxListener:
        self.thread.start()
        self.ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        time.sleep(1)  # frames still in flight
        self.stopping.set()
        self.thread.join(5)


# --- phases ----------------------------------------------------------------------------------
def drain(account: ChannelAccount, ids: list[int]) -> dict[str, Any]:
    started = time.monotonic()
    for event_id in ids:
        announce(account, event_id)
    announced = time.monotonic() - started
    current = state(account)
    while current["pending"] and time.monotonic() - started < DRAIN_TIMEOUT:
        time.sleep(0.1)
        current = state(account)
    elapsed = time.monotonic() - started
    return {
        "events": len(ids),
        "seconds": round(elapsed, 2),
        "announce_seconds": round(announced, 2),
        "messages_per_s": round(current["done"] / elapsed, 1),
        "left_pending": current["pending"],
    }


def sustained(account: ChannelAccount, tag: str) -> dict[str, Any]:
    body_template = template(account.external_id)
    samples: list[int] = []
    started = time.monotonic()
    sent = 0
    next_sample = started + 1
    while (now := time.monotonic()) - started < SUSTAIN_SECONDS:
        due = int((now - started) * RATE)
        while sent < due and time.monotonic() < next_sample:  # sample the backlog on time, even when behind
            sent += 1
            body = (
                body_template.replace("{{WAMID}}", f"wamid.{tag}{sent}")
                .replace("{{FROM}}", str(5511900000000 + sent % SENDERS))
                .replace("{{TEXT}}", f"Sustained {sent}")
            )
            event_id = inbound_event_store(
                tenant_id=account.tenant_id,
                connector_id=account.connector_id,
                event_key=f"{tag}{sent}",
                body=body.encode(),
            )
            if event_id is not None:
                announce(account, event_id)
        if now >= next_sample:
            samples.append(state(account)["pending"])
            next_sample += 1
        time.sleep(0.002)
    ingest_seconds = time.monotonic() - started
    stopped = time.monotonic()
    current = state(account)
    while current["pending"] and time.monotonic() - stopped < 60:
        time.sleep(0.1)
        current = state(account)
    return {
        "rate_per_s": RATE,
        "seconds": SUSTAIN_SECONDS,
        "sent": sent,
        "achieved_rate_per_s": round(sent / ingest_seconds, 1),
        "backlog_per_second": samples,
        "backlog_max": max(samples, default=0),
        "backlog_at_stop": samples[-1] if samples else 0,
        "seconds_to_empty_after_stop": round(time.monotonic() - stopped, 2) if not current["pending"] else None,
    }


def baseline(account: ChannelAccount, count: int) -> dict[str, Any]:
    """Single-row INSERTs into messaging_message (autocommit) for one conversation of the account.
    The statement names every column of the model (values as the ORM would write them), so it
    keeps up with new columns."""
    contact = Contact.objects.create(tenant_id=account.tenant_id, name="Baseline")
    conversation = Conversation.objects.create(
        tenant_id=account.tenant_id, account=account, contact=contact, status="resolved"
    )
    template_message = Message(
        tenant_id=account.tenant_id,
        conversation=conversation,
        account=account,
        direction="in",
        kind="text",
        body="",
        provider_message_id="",
    )
    fields = list(Message._meta.concrete_fields)
    values = [field.get_db_prep_save(field.pre_save(template_message, True), connection) for field in fields]
    varying = {name: [f.attname for f in fields].index(name) for name in ("id", "body", "provider_message_id")}
    insert = (
        f"INSERT INTO {Message._meta.db_table} ({', '.join(f.column for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    kwargs = pg_connect_kwargs(os.environ["DATABASE_URL"])
    with psycopg.connect(autocommit=True, **kwargs) as conn:  # type: ignore[arg-type]
        started = time.perf_counter()
        for n in range(count):
            row = list(values)
            row[varying["id"]], row[varying["body"]] = uuid.uuid4(), f"Baseline {n}"
            row[varying["provider_message_id"]] = f"base.{n}"
            conn.execute(insert, row)
        elapsed = time.perf_counter() - started
        conn.execute(f"DELETE FROM {Message._meta.db_table} WHERE conversation_id = %s", [conversation.id])
    Conversation.objects.for_tenant(account.tenant_id).filter(id=conversation.id).delete()
    Contact.objects.for_tenant(account.tenant_id).filter(id=contact.id).delete()
    return {"inserts": count, "seconds": round(elapsed, 2), "messages_per_s": round(count / elapsed, 1)}


def main() -> dict[str, Any]:
    broker = redis.Redis.from_url(os.environ["REDIS_URL"])
    broker.delete("default", "webhooks", "automations", "analytics", "unacked", "unacked_index")
    account = prepare_database()
    tag = secrets.token_hex(3)
    ids = seed_events(account, EVENTS, f"{tag}d")
    log = Path(os.environ.get("ATENDO_VAR_DIR") or ROOT / "var") / "bench-processing-worker.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    base = baseline(account, EVENTS)  # first, while the worker does not run yet
    worker = start_worker(log)
    try:
        with InboxListener(account.tenant_id) as listener:
            drained = drain(account, ids)
            after_drain = state(account)
            # The last batch's frames leave after its commit, a moment after no event is pending.
            settle_by = time.monotonic() + 3
            while listener.created < after_drain["messages"] and time.monotonic() < settle_by:
                time.sleep(0.02)
            frames_after_drain = listener.created
            held = sustained(account, f"{tag}s")
        final = state(account)
    finally:
        stop(worker)
    figures: dict[str, Any] = {
        "quick": QUICK,
        "senders": SENDERS,
        "worker": "celery prefork, 1 process (devstack worker argv)",
        "drain": drained,
        "baseline": base,
        "ratio_drain_vs_baseline": round(drained["messages_per_s"] / base["messages_per_s"], 2),
        "sustained": held,
        "integrity": {
            **final,
            "drain_messages": after_drain["messages"],
            "drain_message_created_frames": frames_after_drain,
            "message_created_frames": listener.created,
            "frames": listener.frames,
        },
    }
    return figures


def report(figures: dict[str, Any]) -> None:
    d, b, s, i = figures["drain"], figures["baseline"], figures["sustained"], figures["integrity"]
    rows = [
        ("Atendo: drain a backlog of stored WhatsApp events", d["events"], d["seconds"], d["messages_per_s"]),
        ("baseline: single-row INSERT of a message (psycopg)", b["inserts"], b["seconds"], b["messages_per_s"]),
    ]
    print("| processing (one worker process) | events | seconds | messages/s |")
    print("|---|---|---|---|")
    for label, count, seconds, rate in rows:
        print(f"| {label} | {count:,} | {seconds} | {rate:,} |")
    print(f"| ratio Atendo / baseline | | | {figures['ratio_drain_vs_baseline']}× |")
    print()
    print(
        f"Sustained ingest at {s['rate_per_s']}/s for {s['seconds']} s ({s['achieved_rate_per_s']}/s achieved): "
        f"backlog per second {s['backlog_per_second']}, max {s['backlog_max']:,}; empty "
        f"{s['seconds_to_empty_after_stop']} s after the ingest stopped."
    )
    print(
        f"Integrity: {i['stored']:,} stored, {i['done']:,} processed, {i['pending']} pending, "
        f"{i['dead']} dead-lettered, {i['messages']:,} messages, {i['duplicated']} duplicated; "
        f"{i['message_created_frames']:,} message.created frames reached the inbox group "
        f"({i['frames']:,} frames in all)."
    )


def failed(figures: dict[str, Any]) -> list[str]:
    i = figures["integrity"]
    problems = []
    if i["pending"] or i["dead"] or i["done"] != i["stored"]:
        problems.append(f"not every event was processed: {i}")
    if i["duplicated"] or i["messages"] != i["stored"]:
        problems.append(f"one message per event expected: {i['messages']} messages for {i['stored']} events")
    if i["drain_message_created_frames"] != i["drain_messages"]:
        problems.append(
            f"{i['drain_message_created_frames']} message.created frames for {i['drain_messages']} drained messages"
        )
    return problems


if __name__ == "__main__":
    try:
        figures = main()
    finally:
        connection.close()
        with contextlib.suppress(Exception):
            kwargs = pg_connect_kwargs(ORIGINAL_DATABASE_URL)
            kwargs.pop("dbname", None)
            with psycopg.connect(dbname="postgres", autocommit=True, **kwargs) as conn:  # type: ignore[arg-type]
                conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)")
    drain, sustained_ingest = figures["drain"], figures["sustained"]
    save(
        "processing",
        figures,
        [
            row(
                "messages processed per second, one worker process",
                drain["messages_per_s"],
                baseline=figures["baseline"]["messages_per_s"],
                ratio=figures["ratio_drain_vs_baseline"],
                target="≥ 500/s",
                met=drain["messages_per_s"] >= 500,
                unit="/s",
            ),
            row(
                f"backlog peak under a sustained {sustained_ingest['rate_per_s']}/s ingest",
                sustained_ingest["backlog_max"],
                target="bounded",
                met=sustained_ingest["seconds_to_empty_after_stop"] is not None,
            ),
        ],
    )
    report(figures)
    problems = failed(figures)
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    sys.exit(1 if problems else 0)
