"""End to end (issue 7, scenario 3): webhook POST → `message.created` on 10 agent inbox sockets.

Runs against live servers started by `python -m devstack e2e -- …` (see `make bench`): the
product in production mode as `make run` runs it — granian for HTTP, uvicorn for websockets, a
real Celery worker (two prefork children), no beat.

- BENCH_E2E_SOCKETS (10) agents of the demo tenant, made for the bench (role agent, whole
  tenant), each hold one socket on `ws/demo/inbox`, the JWT given as the `bearer` subprotocol
  like the web app does.
- A separate process posts signed WhatsApp webhooks (bench/whatsapp_payload.py) to a bench
  connector, open loop at BENCH_E2E_RATE (100)/s for BENCH_E2E_SECONDS (30; 5 quick), after
  BENCH_E2E_WARMUP_SECONDS (2; 1 quick) that are not counted: every POST leaves at its scheduled time
  whatever happened to the ones before, so queueing anywhere shows in the latency. Every message
  text carries a unique id; latency = receipt on a socket minus the POST's scheduled time.
- Per socket and over all: p50/p95/p99, missing frames (acknowledged, never received) and
  duplicated ones.
- Baseline, measured in the same run once Atendo's frames are in: this process `group_send`s the
  same frames (a captured message.created + conversation.updated pair, the id swapped) to the
  same inbox group, at the same rate and duration (3 s quick): the fan-out floor (channel layer → uvicorn
  consumer → socket). Ratio = Atendo / baseline.
- Where the time goes, per message (clocks of one machine): POST → stored (`received_at`), stored
  → its drain task started (the worker's log), → built (`Message.created_at`: claim-order lock,
  claim, contacts, conversations), → batch done (`processed_at`), → the group message reached a
  spy channel on the same group (commit, listeners' reads, group_send), → sockets. Also: the
  drain tasks (count, events each, run time), the CPU each component used per message in the
  measured window (and what the rest of the machine used meanwhile), and with
  BENCH_E2E_PROFILE=1 a py-spy profile of the worker: time per drain task by phase.
Fails (exit 1) on an error answer, or a frame missing or duplicated on a socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from common import percentile, quick, ratio, row, save  # noqa: E402
from whatsapp_payload import template  # noqa: E402

QUICK = quick()
RATE = int(os.environ.get("BENCH_E2E_RATE") or 100)
SECONDS = int(os.environ.get("BENCH_E2E_SECONDS") or (5 if QUICK else 30))
WARMUP_SECONDS = int(os.environ.get("BENCH_E2E_WARMUP_SECONDS") or (1 if QUICK else 2))
BASELINE_SECONDS = min(SECONDS, 3) if QUICK else SECONDS
SOCKETS = int(os.environ.get("BENCH_E2E_SOCKETS") or 10)
SENDERS = int(os.environ.get("BENCH_E2E_SENDERS") or 200)  # distinct customers (conversations)
SETTLE_SECONDS = 15  # how long frames may still arrive after the last POST
TARGET_P50_MS, TARGET_P99_MS = 30, 100


# --- the sender (its own process, so the receivers' work cannot delay a POST) ----------------
def message_text(tag: str, seq: int) -> str:
    return f"e2e {tag} {seq}"


class _Connections:
    """Keep-alive HTTP/1.1 connections to one server, as a provider's pool would hold them.
    Raw streams with every request prepared beforehand: on 2 shared cores, the load generator's
    own CPU is taken from the system it measures (an HTTP client library cost ~1 ms a POST)."""

    def __init__(self, url: str, limit: int) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.gate = asyncio.Semaphore(limit)

    async def request(self, raw: bytes) -> int:
        async with self.gate:
            reader, writer = self.idle.pop() if self.idle else await asyncio.open_connection(self.host, self.port)
            try:
                writer.write(raw)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
                if length is None:
                    raise ValueError("an answer without Content-Length")
                await reader.readexactly(int(length.group(1)))
            except BaseException:
                writer.close()
                raise
            if re.search(rb"(?im)^connection:\s*close", head):
                writer.close()
            else:
                self.idle.append((reader, writer))
            return status


def sender_main(config_path: str) -> None:
    """`end_to_end.py --send CONFIG`: post every body at its scheduled time; write every POST
    (seq, scheduled, sent, answered, status; 0 = no answer) and the errors to config['out']."""
    config = json.loads(Path(config_path).read_text())
    secret = config["app_secret"].encode()
    body_template = config["template"]
    count, rate, start = config["count"], config["rate"], config["start"]
    parts = urlsplit(config["url"])
    requests: list[tuple[int, float, bytes]] = []
    for seq in range(count):
        body = (
            body_template.replace("{{WAMID}}", f"wamid.{config['tag']}.{seq}")
            .replace("{{FROM}}", str(5511900000000 + seq % config["senders"]))
            .replace("{{TEXT}}", message_text(config["tag"], seq))
            .encode()
        )
        signature = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        head = (
            f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
            f"X-Hub-Signature-256: {signature}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        requests.append((seq, start + seq / rate, head.encode() + body))
    results: list[tuple[int, float, float, float, int]] = []
    errors: list[tuple[int, float, float, str]] = []  # seq, sent (s after start), after (s), error

    async def post(pool: _Connections, seq: int, at: float, raw: bytes) -> None:
        sent = time.time()
        try:
            status = await asyncio.wait_for(pool.request(raw), timeout=10)
        except (OSError, ValueError, asyncio.IncompleteReadError, TimeoutError) as exc:
            status = 0
            errors.append((seq, round(sent - start, 3), round(time.time() - sent, 3), type(exc).__name__))
        results.append((seq, at, sent, time.time(), status))

    async def run() -> None:
        pool = _Connections(config["url"], limit=64)
        tasks = []
        for seq, at, raw in requests:
            delay = at - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(pool, seq, at, raw)))
        await asyncio.gather(*tasks)
        for _reader, writer in pool.idle:
            writer.close()

    asyncio.run(run())
    Path(config["out"]).write_text(json.dumps({"posts": results, "errors": errors}))


if __name__ == "__main__" and sys.argv[1:2] == ["--send"]:
    sender_main(sys.argv[2])
    sys.exit(0)

# --- the receivers and the analysis (Django for the bench's rows and tokens) -----------------
sys.path.insert(0, str(ROOT / "backend"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atendo.config.settings")

import django  # noqa: E402

django.setup()

import websockets  # noqa: E402
from channels.layers import get_channel_layer  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

from atendo.connectors.models import ChannelAccount, ChannelConnector  # noqa: E402
from atendo.core.models import RoleAssignment, Tenant, TenantUser, User  # noqa: E402
from atendo.core.realtime import groups  # noqa: E402
from atendo.core.services.tenants import builtin_roles_ensure  # noqa: E402

TEXT_ID = re.compile(r"^e2e (\S+) (\d+)$")
MESSAGE_CREATED = "message.created"


def bench_account(tenant: Tenant, app_secret: str) -> ChannelAccount:
    connector = ChannelConnector.objects.create(
        tenant=tenant,
        kind="whatsapp",
        name="Bench WhatsApp (end to end)",
        credentials=json.dumps({"access_token": "bench", "app_secret": app_secret, "verify_token": "bench"}),
    )
    return ChannelAccount.objects.create(
        tenant=tenant,
        connector=connector,
        kind="whatsapp",
        name="Bench WhatsApp (end to end)",
        external_id=str(10**14 + secrets.randbelow(10**14)),
        status="active",
    )


def bench_agent_tokens(tenant: Tenant, count: int) -> list[str]:
    """`count` agents who see every conversation of the tenant (role agent, no unit scope), each
    with a fresh access token, signed like the servers sign them (same SECRET_KEY)."""
    role = builtin_roles_ensure(tenant=tenant)["agent"]
    tokens = []
    for n in range(1, count + 1):
        user, _ = User.objects.get_or_create(
            email=f"bench-agent-{n}@demo.atendo.local", defaults={"name": f"Bench {n}"}
        )
        member, _ = TenantUser.objects.for_tenant(tenant).get_or_create(
            tenant=tenant,
            user=user,
            defaults={
                "display_name": f"Bench Agent {n}",
                "status": TenantUser.Status.ACTIVE,
                "joined_at": timezone.now(),
            },
        )
        RoleAssignment.objects.for_tenant(tenant).get_or_create(
            tenant=tenant, member=member, role=role, scope_type=None, scope_id=None
        )
        tokens.append(str(AccessToken.for_user(user)))
    return tokens


class Receipts:
    """What reached the sockets and the spy channel, by run tag and message number."""

    def __init__(self, sockets: int) -> None:
        # tag -> seq -> list of receipt times, one list per socket
        self.created: list[dict[str, dict[int, list[float]]]] = [{} for _ in range(sockets)]
        self.frames = [0] * sockets
        self.spy: dict[str, dict[int, float]] = {}
        self.spy_messages = 0
        self.spy_frames = 0
        self.sample_batch: list[dict[str, Any]] | None = None  # one real group message's frames
        self.last_frame = time.monotonic()
        self.lag: list[float] = []  # the receivers' event loop lag (client-side distortion)

    def got(self, socket: int, raw: str, at: float) -> None:
        self.frames[socket] += 1
        self.last_frame = time.monotonic()
        if MESSAGE_CREATED not in raw:  # most frames (conversation.updated): no parsing
            return
        frame = json.loads(raw)
        if frame.get("event") != "message.created":
            return
        match = TEXT_ID.match(str((frame.get("message") or {}).get("body", "")))
        if match:
            self.created[socket].setdefault(match.group(1), {}).setdefault(int(match.group(2)), []).append(at)

    def spied(self, message: dict[str, Any], at: float) -> None:
        payloads = message.get("payloads") or [message.get("payload") or {}]
        self.spy_messages += 1
        for payload in payloads:
            self.spy_frames += 1
            if payload.get("event") != "message.created":
                continue
            match = TEXT_ID.match(str((payload.get("message") or {}).get("body", "")))
            if match:
                self.spy.setdefault(match.group(1), {}).setdefault(int(match.group(2)), at)
                if self.sample_batch is None:
                    updated = [p for p in payloads if p.get("event") == "conversation.updated"]
                    if updated:
                        self.sample_batch = [payload, updated[0]]


async def receive(ws: Any, index: int, receipts: Receipts) -> None:
    with contextlib.suppress(websockets.ConnectionClosed):
        async for raw in ws:
            receipts.got(index, raw, time.time())


async def spy(group: str, receipts: Receipts, ready: asyncio.Event) -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(group, channel)
    ready.set()
    try:
        while True:
            message = await layer.receive(channel)
            receipts.spied(message, time.time())
    finally:
        await layer.group_discard(group, channel)


async def loop_lag(receipts: Receipts) -> None:
    while True:
        before = time.monotonic()
        await asyncio.sleep(0.01)
        receipts.lag.append((time.monotonic() - before - 0.01) * 1000)


async def settle(receipts: Receipts, expected: int, tag: str) -> None:
    """Until every socket has every message of `tag`, or SETTLE_SECONDS without a new frame."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and time.monotonic() - receipts.last_frame < SETTLE_SECONDS:
        if all(len(socket.get(tag, {})) >= expected for socket in receipts.created):
            return
        await asyncio.sleep(0.1)


