"""Ticket listeners: the live ticket board (scoped like the ticket list)."""

from __future__ import annotations

from typing import Any, NamedTuple
from uuid import UUID

from django.db.models import Q
from django.utils.translation import gettext as _

from atendo.contacts.models import Contact
from atendo.core.db import as_rows
from atendo.core.events import dispatch_memo, listens_to
from atendo.core.models import RoleAssignment, Tenant, TenantUser
from atendo.core.realtime import groups
from atendo.core.realtime.broadcast import send_payload, send_payloads
from atendo.core.services.notifications import Notice, notify_many
from atendo.organizations.models import Department, Team
from atendo.tickets.events import SlaAlerted, SlaChanged, TicketChanged, TicketTransferred
from atendo.tickets.models import Ticket
from atendo.tickets.serializers import TICKET_ROW_FIELDS, TicketSerializer, ticket_row_frames


def _unit_groups(tenant_id: Any, department_id: UUID | None, team_id: UUID | None) -> list[str]:
    names = []
    if department_id:
        names.append(groups.board_unit(tenant_id, "department", department_id))
    if team_id:
        names.append(groups.board_unit(tenant_id, "team", team_id))
    return names


def _ticket_rows(tenant_id: Any, ticket_ids: Any) -> list[Ticket]:
    return list(
        Ticket.objects.for_tenant(tenant_id)
        .filter(id__in=ticket_ids)
        .select_related("assignee__user", "requester", "department", "team")
    )


class AlertedTicket(NamedTuple):
    """What the board and the notices of an SLA alert read of a ticket (ids as UUIDs or text)."""

    id: Any
    tenant_id: Any
    number: int
    subject: str
    department_id: Any
    team_id: Any
    assignee_id: Any
    assignee: TenantUser | None


def _alerted_tickets(tenant_id: Any, ticket_ids: Any) -> list[tuple[AlertedTicket, dict[str, Any]]]:
    """The tickets of an SLA alert with their frames (JSON-ready). The tickets are read as rows
    (as the inbox reads conversations: `core.db.RowIterable`), not model instances: a scan batch holds a
    thousand. They mostly share a few assignees, departments and teams: each is read once (five
    queries in all, whatever the number of tickets)."""
    rows = list(as_rows(Ticket.objects.for_tenant(tenant_id).filter(id__in=ticket_ids).values(*TICKET_ROW_FIELDS)))
    related: dict[str, dict[str, Any]] = {}
    for field, model_rows in (
        ("assignee", TenantUser.objects.for_tenant(tenant_id).select_related("user")),
        ("requester", Contact.objects.for_tenant(tenant_id)),
        ("department", Department.objects.for_tenant(tenant_id)),
        ("team", Team.objects.for_tenant(tenant_id)),
    ):
        wanted = {row[f"{field}_id"] for row in rows} - {None}
        related[field] = {str(row.id): row for row in model_rows.filter(id__in=wanted)} if wanted else {}
    assignees = related["assignee"]
    tickets = [
        AlertedTicket(
            row["id"],
            row["tenant_id"],
            row["number"],
            row["subject"],
            row["department_id"],
            row["team_id"],
            row["assignee_id"],
            None if row["assignee_id"] is None else assignees.get(str(row["assignee_id"])),
        )
        for row in rows
    ]
    return list(zip(tickets, ticket_row_frames(rows, related), strict=True))


# dispatch_memo() key: an SlaAlerted delivery's tickets and their frames, read and rendered once
# for the board and the notifications.
ALERTED_MEMO = "tickets.sla_alerted"
ALERTED_FRAME_TICKETS = 500


def _alerted_rows(event: SlaAlerted) -> list[tuple[AlertedTicket, dict[str, Any]]]:
    """The event's tickets with their frames (JSON-ready). Within one publish_all delivery (a
    scan batch) the first listener reads and renders them and the next one reuses them."""
    memo = dispatch_memo()
    cache: dict[int, list[tuple[AlertedTicket, dict[str, Any]]]] = (
        {} if memo is None else memo.setdefault(ALERTED_MEMO, {})
    )
    if id(event) not in cache:
        cache[id(event)] = _alerted_tickets(event.tenant_id, event.ticket_ids)
    return cache[id(event)]


def _send_ticket(event_name: str, ticket: Ticket, extra: dict[str, Any] | None = None) -> None:
    tenant_id = ticket.tenant_id
    names = [groups.board(tenant_id), *_unit_groups(tenant_id, ticket.department_id, ticket.team_id)]
    if ticket.assignee_id:
        names.append(groups.member(tenant_id, ticket.assignee_id))
    send_payload(
        {"event": event_name, "tenant_id": str(tenant_id), "ticket": TicketSerializer(ticket).data, **(extra or {})},
        *names,
    )


