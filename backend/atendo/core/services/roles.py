"""Custom roles: named permission sets a tenant defines beside the built-in ones."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from atendo.core.access import ensure_can
from atendo.core.errors import ApplicationError, ConflictError
from atendo.core.models import Role, RoleAssignment, Tenant, TenantUser
from atendo.core.permissions import ALL_PERMISSIONS
from atendo.core.services.audit import SYSTEM, RequestContext, assign_changed_fields, audit_record


def _clean_permissions(permissions: list[str]) -> list[str]:
    unknown = sorted(set(permissions) - ALL_PERMISSIONS)
    if unknown:
        raise ApplicationError(
            _("Unknown permissions: %(names)s.") % {"names": ", ".join(unknown)},
            code="unknown_permission",
            fields={"permissions": [_("Unknown permissions: %(names)s.") % {"names": ", ".join(unknown)}]},
        )
    return sorted(set(permissions))


def _ensure_custom(role: Role) -> None:
    if role.is_builtin:
        raise ApplicationError(_("Built-in roles cannot be changed."), code="builtin_role")


def role_create(
    *,
    tenant: Tenant,
    actor: TenantUser,
    name: str,
    permissions: list[str],
    description: str = "",
    context: RequestContext = SYSTEM,
) -> Role:
    ensure_can(actor, "role.manage", tenant)
    slug = slugify(name)[:63]
    if not slug:
        raise ApplicationError(_("Give the role a name."), code="invalid", fields={"name": [_("Invalid name.")]})
    try:
        with transaction.atomic():
            role = Role.objects.create(
                tenant=tenant,
                slug=slug,
                name=name,
                description=description,
                permissions=_clean_permissions(permissions),
            )
            audit_record(
                tenant=tenant,
                actor=actor.user,
                action="role.created",
                target=role,
                changes={"name": name, "permissions": role.permissions},
                context=context,
            )
    except IntegrityError as exc:
        raise ConflictError(
            _("A role with this name exists."), code="role_exists", fields={"name": [_("Already taken.")]}
        ) from exc
    return role


def role_update(
    *, tenant: Tenant, actor: TenantUser, role: Role, data: dict[str, Any], context: RequestContext = SYSTEM
) -> Role:
    ensure_can(actor, "role.manage", tenant)
    _ensure_custom(role)
    if "permissions" in data:
        data = {**data, "permissions": _clean_permissions(data["permissions"])}
    changes = assign_changed_fields(role, data, ("name", "description", "permissions"))
    if changes:
        with transaction.atomic():
            role.save(update_fields=list(changes))
            audit_record(
                tenant=tenant, actor=actor.user, action="role.updated", target=role, changes=changes, context=context
            )
    return role


def role_delete(*, tenant: Tenant, actor: TenantUser, role: Role, context: RequestContext = SYSTEM) -> None:
    ensure_can(actor, "role.manage", tenant)
    _ensure_custom(role)
    with transaction.atomic():
        if RoleAssignment.objects.for_tenant(tenant).filter(role=role).exists():
            raise ConflictError(_("Members still hold this role; give them another role first."), code="role_in_use")
        role_id, name = role.id, role.name
        role.delete()
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="role.deleted",
            target_type="role",
            target_id=str(role_id),
            changes={"name": name},
            context=context,
        )