async def send_atendo(config: dict[str, Any], work: Path) -> dict[str, Any]:
    path = work / "sender.json"
    path.write_text(json.dumps(config))
    proc = await asyncio.create_subprocess_exec(sys.executable, __file__, "--send", str(path))
    if await proc.wait() != 0:
        raise SystemExit(f"the sender failed ({proc.returncode})")
    return json.loads(Path(config["out"]).read_text())


async def send_baseline(group: str, batch: list[dict[str, Any]], tag: str, count: int, start: float) -> list[float]:
    """group_send the captured frames, the message id swapped, open loop at RATE."""
    layer = get_channel_layer()
    created, updated = batch[0], batch[1]
    scheduled = [start + seq / RATE for seq in range(count)]

    # Sends in flight bounded below the layer's connection pool: on a starved machine they pile
    # up, and past the pool's size redis-py raises instead of waiting. A send waiting here still
    # counts its wait (latency is measured from the scheduled time).
    in_flight = asyncio.Semaphore(32)

    async def one(seq: int) -> None:
        text = message_text(tag, seq)
        frames = [
            {**created, "message": {**created["message"], "body": text}},
            {**updated, "conversation": {**updated["conversation"], "last_message_preview": text}},
        ]
        async with in_flight:
            await layer.group_send(group, {"type": "event.forward_many", "payloads": frames})

    tasks = []
    for seq, at in enumerate(scheduled):
        delay = at - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(seq)))
    await asyncio.gather(*tasks)
    return scheduled


