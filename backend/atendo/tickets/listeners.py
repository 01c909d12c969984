"""Ticket listeners: the live ticket board (scoped like the ticket list)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Q
from django.utils.translation import gettext as _

from atendo.core.events import listens_to
from atendo.core.models import RoleAssignment, Tenant, TenantUser
from atendo.core.realtime import groups
from atendo.core.realtime.broadcast import send_payload
from atendo.core.services.notifications import Notice, notify_many
from atendo.tickets.events import SlaAlerted, SlaChanged, TicketChanged, TicketTransferred
from atendo.tickets.models import Ticket
from atendo.tickets.serializers import TicketSerializer


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
    tickets = _ticket_rows(event.tenant_id, event.ticket_ids)
    # many=True builds the serializer's fields once for the lot (per instance it is ~2 ms).
    for ticket, data in zip(tickets, TicketSerializer(tickets, many=True).data, strict=True):
        names = [groups.board(ticket.tenant_id), *_unit_groups(ticket.tenant_id, ticket.department_id, ticket.team_id)]
        if ticket.assignee_id:
            names.append(groups.member(ticket.tenant_id, ticket.assignee_id))
        for name in names:
            per_group.setdefault(name, []).append(data)
    for name, frames in per_group.items():
        send_payload(
            {"event": "sla.alerted", "tenant_id": str(event.tenant_id), "kind": event.kind, "tickets": frames}, name
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
    tickets = _ticket_rows(event.tenant_id, event.ticket_ids)
    if not tickets or event.tenant_id is None:
        return
    everywhere, by_department = _supervisors_by_department(
        event.tenant_id, {t.department_id for t in tickets if t.department_id}
    )

    def notice(ticket: Ticket) -> Notice:
        def render() -> tuple[str, str]:
            if event.kind == "warning":
                title = _("Ticket #%(number)s is close to its SLA deadline") % {"number": ticket.number}
            else:
                title = _("Ticket #%(number)s breached its SLA") % {"number": ticket.number}
            return title, ticket.subject

        people = everywhere + by_department.get(ticket.department_id, [])
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
