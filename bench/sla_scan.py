"""SLA scan cost with 100,000 open tickets (200,000 running clocks).

Runs in-process against a scratch database `atendo_bench` on the PostgreSQL given by
DATABASE_URL (the embedded one under `make bench`). Figures: time and queries per scan when
nothing is due and when 1,000 clocks are due; baseline: the same index range read in raw SQL.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

TICKETS = int(os.environ.get("BENCH_TICKETS", "100000"))
DUE = 1000
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "backend"))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atendo.config.settings")
os.environ["DEBUG"] = "false"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

ORIGINAL_DATABASE = connection.settings_dict["NAME"]
SCRATCH_DATABASE = "atendo_bench"


def use_database(name: str) -> None:
    connection.close()
    connection.settings_dict["NAME"] = name


def recreate_scratch_database() -> None:
    with connection.cursor() as cursor:  # autocommit: CREATE DATABASE cannot run in a transaction
        cursor.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE}")
        cursor.execute(f"CREATE DATABASE {SCRATCH_DATABASE}")


from common import row, save  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from atendo.tickets.sla import sla_scan  # noqa: E402


def seed() -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_tenant (id, created_at, name, slug, timezone, locale, status, "
            "reopen_window_hours, updated_at) VALUES (gen_random_uuid(), now(), 'Bench', 'bench', "
            "'America/Sao_Paulo', 'pt-BR', 'active', 24, now()) RETURNING id"
        )
        tenant_id = cursor.fetchone()[0]
        cursor.execute(
            """INSERT INTO tickets_ticket (id, created_at, tenant_id, number, subject, description, status, priority,
                   tags, custom_fields, sla_state, updated_at)
               SELECT gen_random_uuid(), now(), %s, n, 'Ticket ' || n, '', 'open', 'normal', '{}', '{}', 'ok', now()
               FROM generate_series(1, %s) AS n""",
            [tenant_id, TICKETS],
        )
        for target, hours in (("first_response", 48), ("resolution", 96)):
            cursor.execute(
                """INSERT INTO tickets_slaclock (id, created_at, tenant_id, ticket_id, target, target_seconds,
                       consumed_seconds, running_since, due_at, warning_at, state, warned, breached, updated_at)
                   SELECT gen_random_uuid(), now(), tenant_id, id, %s, %s, 0, now(),
                          now() + make_interval(hours => %s), now() + make_interval(mins => %s),
                          'running', false, false, now()
                   FROM tickets_ticket""",
                [target, hours * 3600, hours, hours * 48],
            )
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def timed(callable_, repeat: int = 5) -> tuple[float, int]:
    durations, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            callable_()
            durations.append((time.perf_counter() - started) * 1000)
        queries = len(captured.captured_queries)
    return statistics.median(durations), queries


def raw_range_read() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM tickets_slaclock WHERE state = 'running' AND breached = false AND due_at <= now() LIMIT 500"
        )
        cursor.fetchall()


def main() -> dict[str, float | int]:
    recreate_scratch_database()
    use_database(SCRATCH_DATABASE)
    call_command("migrate", verbosity=0)
    seed_seconds = seed()
    baseline_ms, _ = timed(raw_range_read)
    idle_ms, idle_queries = timed(sla_scan)

    def make_due() -> None:
        with connection.cursor() as cursor:  # 1,000 first-response clocks due now
            cursor.execute(
                "UPDATE tickets_slaclock SET due_at = now() - interval '1 minute', "
                "warning_at = now() - interval '2 minutes', warned = false, breached = false, "
                "state = 'running' WHERE id IN (SELECT id FROM tickets_slaclock "
                "WHERE target = 'first_response' ORDER BY id LIMIT %s)",
                [DUE],
            )

    # The scan's own work, listeners (board frames, notifications) switched off...
    from atendo.core import events

    make_due()
    saved, events._listeners = events._listeners, {}
    try:
        with CaptureQueriesContext(connection) as scan_only:
            started = time.perf_counter()
            sla_scan(datetime.now(UTC))
            scan_only_ms = (time.perf_counter() - started) * 1000
    finally:
        events._listeners = saved
    # ...and the whole thing as production runs it.
    make_due()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = sla_scan(datetime.now(UTC))
        due_ms = (time.perf_counter() - started) * 1000
    return {
        "tickets": TICKETS,
        "clocks": TICKETS * 2,
        "seed_seconds": round(seed_seconds, 1),
        "baseline_raw_range_read_ms": round(baseline_ms, 2),
        "scan_nothing_due_ms": round(idle_ms, 2),
        "scan_nothing_due_queries": idle_queries,
        "scan_1000_due_ms": round(due_ms, 1),
        "scan_1000_due_queries": len(captured.captured_queries),
        "scan_only_1000_due_ms": round(scan_only_ms, 1),
        "scan_only_1000_due_queries": len(scan_only.captured_queries),
        "warnings": result["warnings"],
        "breaches": result["breaches"],
        "ratio_idle_vs_raw": round(idle_ms / baseline_ms, 1),
    }


def summary(figures: dict[str, float | int]) -> list[dict[str, Any]]:
    return [
        row(
            f"SLA scan, {figures['tickets']:,} open tickets, nothing due",
            figures["scan_nothing_due_ms"],
            baseline=figures["baseline_raw_range_read_ms"],
            ratio=figures["ratio_idle_vs_raw"],
            target="≤ 1000",
            met=figures["scan_nothing_due_ms"] <= 1000,
            unit="ms",
        ),
        row(
            "SLA scan, 1,000 clocks due (notifications + board)",
            figures["scan_1000_due_ms"],
            target="≤ 1000",
            met=figures["scan_1000_due_ms"] <= 1000,
            unit="ms",
        ),
    ]


if __name__ == "__main__":
    try:
        figures = main()
    finally:
        use_database(ORIGINAL_DATABASE)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE}")
    save("sla-scan", figures, summary(figures))
    print(
        "| SLA scan | clocks | nothing due: ms / queries | raw SQL range read ms | ratio | 1,000 due, scan only: "
        "ms / queries | 1,000 due with notifications + board: ms / queries |"
    )
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {figures['tickets']:,} open tickets | {figures['clocks']:,} | {figures['scan_nothing_due_ms']} / "
        f"{figures['scan_nothing_due_queries']} | {figures['baseline_raw_range_read_ms']} | "
        f"{figures['ratio_idle_vs_raw']}× | {figures['scan_only_1000_due_ms']} / "
        f"{figures['scan_only_1000_due_queries']} | {figures['scan_1000_due_ms']} / "
        f"{figures['scan_1000_due_queries']} |"
    )