def latency_figures(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    return {
        "p50_ms": round(percentile(values, 0.50), 2),
        "p95_ms": round(percentile(values, 0.95), 2),
        "p99_ms": round(percentile(values, 0.99), 2),
        "max_ms": round(max(values), 2),
    }


def per_socket(receipts: Receipts, tag: str, scheduled: dict[int, float], measured: set[int]) -> dict[str, Any]:
    """Latency per socket and over all (measured messages), missing and duplicated frames (all)."""
    sockets, everything = [], []
    for index, by_seq in enumerate(receipts.created):
        got = by_seq.get(tag, {})
        values = [(times[0] - scheduled[seq]) * 1000 for seq, times in got.items() if seq in measured]
        everything += values
        sockets.append(
            {
                "socket": index + 1,
                **latency_figures(values),
                "received": len(got),
                "missing": sum(1 for seq in scheduled if seq not in got),
                "duplicated": sum(len(times) - 1 for times in got.values()),
            }
        )
    return {
        "overall": latency_figures(everything),
        "sockets": sockets,
        "missing": sum(s["missing"] for s in sockets),
        "duplicated": sum(s["duplicated"] for s in sockets),
    }


# --- where the time goes ---------------------------------------------------------------------
def epoch(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def stored_times(account: ChannelAccount, tag: str) -> dict[int, dict[str, float | None]]:
    """Per message number: received_at (INSERT), created_at (built by the worker), processed_at."""
    prefix = f"wamid.{tag}."
    with connection.cursor() as cursor:
        # The event key is the adapter's business (a digest): the message id is read from the body.
        cursor.execute(
            "SELECT substring(convert_from(body, 'UTF8') from %s), received_at, processed_at "
            "FROM connectors_inboundevent WHERE connector_id = %s",
            [f'"id": "{re.escape(prefix)}([0-9]+)"', account.connector_id],
        )
        events = {key: (received, processed) for key, received, processed in cursor.fetchall() if key}
        cursor.execute(
            "SELECT provider_message_id, created_at FROM messaging_message "
            "WHERE account_id = %s AND provider_message_id LIKE %s",
            [account.id, prefix + "%"],
        )
        built = {key[len(prefix) :]: created for key, created in cursor.fetchall()}
    times = {}
    for key, (received, processed) in events.items():
        if key.isdigit():
            times[int(key)] = {
                "stored": epoch(received),
                "built": epoch(built.get(key)),
                "done": epoch(processed),
            }
    return times


CELERY_LINE = re.compile(
    r"\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}): \w+/[\w-]+\] Task atendo\.messaging\.tasks\.drain_inbound_events"
    r"\[([\w-]+)\] (received|succeeded in ([\d.]+)s: (\d+))"
)


def drain_tasks(log: Path) -> list[dict[str, float]]:
    """The drain tasks in the worker's log (Celery's lines, local time, ms): when the worker's
    main process got each one, when it started (end - runtime), when it ended, events done."""
    received: dict[str, float] = {}
    tasks = []
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return []
    for line in lines:
        match = CELERY_LINE.search(line)
        if not match:
            continue
        at = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()  # noqa: DTZ007 (local, like the log)
        if match.group(3) == "received":
            received[match.group(2)] = at
            continue
        runtime = float(match.group(4))
        tasks.append(
            {
                "received": received.get(match.group(2), at - runtime),
                "started": at - runtime,
                "ended": at,
                "events": float(match.group(5)),
            }
        )
    return tasks


def drain_task_figures(tasks: list[dict[str, float]], since: float, until: float) -> dict[str, Any]:
    window = [t for t in tasks if since <= t["started"] <= until]
    if not window:
        return {"tasks": 0}
    runs = [(t["ended"] - t["started"]) * 1000 for t in window]
    waits = [(t["started"] - t["received"]) * 1000 for t in window]
    events = [t["events"] for t in window]
    return {
        "tasks": len(window),
        "tasks_per_s": round(len(window) / (until - since), 1),
        "events_per_task_mean": round(statistics.mean(events), 2),
        "events_per_task_max": int(max(events)),
        "empty_tasks": sum(1 for e in events if e == 0),
        "run_ms_p50": round(percentile(runs, 0.5), 2),
        "run_ms_p95": round(percentile(runs, 0.95), 2),
        "received_to_start_ms_p50": round(percentile(waits, 0.5), 2),
        "received_to_start_ms_p95": round(percentile(waits, 0.95), 2),
        "worker_children_busy_share": round(sum(runs) / 1000 / (until - since) / WORKER_CHILDREN, 2),
    }


WORKER_CHILDREN = 2  # devstack e2e's worker, like `make run`: --concurrency 2
HOPS = (
    ("client_lag", "client: scheduled time → POST sent"),
    ("post_to_stored", "POST sent → event stored (granian, INSERT)"),
    ("stored_to_ack", "event stored → 200 back at the client"),
    ("stored_to_drain_start", "stored → the drain task that took it started (wake-up, broker, a free child)"),
    ("drain_start_to_built", "drain started → message built (claim-order lock, claim, contacts, conversations)"),
    ("built_to_batch_done", "built → batch done (INSERT messages, touch conversations, mark events done)"),
    ("batch_done_to_group_message", "batch done → group message on the layer (commit, listeners, group_send)"),
    ("group_message_to_socket_first", "group message → first socket (uvicorn consumer → socket)"),
    ("group_message_to_socket_last", f"group message → last of the {SOCKETS} sockets"),
)


def hops(
    posts: dict[int, tuple[float, float, float, float, int]],
    stored: dict[int, dict[str, float | None]],
    tasks: list[dict[str, float]],
    receipts: Receipts,
    tag: str,
    measured: set[int],
) -> dict[str, dict[str, Any]]:
    """p50/p95 of each hop over the measured messages (each hop on its own: percentiles of the
    parts do not add up to the percentile of the whole). A message's drain task is the one
    running when the message was built (log times are to the millisecond)."""
    spans: dict[str, list[float]] = {name: [] for name, _label in HOPS}
    spied = receipts.spy.get(tag, {})
    starts = sorted((t["started"], t["ended"]) for t in tasks)
    for seq in measured:
        post, times = posts.get(seq), stored.get(seq)
        if post is None or times is None:
            continue
        _, at, sent, answered, _status = post
        stored_at, built, done = times["stored"], times["built"], times["done"]
        spans["client_lag"].append((sent - at) * 1000)
        if stored_at is not None:
            spans["post_to_stored"].append((stored_at - sent) * 1000)
            spans["stored_to_ack"].append((answered - stored_at) * 1000)
        if built is not None:
            running = [start for start, end in starts if start - 0.002 <= built <= end + 0.002]
            if running and stored_at is not None:
                spans["stored_to_drain_start"].append((running[-1] - stored_at) * 1000)
                spans["drain_start_to_built"].append((built - running[-1]) * 1000)
            if done is not None:
                spans["built_to_batch_done"].append((done - built) * 1000)
        group_at = spied.get(seq)
        if group_at is not None and done is not None:
            spans["batch_done_to_group_message"].append((group_at - done) * 1000)
        if group_at is not None:
            arrivals = [s[tag][seq][0] for s in receipts.created if seq in s.get(tag, {})]
            if arrivals:
                spans["group_message_to_socket_first"].append((min(arrivals) - group_at) * 1000)
                spans["group_message_to_socket_last"].append((max(arrivals) - group_at) * 1000)
    return {
        name: {
            "what": label,
            "p50_ms": round(percentile(spans[name], 0.5), 2) if spans[name] else None,
            "p95_ms": round(percentile(spans[name], 0.95), 2) if spans[name] else None,
        }
        for name, label in HOPS
    }


# --- the statements of one batch --------------------------------------------------------------
def batch_statements(account: ChannelAccount, size: int) -> dict[str, Any]:
    """One drain batch of `size` messages from customers who already have a conversation (the
    steady state), run in this process like a worker runs it, its statements captured: the
    claim, processing and commit, and the listeners after the commit (frames, group_send).
    Round trips are what a batch waits for on a busy machine, whatever their own cost."""
    from django.test.utils import CaptureQueriesContext

    from atendo.connectors.services import inbound_event_store
    from atendo.messaging.ingestion import inbound_events_drain_once

    body_template = template(account.external_id)
    for n in range(size):
        body = (
            body_template.replace("{{WAMID}}", f"wamid.batch.{secrets.token_hex(6)}")
            .replace("{{FROM}}", str(5511900000000 + n % SENDERS))
            .replace("{{TEXT}}", f"batch {n}")
        )
        inbound_event_store(
            tenant_id=account.tenant_id, connector_id=account.connector_id, event_key=secrets.token_hex(16),
            body=body.encode(),
        )  # fmt: skip
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = inbound_events_drain_once(limit=100)
        elapsed = (time.perf_counter() - started) * 1000
    kinds: dict[str, int] = {}
    for query in captured.captured_queries:
        sql = " ".join(query["sql"].split())
        verb = sql.split(" ", 1)[0].upper()
        table = SQL_TABLE.search(sql)
        kind = f"{verb} {table.group(1)}" if table else sql[:40]
        kinds[kind] = kinds.get(kind, 0) + 1
    return {
        "messages": size,
        "claimed": result.claimed,
        "statements": len(captured.captured_queries),
        "ms_in_this_process": round(elapsed, 1),
        "ms_in_statements": round(sum(float(q["time"]) for q in captured.captured_queries) * 1000, 1),
        "by_kind": dict(sorted(kinds.items(), key=lambda item: -item[1])),
    }


SQL_TABLE = re.compile(r'(?i)\b(?:FROM|INTO|UPDATE)\s+"?(\w+)"?')


# --- CPU used per message, by component -----------------------------------------------------
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _tree_cpu_seconds(root: int, tree: dict[int, list[int]]) -> float:
    """CPU of a process tree: every live process's own time plus what its reaped children used."""
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15]) / CLOCK_TICKS  # utime stime cutime cstime
        todo += tree.get(pid, [])
    return total


