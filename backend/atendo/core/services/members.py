"""Memberships: invitations, role changes, disabling and removal; profile edits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils.translation import gettext as _

from atendo.core.access import ensure_can, forget_grants, member_grants
from atendo.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from atendo.core.events import publish
from atendo.core.models import Role, RoleAssignment, Tenant, TenantUser, User
from atendo.core.permissions import OWNER_ROLE
from atendo.core.ratelimit import rate_limit_hit
from atendo.core.services.audit import SYSTEM, RequestContext, assign_changed_fields, audit_record
from atendo.core.services.events import MemberChanged


@dataclass(frozen=True)
class RoleGrant:
    """A role to hold, optionally limited to an org unit (department or team)."""

    role: Role
    scope_type: str | None = None
    scope_id: UUID | None = None

    def describe(self) -> dict[str, Any]:
        return {"role": self.role.slug, "scope_type": self.scope_type, "scope_id": self.scope_id}


def _ensure_owner(actor: TenantUser) -> None:
    """Granting, revoking or touching the owner role is reserved to owners."""
    if OWNER_ROLE not in member_grants(actor).role_slugs:
        raise PermissionDeniedError(_("Only an owner can change owners."), code="owner_required")


def _active_owner_count(tenant: Tenant) -> int:
    return (
        RoleAssignment.objects.for_tenant(tenant)
        .filter(role__slug=OWNER_ROLE, scope_type__isnull=True, member__status=TenantUser.Status.ACTIVE)
        .values("member")
        .distinct()
        .count()
    )


def _ensure_an_owner_remains(tenant: Tenant) -> None:
    if _active_owner_count(tenant) == 0:
        raise ConflictError(_("A workspace must keep at least one active owner."), code="last_owner")


def _replace_roles(*, tenant: Tenant, member: TenantUser, grants: list[RoleGrant]) -> None:
    RoleAssignment.objects.for_tenant(tenant).filter(member=member).delete()
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(tenant=tenant, member=member, role=g.role, scope_type=g.scope_type, scope_id=g.scope_id)
            for g in grants
        ]
    )
    forget_grants(member)


def member_invite(
    *,
    tenant: Tenant,
    actor: TenantUser,
    email: str,
    grants: list[RoleGrant],
    display_name: str = "",
    context: RequestContext = SYSTEM,
) -> TenantUser:
    """Invite someone by e-mail. A user is created for an unknown address; the invitee gets a
    magic link and the membership becomes active when they use it."""
    from atendo.core.services.auth import magic_link_issue_invite

    ensure_can(actor, "member.invite", tenant)
    if not grants:
        raise ApplicationError(
            _("Give the new member at least one role."),
            code="role_required",
            fields={"roles": [_("This field is required.")]},
        )
    if not member_grants(actor).allows("member.manage") and any(g.role.slug in ("owner", "admin") for g in grants):
        raise PermissionDeniedError(_("Your role cannot grant this role."), code="role_not_grantable")
    if any(g.role.slug == OWNER_ROLE for g in grants):
        _ensure_owner(actor)
    email = email.strip().lower()
    with transaction.atomic():
        user, _created = User.objects.get_or_create(email=email, defaults={"preferred_language": tenant.locale})
        if TenantUser.objects.for_tenant(tenant).filter(user=user).exists():
            raise ConflictError(
                _("This person is already a member."), code="already_member", fields={"email": [_("Already a member.")]}
            )
        member = TenantUser.objects.create(
            tenant=tenant,
            user=user,
            invited_by=actor,
            status=TenantUser.Status.INVITED,
            display_name=display_name or user.name or email.split("@")[0],
        )
        _replace_roles(tenant=tenant, member=member, grants=grants)
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="member.invited",
            target=member,
            changes={"email": email, "roles": [g.describe() for g in grants]},
            context=context,
        )
        magic_link_issue_invite(member=member, ip=context.ip)
        publish(MemberChanged(tenant_id=tenant.id, member_id=member.id, change="invited"))
    return member


def member_resend_invitation(
    *, tenant: Tenant, actor: TenantUser, member: TenantUser, context: RequestContext = SYSTEM
) -> None:
    """Mail a fresh invitation link to someone who has not joined yet."""
    from atendo.core.services.auth import magic_link_issue_invite

    ensure_can(actor, "member.invite", tenant)
    if member.status != TenantUser.Status.INVITED:
        raise ConflictError(_("This person already joined."), code="not_invited")
    rate_limit_hit(key=f"invite-resend:{member.id}", limit=5, window=timedelta(hours=1))
    with transaction.atomic():
        magic_link_issue_invite(member=member, ip=context.ip)
        audit_record(tenant=tenant, actor=actor.user, action="member.invitation_resent", target=member, context=context)


def member_update(
    *,
    tenant: Tenant,
    actor: TenantUser,
    member: TenantUser,
    display_name: str | None = None,
    status: str | None = None,
    grants: list[RoleGrant] | None = None,
    context: RequestContext = SYSTEM,
) -> TenantUser:
    ensure_can(actor, "member.manage", tenant)
    if status == TenantUser.Status.INVITED and member.status != TenantUser.Status.INVITED:
        raise ApplicationError(
            _("A member cannot be set back to invited."),
            code="invalid_status",
            fields={"status": [_("Not allowed.")]},
        )
    with transaction.atomic():
        # Serialise changes to one tenant's memberships so the last-owner check is reliable.
        Tenant.objects.select_for_update().filter(id=tenant.id).first()
        if OWNER_ROLE in member_grants(member).role_slugs or (
            grants and any(g.role.slug == OWNER_ROLE for g in grants)
        ):
            _ensure_owner(actor)
        changes = assign_changed_fields(
            member, {"display_name": display_name, "status": status}, ("display_name", "status")
        )
        member.save(update_fields=["display_name", "status", "updated_at"])
        if grants is not None:
            before = sorted(member_grants(member).role_slugs)
            _replace_roles(tenant=tenant, member=member, grants=grants)
            changes["roles"] = {"from": before, "to": [g.describe() for g in grants]}
        _ensure_an_owner_remains(tenant)
        if changes:
            audit_record(
                tenant=tenant,
                actor=actor.user,
                action="member.updated",
                target=member,
                changes=changes,
                context=context,
            )
            publish(MemberChanged(tenant_id=tenant.id, member_id=member.id, change="updated"))
    return member


def member_remove(*, tenant: Tenant, actor: TenantUser, member: TenantUser, context: RequestContext = SYSTEM) -> None:
    ensure_can(actor, "member.manage", tenant)
    with transaction.atomic():
        Tenant.objects.select_for_update().filter(id=tenant.id).first()
        if OWNER_ROLE in member_grants(member).role_slugs:
            _ensure_owner(actor)
        member_id, email = member.id, member.user.email
        member.delete()
        _ensure_an_owner_remains(tenant)
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="member.removed",
            target_type="tenantuser",
            target_id=str(member_id),
            changes={"email": email},
            context=context,
        )
        publish(MemberChanged(tenant_id=tenant.id, member_id=member_id, change="removed"))


def user_update_profile(
    *,
    user: User,
    name: str | None = None,
    preferred_language: str | None = None,
    context: RequestContext = SYSTEM,
) -> User:
    changes = assign_changed_fields(
        user, {"name": name, "preferred_language": preferred_language}, ("name", "preferred_language")
    )
    if changes:
        with transaction.atomic():
            user.save(update_fields=["name", "preferred_language"])
            audit_record(
                tenant=None, actor=user, action="user.profile_updated", target=user, changes=changes, context=context
            )
    return user
