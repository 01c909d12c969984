"""SLA scan cost with 100,000 open tickets (200,000 running clocks).

Runs in-process against a scratch database `atendo_bench` on the PostgreSQL given by
DATABASE_URL (the embedded one under `make bench`). Figures (median of 3 runs, 2 with
BENCH_QUICK): time and queries (BEGIN/COMMIT included) per scan run when nothing is due; when
the deadlines of 1,000 tickets pass (warned in an earlier run); and when 1,000 clocks pass both
their warning and their deadline in one run (both logged, only the breaches announced). Each
"scan only" (listeners off) and with the full fan-out: ticket board frames, inbox frames,
in-app notifications and e-mail tasks to the tickets' agent and a supervisor. Also the EXPLAIN
ANALYZE of the scan's statement (it must read the partial index) and, as a baseline, the bare
index range read in raw SQL.

Knobs: BENCH_TICKETS (100000), BENCH_QUICK, BENCH_SLA_DATABASE (the scratch database, atendo_bench),
BENCH_QUERIES=1 (each query's, listener's and channel-layer send's time, how many updates were HOT,
auto_explain of statements over 80 ms in the server log), BENCH_PROFILE=<pstats sort key>.
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
# BENCH_SLA_DATABASE: another scratch name, so that two benchmarks can run side by side.
SCRATCH_DATABASE = os.environ.get("BENCH_SLA_DATABASE", "atendo_bench")


def use_database(name: str) -> None:
    connection.close()
    connection.settings_dict["NAME"] = name


def recreate_scratch_database() -> None:
    with connection.cursor() as cursor:  # autocommit: CREATE DATABASE cannot run in a transaction
        cursor.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE}")
        cursor.execute(f"CREATE DATABASE {SCRATCH_DATABASE}")


from common import quick, row, save  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from atendo.tickets.sla import sla_scan  # noqa: E402


def seed() -> float:
    """100,000 open tickets of one department with both clocks running; the DUE tickets that will
    come due belong to an agent (a tenant-wide supervisor watches too) and each has a conversation,
    so the scan's whole fan-out runs: ticket and conversation SLA copies, board and inbox frames,
    in-app notifications and e-mail tasks."""
    from atendo.contacts.models import Contact
    from atendo.core.models import RoleAssignment, Tenant, TenantUser, User
    from atendo.core.services.tenants import builtin_roles_ensure
    from atendo.messaging.models import Conversation
    from atendo.messaging.tests.factories import department, webchat_account

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_tenant (id, created_at, name, slug, timezone, locale, status, "
            "reopen_window_hours, updated_at) VALUES (gen_random_uuid(), now(), 'Bench', 'bench', "
            "'America/Sao_Paulo', 'pt-BR', 'active', 24, now()) RETURNING id"
        )
        tenant_id = cursor.fetchone()[0]
    tenant = Tenant.objects.get(id=tenant_id)
    roles = builtin_roles_ensure(tenant=tenant)
    people = {}
    for role in ("agent", "supervisor"):
        user = User.objects.create_user(email=f"{role}@bench.test", name=role.title())
        people[role] = TenantUser.objects.create(
            tenant=tenant, user=user, display_name=role.title(), status=TenantUser.Status.ACTIVE
        )
        RoleAssignment.objects.create(tenant=tenant, member=people[role], role=roles[role])
    unit = department(tenant, "Suporte")
    account = webchat_account(tenant)
    contacts = Contact.objects.bulk_create([Contact(tenant=tenant, name=f"Visitor {n}") for n in range(DUE)])
    Conversation.objects.bulk_create(
        [Conversation(tenant=tenant, account=account, contact=c, department=unit) for c in contacts]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO tickets_ticket (id, created_at, tenant_id, number, subject, description, status, priority,
                   tags, custom_fields, sla_state, department_id, updated_at)
               SELECT gen_random_uuid(), now(), %s, n, 'Ticket ' || n, '', 'open', 'normal', '{}', '{}', 'ok', %s, now()
               FROM generate_series(1, %s) AS n""",
            [tenant_id, unit.id, TICKETS],
        )
        cursor.execute(
            "UPDATE tickets_ticket AS t SET assignee_id = %s, conversation_id = v.id "
            "FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM messaging_conversation) AS v "
            "WHERE t.number = v.n",
            [people["agent"].id],
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


def make_due(warned: bool = False) -> None:
    """The first-response clocks of the DUE assigned tickets (those with a conversation) pass
    their deadline: one scan run breaches 1,000 clocks, and warns them first unless `warned`
    (a run that missed the warnings, e.g. after downtime: 2,000 transitions)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tickets_slaclock SET due_at = now() - interval '1 minute', "
            "warning_at = now() - interval '2 minutes', warned = %s, breached = false, "
            "state = 'running' WHERE target = 'first_response' AND ticket_id IN "
            "(SELECT id FROM tickets_ticket WHERE number <= %s)",
            [warned, DUE],
        )
        # The tickets' and conversations' copies as the previous run left them.
        state = "warning" if warned else "ok"
        cursor.execute("UPDATE tickets_ticket SET sla_state = %s WHERE number <= %s", [state, DUE])
        cursor.execute("UPDATE messaging_conversation SET sla_state = %s", [state])


def time_listeners() -> None:
    """BENCH_QUERIES: print how long each listener of a delivery takes."""
    from atendo.core import events

    call = events._call

    def timed_call(listener: Any, argument: Any, name: str) -> None:
        started = time.perf_counter()
        call(listener, argument, name)
        print(f"{(time.perf_counter() - started) * 1000:8.1f} ms  listener {listener.__qualname__} ({name})")

    events._call = timed_call

    from atendo.tickets import listeners

    notify_many = listeners.notify_many

    def timed_notify_many(**kwargs: Any) -> Any:
        started = time.perf_counter()
        created = notify_many(**kwargs)
        print(f"{(time.perf_counter() - started) * 1000:8.1f} ms  notify_many ({len(created)} notifications)")
        return created

    listeners.notify_many = timed_notify_many

    from atendo.core.realtime import broadcast

    send_grouped = broadcast._send_grouped

    def timed_send_grouped(frames_by_group: Any) -> None:
        started = time.perf_counter()
        send_grouped(frames_by_group)
        frames = sum(len(payloads) for payloads in frames_by_group.values())
        print(
            f"{(time.perf_counter() - started) * 1000:8.1f} ms  channel layer: {len(frames_by_group)} groups, "
            f"{frames} frames"
        )

    broadcast._send_grouped = timed_send_grouped


def due_runs(repeat: int, warned: bool = False) -> tuple[list[float], int, dict[str, int]]:
    durations, queries, result = [], 0, {}
    for _ in range(repeat):
        make_due(warned)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = sla_scan(datetime.now(UTC))
            durations.append((time.perf_counter() - started) * 1000)
        queries = len(captured.captured_queries)
        if os.environ.get("BENCH_QUERIES"):  # where a run's time goes, query by query
            for query in captured.captured_queries:
                print(f"{float(query['time']) * 1000:8.1f} ms  {' '.join(query['sql'].split())[:150]}")
            print(f"{durations[-1]:8.1f} ms  total\n")
    return durations, queries, result


def explain_scan() -> list[str]:
    """EXPLAIN ANALYZE of the scan's breach read with clocks due, rolled back (it writes)."""
    from django.db import transaction

    from atendo.tickets import sla

    make_due()
    now = datetime.now(UTC)
    if hasattr(sla, "scan_statement"):
        statement, params = sla.scan_statement("breached", now)
    else:  # the scan before the set-based statement: its ORM candidate read
        statement = (
            "SELECT * FROM tickets_slaclock WHERE state = 'running' AND NOT breached AND due_at <= %s "
            "LIMIT 500 FOR UPDATE OF tickets_slaclock SKIP LOCKED"
        )
        params = [now]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, params)
        lines = [line for (line,) in cursor.fetchall()]
        transaction.set_rollback(True)
    return lines


