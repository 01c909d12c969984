from __future__ import annotations

import time
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from atendo.connectors.models import ChannelAccount, ChannelConnector, ChannelKind
from atendo.core.errors import NotFoundError
from atendo.core.models import Tenant


def webchat_account_list(*, tenant: Tenant) -> QuerySet[ChannelAccount]:
    """The tenant's web chats, deleted ones left out."""
    return ChannelAccount.objects.for_tenant(tenant).filter(kind=ChannelKind.WEBCHAT, deleted_at__isnull=True)


def get_webchat_account_for(*, tenant: Tenant, account_id: UUID) -> ChannelAccount:
    account = webchat_account_list(tenant=tenant).filter(id=account_id).first()
    if account is None:
        raise NotFoundError()
    return account


def webchat_account_by_token(token: str) -> ChannelAccount | None:
    """Public lookup by widget token (cross-tenant by nature: the token names the tenant)."""
    return (
        ChannelAccount.objects.unscoped()
        .filter(kind=ChannelKind.WEBCHAT, external_id=token[:200], tenant__status="active", deleted_at__isnull=True)
        .select_related("tenant")
        .first()
    )


def account_list(*, tenant: Tenant) -> QuerySet[ChannelAccount]:
    """WhatsApp, Telegram and e-mail accounts (web chats have their own list), deleted ones left out."""
    return ChannelAccount.objects.for_tenant(tenant).exclude(kind=ChannelKind.WEBCHAT).filter(deleted_at__isnull=True)


def get_account_for(*, tenant: Tenant, account_id: UUID) -> ChannelAccount:
    account = account_list(tenant=tenant).select_related("connector").filter(id=account_id).first()
    if account is None:
        raise NotFoundError()
    return account


# --- ingestion routing, cached per process -------------------------------------------------------
# Every batch of stored events needs its connectors and their accounts (with tenants): two queries
# that cost ~13 % of a drain task (profiled) for rows that hardly ever change. Kept per worker
# process for INGESTION_ROUTES_CACHE_SECONDS, like the webhook fast path's connector cache: a
# save or delete of a connector, account or tenant forgets them at once in its own process (and
# again at its commit); other processes see the change within that many seconds. Deleted
# connectors are not cached (looked up again each time, and dead-lettered).
_routes: dict[UUID, tuple[float, ChannelConnector, list[ChannelAccount]]] = {}  # id -> (loaded, ...)


def ingestion_routes(
    connector_ids: set[UUID],
) -> tuple[dict[UUID, ChannelConnector], dict[UUID, list[ChannelAccount]]]:
    """The connectors of `connector_ids` that exist and their live accounts (tenant attached),
    oldest first. Cross-tenant by nature: the caller checks each event's tenant."""
    now = time.monotonic()
    keep = settings.INGESTION_ROUTES_CACHE_SECONDS
    connectors: dict[UUID, ChannelConnector] = {}
    accounts: dict[UUID, list[ChannelAccount]] = {}
    missing: set[UUID] = set()
    for connector_id in connector_ids:
        hit = _routes.get(connector_id)
        if hit is not None and now - hit[0] < keep:
            connectors[connector_id], accounts[connector_id] = hit[1], hit[2]
        else:
            missing.add(connector_id)
    if not missing:
        return connectors, accounts
    loaded = {c.id: c for c in ChannelConnector.objects.unscoped().filter(id__in=missing)}
    fresh: dict[UUID, list[ChannelAccount]] = {connector_id: [] for connector_id in loaded}
    for account in (
        ChannelAccount.objects.unscoped()
        .filter(connector_id__in=list(loaded), deleted_at__isnull=True)  # deleted: kept for history only
        .select_related("tenant")
        .order_by("created_at")
    ):
        fresh[account.connector_id].append(account)
    for connector_id, connector in loaded.items():
        if keep > 0:
            _routes[connector_id] = (now, connector, fresh[connector_id])
        connectors[connector_id], accounts[connector_id] = connector, fresh[connector_id]
    return connectors, accounts


def forget_ingestion_routes(**_kwargs: Any) -> None:
    _routes.clear()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_routes.clear)  # a read before the commit saw the old rows


for _model in (ChannelConnector, ChannelAccount, Tenant):
    post_save.connect(forget_ingestion_routes, sender=_model, dispatch_uid=f"ingestion-routes-save-{_model.__name__}")
    post_delete.connect(
        forget_ingestion_routes, sender=_model, dispatch_uid=f"ingestion-routes-delete-{_model.__name__}"
    )
