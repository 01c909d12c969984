"""Who may do what: role permissions (optionally scoped to an org unit) and guardian grants.

`ensure_can(member, permission)` is the single check every view (declaratively) and every
service (explicitly, for object-level rules) goes through.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections, models
from django.db.models import Q
from django.utils.translation import gettext as _
from guardian.core import ObjectPermissionChecker

from atendo.core.db import execute_prepared
from atendo.core.errors import PermissionDeniedError
from atendo.core.models import RoleAssignment, ScopeType, Tenant, TenantUser, User


@dataclass(frozen=True)
class MemberGrants:
    """The permissions a membership holds: tenant-wide, and per org unit (type, id)."""

    tenant_wide: frozenset[str]
    scoped: dict[tuple[str, UUID], frozenset[str]] = field(default_factory=dict)
    role_slugs: frozenset[str] = frozenset()

    def allows(self, permission: str, scope: tuple[str, UUID] | None = None) -> bool:
        if permission in self.tenant_wide:
            return True
        return scope is not None and permission in self.scoped.get(scope, frozenset())

    def scopes_with(self, permission: str) -> list[tuple[str, UUID]]:
        """Org units in which the member holds `permission` (for scoped list filters)."""
        return [scope for scope, perms in self.scoped.items() if permission in perms]


# (role slug, role permissions, scope type, scope id) of one role assignment.
AssignmentRow = tuple[str, Iterable[str], str | None, UUID | None]


def _grants_from(rows: Iterable[AssignmentRow]) -> MemberGrants:
    tenant_wide: set[str] = set()
    scoped: dict[tuple[str, UUID], set[str]] = {}
    slugs: set[str] = set()
    for slug, permissions, scope_type, scope_id in rows:
        if scope_type is None or scope_id is None:
            tenant_wide.update(permissions)
            slugs.add(slug)
        else:
            scoped.setdefault((scope_type, scope_id), set()).update(permissions)
    return MemberGrants(
        tenant_wide=frozenset(tenant_wide),
        scoped={k: frozenset(v) for k, v in scoped.items()},
        role_slugs=frozenset(slugs),
    )


def member_grants(member: TenantUser) -> MemberGrants:
    """One query; memoised on the membership instance for the rest of the request."""
    cached: MemberGrants | None = getattr(member, "_grants", None)
    if cached is not None:
        return cached
    rows = (
        RoleAssignment.objects.for_tenant(member.tenant_id)
        .filter(member=member)
        .values_list("role__slug", "role__permissions", "scope_type", "scope_id")
    )
    grants = _grants_from(rows)
    member._grants = grants  # type: ignore[attr-defined]
    return grants


# --- The access of one request, in one statement -------------------------------------------
# Every tenant-scoped API request needs the signed-in user, the tenant it names, the caller's
# active membership there and its role grants. Read through the ORM that was four queries whose
# SQL compilation cost more than PostgreSQL's execution; here it is one prepared statement (parsed
# and planned once per connection). Nothing is cached: a disabled member, a removed role or a
# suspended tenant is seen by the very next request.


def _columns(model: type[models.Model], alias: str) -> str:
    return ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)


def _access_sql(tenant: str) -> str:
    # Only our own constant fragments and the models' column names are formatted in.
    return f"""SELECT {_columns(User, "u")}, {_columns(Tenant, "t")}, {_columns(TenantUser, "m")},
  (SELECT coalesce(json_agg(json_build_array(r.slug, r.permissions, ra.scope_type, ra.scope_id)), '[]')
     FROM core_roleassignment ra JOIN core_role r ON r.id = ra.role_id
    WHERE ra.tenant_id = m.tenant_id AND ra.member_id = m.id)