def print_hot_updates() -> None:
    """BENCH_QUERIES: how many of the updates of the tables the scan rewrites were HOT (no index
    entry written: the updated columns are in no index and the row's page had room)."""
    time.sleep(1)  # the statistics of a backend's transactions are flushed within a second
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = ANY(%s) ORDER BY 1",
            [["tickets_ticket", "tickets_slaclock", "messaging_conversation"]],
        )
        for name, updated, hot in cursor.fetchall():
            print(f"{name}: {updated} rows updated, {hot} HOT")


def main() -> dict[str, Any]:
    recreate_scratch_database()
    use_database(SCRATCH_DATABASE)
    call_command("migrate", verbosity=0)
    seed_seconds = seed()
    if os.environ.get("BENCH_QUERIES"):
        time_listeners()
        with connection.cursor() as cursor:  # plans of the slow statements, in the server log
            cursor.execute("LOAD 'auto_explain'")
            cursor.execute("SET auto_explain.log_min_duration = 80")
            cursor.execute("SET auto_explain.log_analyze = on")
            cursor.execute("SET auto_explain.log_buffers = on")
            cursor.execute("SHOW log_directory")
            print("server log:", cursor.fetchone(), end=" ")
            cursor.execute("SHOW data_directory")
            print(cursor.fetchone())
    repeat = 2 if quick() else 3
    baseline_ms, _ = timed(raw_range_read)
    idle_ms, idle_queries = timed(sla_scan)
    plan = explain_scan()
    idle_ms_after, _ = timed(sla_scan)  # explain_scan rolled back: nothing is due again

    # The scan's own work, listeners (board frames, notifications) switched off...
    from atendo.core import events

    saved, events._listeners = events._listeners, {}
    saved_batch, events._batch_listeners = events._batch_listeners, {}
    try:
        scan_only_breach, scan_only_breach_queries, _ = due_runs(repeat, warned=True)
        scan_only, scan_only_queries, _ = due_runs(repeat)
    finally:
        events._listeners, events._batch_listeners = saved, saved_batch
    # ...and the whole thing as production runs it: 1,000 deadlines passing (warned in an
    # earlier run), and 1,000 clocks passing both their warning and their deadline at once.
    breach, breach_queries, breach_result = due_runs(repeat, warned=True)
    full, full_queries, result = due_runs(repeat)
    if os.environ.get("BENCH_QUERIES"):
        print_hot_updates()
    profiler = None
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        make_due()
        profiler = cProfile.Profile()
        profiler.enable()
        sla_scan(datetime.now(UTC))
        profiler.disable()
        pstats.Stats(profiler).sort_stats(os.environ["BENCH_PROFILE"]).print_stats(40)
    return {
        "tickets": TICKETS,
        "clocks": TICKETS * 2,
        "due": DUE,
        "seed_seconds": round(seed_seconds, 1),
        "baseline_raw_range_read_ms": round(baseline_ms, 2),
        "scan_nothing_due_ms": round(min(idle_ms, idle_ms_after), 2),
        "scan_nothing_due_queries": idle_queries,
        "scan_1000_breaches_ms": round(statistics.median(breach), 1),
        "scan_1000_breaches_runs_ms": [round(d, 1) for d in breach],
        "scan_1000_breaches_queries": breach_queries,
        "scan_1000_breaches_counts": breach_result,
        "scan_1000_due_ms": round(statistics.median(full), 1),
        "scan_1000_due_runs_ms": [round(d, 1) for d in full],
        "scan_1000_due_queries": full_queries,
        "scan_only_1000_breaches_ms": round(statistics.median(scan_only_breach), 1),
        "scan_only_1000_breaches_runs_ms": [round(d, 1) for d in scan_only_breach],
        "scan_only_1000_breaches_queries": scan_only_breach_queries,
        "scan_only_1000_due_ms": round(statistics.median(scan_only), 1),
        "scan_only_1000_due_runs_ms": [round(d, 1) for d in scan_only],
        "scan_only_1000_due_queries": scan_only_queries,
        "warnings": result["warnings"],
        "breaches": result["breaches"],
        "ratio_idle_vs_raw": round(min(idle_ms, idle_ms_after) / baseline_ms, 1),
        "plan": plan,
    }


