"""Channel connectors (a provider integration with its credentials) and accounts (one phone
number, bot, mailbox or website widget). Connectors speak protocols; they know nothing of
conversations (DESIGN 6.6)."""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.db import models
from django.db.models.functions import Now
from django.utils import timezone

from atendo.core.crypto import EncryptedTextField
from atendo.core.models import UUIDModel
from atendo.core.tenancy import TenantManager, TenantOwnedModel


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
    # New conversations from this account start in this department/team (routing).
    default_department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    default_team = models.ForeignKey(
        "organizations.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Deleted by an admin while conversations still pointed at it: the row stays so their history
    # keeps its channel, but nothing lists, routes to or activates it, and its provider id is free
    # to be connected again.
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["kind", "external_id"],
                condition=models.Q(deleted_at__isnull=True),
                name="account_external_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"


class InboundEvent(models.Model):
    """A provider delivery, stored raw and durably before anything else happens to it.

    Workers claim pending events in batches (atendo.connectors.services.inbound_events_claim):
    a claim counts an attempt and stamps `claimed_at` before any processing, so a worker killed
    mid-batch still used up an attempt, and the sweeper hands its claims back after a grace
    period. A failed attempt waits until `next_attempt_at` (2^n backoff)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        DEAD = "dead", "Dead-lettered"

    id = models.BigAutoField(primary_key=True)
    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+")
    connector = models.ForeignKey(ChannelConnector, on_delete=models.CASCADE, related_name="events")
    event_key = models.CharField(max_length=128)
    body = models.BinaryField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    # Database defaults: the webhook path stores events with one raw INSERT that names neither.
    next_attempt_at = models.DateTimeField(db_default=Now())
    claimed_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["connector", "event_key"], name="inbound_event_unique"),
        ]
        indexes: ClassVar = [
            # Claims and the sweeper read only pending events, in arrival (id) order.
            models.Index(fields=["id"], condition=models.Q(status="pending"), name="inbound_pending_order"),
        ]

    def __str__(self) -> str:
        return f"{self.connector_id}:{self.event_key}"


class DeadLetter(UUIDModel, TenantOwnedModel):
    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(InboundEvent, on_delete=models.CASCADE, related_name="dead_letters")
    error = models.TextField()
    attempts = models.PositiveIntegerField()
    replayed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["tenant", "-created_at"], name="dead_letter_recent")]

    def __str__(self) -> str:
        return f"dead letter {self.id}"


class MailboxState(UUIDModel, TenantOwnedModel):
    """Where the IMAP sync of an e-mail account stands: the folder's UIDVALIDITY and the
    highest UID stored. Advanced only after the mails up to it are stored as events."""

    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+")
    account = models.OneToOneField(ChannelAccount, on_delete=models.CASCADE, related_name="mailbox_state")
    folder = models.CharField(max_length=200, default="INBOX")
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    # A resync after a UIDVALIDITY change reads mail since this day only (not years of history).
    connected_on = models.DateField(default=timezone.localdate)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    failures = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.account_id} {self.folder} {self.uidvalidity}/{self.last_uid}"
