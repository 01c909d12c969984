"""Reads of departments, teams and SLA policies; department scope applies to teams."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet

from atendo.core.access import member_grants
from atendo.core.errors import NotFoundError
from atendo.core.models import ScopeType, TenantUser
from atendo.organizations.models import Department, SlaPolicy, Team, TeamMember


def department_list(*, member: TenantUser, active: bool | None = None) -> QuerySet[Department]:
    """Every department of the tenant: members transfer work across departments."""
    qs = Department.objects.for_tenant(member.tenant_id)
    return qs if active is None else qs.filter(active=active)


def visible_teams(member: TenantUser) -> QuerySet[Team]:
    """All teams for members who work tenant-wide; for a member scoped to departments or
    teams, the teams of their departments and their own teams."""
    qs = Team.objects.for_tenant(member.tenant_id)
    grants = member_grants(member)
    if any(grants.allows(p) for p in ("conversation.view", "ticket.view", "department.manage")):
        return qs
    departments = [sid for kind, sid in grants.scoped if kind == ScopeType.DEPARTMENT]
    teams = [sid for kind, sid in grants.scoped if kind == ScopeType.TEAM]
    return qs.filter(Q(department_id__in=departments) | Q(id__in=teams))


def team_list(*, member: TenantUser, department_id: UUID | None = None) -> QuerySet[Team]:
    qs = (
        visible_teams(member)
        .select_related("department")
        .prefetch_related(
            Prefetch("memberships", queryset=TeamMember.objects.for_tenant(member.tenant_id).select_related("member"))
        )
    )
    return qs.filter(department_id=department_id) if department_id else qs


def get_department_for(member: TenantUser, department_id: UUID) -> Department:
    row = department_list(member=member).filter(id=department_id).first()
    if row is None:
        raise NotFoundError()
    return row


def get_team_for(member: TenantUser, team_id: UUID) -> Team:
    row = team_list(member=member).filter(id=team_id).first()
    if row is None:
        raise NotFoundError()
    return row


def sla_policy_list(*, member: TenantUser) -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.for_tenant(member.tenant_id).select_related("department")


def get_sla_policy_for(member: TenantUser, policy_id: UUID) -> SlaPolicy:
    row = sla_policy_list(member=member).filter(id=policy_id).first()
    if row is None:
        raise NotFoundError()
    return row
