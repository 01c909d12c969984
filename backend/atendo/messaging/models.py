"""Conversations, messages, attachments and participants."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atendo.core.models import UUIDModel
from atendo.core.tenancy import TenantOwnedModel


class ConversationStatus(models.TextChoices):
    OPEN = "open", _("open")
    PENDING = "pending", _("pending")
    SNOOZED = "snoozed", _("snoozed")
    RESOLVED = "resolved", _("resolved")


class Priority(models.TextChoices):
    """Shared by conversations and tickets."""

    LOW = "low", _("low")
    NORMAL = "normal", _("normal")
    HIGH = "high", _("high")
    URGENT = "urgent", _("urgent")


UNRESOLVED = (ConversationStatus.OPEN, ConversationStatus.PENDING, ConversationStatus.SNOOZED)


class Conversation(UUIDModel, TenantOwnedModel):
    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey("connectors.ChannelAccount", on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey("contacts.Contact", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=ConversationStatus.choices, default=ConversationStatus.OPEN)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    assignee = models.ForeignKey("core.TenantUser", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey("organizations.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    last_message_preview = models.CharField(max_length=200, blank=True, default="")
    last_message_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    unread_count = models.PositiveIntegerField(default=0)  # contact messages no agent has read
    contact_unread_count = models.PositiveIntegerField(default=0)  # agent replies the contact has not read
    snoozed_until = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # The most urgent SLA of the conversation's open tickets, copied here by the tickets app so
    # the inbox list renders its countdown without a join: "" | ok | warning | breached | paused.
    sla_state = models.CharField(max_length=10, blank=True, default="")
    sla_due_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            # Never two unresolved conversations for one contact on one account (race-proof).
            models.UniqueConstraint(
                fields=["account", "contact"],
                condition=Q(status__in=["open", "pending", "snoozed"]),
                name="one_unresolved_conversation_per_contact_account",
            ),
        ]
        indexes: ClassVar = [
            # One index per inbox filter shape; all end in the list order (activity, id).
            models.Index(fields=["tenant", "-last_activity_at", "-id"], name="conv_all"),
            models.Index(fields=["tenant", "status", "-last_activity_at", "-id"], name="conv_status"),
            models.Index(fields=["tenant", "assignee", "status", "-last_activity_at", "-id"], name="conv_assignee"),
            # "Mine" with any status (the one above is in order within one status only).
            models.Index(fields=["tenant", "assignee", "-last_activity_at", "-id"], name="conv_assignee_recent"),
            # "Unassigned": IS NULL is no equality to the planner, so conv_assignee cannot give
            # these rows in order; a partial index (a tenth of the rows) can.
            models.Index(
                fields=["tenant", "status", "-last_activity_at", "-id"],
                condition=Q(assignee__isnull=True),
                name="conv_unassigned",
            ),
            models.Index(fields=["tenant", "department", "status", "-last_activity_at", "-id"], name="conv_dept"),
            models.Index(fields=["tenant", "team", "status", "-last_activity_at", "-id"], name="conv_team"),
            models.Index(fields=["tenant", "account", "status", "-last_activity_at", "-id"], name="conv_account"),
            models.Index(fields=["tenant", "contact", "-last_activity_at"], name="conv_contact"),
            GinIndex(fields=["tags"], name="conv_tags"),
        ]

    def __str__(self) -> str:
        return f"conversation {self.id}"


class MessageDirection(models.TextChoices):
    IN = "in", "From the contact"
    OUT = "out", "To the contact"


class MessageKind(models.TextChoices):
    TEXT = "text", "Text"
    MEDIA = "media", "Media"
    SYSTEM = "system", "System event"
    NOTE = "note", "Private note"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    READ = "read", "Read"
    FAILED = "failed", "Failed"


# Receipts only move a message forward; a late "sent" never undoes "read".
DELIVERY_RANK = {
    DeliveryStatus.QUEUED: 0,
    DeliveryStatus.SENT: 1,
    DeliveryStatus.DELIVERED: 2,
    DeliveryStatus.READ: 3,
    DeliveryStatus.FAILED: 4,
}


class Message(UUIDModel, TenantOwnedModel):
    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    account = models.ForeignKey("connectors.ChannelAccount", on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=3, choices=MessageDirection.choices)
    kind = models.CharField(max_length=8, choices=MessageKind.choices, default=MessageKind.TEXT)
    author = models.ForeignKey("core.TenantUser", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(blank=True, default="")
    provider_message_id = models.CharField(max_length=200, null=True, blank=True)
    client_id = models.CharField(max_length=64, null=True, blank=True)
    delivery_status = models.CharField(max_length=10, choices=DeliveryStatus.choices, null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True, default="")
    error_message = models.CharField(max_length=500, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["account", "provider_message_id"],
                condition=Q(provider_message_id__isnull=False),
                name="message_provider_id_unique",
            ),
            # A client retrying a send (same client_id) never creates a second message.
            models.UniqueConstraint(
                fields=["conversation", "client_id"],
                condition=Q(client_id__isnull=False),
                name="message_client_id_unique",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["conversation", "-created_at", "-id"], name="message_timeline")]

    def __str__(self) -> str:
        return f"{self.direction} {self.kind} {self.id}"


class MessageAttachment(UUIDModel, TenantOwnedModel):
    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    storage_key = models.CharField(max_length=500)
    name = models.CharField(max_length=255)
    mime = models.CharField(max_length=120)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Scan(models.TextChoices):
        NOT_SCANNED = "not_scanned", "Not scanned (no antivirus configured)"
        PENDING = "pending", "Waiting for the antivirus"
        CLEAN = "clean", "Clean"
        INFECTED = "infected", "Infected (quarantined)"

    scan_status = models.CharField(max_length=12, choices=Scan.choices, default=Scan.NOT_SCANNED)
    scan_signature = models.CharField(max_length=200, blank=True, default="")

    def __str__(self) -> str:
        return self.name


class ConversationParticipant(UUIDModel, TenantOwnedModel):
    class Role(models.TextChoices):
        FOLLOWER = "follower", "Follower"
        COLLABORATOR = "collaborator", "Collaborator"

    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey("core.TenantUser", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.FOLLOWER)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["conversation", "member"], name="one_participation_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.role}"


class WidgetSession(UUIDModel, TenantOwnedModel):
    """A web chat visitor's opaque session (the widget keeps the token in localStorage)."""

    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey("connectors.ChannelAccount", on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey("contacts.Contact", on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    identity_verified = models.BooleanField(default=False)
    last_seen_at = models.DateTimeField(default=timezone.now)
    user_agent = models.CharField(max_length=400, blank=True, default="")

    def __str__(self) -> str:
        return f"widget session {self.id}"
