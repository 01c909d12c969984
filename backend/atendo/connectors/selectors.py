from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from atendo.connectors.models import ChannelAccount, ChannelKind
from atendo.core.errors import NotFoundError
from atendo.core.models import Tenant


def webchat_account_list(*, tenant: Tenant) -> QuerySet[ChannelAccount]:
    return ChannelAccount.objects.for_tenant(tenant).filter(kind=ChannelKind.WEBCHAT)


def get_webchat_account_for(*, tenant: Tenant, account_id: UUID) -> ChannelAccount:
    account = webchat_account_list(tenant=tenant).filter(id=account_id).first()
    if account is None:
        raise NotFoundError()
    return account


def webchat_account_by_token(token: str) -> ChannelAccount | None:
    """Public lookup by widget token (cross-tenant by nature: the token names the tenant)."""
    return (
        ChannelAccount.objects.unscoped()
        .filter(kind=ChannelKind.WEBCHAT, external_id=token[:200], tenant__status="active")
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
