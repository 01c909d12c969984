"""The SLA engine: policy choice, clocks in business (or calendar) time, pause/resume,
re-targeting, and the periodic scan for warnings and breaches.

A clock stores the business seconds consumed before its current run; while running its due
and warning instants are absolute, so the scan is an index range read (`due_at <= now`) and
never recomputes calendars for tickets that are not due. Every transition writes an SlaEvent.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from atendo.core.events import publish, publish_all
from atendo.messaging.services.conversations import SlaReading, conversations_set_sla
from atendo.organizations.business_hours import BusinessCalendar
from atendo.organizations.models import SlaPolicy
from atendo.tickets.events import SlaAlerted, SlaChanged
from atendo.tickets.models import SlaClock, SlaEvent, SlaTarget, Ticket, TicketStatus

# Clocks per scan transaction: a run with up to this many due is one batch per pass.
SCAN_BATCH = 2000
TARGET_FIELDS = {
    SlaTarget.FIRST_RESPONSE: "first_response_minutes",
    SlaTarget.NEXT_RESPONSE: "next_response_minutes",
    SlaTarget.RESOLUTION: "resolution_minutes",
}
LIVE = (SlaClock.State.RUNNING, SlaClock.State.PAUSED)
# How urgent a ticket's SLA looks in its conversation's inbox row (the most urgent ticket wins).
CONVERSATION_URGENCY = {"breached": 4, "warning": 3, "ok": 2, "paused": 1}


def policy_for(ticket: Ticket) -> SlaPolicy | None:
    """The most specific active policy: department and priority, department, priority, any;
    else the department's default policy."""
    candidates = list(
        SlaPolicy.objects.for_tenant(ticket.tenant_id)
        .filter(active=True)
        .filter(Q(department_id=ticket.department_id) | Q(department__isnull=True))
        .filter(Q(priority=ticket.priority) | Q(priority=""))
    )
    if candidates:
        return max(candidates, key=lambda p: (p.department_id is not None, p.priority != "", p.created_at))
    if ticket.department is not None and ticket.department.default_sla_policy_id:
        return (
            SlaPolicy.objects.for_tenant(ticket.tenant_id)
            .filter(id=ticket.department.default_sla_policy_id, active=True)
            .first()
        )
    return None


def calendar_for(ticket: Ticket, policy: SlaPolicy | None) -> BusinessCalendar:
    zone = ticket.department.business_hours.get("timezone") if ticket.department else None
    if policy is None or policy.calendar_minutes or ticket.department is None:
        return BusinessCalendar.always_open(zone or "UTC")
    return BusinessCalendar.from_json(ticket.department.business_hours)


def _event(clock: SlaClock, kind: str, now: datetime) -> None:
    SlaEvent.objects.create(
        tenant_id=clock.tenant_id,
        ticket_id=clock.ticket_id,
        policy_id=clock.policy_id,
        kind=kind,
        target=clock.target,
        due_at=clock.due_at,
        occurred_at=now,
    )


def _schedule(clock: SlaClock, calendar: BusinessCalendar, warning_percent: int) -> None:
    """Absolute due and warning instants from the running start and what is left."""
    assert clock.running_since is not None
    remaining = max(0, clock.target_seconds - clock.consumed_seconds)
    clock.due_at = calendar.add_business_seconds(clock.running_since, remaining)
    warn_after = clock.target_seconds * warning_percent // 100 - clock.consumed_seconds
    clock.warning_at = None if clock.warned else calendar.add_business_seconds(clock.running_since, max(0, warn_after))


def _start_clock(ticket: Ticket, policy: SlaPolicy, target: str, calendar: BusinessCalendar, now: datetime) -> None:
    minutes = getattr(policy, TARGET_FIELDS[SlaTarget(target)])
    if not minutes:
        return
    clock = SlaClock(
        tenant_id=ticket.tenant_id,
        ticket=ticket,
        policy=policy,
        target=target,
        target_seconds=minutes * 60,
        running_since=now,
    )
    _schedule(clock, calendar, policy.warning_percent)
    clock.save()
    _event(clock, SlaEvent.Kind.STARTED, now)


