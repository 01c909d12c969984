"""Audit trail writes. Every sensitive service calls `audit_record` inside its transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import models

from atendo.core.models import AuditLog, Tenant, User


@dataclass(frozen=True)
class RequestContext:
    """Where an action came from; views build it from the request, tasks leave it empty."""

    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def from_request(cls, request: Any) -> RequestContext:
        meta = getattr(request, "META", {})
        return cls(ip=meta.get("REMOTE_ADDR") or None, user_agent=meta.get("HTTP_USER_AGENT", "")[:400])


SYSTEM = RequestContext()


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def assign_changed_fields(instance: models.Model, data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """Set the `fields` of `instance` that `data` changes; return `{field: {"from", "to"}}` for
    the audit row (empty when nothing changed, so callers skip the save)."""
    changes: dict[str, Any] = {}
    for name in fields:
        if name in data and data[name] is not None and getattr(instance, name) != data[name]:
            changes[name] = {"from": getattr(instance, name), "to": data[name]}
            setattr(instance, name, data[name])
    return changes


def audit_record(
    *,
    tenant: Tenant | None,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    changes: dict[str, Any] | None = None,
    context: RequestContext = SYSTEM,
) -> AuditLog:
    if target is not None:
        target_type = target_type or target._meta.model_name or ""
        target_id = target_id or str(target.pk)
    return AuditLog.objects.create(
        tenant=tenant,
        actor=actor,
        actor_email=actor.email if actor else "",
        action=action,
        target_type=target_type,
        target_id=target_id,
        changes=_jsonable(changes or {}),
        ip=context.ip,
        user_agent=context.user_agent,
    )