def _broadcast(event_name: str, tenant_id: Any, ticket_id: UUID, extra: dict[str, Any] | None = None) -> Ticket | None:
    rows = _ticket_rows(tenant_id, [ticket_id])
    if not rows:
        return None
    _send_ticket(event_name, rows[0], extra)
    return rows[0]


@listens_to(TicketChanged)
def board_ticket_changed(event: TicketChanged) -> None:
    _broadcast("ticket.changed", event.tenant_id, event.ticket_id, {"change": event.change})


@listens_to(TicketTransferred)
def board_ticket_transferred(event: TicketTransferred) -> None:
    ticket = _broadcast("ticket.transferred", event.tenant_id, event.ticket_id)
    if ticket is None:
        return
    # Boards of the units the ticket left drop its card.
    left = set(_unit_groups(event.tenant_id, event.previous_department_id, event.previous_team_id)) - set(
        _unit_groups(event.tenant_id, ticket.department_id, ticket.team_id)
    )
    if left:
        send_payload({"event": "ticket.removed", "tenant_id": str(event.tenant_id), "ticket_id": str(ticket.id)}, *left)


@listens_to(SlaChanged)
def board_sla_changed(event: SlaChanged) -> None:
    _broadcast("sla.changed", event.tenant_id, event.ticket_id, {"kind": event.kind})


@listens_to(SlaAlerted)
def board_sla_alerted(event: SlaAlerted) -> None:
    """One `sla.alerted` frame per group with all of that group's tickets (a scan batch may
    hold hundreds): a board applies them at once, and the channel layer sends a few frames."""
    per_group: dict[str, list[dict[str, Any]]] = {}
    for ticket, data in _alerted_rows(event):
        names = [groups.board(ticket.tenant_id), *_unit_groups(ticket.tenant_id, ticket.department_id, ticket.team_id)]
        if ticket.assignee_id:
            names.append(groups.member(ticket.tenant_id, ticket.assignee_id))
        for name in names:
            per_group.setdefault(name, []).append(data)
    header = {"event": "sla.alerted", "tenant_id": str(event.tenant_id), "kind": event.kind}
    # At most ALERTED_FRAME_TICKETS a frame, as when scan batches were that size: a socket frame
    # stays a few hundred kilobytes (a group's frames still go in one channel-layer message).
    send_payloads(
        {
            name: [
                {**header, "tickets": frames[start : start + ALERTED_FRAME_TICKETS]}
                for start in range(0, len(frames), ALERTED_FRAME_TICKETS)
            ]
            for name, frames in per_group.items()
        }
    )


def _supervisors_by_department(tenant_id: Any, department_ids: set[Any]) -> tuple[list[TenantUser], dict[Any, list]]:
    """Tenant-wide supervisors, and those scoped to each department: one query."""
    assignments = (
        RoleAssignment.objects.for_tenant(tenant_id)
        .filter(
            Q(scope_type__isnull=True) | Q(scope_type="department", scope_id__in=department_ids),
            role__slug="supervisor",
            member__status=TenantUser.Status.ACTIVE,
        )
        .select_related("member__user")
    )
    everywhere: list[TenantUser] = []
    by_department: dict[Any, list[TenantUser]] = {}
    for assignment in assignments:
        if assignment.scope_type is None:
            everywhere.append(assignment.member)
        else:
            by_department.setdefault(assignment.scope_id, []).append(assignment.member)
    return everywhere, by_department


@listens_to(SlaAlerted)
def notify_sla_alerts(event: SlaAlerted) -> None:
    """The assignee and the supervisors of the ticket's department (or tenant-wide ones), in
    their language, in-app and by e-mail."""
    tickets = [ticket for ticket, _frame in _alerted_rows(event)]
    if not tickets or event.tenant_id is None:
        return
    everywhere, scoped = _supervisors_by_department(
        event.tenant_id, {t.department_id for t in tickets if t.department_id}
    )
    by_department = {str(department_id): people for department_id, people in scoped.items()}  # row ids may be text

    def notice(ticket: AlertedTicket) -> Notice:
        def render() -> tuple[str, str]:
            if event.kind == "warning":
                title = _("Ticket #%(number)s is close to its SLA deadline") % {"number": ticket.number}
            else:
                title = _("Ticket #%(number)s breached its SLA") % {"number": ticket.number}
            return title, ticket.subject

        people = everywhere + by_department.get(str(ticket.department_id), [])
        if ticket.assignee is not None:
            people = [*people, ticket.assignee]
        return Notice(
            recipients=people,
            kind=f"sla.{event.kind}",
            render=render,
            data={"ticket_id": str(ticket.id), "number": ticket.number},
        )

    tenant = Tenant.objects.get(id=event.tenant_id)
    notify_many(tenant=tenant, notices=[notice(t) for t in tickets], email=True)