class _ClockReading(NamedTuple):
    """The fields of a clock `_summary` reads, without building model instances (a scan batch
    reads thousands)."""

    state: str
    warned: bool
    due_at: datetime | None


def _summary(clocks: Sequence[SlaClock | _ClockReading]) -> tuple[str, datetime | None]:
    """A ticket's SLA state and next due instant, from its clocks."""
    running = [c for c in clocks if c.state == SlaClock.State.RUNNING]
    if any(c.state == SlaClock.State.BREACHED for c in clocks):  # a breach stays on the record
        state = "breached"
    elif any(c.warned for c in running):
        state = "warning"
    elif running:
        state = "ok"
    elif any(c.state == SlaClock.State.PAUSED for c in clocks):
        state = "paused"
    else:
        state = "met" if clocks else ""
    return state, min((c.due_at for c in running if c.due_at), default=None)


def refresh_summary(ticket: Ticket) -> None:
    """The ticket's sla_state and next_due_at, from its clocks (for lists and the board)."""
    ticket.sla_state, ticket.next_due_at = _summary(
        list(SlaClock.objects.for_tenant(ticket.tenant_id).filter(ticket=ticket))
    )
    Ticket.objects.for_tenant(ticket.tenant_id).filter(id=ticket.id).update(
        sla_state=ticket.sla_state, next_due_at=ticket.next_due_at
    )
    _sync_conversations({ticket.conversation_id: ticket.tenant_id} if ticket.conversation_id else {})


def _refresh_summaries(tickets: dict[Any, tuple[Any, Any]]) -> None:
    """refresh_summary for many tickets (id -> (tenant, conversation)) in three queries plus one
    per tenant with conversations, whatever their number (the scan's batches). Ids travel as
    arrays: a statement's text and its parameter count do not grow with the batch."""
    if not tickets:
        return
    by_ticket: dict[Any, list[_ClockReading]] = {ticket_id: [] for ticket_id in tickets}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ticket_id, state, warned, due_at FROM {SlaClock._meta.db_table} "  # noqa: S608 - table name, values bound
            "WHERE ticket_id = ANY(%s::uuid[])",
            [list(tickets)],
        )
        for ticket_id, state, warned, due_at in cursor.fetchall():
            by_ticket[ticket_id].append(_ClockReading(state, warned, due_at))
        summaries = {ticket_id: _summary(readings) for ticket_id, readings in by_ticket.items()}
        # One UPDATE … FROM unnest(…): bulk_update's CASE per row cost ~4 ms a ticket to build.
        cursor.execute(
            f"UPDATE {Ticket._meta.db_table} AS t SET sla_state = v.state, next_due_at = v.due "  # noqa: S608 - table name, values bound
            "FROM unnest(%s::uuid[], %s::text[], %s::timestamptz[]) AS v(id, state, due) "
            "WHERE t.id = v.id AND (t.sla_state, t.next_due_at) IS DISTINCT FROM (v.state, v.due)",
            [list(summaries), [state for state, _ in summaries.values()], [due for _, due in summaries.values()]],
        )
    _sync_conversations(
        {conversation_id: tenant_id for tenant_id, conversation_id in tickets.values() if conversation_id is not None}
    )