def _embedded_pid(name: str) -> int | None:
    """The embedded PostgreSQL/Redis devstack runs for this bench (not a server given by URL)."""
    var = Path(os.environ.get("ATENDO_VAR_DIR") or ROOT / "var" / "e2e").parent
    try:
        if name == "postgres":
            lines = (var / "postgres" / "postmaster.pid").read_text().splitlines()
            return int(lines[0]) if quote(lines[4], safe="") in os.environ.get("DATABASE_URL", "") else None
        port = (var / "redis" / "port").read_text().strip()
        pid = int((var / "redis" / "redis.pid").read_text())
        return pid if f":{port}/" in os.environ.get("REDIS_URL", "") else None
    except (OSError, IndexError, ValueError):
        return None


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def servers() -> dict[str, int]:
    """The servers `devstack e2e` started: children of our nearest ancestor that has a worker
    (our parent, or its parent when a shell runs several scenarios)."""
    tree = _children()
    ancestor = os.getppid()
    for _ in range(4):
        found: dict[str, int] = {}
        for pid in tree.get(ancestor, []):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            for name, marker in (
                ("web (granian)", "granian"),
                ("ws (uvicorn)", "uvicorn"),
                ("worker (celery)", "celery"),
            ):
                if marker in cmdline:
                    found[name] = pid
        if "worker (celery)" in found:
            return found
        ancestor = _parent(ancestor)
        if ancestor <= 1:
            break
    return {}


