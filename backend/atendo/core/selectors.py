"""Reads of the core app: tenant first, query counts bounded."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet

from atendo.core.errors import NotFoundError
from atendo.core.models import AuditLog, Role, RoleAssignment, Tenant, TenantDomain, TenantUser, User


def _assignments(tenant_filter: Any = None) -> Prefetch:
    qs = (
        RoleAssignment.objects.unscoped() if tenant_filter is None else RoleAssignment.objects.for_tenant(tenant_filter)
    )
    return Prefetch("role_assignments", queryset=qs.select_related("role").order_by("role__slug"))


def user_memberships(*, user: User) -> list[TenantUser]:
    """Every membership of a user with tenant and roles (two queries). Cross-tenant by nature:
    these are the user's own rows."""
    return list(
        TenantUser.objects.unscoped()
        .filter(user=user)
        .select_related("tenant")
        .prefetch_related(_assignments())
        .order_by("tenant__name")
    )


def tenant_list_for_user(*, user: User) -> QuerySet[Tenant]:
    return Tenant.objects.filter(
        members__user=user, members__status=TenantUser.Status.ACTIVE, status=Tenant.Status.ACTIVE
    )


def domain_list(*, tenant: Tenant) -> QuerySet[TenantDomain]:
    return TenantDomain.objects.for_tenant(tenant)


def member_list(*, tenant: Tenant, status: str | None = None, search: str = "") -> QuerySet[TenantUser]:
    qs = TenantUser.objects.for_tenant(tenant).select_related("user").prefetch_related(_assignments(tenant))
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(Q(user__email__icontains=search) | Q(display_name__icontains=search))
    return qs


def get_member_for(*, tenant: Tenant, member_id: UUID) -> TenantUser:
    member = member_list(tenant=tenant).filter(id=member_id).first()
    if member is None:
        raise NotFoundError()
    return member


def role_list(*, tenant: Tenant) -> QuerySet[Role]:
    return Role.objects.for_tenant(tenant)


def get_role_for(*, tenant: Tenant, role_id: UUID) -> Role:
    role = role_list(tenant=tenant).filter(id=role_id).first()
    if role is None:
        raise NotFoundError()
    return role


def audit_log_list(
    *,
    tenant: Tenant,
    since: datetime | None = None,
    until: datetime | None = None,
    action: str = "",
    actor: UUID | None = None,
    target_type: str = "",
    target_id: str = "",
) -> QuerySet[AuditLog]:
    qs = AuditLog.objects.for_tenant(tenant)
    if since:
        qs = qs.filter(created_at__gte=since)
    if until:
        qs = qs.filter(created_at__lt=until)
    if action:
        qs = qs.filter(action__startswith=action) if action.endswith(".") else qs.filter(action=action)
    if actor:
        qs = qs.filter(actor_id=actor)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=target_id)
    return qs
