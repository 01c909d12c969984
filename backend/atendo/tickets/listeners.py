"""Ticket listeners: the live ticket board (scoped like the ticket list)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Q
from django.utils.translation import gettext as _

from atendo.core.events import listens_to
from atendo.core.models import RoleAssignment, TenantUser
from atendo.core.realtime import groups
from atendo.core.realtime.broadcast import send_payload
from atendo.core.services.notifications import notify
from atendo.tickets.events import SlaChanged, TicketChanged, TicketTransferred
from atendo.tickets.models import Ticket
from atendo.tickets.serializers import TicketSerializer


def _unit_groups(tenant_id: Any, department_id: UUID | None, team_id: UUID | None) -> list[str]:
    names = []
    if department_id:
        names.append(groups.board_unit(tenant_id, "department", department_id))
    if team_id:
        names.append(groups.board_unit(tenant_id, "team", team_id))
    return names


def _broadcast(event_name: str, tenant_id: Any, ticket_id: UUID, extra: dict[str, Any] | None = None) -> Ticket | None:
    ticket = (
        Ticket.objects.for_tenant(tenant_id)
        .filter(id=ticket_id)
        .select_related("assignee", "requester", "department", "team")
        .first()
    )
    if ticket is None:
        return None
    names = [groups.board(tenant_id), *_unit_groups(tenant_id, ticket.department_id, ticket.team_id)]
    if ticket.assignee_id:
        names.append(groups.member(tenant_id, ticket.assignee_id))
    send_payload(
        {"event": event_name, "tenant_id": str(tenant_id), "ticket": TicketSerializer(ticket).data, **(extra or {})},
        *names,
    )
    return ticket


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
    _broadcast(
        f"sla.{event.kind}" if event.kind in ("warning", "breached") else "sla.changed",
        event.tenant_id,
        event.ticket_id,
        {"kind": event.kind},
    )


def _sla_recipients(ticket: Ticket) -> list[TenantUser]:
    """The assignee and the supervisors of the ticket's department (or tenant-wide ones)."""
    scope = Q(scope_type__isnull=True) | Q(scope_type="department", scope_id=ticket.department_id)
    supervisors = (
        TenantUser.objects.for_tenant(ticket.tenant_id)
        .filter(
            status=TenantUser.Status.ACTIVE,
            id__in=RoleAssignment.objects.for_tenant(ticket.tenant_id)
            .filter(scope, role__slug="supervisor")
            .values("member_id"),
        )
        .select_related("user")
    )
    people = list(supervisors)
    if ticket.assignee is not None:
        people.append(ticket.assignee)
    return people


@listens_to(SlaChanged)
def notify_sla_warning_or_breach(event: SlaChanged) -> None:
    if event.kind not in ("warning", "breached"):
        return
    ticket = (
        Ticket.objects.for_tenant(event.tenant_id)
        .filter(id=event.ticket_id)
        .select_related("tenant", "assignee__user")
        .first()
    )
    if ticket is None:
        return

    def render() -> tuple[str, str]:
        if event.kind == "warning":
            title = _("Ticket #%(number)s is close to its SLA deadline") % {"number": ticket.number}
        else:
            title = _("Ticket #%(number)s breached its SLA") % {"number": ticket.number}
        return title, ticket.subject

    notify(
        tenant=ticket.tenant,
        recipients=_sla_recipients(ticket),
        kind=f"sla.{event.kind}",
        render=render,
        data={"ticket_id": str(ticket.id), "number": ticket.number},
        email=True,
    )