def _sync_conversations(conversations: dict[Any, Any]) -> None:
    """Show on each conversation (id -> tenant) the most urgent SLA of its open tickets (solved
    and closed ones no longer count; a breach stays on the ticket's record but leaves the inbox
    row). One query, then one per tenant."""
    if not conversations:
        return
    readings: dict[Any, dict[Any, SlaReading]] = {}
    for conversation_id, tenant_id in conversations.items():
        readings.setdefault(tenant_id, {})[conversation_id] = SlaReading("", None)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tenant_id, conversation_id, sla_state, next_due_at FROM {Ticket._meta.db_table} "  # noqa: S608 - table name, values bound
            "WHERE conversation_id = ANY(%s::uuid[]) AND status <> ALL(%s::text[])",
            [list(conversations), [TicketStatus.SOLVED.value, TicketStatus.CLOSED.value]],
        )
        open_tickets = cursor.fetchall()
    for tenant_id, conversation_id, state, due_at in open_tickets:
        if state not in CONVERSATION_URGENCY:
            continue
        best = readings[tenant_id][conversation_id]
        urgency = CONVERSATION_URGENCY[state]
        best_urgency = CONVERSATION_URGENCY.get(best.state, 0)
        if urgency > best_urgency or (urgency == best_urgency and _earlier(due_at, best.due_at)):
            readings[tenant_id][conversation_id] = SlaReading(state, due_at)
    for tenant_id, tenant_readings in readings.items():
        conversations_set_sla(tenant_id, tenant_readings)


def _earlier(a: datetime | None, b: datetime | None) -> bool:
    return a is not None and (b is None or a < b)


# Tickets whose summary waits for the end of a `one_refresh()` block (None outside one).
_deferred: ContextVar[dict[Any, Ticket] | None] = ContextVar("atendo_sla_deferred", default=None)


@contextmanager
def one_refresh() -> Iterator[None]:
    """Several clock transitions of one operation (a status change resumes, meets and cancels)
    refresh each ticket's summary and its conversation's copy once, at the end, instead of once
    per transition. Every transition still publishes its SlaChanged."""
    if _deferred.get() is not None:  # nested: the outer block refreshes
        yield
        return
    pending: dict[Any, Ticket] = {}
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    for ticket in pending.values():
        refresh_summary(ticket)


def _changed(ticket: Ticket, kind: str) -> None:
    pending = _deferred.get()
    if pending is None:
        refresh_summary(ticket)
    else:
        pending[ticket.id] = ticket
    publish(SlaChanged(tenant_id=ticket.tenant_id, ticket_id=ticket.id, kind=kind))


def sla_start(ticket: Ticket, now: datetime | None = None) -> None:
    now = now or timezone.now()
    policy = policy_for(ticket)
    ticket.sla_policy = policy
    Ticket.objects.for_tenant(ticket.tenant_id).filter(id=ticket.id).update(sla_policy=policy)
    if policy is not None:
        calendar = calendar_for(ticket, policy)
        for target in (SlaTarget.FIRST_RESPONSE, SlaTarget.RESOLUTION):
            _start_clock(ticket, policy, target, calendar, now)
    _changed(ticket, "started")


def _live(ticket: Ticket, *states: str) -> list[SlaClock]:
    return list(
        SlaClock.objects.for_tenant(ticket.tenant_id)
        .select_for_update()
        .filter(ticket=ticket, state__in=states or LIVE)
    )


def sla_pause(ticket: Ticket, now: datetime | None = None) -> None:
    """The ticket waits on the customer: running clocks stop consuming time."""
    now = now or timezone.now()
    calendar = calendar_for(ticket, ticket.sla_policy)
    for clock in _live(ticket, SlaClock.State.RUNNING):
        assert clock.running_since is not None
        clock.consumed_seconds += calendar.business_seconds_between(clock.running_since, now)
        clock.running_since, clock.due_at, clock.warning_at = None, None, None
        clock.state = SlaClock.State.PAUSED
        clock.save()
        _event(clock, SlaEvent.Kind.PAUSED, now)
    _changed(ticket, "paused")


def sla_resume(ticket: Ticket, now: datetime | None = None) -> None:
    now = now or timezone.now()
    policy = ticket.sla_policy
    calendar = calendar_for(ticket, policy)
    for clock in _live(ticket, SlaClock.State.PAUSED):
        clock.running_since, clock.state = now, SlaClock.State.RUNNING
        _schedule(clock, calendar, policy.warning_percent if policy else 80)
        clock.save()
        _event(clock, SlaEvent.Kind.RESUMED, now)
    _changed(ticket, "resumed")