def components() -> dict[str, int]:
    """The servers, the data stores devstack runs for them, this bench."""
    found = servers()
    for name in ("postgres", "redis"):
        pid = _embedded_pid(name)
        if pid is not None:
            found[name] = pid
    found["bench client (sender + 10 sockets)"] = os.getpid()
    return found


def _machine_busy_seconds() -> float:
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


def cpu_snapshot() -> dict[str, float]:
    tree = _children()
    snapshot = {name: _tree_cpu_seconds(pid, tree) for name, pid in components().items()}
    snapshot["machine (all processes)"] = _machine_busy_seconds()
    snapshot["at"] = time.monotonic()
    return snapshot


def cpu_figures(before: dict[str, float], after: dict[str, float], messages: int) -> dict[str, Any]:
    seconds = after["at"] - before["at"]
    figures: dict[str, Any] = {}
    for name in after:
        if name == "at" or name not in before:
            continue
        used = after[name] - before[name]
        figures[name] = {
            "cpu_ms_per_message": round(used * 1000 / messages, 2) if messages else None,
            "cores": round(used / seconds, 2),
        }
    ours = sum(v["cores"] for k, v in figures.items() if k != "machine (all processes)")
    figures["everything else on the machine"] = {
        "cpu_ms_per_message": None,
        "cores": round(figures["machine (all processes)"]["cores"] - ours, 2),
    }
    return figures