FROM core_user u
LEFT JOIN core_tenant t ON t.id = ({tenant}) AND t.status = 'active'
LEFT JOIN core_tenantuser m ON m.tenant_id = t.id AND m.user_id = u.id AND m.status = 'active'
WHERE u.id = %s"""  # noqa: S608


# `tenancy.resolve_tenant_from_request`'s rule: the active tenant owning the host's verified domain,
# else the one with the `X-Tenant` slug.
_ACCESS_BY_HOST_OR_SLUG = _access_sql(
    """SELECT coalesce(
      (SELECT d.tenant_id FROM core_tenantdomain d JOIN core_tenant dt ON dt.id = d.tenant_id
        WHERE d.hostname = %s AND d.is_verified AND dt.status = 'active'),
      (SELECT s.id FROM core_tenant s WHERE s.slug = %s))"""
)
_ACCESS_BY_ID = _access_sql("%s")


def _fetch_access_row(sql: str, params: list[Any]) -> tuple[Any, ...] | None:
    """`execute_prepared`, with this statement as the connection's health check: with
    CONN_HEALTH_CHECKS Django runs a `SELECT 1` before a request's first statement (a round trip
    as long as this query). A persistent connection that died meanwhile fails this read-only
    statement instead; it is then replaced and the statement run again, as the check would have."""
    db: Any = connections[DEFAULT_DB_ALIAS]  # (the health-check attributes are not in the stubs)
    if db.connection is None or not db.health_check_enabled or db.health_check_done or db.in_atomic_block:
        return execute_prepared(sql, params)
    db.health_check_done = True
    try:
        return execute_prepared(sql, params)
    except (OperationalError, InterfaceError):
        if db.is_usable():
            raise
        db.close()
    return execute_prepared(sql, params)


def _instance(model: type[models.Model], values: tuple[Any, ...]) -> Any:
    """A model instance from a full row of its concrete columns (as a queryset would build it:
    these models' columns need no database converters)."""
    return model.from_db("default", [field.attname for field in model._meta.concrete_fields], values)


def _uuid(value: Any) -> UUID | None:
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError:
        return None


@dataclass(frozen=True)
class RequestAccess:
    """The user of a token and, when the named tenant is active, that tenant and the user's
    active membership there (its user and tenant set, its grants memoised)."""

    user: User | None
    tenant: Tenant | None
    member: TenantUser | None


def load_request_access(
    user_id: Any, *, hostname: str = "", tenant_slug: str | None = None, tenant_id: Any = None
) -> RequestAccess:
    """The user `user_id`, the active tenant a request names (the one owning the verified domain
    `hostname`, else the one with `tenant_slug`; or the one with `tenant_id`), the user's active
    membership there and its grants: one query. Missing pieces are None (no user: no such user)."""
    user_uuid = _uuid(user_id)
    params: list[Any]
    if tenant_id is not None:
        sql, params = _ACCESS_BY_ID, [_uuid(tenant_id), user_uuid]
    else:
        sql, params = _ACCESS_BY_HOST_OR_SLUG, [hostname, tenant_slug, user_uuid]
    row = _fetch_access_row(sql, params) if user_uuid is not None else None
    if row is None:
        return RequestAccess(None, None, None)
    n_user, n_tenant = len(User._meta.concrete_fields), len(Tenant._meta.concrete_fields)
    user = _instance(User, row[:n_user])
    tenant_values = row[n_user : n_user + n_tenant]
    if tenant_values[0] is None:
        return RequestAccess(user, None, None)
    tenant = _instance(Tenant, tenant_values)
    member_values = row[n_user + n_tenant : -1]
    if member_values[0] is None:
        return RequestAccess(user, tenant, None)
    member = _instance(TenantUser, member_values)
    member.user = user
    member.tenant = tenant
    grants = row[-1]
    if isinstance(grants, (str, bytes)):
        grants = json.loads(grants)
    member._grants = _grants_from(
        (slug, permissions or (), scope_type, UUID(scope_id) if scope_id else None)
        for slug, permissions, scope_type, scope_id in grants
    )
    return RequestAccess(user, tenant, member)


def effective_grants(member: TenantUser, assignments: Iterable[RoleAssignment]) -> MemberGrants:
    """What `can`/`can_in_units` decide from, for a membership whose role assignments (with their
    roles) were already read, e.g. prefetched for a list of memberships: no query. An inactive
    membership holds nothing, as `can` says."""
    if not member.is_active:
        return MemberGrants(tenant_wide=frozenset())
    return _grants_from((a.role.slug, a.role.permissions, a.scope_type, a.scope_id) for a in assignments)


def unit_scope(member: TenantUser, permission: str) -> Q | None:
    """None when `permission` is held tenant-wide; otherwise the rows of the member's
    departments and teams, and those assigned to them. For models with `department`, `team`
    and `assignee` foreign keys (conversations, tickets)."""
    grants = member_grants(member)
    if grants.allows(permission):
        return None
    scopes = grants.scopes_with(permission)
    departments = [scope_id for kind, scope_id in scopes if kind == ScopeType.DEPARTMENT]
    teams = [scope_id for kind, scope_id in scopes if kind == ScopeType.TEAM]
    return Q(department_id__in=departments) | Q(team_id__in=teams) | Q(assignee=member)


def can_on_unit_row(member: TenantUser, permission: str, row: Any) -> bool:
    """For a row with department, team and assignee (a conversation, a ticket): tenant-wide
    holders, holders in its department or team, and its assignee (wherever their grant lies)."""
    if row.assignee_id == member.id and can_somewhere(member, permission):
        return True
    return can_in_units(member, permission, [("department", row.department_id), ("team", row.team_id)])


def ensure_can_on_unit_row(actor: TenantUser, permission: str, row: Any) -> None:
    if not can_on_unit_row(actor, permission, row):
        raise PermissionDeniedError(_("Your role does not allow this action."), fields={"permission": [permission]})


def unit_groups(
    member: TenantUser, permission: str, tenant_wide: str, per_unit: Callable[[str, UUID], str]
) -> list[str]:
    """Realtime groups mirroring `unit_scope`: the tenant-wide group or the member's units'."""
    grants = member_grants(member)
    names = [tenant_wide] if grants.allows(permission) else []
    names += [
        per_unit(kind, scope_id)
        for kind, scope_id in grants.scopes_with(permission)
        if kind in (ScopeType.DEPARTMENT, ScopeType.TEAM)
    ]
    return names


def forget_grants(member: TenantUser) -> None:
    if hasattr(member, "_grants"):
        del member._grants


def _object_action(permission: str) -> str:
    return "view" if permission.endswith(".view") else "change"


def can(member: TenantUser, permission: str, obj: models.Model | None = None) -> bool:
    if not member.is_active:
        return False
    if member_grants(member).allows(permission):
        return True
    if obj is None:
        return False
    # Object-level grants (django-guardian): e.g. "change_tenant" on one tenant row.
    codename = f"{_object_action(permission)}_{obj._meta.model_name}"
    return ObjectPermissionChecker(member.user).has_perm(codename, obj)


def can_somewhere(member: TenantUser, permission: str) -> bool:
    """Holds `permission` tenant-wide or in at least one org unit (the declarative view check;
    selectors and services then narrow to the units)."""
    grants = member_grants(member)
    return member.is_active and (grants.allows(permission) or bool(grants.scopes_with(permission)))


def can_in_units(member: TenantUser, permission: str, units: list[tuple[str, UUID | None]]) -> bool:
    grants = member_grants(member)
    return member.is_active and (
        grants.allows(permission)
        or any(unit_id and grants.allows(permission, (kind, unit_id)) for kind, unit_id in units)
    )


def ensure_can_in_units(member: TenantUser, permission: str, units: list[tuple[str, UUID | None]]) -> None:
    if not can_in_units(member, permission, units):
        raise PermissionDeniedError(_("Your role does not allow this action."), fields={"permission": [permission]})


def ensure_can(member: TenantUser, permission: str, obj: models.Model | None = None) -> None:
    if not can(member, permission, obj):
        raise PermissionDeniedError(_("Your role does not allow this action."), fields={"permission": [permission]})