def sla_meet(ticket: Ticket, target: str, now: datetime | None = None) -> None:
    """The target was reached (a response, a resolution): the clock stops, breached or not."""
    now = now or timezone.now()
    for clock in _live(ticket):
        if clock.target != target:
            continue
        clock.state = SlaClock.State.MET
        clock.running_since, clock.warning_at = None, None
        clock.save()
        _event(clock, SlaEvent.Kind.MET, now)
    _changed(ticket, "met")


def sla_start_next_response(ticket: Ticket, now: datetime | None = None) -> None:
    """The requester wrote after an agent's response: a next-response clock starts."""
    now = now or timezone.now()
    policy = ticket.sla_policy
    if policy is None or not policy.next_response_minutes or ticket.first_responded_at is None:
        return
    if (
        SlaClock.objects.for_tenant(ticket.tenant_id)
        .filter(ticket=ticket, target=SlaTarget.NEXT_RESPONSE, state__in=LIVE)
        .exists()
    ):
        return
    _start_clock(ticket, policy, SlaTarget.NEXT_RESPONSE, calendar_for(ticket, policy), now)
    _changed(ticket, "started")


def sla_cancel(ticket: Ticket, now: datetime | None = None) -> None:
    now = now or timezone.now()
    for clock in _live(ticket):
        clock.state = SlaClock.State.CANCELLED
        clock.running_since, clock.due_at, clock.warning_at = None, None, None
        clock.save()
        _event(clock, SlaEvent.Kind.CANCELLED, now)
    _changed(ticket, "cancelled")


def sla_retarget(ticket: Ticket, now: datetime | None = None) -> None:
    """Priority or department changed: live clocks keep the time they consumed and take the
    targets of the policy that now applies (or stop when it has none)."""
    now = now or timezone.now()
    old_calendar = calendar_for(ticket, ticket.sla_policy)
    policy = policy_for(ticket)
    ticket.sla_policy = policy
    Ticket.objects.for_tenant(ticket.tenant_id).filter(id=ticket.id).update(sla_policy=policy)
    calendar = calendar_for(ticket, policy)
    for clock in _live(ticket):
        minutes = getattr(policy, TARGET_FIELDS[SlaTarget(clock.target)]) if policy else None
        if clock.state == SlaClock.State.RUNNING and clock.running_since is not None:
            clock.consumed_seconds += old_calendar.business_seconds_between(clock.running_since, now)
            clock.running_since = now
        if not minutes:
            clock.state, clock.running_since, clock.due_at, clock.warning_at = (
                SlaClock.State.CANCELLED,
                None,
                None,
                None,
            )
            clock.save()
            _event(clock, SlaEvent.Kind.CANCELLED, now)
            continue
        clock.policy, clock.target_seconds = policy, minutes * 60
        if clock.state == SlaClock.State.RUNNING:
            _schedule(clock, calendar, policy.warning_percent if policy else 80)
        clock.save()
        _event(clock, SlaEvent.Kind.RETARGETED, now)
    _changed(ticket, "retargeted")


# The scan's two passes: warnings first, so a clock past both thresholds logs both, in order.
# (event kind, threshold column, not-yet-marked condition, the marking, whether a ticket's marks
# are announced: a warning only while one of its warned clocks' deadline is still ahead)
_SCAN_PASSES = {
    SlaEvent.Kind.WARNING: ("warning_at", "NOT warned", "warned = true", "coalesce(bool_or(m.due_at > %(now)s), true)"),
    SlaEvent.Kind.BREACHED: ("due_at", "NOT breached", "breached = true, state = 'breached'", "true"),
}