def summary(figures: dict[str, Any]) -> list[dict[str, Any]]:
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
            "SLA scan, 1,000 deadlines pass (notifications + board + inbox)",
            figures["scan_1000_breaches_ms"],
            target="≤ 1000",
            met=figures["scan_1000_breaches_ms"] <= 1000,
            unit="ms",
        ),
        row(
            "SLA scan, 1,000 clocks warned and breached (notifications + board + inbox)",
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
    print("\n".join(figures["plan"]))
    print(
        "| SLA scan | nothing due: ms / queries | raw SQL range read ms | 1,000 breached, scan only | "
        "1,000 warned + breached, scan only | 1,000 breached, full fan-out | 1,000 warned + breached, full fan-out |"
    )
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {figures['tickets']:,} open tickets ({figures['clocks']:,} clocks) | {figures['scan_nothing_due_ms']} ms / "
        f"{figures['scan_nothing_due_queries']} q | {figures['baseline_raw_range_read_ms']} | "
        f"{figures['scan_only_1000_breaches_ms']} ms / {figures['scan_only_1000_breaches_queries']} q | "
        f"{figures['scan_only_1000_due_ms']} ms / {figures['scan_only_1000_due_queries']} q | "
        f"{figures['scan_1000_breaches_ms']} ms / {figures['scan_1000_breaches_queries']} q | "
        f"{figures['scan_1000_due_ms']} ms / {figures['scan_1000_due_queries']} q |"
    )
