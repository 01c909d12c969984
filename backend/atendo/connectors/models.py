"""Channel connectors (a provider integration with its credentials) and accounts (one phone
number, bot, mailbox or website widget). Connectors speak protocols; they know nothing of
conversations (DESIGN 6.6)."""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.db import models

from atendo.core.crypto import EncryptedTextField
from atendo.core.models import UUIDModel
from atendo.core.tenancy import TenantOwnedModel


class ChannelKind(models.TextChoices):
    WHATSAPP = "whatsapp", "WhatsApp"
    TELEGRAM = "telegram", "Telegram"
    EMAIL = "email", "E-mail"
    WEBCHAT = "webchat", "Web chat"


def new_public_key() -> str:
    return secrets.token_urlsafe(18)


class ChannelConnector(UUIDModel, TenantOwnedModel):
    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=ChannelKind.choices)
    name = models.CharField(max_length=120)
    credentials = EncryptedTextField(blank=True, default="")
    webhook_key = models.CharField(max_length=40, unique=True, default=new_public_key)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"


class ChannelAccount(UUIDModel, TenantOwnedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACTIVE = "active", "Active"
        DISABLED = "disabled", "Disabled"
        ERROR = "error", "Error"

    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+")
    connector = models.ForeignKey(ChannelConnector, on_delete=models.CASCADE, related_name="accounts")
    kind = models.CharField(max_length=16, choices=ChannelKind.choices)
    name = models.CharField(max_length=120)
    # The provider-side identity: WhatsApp phone number id, Telegram bot id, mailbox address,
    # or the public widget token of a web chat.
    external_id = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    last_error = models.TextField(blank=True, default="")
    settings = models.JSONField(default=dict, blank=True)
    # Web chat: the key a tenant's site signs visitor identifiers with (HMAC-SHA256).
    secret = EncryptedTextField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind", "external_id"], name="account_external_id_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"
