"""Writes of departments, teams (and their agents) and SLA policies; round-robin assignment."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atendo.core.access import ensure_can
from atendo.core.errors import ConflictError
from atendo.core.models import Tenant, TenantUser
from atendo.core.realtime.presence import online_member_ids
from atendo.core.services.audit import SYSTEM, RequestContext, assign_changed_fields, audit_record
from atendo.organizations.models import Department, SlaPolicy, Team, TeamMember

DEPARTMENT_FIELDS = ("name", "description", "business_hours", "default_sla_policy", "active")
TEAM_FIELDS = ("name", "department", "auto_assign", "max_open_per_agent")
SLA_FIELDS = (
    "name",
    "department",
    "priority",
    "first_response_minutes",
    "next_response_minutes",
    "resolution_minutes",
    "calendar_minutes",
    "warning_percent",
    "active",
)


def _unique_name_error(exc: IntegrityError) -> ConflictError:
    return ConflictError(_("This name is already used."), code="name_taken", fields={"name": [_("Already taken.")]})


def _create(
    model: type[Any], *, tenant: Tenant, actor: TenantUser, action: str, data: dict[str, Any], context: RequestContext
) -> Any:
    ensure_can(actor, "department.manage", tenant)
    try:
        with transaction.atomic():
            row = model.objects.create(tenant=tenant, **data)
            audit_record(
                tenant=tenant,
                actor=actor.user,
                action=action,
                target=row,
                changes={k: v for k, v in data.items()},
                context=context,
            )
    except IntegrityError as exc:
        raise _unique_name_error(exc) from exc
    return row


def _update(
    row: Any,
    *,
    tenant: Tenant,
    actor: TenantUser,
    action: str,
    data: dict[str, Any],
    fields: tuple[str, ...],
    context: RequestContext,
) -> Any:
    ensure_can(actor, "department.manage", tenant)
    changes = assign_changed_fields(row, data, fields)
    if changes:
        try:
            with transaction.atomic():
                row.save()
                audit_record(
                    tenant=tenant, actor=actor.user, action=action, target=row, changes=changes, context=context
                )
        except IntegrityError as exc:
            raise _unique_name_error(exc) from exc
    return row


def department_create(
    *, tenant: Tenant, actor: TenantUser, data: dict[str, Any], context: RequestContext = SYSTEM
) -> Department:
    department: Department = _create(
        Department, tenant=tenant, actor=actor, action="department.created", data=data, context=context
    )
    return department


def department_update(
    *, tenant: Tenant, actor: TenantUser, department: Department, data: dict[str, Any], context: RequestContext = SYSTEM
) -> Department:
    return _update(
        department,
        tenant=tenant,
        actor=actor,
        action="department.updated",
        data=data,
        fields=DEPARTMENT_FIELDS,
        context=context,
    )


def team_create(*, tenant: Tenant, actor: TenantUser, data: dict[str, Any], context: RequestContext = SYSTEM) -> Team:
    team: Team = _create(Team, tenant=tenant, actor=actor, action="team.created", data=data, context=context)
    return team


def team_update(
    *, tenant: Tenant, actor: TenantUser, team: Team, data: dict[str, Any], context: RequestContext = SYSTEM
) -> Team:
    return _update(
        team, tenant=tenant, actor=actor, action="team.updated", data=data, fields=TEAM_FIELDS, context=context
    )


def sla_policy_create(
    *, tenant: Tenant, actor: TenantUser, data: dict[str, Any], context: RequestContext = SYSTEM
) -> SlaPolicy:
    policy: SlaPolicy = _create(
        SlaPolicy, tenant=tenant, actor=actor, action="sla_policy.created", data=data, context=context
    )
    return policy


def sla_policy_update(
    *, tenant: Tenant, actor: TenantUser, policy: SlaPolicy, data: dict[str, Any], context: RequestContext = SYSTEM
) -> SlaPolicy:
    return _update(
        policy, tenant=tenant, actor=actor, action="sla_policy.updated", data=data, fields=SLA_FIELDS, context=context
    )


def org_unit_delete(
    *, tenant: Tenant, actor: TenantUser, row: Department | Team | SlaPolicy, context: RequestContext = SYSTEM
) -> None:
    """Departments and teams are deactivated by PATCH; DELETE removes one that nothing uses."""
    ensure_can(actor, "department.manage", tenant)
    kind = row._meta.model_name or "row"
    with transaction.atomic():
        row_id, name = row.pk, row.name
        try:
            with transaction.atomic():
                row.delete()
        except IntegrityError as exc:
            raise ConflictError(_("Still in use; deactivate it instead."), code="in_use") from exc
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action=f"{kind}.deleted",
            target_type=kind,
            target_id=str(row_id),
            changes={"name": name},
            context=context,
        )


def team_member_add(
    *, tenant: Tenant, actor: TenantUser, team: Team, member: TenantUser, context: RequestContext = SYSTEM
) -> TeamMember:
    ensure_can(actor, "department.manage", tenant)
    with transaction.atomic():
        row, created = TeamMember.objects.for_tenant(tenant).get_or_create(tenant=tenant, team=team, member=member)
        if created:
            audit_record(
                tenant=tenant,
                actor=actor.user,
                action="team.member_added",
                target=team,
                changes={"member": member.id},
                context=context,
            )
    return row


def team_member_remove(
    *, tenant: Tenant, actor: TenantUser, team: Team, member: TenantUser, context: RequestContext = SYSTEM
) -> None:
    ensure_can(actor, "department.manage", tenant)
    with transaction.atomic():
        deleted, _rows = TeamMember.objects.for_tenant(tenant).filter(team=team, member=member).delete()
        if deleted:
            audit_record(
                tenant=tenant,
                actor=actor.user,
                action="team.member_removed",
                target=team,
                changes={"member": member.id},
                context=context,
            )


def round_robin_pick(*, team: Team, open_counts: dict[Any, int]) -> TenantUser | None:
    """The online agent of `team` who waited longest for work and is under the team's capacity.
    Concurrent callers never pick the same row (`FOR UPDATE SKIP LOCKED`); the pick's
    `last_assigned_at` moves to now in the same transaction. Call inside a transaction.
    `open_counts` maps member id -> open items the caller counts (tickets or conversations)."""
    online = online_member_ids(team.tenant_id)
    candidates = (
        TeamMember.objects.for_tenant(team.tenant_id)
        .filter(team=team, member__status=TenantUser.Status.ACTIVE, member_id__in=list(online))
        .select_related("member")
        .order_by("last_assigned_at")
        .select_for_update(skip_locked=True, of=("self",))
    )
    for row in candidates:
        if open_counts.get(row.member_id, 0) < team.max_open_per_agent:
            row.last_assigned_at = timezone.now()
            row.save(update_fields=["last_assigned_at"])
            return row.member
    return None
