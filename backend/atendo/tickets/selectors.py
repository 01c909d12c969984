"""Ticket reads: department/team scope applied here, filters, the SLA view of one ticket."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Count, Prefetch, Q, QuerySet

from atendo.core.access import can_on_unit_row, unit_scope
from atendo.core.errors import NotFoundError
from atendo.core.models import TenantUser
from atendo.tickets.models import TRANSITIONS, SlaClock, Ticket, TicketAssignment, TicketComment, TicketStatus


def visible_tickets(member: TenantUser) -> QuerySet[Ticket]:
    qs = Ticket.objects.for_tenant(member.tenant_id)
    scope = unit_scope(member, "ticket.view")
    return qs if scope is None else qs.filter(scope)


@dataclass(frozen=True)
class TicketFilters:
    status: str = ""
    priority: str = ""
    department_id: UUID | None = None
    team_id: UUID | None = None
    assignee_id: UUID | None = None
    unassigned: bool = False
    sla_state: str = ""
    q: str = ""


def ticket_list(*, member: TenantUser, filters: TicketFilters) -> QuerySet[Ticket]:
    qs = visible_tickets(member).select_related("assignee", "requester", "department", "team")
    if filters.status:
        qs = qs.filter(status__in=filters.status.split(","))
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if filters.department_id:
        qs = qs.filter(department_id=filters.department_id)
    if filters.team_id:
        qs = qs.filter(team_id=filters.team_id)
    if filters.assignee_id:
        qs = qs.filter(assignee_id=filters.assignee_id)
    if filters.unassigned:
        qs = qs.filter(assignee__isnull=True)
    if filters.sla_state:
        qs = qs.filter(sla_state=filters.sla_state)
    text = filters.q.strip()
    if text:
        condition = Q(subject__icontains=text) | Q(description__icontains=text) | Q(requester__name__icontains=text)
        if text.lstrip("#").isdigit():
            condition |= Q(number=int(text.lstrip("#")))
        qs = qs.filter(condition)
    return qs


def ticket_status_counts(*, member: TenantUser, filters: TicketFilters) -> dict[str, int]:
    """Tickets per status within the member's scope and the list's filters: one GROUP BY. Every
    status is present (0 when none)."""
    rows = ticket_list(member=member, filters=filters).order_by().values_list("status").annotate(n=Count("id"))
    counts = dict.fromkeys(TicketStatus.values, 0)
    counts.update({status: n for status, n in rows})
    return counts


def allowed_statuses(member: TenantUser, ticket: Ticket) -> list[str]:
    """Where `member` may move `ticket` now: the workflow's next statuses (TRANSITIONS) when they
    may manage it, none otherwise. The rule `ticket_set_status` enforces, in board order; no query
    (the member's grants are read once per request)."""
    if not can_on_unit_row(member, "ticket.manage", ticket):
        return []
    allowed = TRANSITIONS[TicketStatus(ticket.status)]
    return [status for status in TicketStatus.values if status in allowed]


def get_ticket_for(member: TenantUser, ticket_id: UUID) -> Ticket:
    ticket = (
        visible_tickets(member)
        .select_related("assignee", "requester", "department", "team", "sla_policy")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=TicketAssignment.objects.for_tenant(member.tenant_id)
                .select_related("assignee", "assigned_by")
                .order_by("started_at"),
            ),
        )
        .filter(id=ticket_id)
        .first()
    )
    if ticket is None:
        raise NotFoundError()
    return ticket


def ticket_comments(ticket: Ticket) -> QuerySet[TicketComment]:
    return TicketComment.objects.for_tenant(ticket.tenant_id).filter(ticket=ticket).select_related("author")


def ticket_clocks(ticket: Ticket) -> list[SlaClock]:
    return list(SlaClock.objects.for_tenant(ticket.tenant_id).filter(ticket=ticket).order_by("created_at"))
