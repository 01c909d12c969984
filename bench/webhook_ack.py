"""Webhook acknowledgements per second against a bare endpoint, with and without processing.

Runs against live servers started by `python -m devstack e2e -- …` (see `make bench`: production
mode, granian WSGI with the product's flags and 2 workers, a real Celery worker). `wrk` posts
WhatsApp-shaped webhooks, each with a new message id and signed like Meta signs them
(bench/webhook_ack.lua), at 16 and 64 connections, BENCH_WEBHOOK_SECONDS each (15; 3 with
BENCH_QUICK=1), BENCH_WEBHOOK_RUNS runs (3), median.

- Baseline: bench/baseline/webhook_app.py on the same granian command line (same workers and
  threads): HMAC check + one INSERT … ON CONFLICT DO NOTHING into a scratch table + 200.
- Atendo, ack only: POST /webhooks/<key> of a WhatsApp connector made for the bench in the demo
  tenant, with the worker's `webhooks` queue paused (celery cancel_consumer): the server does
  what the baseline does, so this is the figure compared with it (the target). Baseline and
  Atendo runs alternate (baseline run 1, Atendo run 1, baseline run 2, …): a machine shared with
  other work slows both alike.
- Atendo while processing: the queue resumed, the worker turns the backlog into contacts,
  conversations and messages on the same 2 cores during the runs (BENCH_WEBHOOK_PROCESSING=0
  skips it). Shown beside the same baseline for what it costs, not held to the target.

After every run: zero non-2xx and socket errors, every acknowledged event stored (lost = acked -
stored), nothing processed twice (one message per provider id). At the end the backlog is
drained for up to BENCH_WEBHOOK_DRAIN_SECONDS (60; 30 quick).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "backend"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atendo.config.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from common import ratio, row, save  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from whatsapp_payload import template  # noqa: E402

from atendo.config.celery import app as celery_app  # noqa: E402
from atendo.connectors.models import ChannelAccount, ChannelConnector, InboundEvent  # noqa: E402
from atendo.core.models import Tenant  # noqa: E402
from atendo.messaging.models import Message  # noqa: E402
from devstack.commands import server_argvs, wait_http  # noqa: E402
from devstack.services import free_port, pg_connect_kwargs  # noqa: E402


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


QUICK = _flag("BENCH_QUICK")
SECONDS = int(os.environ.get("BENCH_WEBHOOK_SECONDS") or (3 if QUICK else 15))
RUNS = int(os.environ.get("BENCH_WEBHOOK_RUNS") or 3)
CONNECTIONS = [int(c) for c in (os.environ.get("BENCH_WEBHOOK_CONNECTIONS") or "16,64").split(",")]
WRK_THREADS = int(os.environ.get("BENCH_WRK_THREADS") or 2)
DRAIN_SECONDS = int(os.environ.get("BENCH_WEBHOOK_DRAIN_SECONDS") or (30 if QUICK else 60))
WITH_PROCESSING = os.environ.get("BENCH_WEBHOOK_PROCESSING", "1").strip().lower() not in ("0", "false", "no")
WARMUP_SECONDS = 2
SETTLE_SECONDS = 1.0  # requests wrk abandoned at its deadline finish on the server meanwhile
SENDERS = 500  # distinct customers the messages come from
LUA = Path(__file__).with_suffix(".lua")
BASELINE_DIR = Path(__file__).parent / "baseline"
BASELINE_TABLE = "bench_webhook_baseline"


def bench_account(app_secret: str) -> ChannelAccount:
    tenant = Tenant.objects.get(slug="demo")
    connector = ChannelConnector.objects.create(
        tenant=tenant,
        kind="whatsapp",
        name="Bench WhatsApp",
        credentials=json.dumps({"access_token": "bench", "app_secret": app_secret, "verify_token": "bench"}),
    )
    return ChannelAccount.objects.create(
        tenant=tenant,
        connector=connector,
        kind="whatsapp",
        name="Bench WhatsApp",
        external_id=str(10**14 + secrets.randbelow(10**14)),
        status="active",
    )


# --- the baseline server -------------------------------------------------------------------
def baseline_table(create: bool) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {BASELINE_TABLE}")
        if create:
            cursor.execute(
                f"CREATE TABLE {BASELINE_TABLE} (id bigserial PRIMARY KEY, event_key varchar(128) NOT NULL UNIQUE, "
                "body bytea NOT NULL, received_at timestamptz NOT NULL)"
            )


def start_baseline(app_secret: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    # The product's web server command line (devstack), pointed at the bare app.
    argv = server_argvs(port=port, ws_port=free_port(), web_workers=2, concurrency=1, node="bench")["web"]
    argv[argv.index("atendo.config.wsgi:application")] = "webhook_app:application"
    argv += ["--working-dir", str(BASELINE_DIR)]
    kwargs = pg_connect_kwargs(os.environ["DATABASE_URL"])
    env = {
        **os.environ,
        "BENCH_APP_SECRET": app_secret,
        "BENCH_BASELINE_CONNINFO": psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in kwargs.items()}),
        "BENCH_BASELINE_TABLE": BASELINE_TABLE,
    }
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603 (our own argv)
            argv, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}/webhook"
    if wait_http(url, timeout=30, alive=lambda: proc.poll() is None) is None:
        stop(proc)
        raise SystemExit(f"the baseline server did not start; log: {log}\n{log.read_text()[-2000:]}")
    return proc, url


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


# --- the worker's ingestion queue -------------------------------------------------------------
def set_processing(on: bool, account: ChannelAccount) -> None:
    """Resume or pause the workers' `webhooks` queue; paused, wait until the drain that was
    running has handed over (its processed count stops moving)."""
    replies = (
        celery_app.control.add_consumer("webhooks", reply=True, timeout=5)
        if on
        else celery_app.control.cancel_consumer("webhooks", reply=True, timeout=5)
    )
    if not replies:
        raise SystemExit("no Celery worker answered; is the e2e worker running?")
    if on:
        return
    deadline = time.monotonic() + 15
    done = processing(account)["processed"]
    while time.monotonic() < deadline:
        time.sleep(1.5)
        now = processing(account)["processed"]
        if now == done:
            return
        done = now
    raise SystemExit("the worker kept processing after its queue was paused")


# --- load and counts -------------------------------------------------------------------------
def wrk(url: str, connections: int, seconds: int, tag: str, template_file: Path, app_secret: str) -> dict[str, Any]:
    check = hmac.new(app_secret.encode(), b"atendo", hashlib.sha256).hexdigest()
    argv = [
        "wrk",
        "-t",
        str(min(WRK_THREADS, connections)),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        url,
        "--",
        str(template_file),
        app_secret,
        tag,
        check,
        str(SENDERS),
    ]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, check=False)  # noqa: S603
    match = re.search(r"^WRKJSON (.+)$", done.stdout, re.MULTILINE)
    if done.returncode != 0 or match is None:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return json.loads(match.group(1))


def last_id(table: str, connector_id: Any = None) -> int:
    with connection.cursor() as cursor:
        if connector_id is None:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        else:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table} WHERE connector_id = %s", [connector_id])
        return int(cursor.fetchone()[0])


def stored_since(table: str, after_id: int, connector_id: Any = None) -> int:
    with connection.cursor() as cursor:
        if connector_id is None:
            cursor.execute(f"SELECT count(*) FROM {table} WHERE id > %s", [after_id])
        else:
            cursor.execute(
                f"SELECT count(*) FROM {table} WHERE id > %s AND connector_id = %s", [after_id, connector_id]
            )
        return int(cursor.fetchone()[0])


def processing(account: ChannelAccount) -> dict[str, int]:
    events = InboundEvent.objects.unscoped().filter(connector_id=account.connector_id)
    by_status = {row["status"]: row["n"] for row in events.order_by().values("status").annotate(n=Count("id"))}
    messages = Message.objects.unscoped().filter(account_id=account.id).order_by()
    duplicated = messages.values("provider_message_id").annotate(n=Count("id")).filter(n__gt=1).count()
    return {
        "stored": sum(by_status.values()),
        "processed": by_status.get("done", 0),
        "backlog": by_status.get("pending", 0),
        "dead": by_status.get("dead", 0),
        "messages": messages.count(),
        "duplicated": duplicated,
    }


def one_run(target: str, url: str, connections: int, tag: str, template_file: Path, app_secret: str, account):
    table, connector_id = (
        ("connectors_inboundevent", account.connector_id) if target == "atendo" else (BASELINE_TABLE, None)
    )
    before_id = last_id(table, connector_id)
    before = processing(account) if target == "atendo" else None
    load_before = os.getloadavg()[0]  # the machine is shared: other work shows here
    started = time.monotonic()
    result = wrk(url, connections, SECONDS, tag, template_file, app_secret)
    time.sleep(SETTLE_SECONDS)
    stored = stored_since(table, before_id, connector_id)
    status, errors, latency = result["status"], result["socket_errors"], result["latency_us"]
    acked = status["2xx"]
    run: dict[str, Any] = {
        "connections": connections,
        "load_average_1m_before": round(load_before, 2),
        "acks_per_s": round(acked / (result["duration_us"] / 1e6), 1),
        "p50_ms": round(latency["p50"] / 1000, 2),
        "p90_ms": round(latency["p90"] / 1000, 2),
        "p99_ms": round(latency["p99"] / 1000, 2),
        "max_ms": round(latency["max"] / 1000, 2),
        "acked": acked,
        "non_2xx": status["3xx"] + status["4xx"] + status["5xx"] + status["other"],
        "socket_errors": sum(errors.values()),
        "in_flight_at_stop": result["generated"] - result["requests"],
        "stored": stored,
        # wrk cannot tie a response to its request: lost is counted (acked but fewer rows).
        "lost": max(0, acked - stored),
    }
    if before is not None:
        after = processing(account)
        elapsed = time.monotonic() - started
        run.update(
            {
                "processed_during_run": after["processed"] - before["processed"],
                "processing_per_s": round((after["processed"] - before["processed"]) / elapsed, 1),
                "backlog_after": after["backlog"],
                "duplicated": after["duplicated"],
            }
        )
    return run


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "acks_per_s": round(statistics.median(r["acks_per_s"] for r in runs), 1),
        "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 2),
        "p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 2),
        "runs": runs,
    }


def main() -> dict[str, Any]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing (Debian package wrk; `make bench` installs it)")
    base = os.environ["E2E_BASE_URL"].rstrip("/")
    app_secret = secrets.token_hex(16)
    account = bench_account(app_secret)
    atendo_url = f"{base}/webhooks/{account.connector.webhook_key}"
    stamp = secrets.token_hex(3)
    work = Path(tempfile.mkdtemp(prefix="atendo-webhook-bench-"))
    template_file = work / "body.json"
    template_file.write_text(template(account.external_id))
    baseline_table(create=True)
    baseline, baseline_url = start_baseline(app_secret, work / "baseline.log")
    results: dict[str, dict[int, list[dict[str, Any]]]] = {"baseline": {}, "atendo": {}, "processing": {}}
    urls = {"baseline": baseline_url, "atendo": atendo_url, "processing": atendo_url}
    targets = {"baseline": "baseline", "atendo": "atendo", "processing": "atendo"}

    def measure(label: str, connections: int, n: int) -> None:
        tag = f"{stamp}{label[0]}{connections}r{n}"
        run = one_run(targets[label], urls[label], connections, tag, template_file, app_secret, account)
        results[label].setdefault(connections, []).append(run)
        print(f"  {label} c={connections} run {n}: {json.dumps(run)}", file=sys.stderr, flush=True)

    def warm_up(label: str) -> None:  # not counted
        warm = wrk(urls[label], CONNECTIONS[0], WARMUP_SECONDS, f"{stamp}w{label[0]}", template_file, app_secret)
        if warm["status"]["2xx"] == 0:
            raise SystemExit(f"{label}: the warm-up got no 2xx answer: {warm}")
        time.sleep(SETTLE_SECONDS)

    try:
        set_processing(False, account)
        warm_up("baseline")
        warm_up("atendo")
        for connections in CONNECTIONS:
            for n in range(1, RUNS + 1):
                measure("baseline", connections, n)
                measure("atendo", connections, n)
        if WITH_PROCESSING:
            set_processing(True, account)  # the backlog of the runs above keeps the worker busy
            for connections in CONNECTIONS:
                for n in range(1, RUNS + 1):
                    measure("processing", connections, n)
    finally:
        set_processing(True, account)
        stop(baseline)
        baseline_table(create=False)
        shutil.rmtree(work, ignore_errors=True)

    started = time.monotonic()
    state = processing(account)
    backlog_at_stop = state["backlog"]
    while state["backlog"] and time.monotonic() - started < DRAIN_SECONDS:
        time.sleep(1)
        state = processing(account)
    drained_for = time.monotonic() - started
    atendo_runs = [r for label in ("atendo", "processing") for runs in results[label].values() for r in runs]
    baseline_runs = [r for runs in results["baseline"].values() for r in runs]
    figures: dict[str, Any] = {
        "quick": QUICK,
        "seconds_per_run": SECONDS,
        "runs": RUNS,
        "wrk_threads": WRK_THREADS,
        "senders": SENDERS,
        "web_workers": 2,
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        # `atendo`: ack only (the worker's ingestion queue paused), compared with the target.
        "atendo": {str(c): summary(runs) for c, runs in results["atendo"].items()},
        "atendo_while_processing": {str(c): summary(runs) for c, runs in results["processing"].items()},
        "baseline": {str(c): summary(runs) for c, runs in results["baseline"].items()},
        "integrity": {
            "acked": sum(r["acked"] for r in atendo_runs),
            "non_2xx": sum(r["non_2xx"] for r in atendo_runs),
            "socket_errors": sum(r["socket_errors"] for r in atendo_runs),
            "lost": sum(r["lost"] for r in atendo_runs),
            "baseline_non_2xx": sum(r["non_2xx"] + r["socket_errors"] for r in baseline_runs),
            "baseline_lost": sum(r["lost"] for r in baseline_runs),
            "stored": state["stored"],
            "processed": state["processed"],
            "messages": state["messages"],
            "duplicated": state["duplicated"],
            "dead": state["dead"],
            "backlog_when_load_stopped": backlog_at_stop,
            "backlog_at_end": state["backlog"],
            "drain_seconds": round(drained_for, 1),
            "drain_per_s": round((backlog_at_stop - state["backlog"]) / drained_for, 1) if drained_for else None,
        },
    }
    figures["ratio"] = {
        variant: {
            str(c): {
                key: ratio(figures[variant][str(c)][key], figures["baseline"][str(c)][key])
                for key in ("acks_per_s", "p50_ms", "p99_ms")
            }
            for c in CONNECTIONS
            if str(c) in figures[variant]
        }
        for variant in ("atendo", "atendo_while_processing")
    }
    return figures


P99_TARGETS = {"16": 25.0, "64": 75.0}
VARIANTS = {"atendo": "ack only", "atendo_while_processing": "worker processing"}


def summary_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The run table's rows: the targets are held against the ack-only figures."""
    rows = []
    for variant, label in VARIANTS.items():
        held = variant == "atendo"
        for connections, atendo in figures[variant].items():
            baseline = figures["baseline"][connections]
            acks_ratio = ratio(atendo["acks_per_s"], baseline["acks_per_s"])
            rows.append(
                row(
                    f"webhook acks/s, {connections} connections, {label}",
                    atendo["acks_per_s"],
                    baseline=baseline["acks_per_s"],
                    ratio=acks_ratio,
                    target="≥ 0.6× baseline" if held and connections == "16" else None,
                    met=(acks_ratio or 0) >= 0.6 if held and connections == "16" else None,
                    unit="acks/s",
                )
            )
            limit = P99_TARGETS.get(connections)
            rows.append(
                row(
                    f"webhook ack p99, {connections} connections, {label}",
                    atendo["p99_ms"],
                    baseline=baseline["p99_ms"],
                    ratio=ratio(atendo["p99_ms"], baseline["p99_ms"]),
                    target=f"≤ {limit:g}" if held and limit else None,
                    met=atendo["p99_ms"] <= limit if held and limit else None,
                    unit="ms",
                )
            )
    i = figures["integrity"]
    bad = i["non_2xx"] + i["socket_errors"] + i["lost"] + i["duplicated"]
    rows.append(row("webhook non-2xx + lost + duplicated", bad, target="0", met=bad == 0))
    return rows


