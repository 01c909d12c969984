"""Writes of quick replies. Personal replies are their owner's business; shared ones need
`knowledge.manage` where they apply (see `selectors.can_manage_quick_reply`)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from atendo.core.errors import ApplicationError, PermissionDeniedError
from atendo.core.models import Tenant, TenantUser
from atendo.core.services.audit import SYSTEM, RequestContext, audit_record
from atendo.knowledge.models import QuickReply
from atendo.knowledge.selectors import can_manage_quick_reply
from atendo.organizations.models import Department

TEXT_FIELDS = ("shortcut", "title", "body")


def _ensure_can_manage(actor: TenantUser, owner: TenantUser | None, department: Department | None) -> None:
    if not can_manage_quick_reply(
        actor, personal_owner_id=owner.id if owner else None, department_id=department.id if department else None
    ):
        raise PermissionDeniedError(
            _("Your role does not allow changing shared quick replies here."),
            fields={"permission": ["knowledge.manage"]},
        )


def _is_shortcut_clash(exc: IntegrityError) -> bool:
    return "shortcut_unique" in str(exc)


def _shortcut_taken(*, personal: bool) -> ApplicationError:
    message = (
        _("You already have a personal quick reply with this shortcut.")
        if personal
        else _("A shared quick reply already uses this shortcut.")
    )
    return ApplicationError(message, code="shortcut_taken", fields={"shortcut": [message]})


def _personal_without_department() -> ApplicationError:
    message = _("A personal quick reply is yours alone: it has no department.")
    return ApplicationError(message, code="personal_with_department", fields={"department": [message]})


def quick_reply_create(
    *, tenant: Tenant, actor: TenantUser, data: dict[str, Any], context: RequestContext = SYSTEM
) -> QuickReply:
    """`data`: shortcut, title, body (validated), optional department and `personal`."""
    owner = actor if data.get("personal") else None
    department: Department | None = data.get("department")
    if owner is not None and department is not None:
        raise _personal_without_department()
    _ensure_can_manage(actor, owner, department)
    try:
        with transaction.atomic():
            row = QuickReply.objects.create(
                tenant=tenant,
                owner=owner,
                department=department,
                created_by=actor,
                **{name: data[name] for name in TEXT_FIELDS},
            )
            audit_record(
                tenant=tenant,
                actor=actor.user,
                action="quick_reply.created",
                target=row,
                changes={
                    "shortcut": row.shortcut,
                    "title": row.title,
                    "personal": owner is not None,
                    "department": department,
                },
                context=context,
            )
    except IntegrityError as exc:
        if not _is_shortcut_clash(exc):
            raise
        raise _shortcut_taken(personal=owner is not None) from exc
    return row


def quick_reply_update(
    *,
    tenant: Tenant,
    actor: TenantUser,
    quick_reply: QuickReply,
    data: dict[str, Any],
    context: RequestContext = SYSTEM,
) -> QuickReply:
    """Edits text and scope. Turning a shared reply personal (or back) needs the right to manage
    it both where it is and where it goes."""
    _ensure_can_manage(actor, quick_reply.owner, quick_reply.department)
    owner = quick_reply.owner
    if "personal" in data:
        owner = actor if data["personal"] else None
        if quick_reply.owner is not None and owner is not None:
            owner = quick_reply.owner  # still personal: stays with its owner
    department = data.get("department", quick_reply.department)
    if owner is not None and department is not None:
        if data.get("department") is not None:
            raise _personal_without_department()
        department = None  # made personal: the department scope no longer applies
    _ensure_can_manage(actor, owner, department)

    changes: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if name in data and getattr(quick_reply, name) != data[name]:
            changes[name] = {"from": getattr(quick_reply, name), "to": data[name]}
            setattr(quick_reply, name, data[name])
    if owner != quick_reply.owner:
        changes["personal"] = {"from": quick_reply.owner_id is not None, "to": owner is not None}
        quick_reply.owner = owner
    if department != quick_reply.department:
        changes["department"] = {"from": quick_reply.department_id, "to": department.id if department else None}
        quick_reply.department = department
    if changes:
        try:
            with transaction.atomic():
                quick_reply.save()
                audit_record(
                    tenant=tenant,
                    actor=actor.user,
                    action="quick_reply.updated",
                    target=quick_reply,
                    changes=changes,
                    context=context,
                )
        except IntegrityError as exc:
            if not _is_shortcut_clash(exc):
                raise
            raise _shortcut_taken(personal=owner is not None) from exc
    return quick_reply


def quick_reply_delete(
    *, tenant: Tenant, actor: TenantUser, quick_reply: QuickReply, context: RequestContext = SYSTEM
) -> None:
    _ensure_can_manage(actor, quick_reply.owner, quick_reply.department)
    with transaction.atomic():
        row_id, shortcut, personal = quick_reply.pk, quick_reply.shortcut, quick_reply.personal
        quick_reply.delete()
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="quick_reply.deleted",
            target_type="quickreply",
            target_id=str(row_id),
            changes={"shortcut": shortcut, "personal": personal},
            context=context,
        )


def quick_reply_record_use(*, tenant: Tenant, quick_reply: QuickReply) -> None:
    """An agent inserted the reply: count it for ranking (one UPDATE, no audit: not a change)."""
    QuickReply.objects.for_tenant(tenant).filter(id=quick_reply.id).update(
        use_count=F("use_count") + 1, last_used_at=timezone.now()
    )