def scan_statement(kind: str, now: datetime, limit: int | None = None) -> tuple[str, dict[str, Any]]:
    """One statement marks up to `limit` (SCAN_BATCH) running clocks past their `kind` threshold, logs an
    SlaEvent for each and returns their tickets (id, tenant, conversation, clocks marked, whether
    to announce them). The candidate read is the partial index range
    (`sla_due_scan` / `sla_warning_scan`); rows another scanner holds are skipped."""
    column, pending, marking, announced = _SCAN_PASSES[SlaEvent.Kind(kind)]
    clocks, events, tickets = SlaClock._meta.db_table, SlaEvent._meta.db_table, Ticket._meta.db_table
    statement = f"""
        WITH due AS (
            SELECT id FROM {clocks}
            WHERE state = 'running' AND {pending} AND {column} <= %(now)s
            LIMIT %(limit)s FOR UPDATE SKIP LOCKED
        ), marked AS (
            UPDATE {clocks} AS c SET {marking}, updated_at = %(now)s FROM due WHERE c.id = due.id
            RETURNING c.tenant_id, c.ticket_id, c.policy_id, c.target, c.due_at
        ), logged AS (
            INSERT INTO {events} (id, created_at, tenant_id, ticket_id, policy_id, kind, target, due_at, occurred_at)
            SELECT gen_random_uuid(), %(now)s, tenant_id, ticket_id, policy_id, %(kind)s, target, due_at, %(now)s
            FROM marked
        )
        SELECT m.ticket_id, m.tenant_id, t.conversation_id, count(*), {announced}
        FROM marked AS m JOIN {tickets} AS t ON t.id = m.ticket_id
        GROUP BY m.ticket_id, m.tenant_id, t.conversation_id"""  # noqa: S608 - table and column names, values bound
    return statement, {"now": now, "limit": limit or SCAN_BATCH, "kind": str(kind)}


def sla_scan(now: datetime | None = None) -> dict[str, int]:
    """Mark due warnings and breaches. Reads only running clocks past a threshold through the
    partial indexes; skips rows another scanner holds; safe to run concurrently and twice.
    Each pass works in batches of up to SCAN_BATCH clocks, one transaction each: one statement
    marks the clocks and logs their events, three queries (plus one per tenant) refresh the
    tickets' and conversations' SLA copies, and one SlaAlerted per tenant goes out on commit.
    The number of queries does not depend on how many clocks a batch holds.

    A clock past both thresholds (a ticket nobody watched while the scan was not running, a
    calendar that jumped a weekend) logs its warning and its breach, but only the breach is
    announced: "close to its deadline" next to "breached" for the same ticket is noise, and the
    breach pass right after this one marks it (or another scanner holding it does)."""
    now = now or timezone.now()
    counts = {"warnings": 0, "breaches": 0}
    for kind in (SlaEvent.Kind.WARNING, SlaEvent.Kind.BREACHED):
        statement, params = scan_statement(kind, now)
        marked = SCAN_BATCH
        while marked == SCAN_BATCH:  # a short batch was the last one
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement, params)
                rows = cursor.fetchall()
                marked = sum(row[3] for row in rows)
                if not rows:
                    break
                _refresh_summaries(
                    {ticket_id: (tenant_id, conversation_id) for ticket_id, tenant_id, conversation_id, *_ in rows}
                )
                by_tenant: dict[Any, list[Any]] = {}
                for ticket_id, tenant_id, _, _, announced in rows:
                    if announced:
                        by_tenant.setdefault(tenant_id, []).append(ticket_id)
                label = "warning" if kind == SlaEvent.Kind.WARNING else "breached"
                # One delivery for the batch: its listeners share the rows they read and their
                # socket frames go out together.
                publish_all(
                    [
                        SlaAlerted(tenant_id=tenant_id, ticket_ids=tuple(ids), kind=label)
                        for tenant_id, ids in by_tenant.items()
                    ]
                )
                counts["warnings" if kind == SlaEvent.Kind.WARNING else "breaches"] += marked
    return counts
