"""Builders for messaging tests: web chat accounts, visitors and conversations in a tenant."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.utils import timezone

from atendo.connectors.models import ChannelAccount, ChannelConnector, ChannelKind
from atendo.connectors.services import WEBCHAT_DEFAULTS
from atendo.contacts.models import Contact, ContactIdentity
from atendo.core.models import Tenant, TenantUser
from atendo.messaging.models import Conversation, Message
from atendo.organizations.models import Department


def department(tenant: Tenant, name: str = "Suporte") -> Department:
    return Department.objects.for_tenant(tenant).get_or_create(tenant=tenant, name=name)[0]


def webchat_account(tenant: Tenant, **settings: Any) -> ChannelAccount:
    connector = ChannelConnector.objects.create(tenant=tenant, kind=ChannelKind.WEBCHAT, name="Site")
    return ChannelAccount.objects.create(
        tenant=tenant,
        connector=connector,
        kind=ChannelKind.WEBCHAT,
        name="Site",
        external_id=secrets.token_urlsafe(12),
        status=ChannelAccount.Status.ACTIVE,
        settings={**WEBCHAT_DEFAULTS, **settings},
        secret="identity-secret-" + tenant.slug,
    )


def contact(tenant: Tenant, name: str = "Maria", email: str | None = None) -> Contact:
    person = Contact.objects.create(tenant=tenant, name=name)
    if email:
        ContactIdentity.objects.create(tenant=tenant, contact=person, kind="email", value=email)
    return person


def conversation(tenant: Tenant, account: ChannelAccount | None = None, **fields: Any) -> Conversation:
    account = account or webchat_account(tenant)
    person = fields.pop("contact", None) or contact(tenant)
    return Conversation.objects.create(tenant=tenant, account=account, contact=person, **fields)


def inbound(conv: Conversation, body: str = "Olá") -> Message:
    return Message.objects.create(
        tenant_id=conv.tenant_id, conversation=conv, account_id=conv.account_id, direction="in", kind="text", body=body
    )


def read_media_reply(conv: Conversation, author: TenantUser) -> Message:
    """An agent's media message with every optional field set (delivery times, metadata,
    client id): what tests comparing a renderer to the serializers want to cover."""
    now = timezone.now()
    return Message.objects.create(
        tenant_id=conv.tenant_id,
        conversation=conv,
        account_id=conv.account_id,
        direction="out",
        kind="media",
        author=author,
        body="Segue",
        client_id="c-1",
        delivery_status="read",
        metadata={"reactions": {"5511": "👍"}, "n": 1},
        sent_at=now,
        delivered_at=now + timedelta(seconds=1),
        read_at=now + timedelta(microseconds=5),
    )