# --- optional: where the worker spends a drain task (py-spy) ------------------------------
PROFILE_FRAMES = (
    ("drain_inbound_events", "drain task"),
    ("_ClaimOrder.__enter__", "claim-order lock (incl. a new DB connection)"),
    ("inbound_events_claim", "claim UPDATE"),
    ("_Batch.prepare", "prepare: connectors, accounts, contacts, conversations"),
    ("_Batch.process", "process: build + INSERT messages"),
    ("_Batch.finish", "finish: touch conversations, mark done"),
    ("_dispatch_all", "after commit: listeners + group_send"),
    ("broadcast_messages_created", "  message.created: read + render"),
    ("broadcast_conversations_updated", "  conversation.updated: read + render"),
    ("_send_grouped", "  group_send (wait for the broadcast loop)"),
)


def worker_pid() -> int | None:
    return servers().get("worker (celery)")


async def profile_worker(seconds: int, out: Path) -> asyncio.subprocess.Process | None:
    """BENCH_E2E_PROFILE=1: py-spy (when installed) samples the worker and its children."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    pid = worker_pid()
    if not os.environ.get("BENCH_E2E_PROFILE") or pid is None or not Path(py_spy).exists():
        return None
    argv = ["record", "--pid", str(pid), "--subprocesses", "--rate", "200", "--format", "raw"]
    argv += ["--duration", str(seconds), "-o", str(out)]
    quiet = asyncio.subprocess.DEVNULL
    return await asyncio.create_subprocess_exec(py_spy, *argv, stdout=quiet, stderr=quiet)


def profile_figures(raw: Path, tasks: int) -> dict[str, Any]:
    """Inclusive wall time per drain task of a few frames (samples of the busy threads)."""
    totals = dict.fromkeys((name for name, _label in PROFILE_FRAMES), 0)
    try:
        lines = raw.read_text().splitlines()
    except OSError:
        return {}
    for line in lines:
        stack, _, count = line.rpartition(" ")
        names = {frame.split(" (")[0] for frame in stack.split(";")}
        for name in totals:
            if name in names:
                totals[name] += int(count)
    if not tasks or not totals["drain_inbound_events"]:
        return {}
    return {
        label: {
            "ms_per_task": round(totals[name] / 200 * 1000 / tasks, 2),  # 200 samples per second
            "share_of_task": round(totals[name] / totals["drain_inbound_events"], 3),
        }
        for name, label in PROFILE_FRAMES
    }


# --- the run ---------------------------------------------------------------------------------
async def measure(
    account: ChannelAccount, tokens: list[str], app_secret: str, work: Path
) -> tuple[Receipts, dict[str, Any]]:
    base = os.environ["E2E_BASE_URL"].rstrip("/")
    ws_base = os.environ.get("E2E_WS_URL") or base.replace("http", "ws", 1)
    group = groups.inbox(account.tenant_id)
    receipts = Receipts(len(tokens))
    spy_ready = asyncio.Event()
    background = [asyncio.create_task(spy(group, receipts, spy_ready)), asyncio.create_task(loop_lag(receipts))]
    await asyncio.wait_for(spy_ready.wait(), 10)
    sockets = [
        await websockets.connect(
            f"{ws_base}/ws/demo/inbox",
            subprotocols=[websockets.Subprotocol("bearer"), websockets.Subprotocol(token)],
            max_size=2**22,
        )
        for token in tokens
    ]
    background += [asyncio.create_task(receive(ws, i, receipts)) for i, ws in enumerate(sockets)]
    try:
        tag = f"a{secrets.token_hex(3)}"
        count = (WARMUP_SECONDS + SECONDS) * RATE
        start = time.time() + 1.5  # the sender's interpreter starts meanwhile
        lag_from = len(receipts.lag)

        cpu: dict[str, dict[str, float]] = {}

        async def profile_measured_window() -> None:
            await asyncio.sleep(max(0.0, start + WARMUP_SECONDS - time.time()))
            cpu["before"] = cpu_snapshot()
            proc = await profile_worker(SECONDS, work / "worker-profile.txt")
            await asyncio.sleep(max(0.0, start + WARMUP_SECONDS + SECONDS - time.time()))
            cpu["after"] = cpu_snapshot()
            if proc is not None:
                await proc.wait()

        profiling = asyncio.create_task(profile_measured_window())
        sent = await send_atendo(
            {
                "url": f"{base}/webhooks/{account.connector.webhook_key}",
                "app_secret": app_secret,
                "template": template(account.external_id),
                "tag": tag,
                "count": count,
                "rate": RATE,
                "start": start,
                "senders": SENDERS,
                "out": str(work / "posts.json"),
            },
            work,
        )
        posts = sent["posts"]
        acked = {p[0] for p in posts if 200 <= p[4] < 300}
        await settle(receipts, len(acked), tag)
        await profiling
        lag = receipts.lag[lag_from:]
        atendo = {
            "tag": tag,
            "start": start,
            "posts": {p[0]: p for p in posts},
            "acked": acked,
            "non_2xx": sum(1 for p in posts if p[4] and not 200 <= p[4] < 300),
            "client_timeouts": sum(1 for p in posts if not p[4]),
            "errors": sent["errors"][:20],
            "loop_lag_ms_p99": round(percentile(lag, 0.99), 2) if lag else None,
            "cpu": cpu_figures(cpu["before"], cpu["after"], SECONDS * RATE),
        }
        baseline: dict[str, Any] = {}
        if receipts.sample_batch is None:
            raise SystemExit("no group message with a message.created and a conversation.updated frame was seen")
        base_tag = f"b{secrets.token_hex(3)}"
        base_count = (1 + BASELINE_SECONDS) * RATE  # one second of warm-up
        lag_from = len(receipts.lag)
        scheduled = await send_baseline(group, receipts.sample_batch, base_tag, base_count, time.time() + 0.2)
        await settle(receipts, base_count, base_tag)
        lag = receipts.lag[lag_from:]
        baseline = {
            "tag": base_tag,
            "scheduled": dict(enumerate(scheduled)),
            "loop_lag_ms_p99": round(percentile(lag, 0.99), 2) if lag else None,
        }
    finally:
        for ws in sockets:
            await ws.close()
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
    return receipts, {"atendo": atendo, "baseline": baseline}


def main() -> dict[str, Any]:
    tenant = Tenant.objects.get(slug="demo")
    app_secret = secrets.token_hex(16)
    account = bench_account(tenant, app_secret)
    tokens = bench_agent_tokens(tenant, SOCKETS)
    connection.close()  # the run itself does not use this process's connection
    work = Path(tempfile.mkdtemp(prefix="atendo-e2e-bench-"))
    receipts, runs = asyncio.run(measure(account, tokens, app_secret, work))
    a, b = runs["atendo"], runs["baseline"]

    tag, start = a["tag"], a["start"]
    scheduled = {seq: post[1] for seq, post in a["posts"].items() if seq in a["acked"]}
    measured = {seq for seq in scheduled if seq >= WARMUP_SECONDS * RATE}
    atendo = per_socket(receipts, tag, scheduled, measured)
    base_measured = {seq for seq in b["scheduled"] if seq >= RATE}
    baseline = per_socket(receipts, b["tag"], b["scheduled"], base_measured)
    window = (start + WARMUP_SECONDS, start + WARMUP_SECONDS + SECONDS)
    tasks = drain_tasks(Path(os.environ.get("ATENDO_VAR_DIR") or ROOT / "var" / "e2e") / "servers.log")
    spied = receipts.spy.get(tag, {})
    figures: dict[str, Any] = {
        "rate_per_s": RATE,
        "seconds": SECONDS,
        "warmup_seconds": WARMUP_SECONDS,
        "sockets": SOCKETS,
        "senders": SENDERS,
        "cpu_count": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "atendo": {
            **atendo,
            "posted": len(a["posts"]),
            "non_2xx": a["non_2xx"],
            "client_timeouts": a["client_timeouts"],
            "client_errors_first_20": a["errors"],
            "ack_p50_ms": round(percentile([(p[3] - p[2]) * 1000 for p in a["posts"].values()], 0.5), 2),
            "ack_p99_ms": round(percentile([(p[3] - p[2]) * 1000 for p in a["posts"].values()], 0.99), 2),
            "frames_to_group": len(spied),
            "missing_on_group": sum(1 for seq in scheduled if seq not in spied),
            "receiver_loop_lag_ms_p99": a["loop_lag_ms_p99"],
        },
        "baseline": {
            **baseline,
            "what": "group_send of the same frames from this process (channel layer → consumer → socket)",
            "receiver_loop_lag_ms_p99": b["loop_lag_ms_p99"],
        },
        "hops": hops(a["posts"], stored_times(account, tag), tasks, receipts, tag, measured),
        "drain_tasks": drain_task_figures(tasks, *window),
        "frames_per_socket": receipts.frames,
        "cpu_during_measured_window": a["cpu"],
    }
    batch_statements(account, 6)  # the first one in this process pays for imports and cold caches
    figures["one_batch"] = batch_statements(account, 6)
    profile = profile_figures(work / "worker-profile.txt", figures["drain_tasks"]["tasks"])
    if profile:
        figures["worker_profile"] = profile
    if keep := os.environ.get("BENCH_E2E_PROFILE_KEEP"):  # the raw py-spy samples, to dig further
        with contextlib.suppress(OSError):
            shutil.copy(work / "worker-profile.txt", keep)
    shutil.rmtree(work, ignore_errors=True)
    figures["ratio"] = {
        key: ratio(figures["atendo"]["overall"][key], figures["baseline"]["overall"][key])
        for key in ("p50_ms", "p95_ms", "p99_ms")
    }
    return figures


def summary(figures: dict[str, Any]) -> list[dict[str, Any]]:
    a, b = figures["atendo"]["overall"], figures["baseline"]["overall"]
    rows = []
    for key, target in (("p50_ms", TARGET_P50_MS), ("p95_ms", None), ("p99_ms", TARGET_P99_MS)):
        rows.append(
            row(
                f"webhook → {SOCKETS} sockets {key[:3]} at {RATE}/s",
                a[key],
                baseline=b[key],
                ratio=figures["ratio"][key],
                target=f"≤ {target}" if target else None,
                met=(a[key] is not None and a[key] <= target) if target else None,
                unit="ms",
            )
        )
    lost = figures["atendo"]["missing"] + figures["atendo"]["duplicated"] + figures["atendo"]["non_2xx"]
    lost += figures["atendo"]["client_timeouts"]
    rows.append(
        row(
            "frames missing + duplicated, POSTs failed or unanswered",
            lost,
            baseline=figures["baseline"]["missing"] + figures["baseline"]["duplicated"],
            target="0",
            met=lost == 0,
        )
    )
    return rows


def report(figures: dict[str, Any]) -> None:
    a, b, r = figures["atendo"], figures["baseline"], figures["ratio"]
    print(
        f"| end to end ({figures['rate_per_s']}/s for {figures['seconds']} s, {figures['sockets']} sockets) "
        "| p50 ms | p95 ms | p99 ms | max ms | missing | duplicated |"
    )
    print("|---|---|---|---|---|---|---|")
    for label, data in (("Atendo: webhook POST → inbox socket", a), ("baseline: group_send → inbox socket", b)):
        o = data["overall"]
        print(
            f"| {label} | {o['p50_ms']} | {o['p95_ms']} | {o['p99_ms']} | {o['max_ms']} | {data['missing']} "
            f"| {data['duplicated']} |"
        )
    print(f"| ratio Atendo / baseline | {r['p50_ms']}× | {r['p95_ms']}× | {r['p99_ms']}× | | | |")
    print()
    print("| socket | p50 ms | p95 ms | p99 ms | received | missing | duplicated |")
    print("|---|---|---|---|---|---|---|")
    for s in a["sockets"]:
        print(
            f"| {s['socket']} | {s['p50_ms']} | {s['p95_ms']} | {s['p99_ms']} | {s['received']} | {s['missing']} "
            f"| {s['duplicated']} |"
        )
    print()
    print("| hop (Atendo, measured messages) | p50 ms | p95 ms |")
    print("|---|---|---|")
    for value in figures["hops"].values():
        print(f"| {value['what']} | {value['p50_ms']} | {value['p95_ms']} |")
    if figures.get("worker_profile"):
        print()
        print("| worker profile (py-spy, per drain task) | ms | share |")
        print("|---|---|---|")
        for label, value in figures["worker_profile"].items():
            print(f"| {label} | {value['ms_per_task']} | {value['share_of_task']:.0%} |")
    print()
    print("| CPU in the measured window | ms per message | cores |")
    print("|---|---|---|")
    for name, value in figures["cpu_during_measured_window"].items():
        per_message = value["cpu_ms_per_message"]
        print(f"| {name} | {per_message if per_message is not None else ''} | {value['cores']} |")
    one = figures["one_batch"]
    print()
    print(
        f"One batch of {one['messages']} messages (conversations existing), run here: {one['statements']} statements "
        f"in {one['ms_in_this_process']} ms ({one['ms_in_statements']} ms of it in the statements): "
        f"{json.dumps(one['by_kind'])}."
    )
    d = figures["drain_tasks"]
    print()
    print(
        f"Drain tasks in the window: {json.dumps(d)}. {a['posted']:,} POSTs, {a['non_2xx']} non-2xx, "
        f"{a['client_timeouts']} without an answer in 10 s (the machine overloaded; not counted), ack p50 "
        f"{a['ack_p50_ms']} ms / p99 {a['ack_p99_ms']} ms; {a['frames_to_group']:,} messages reached the inbox "
        f"group ({a['missing_on_group']} never did); receiver loop lag p99 {a['receiver_loop_lag_ms_p99']} ms."
    )


if __name__ == "__main__":
    figures = main()
    save("end-to-end", figures, summary(figures))
    report(figures)
    a = figures["atendo"]
    # An error answer or a frame lost or sent twice is a bug; a POST that got no answer within
    # 10 s says the machine was overloaded (its frame still counts if it arrives).
    failed = a["non_2xx"] + a["missing"] + a["duplicated"]
    if failed:
        print(f"FAILED: {a['non_2xx']} non-2xx, {a['missing']} missing, {a['duplicated']} duplicated", file=sys.stderr)
        for seq, at, after, error in a["client_errors_first_20"]:
            print(f"  POST {seq} sent {at} s into the run: {error} after {after} s", file=sys.stderr)
    sys.exit(1 if failed else 0)
