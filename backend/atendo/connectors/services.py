"""Channel account writes. Web chat accounts are created whole (connector + account) because
a widget has no provider credentials to set up first."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction

from atendo.connectors.models import ChannelAccount, ChannelConnector, ChannelKind
from atendo.core.access import ensure_can
from atendo.core.models import Tenant, TenantUser
from atendo.core.services.audit import SYSTEM, RequestContext, audit_record

WEBCHAT_DEFAULTS: dict[str, Any] = {
    "allowed_origins": [],
    "primary_color": "#128C7E",
    "greeting": "",
    "prechat_fields": [],
    "require_identity": False,
}


def webchat_account_create(
    *, tenant: Tenant, actor: TenantUser, name: str, settings: dict[str, Any], context: RequestContext = SYSTEM
) -> ChannelAccount:
    ensure_can(actor, "channel.manage", tenant)
    with transaction.atomic():
        connector = ChannelConnector.objects.create(tenant=tenant, kind=ChannelKind.WEBCHAT, name=name)
        account = ChannelAccount.objects.create(
            tenant=tenant,
            connector=connector,
            kind=ChannelKind.WEBCHAT,
            name=name,
            external_id=secrets.token_urlsafe(18),
            status=ChannelAccount.Status.ACTIVE,
            settings={**WEBCHAT_DEFAULTS, **settings},
            secret=secrets.token_urlsafe(32),
        )
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="channel.webchat_created",
            target=account,
            changes={"name": name, "settings": account.settings},
            context=context,
        )
    return account


def webchat_account_update(
    *,
    tenant: Tenant,
    actor: TenantUser,
    account: ChannelAccount,
    name: str | None = None,
    settings: dict[str, Any] | None = None,
    status: str | None = None,
    rotate_secret: bool = False,
    context: RequestContext = SYSTEM,
) -> ChannelAccount:
    ensure_can(actor, "channel.manage", tenant)
    changes: dict[str, Any] = {}
    if name is not None and name != account.name:
        changes["name"] = {"from": account.name, "to": name}
        account.name = name
    if settings is not None:
        merged = {**account.settings, **settings}
        if merged != account.settings:
            changes["settings"] = {"from": account.settings, "to": merged}
            account.settings = merged
    if status is not None and status != account.status:
        changes["status"] = {"from": account.status, "to": status}
        account.status = status
    if rotate_secret:
        account.secret = secrets.token_urlsafe(32)
        changes["secret"] = "rotated"  # noqa: S105 - an audit note, not a secret
    if changes:
        with transaction.atomic():
            account.save()
            audit_record(
                tenant=tenant,
                actor=actor.user,
                action="channel.webchat_updated",
                target=account,
                changes=changes,
                context=context,
            )
    return account
