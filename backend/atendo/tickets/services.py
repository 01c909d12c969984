"""Ticket writes: creation with gapless numbers, edits that re-target the SLA, status
transitions that pause/resume/meet it, transfers with history, comments that count as
responses. Each is one transaction that audits and publishes on commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from atendo.contacts.models import Contact
from atendo.core.access import can_in_units, can_somewhere, ensure_can_on_unit_row
from atendo.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from atendo.core.events import publish
from atendo.core.models import Locale, Tenant, TenantUser
from atendo.core.services.audit import SYSTEM, RequestContext, assign_changed_fields, audit_record
from atendo.messaging.models import Conversation
from atendo.organizations.models import Department, Team
from atendo.organizations.services import round_robin_pick
from atendo.tickets import sla
from atendo.tickets.events import TicketChanged, TicketTransferred
from atendo.tickets.models import (
    TRANSITIONS,
    SlaTarget,
    Ticket,
    TicketAssignment,
    TicketComment,
    TicketCounter,
    TicketStatus,
)

EDITABLE_FIELDS = ("subject", "description", "priority", "tags", "custom_fields", "requester")
OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD)


def ensure_can_on_ticket(actor: TenantUser, permission: str, ticket: Ticket) -> None:
    ensure_can_on_unit_row(actor, permission, ticket)


def _next_number(tenant: Tenant) -> int:
    TicketCounter.objects.get_or_create(tenant=tenant)
    counter = TicketCounter.objects.select_for_update().get(tenant=tenant)
    counter.last_number = F("last_number") + 1
    counter.save(update_fields=["last_number"])
    counter.refresh_from_db(fields=["last_number"])
    return int(counter.last_number)


def _system_comment(ticket: Ticket, actor: TenantUser | None, text: str) -> None:
    TicketComment.objects.create(
        tenant_id=ticket.tenant_id, ticket=ticket, author=actor, internal=True, system=True, body=text
    )


def _language(tenant: Tenant) -> str:
    return Locale(tenant.locale).language_code if tenant.locale in Locale.values else "pt-br"


def _auto_assign(ticket: Ticket) -> TenantUser | None:
    if ticket.team is None or not ticket.team.auto_assign or ticket.assignee_id:
        return None
    counts = dict(
        Ticket.objects.for_tenant(ticket.tenant_id)
        .filter(team=ticket.team, status__in=OPEN_STATUSES, assignee__isnull=False)
        .values_list("assignee_id")
        .annotate(n=Count("id"))
    )
    return round_robin_pick(team=ticket.team, open_counts=counts)


def ticket_create(
    *,
    tenant: Tenant,
    actor: TenantUser,
    subject: str,
    description: str = "",
    priority: str = "normal",
    department: Department | None = None,
    team: Team | None = None,
    assignee: TenantUser | None = None,
    requester: Contact | None = None,
    conversation: Conversation | None = None,
    tags: list[str] | None = None,
    custom_fields: dict[str, Any] | None = None,
    context: RequestContext = SYSTEM,
) -> Ticket:
    if not can_in_units(
        actor,
        "ticket.manage",
        [("department", department.id if department else None), ("team", team.id if team else None)],
    ):
        raise PermissionDeniedError(
            _("Your role does not allow this action."), fields={"permission": ["ticket.manage"]}
        )
    if team is not None and department is None:
        department = team.department
    if conversation is not None and requester is None:
        requester = conversation.contact
    now = timezone.now()
    with transaction.atomic():
        ticket = Ticket.objects.create(
            tenant=tenant,
            number=_next_number(tenant),
            subject=subject,
            description=description,
            priority=priority,
            department=department,
            team=team,
            assignee=assignee,
            requester=requester,
            conversation=conversation,
            tags=tags or [],
            custom_fields=custom_fields or {},
        )
        ticket.assignee = ticket.assignee or _auto_assign(ticket)
        if ticket.assignee_id:
            ticket.status = TicketStatus.OPEN
            ticket.save(update_fields=["assignee", "status"])
        TicketAssignment.objects.create(
            tenant=tenant,
            ticket=ticket,
            assignee=ticket.assignee,
            department=department,
            team=team,
            assigned_by=actor,
            reason=_("Created"),
            started_at=now,
        )
        sla.sla_start(ticket, now)
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="ticket.created",
            target=ticket,
            changes={"number": ticket.number, "subject": subject},
            context=context,
        )
        publish(TicketChanged(tenant_id=tenant.id, ticket_id=ticket.id, change="created"))
    return ticket


def ticket_update(
    *, tenant: Tenant, actor: TenantUser, ticket: Ticket, data: dict[str, Any], context: RequestContext = SYSTEM
) -> Ticket:
    ensure_can_on_ticket(actor, "ticket.manage", ticket)
    with transaction.atomic():
        changes = assign_changed_fields(ticket, data, EDITABLE_FIELDS)
        if not changes:
            return ticket
        ticket.save()
        if "priority" in changes:
            sla.sla_retarget(ticket)
        audit_record(
            tenant=tenant, actor=actor.user, action="ticket.updated", target=ticket, changes=changes, context=context
        )
        publish(TicketChanged(tenant_id=tenant.id, ticket_id=ticket.id, change="updated"))
    return ticket


def ticket_set_status(
    *, tenant: Tenant, actor: TenantUser, ticket: Ticket, status: str, context: RequestContext = SYSTEM
) -> Ticket:
    """Move along the allowed transitions. Waiting on the customer (pending) pauses the SLA,
    leaving it resumes; solving meets the resolution target; closing ends every clock."""
    ensure_can_on_ticket(actor, "ticket.manage", ticket)
    previous = ticket.status
    if status == previous:
        return ticket
    if status not in TRANSITIONS[TicketStatus(previous)]:
        raise ConflictError(
            _("A ticket cannot go from %(from)s to %(to)s.")
            % {"from": TicketStatus(previous).label, "to": TicketStatus(status).label},
            code="invalid_transition",
            fields={"status": [", ".join(sorted(TRANSITIONS[TicketStatus(previous)]))]},
        )
    now = timezone.now()
    with transaction.atomic():
        ticket.status = status
        if status == TicketStatus.SOLVED:
            ticket.solved_at = now
        elif status != TicketStatus.CLOSED:
            ticket.solved_at = None
        ticket.save(update_fields=["status", "solved_at", "updated_at"])
        with sla.one_refresh():  # resume + meet + cancel: one summary and conversation sync
            if previous == TicketStatus.PENDING and status in (
                TicketStatus.OPEN,
                TicketStatus.ON_HOLD,
                TicketStatus.NEW,
            ):
                sla.sla_resume(ticket, now)
            if status == TicketStatus.PENDING:
                sla.sla_pause(ticket, now)
            elif status == TicketStatus.SOLVED:
                if previous == TicketStatus.PENDING:
                    sla.sla_resume(ticket, now)
                sla.sla_meet(ticket, SlaTarget.RESOLUTION, now)
                sla.sla_cancel(ticket, now)
            elif status == TicketStatus.CLOSED:
                sla.sla_cancel(ticket, now)
        with translation.override(_language(tenant)):
            _system_comment(
                ticket,
                actor,
                _("%(actor)s changed the status to %(status)s.")
                % {"actor": actor.display_name, "status": TicketStatus(status).label},
            )
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="ticket.status_changed",
            target=ticket,
            changes={"from": previous, "to": status},
            context=context,
        )
        publish(TicketChanged(tenant_id=tenant.id, ticket_id=ticket.id, change="status_changed"))
    return ticket


def ticket_transfer(
    *,
    tenant: Tenant,
    actor: TenantUser,
    ticket: Ticket,
    department: Department | None,
    team: Team | None,
    assignee: TenantUser | None,
    reason: str,
    auto_assign: bool = True,
    context: RequestContext = SYSTEM,
) -> Ticket:
    """Hand the ticket to a department, team and/or agent, or to nobody. The targets were
    resolved inside the tenant by the caller; the actor needs ticket.manage on the ticket as it
    stands, not in the target unit: handing a ticket to the right queue is the point, and the
    actor then sees it only if their scope covers its new place (else it is a 404 to them, like
    any ticket outside their scope). With no `assignee`, `auto_assign` lets the team's round
    robin pick one; without it the ticket stays unassigned (an explicit unassign).
    A transfer that changes nothing writes nothing."""
    ensure_can_on_ticket(actor, "ticket.manage", ticket)
    if team is not None:
        if department is not None and team.department_id != department.id:
            raise ApplicationError(
                _("This team belongs to another department."),
                code="team_outside_department",
                fields={"team": [_("This team belongs to another department.")]},
            )
        department = team.department
    if assignee is not None and (not assignee.is_active or not can_somewhere(assignee, "ticket.manage")):
        raise ApplicationError(
            _("This person cannot take tickets."),
            code="invalid_assignee",
            fields={"assignee": [_("Not an active agent of this workspace.")]},
        )
    now = timezone.now()
    before = {"department": ticket.department_id, "team": ticket.team_id, "assignee": ticket.assignee_id}
    with transaction.atomic():
        unit_changed = department is not None and department.id != ticket.department_id
        if department is not None:
            ticket.department = department
            ticket.team = team
        elif team is not None:
            ticket.team = team
        ticket.assignee = assignee
        if assignee is None and auto_assign:
            ticket.assignee = _auto_assign(ticket)
        if {"department": ticket.department_id, "team": ticket.team_id, "assignee": ticket.assignee_id} == before:
            return ticket
        ticket.save(update_fields=["department", "team", "assignee", "updated_at"])
        TicketAssignment.objects.for_tenant(tenant).filter(ticket=ticket, ended_at__isnull=True).update(ended_at=now)
        TicketAssignment.objects.create(
            tenant=tenant,
            ticket=ticket,
            assignee=ticket.assignee,
            department=ticket.department,
            team=ticket.team,
            assigned_by=actor,
            reason=reason,
            started_at=now,
        )
        if unit_changed:
            sla.sla_retarget(ticket, now)
        unassigned = ticket.assignee_id is None and before["assignee"] is not None
        with translation.override(_language(tenant)):
            if unassigned and not unit_changed and ticket.team_id == before["team"]:
                text = _("%(actor)s unassigned the ticket. %(reason)s")
            else:
                text = _("%(actor)s transferred the ticket. %(reason)s")
            _system_comment(ticket, actor, text % {"actor": actor.display_name, "reason": reason})
        after = {"department": ticket.department_id, "team": ticket.team_id, "assignee": ticket.assignee_id}
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="ticket.transferred",
            target=ticket,
            changes={"from": before, "to": after, "reason": reason},
            context=context,
        )
        publish(
            TicketTransferred(
                tenant_id=tenant.id,
                ticket_id=ticket.id,
                previous_department_id=before["department"],
                previous_team_id=before["team"],
            )
        )
    return ticket


def ticket_comment(
    *,
    tenant: Tenant,
    actor: TenantUser | None,
    ticket: Ticket,
    body: str,
    internal: bool = False,
    by_requester: bool = False,
    context: RequestContext = SYSTEM,
) -> TicketComment:
    """An agent's public comment is a response (meets first/next response); an internal note
    is not. The requester writing on a ticket waiting for them resumes its SLA."""
    if actor is not None:
        ensure_can_on_ticket(actor, "ticket.manage", ticket)
    if not body.strip():
        raise ApplicationError(
            _("A comment needs text."), code="empty_comment", fields={"body": [_("This field is required.")]}
        )
    now = timezone.now()
    with transaction.atomic():
        comment = TicketComment.objects.create(
            tenant=tenant,
            ticket=ticket,
            author=actor,
            body=body,
            internal=internal and not by_requester,
            by_requester=by_requester,
        )
        with sla.one_refresh():  # e.g. resume + next response: one summary and conversation sync
            if by_requester:
                if ticket.status == TicketStatus.PENDING:
                    ticket.status = TicketStatus.OPEN
                    ticket.save(update_fields=["status", "updated_at"])
                    sla.sla_resume(ticket, now)
                sla.sla_start_next_response(ticket, now)
            elif not internal:
                if ticket.first_responded_at is None:
                    ticket.first_responded_at = now
                    ticket.save(update_fields=["first_responded_at", "updated_at"])
                    sla.sla_meet(ticket, SlaTarget.FIRST_RESPONSE, now)
                sla.sla_meet(ticket, SlaTarget.NEXT_RESPONSE, now)
        publish(TicketChanged(tenant_id=tenant.id, ticket_id=ticket.id, change="commented"))
    return comment