def report(figures: dict[str, Any]) -> None:
    print(
        f"| webhook ack ({figures['seconds_per_run']} s × {figures['runs']}, median) | connections | acks/s "
        "| p50 ms | p99 ms |"
    )
    print("|---|---|---|---|---|")
    for connections, baseline in figures["baseline"].items():
        print(
            f"| baseline: HMAC + INSERT (same granian) | {connections} | {baseline['acks_per_s']:,} | "
            f"{baseline['p50_ms']} | {baseline['p99_ms']} |"
        )
        for variant, label in VARIANTS.items():
            atendo = figures[variant].get(connections)
            if atendo is None:
                continue
            r = figures["ratio"][variant][connections]
            print(
                f"| Atendo `/webhooks/…`, {label} | {connections} | {atendo['acks_per_s']:,} | "
                f"{atendo['p50_ms']} | {atendo['p99_ms']} |"
            )
            print(
                f"| ratio {label} / baseline | {connections} | {r['acks_per_s']}× | {r['p50_ms']}× | {r['p99_ms']}× |"
            )
    i = figures["integrity"]
    print()
    print(
        f"Integrity: {i['acked']:,} acknowledged, {i['non_2xx']} non-2xx, {i['socket_errors']} socket errors, "
        f"{i['lost']} lost, {i['duplicated']} duplicated, {i['dead']} dead-lettered. Processing: "
        f"{i['processed']:,} of {i['stored']:,} stored events processed; backlog {i['backlog_when_load_stopped']:,} "
        f"when the load stopped, {i['backlog_at_end']:,} after {i['drain_seconds']} s of draining "
        f"({i['drain_per_s']} events/s)."
    )


if __name__ == "__main__":
    figures = main()
    path = save("webhook-ack", figures, summary_rows(figures))
    report(figures)
    print(f"Figures: {path}")
    integrity = figures["integrity"]
    failed = integrity["non_2xx"] + integrity["socket_errors"] + integrity["lost"] + integrity["duplicated"]
    sys.exit(1 if failed else 0)
