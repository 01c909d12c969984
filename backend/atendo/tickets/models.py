"""Tickets, their assignment history, comments, and SLA clocks with their event log."""

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
from atendo.messaging.models import Priority


class TicketStatus(models.TextChoices):
    NEW = "new", _("new")
    OPEN = "open", _("open")
    PENDING = "pending", _("pending")
    ON_HOLD = "on_hold", _("on hold")
    SOLVED = "solved", _("solved")
    CLOSED = "closed", _("closed")


# Allowed moves (the board explains refused ones). Closed is final; solved can reopen.
TRANSITIONS: dict[str, frozenset[str]] = {
    TicketStatus.NEW: frozenset({TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD, TicketStatus.SOLVED}),
    TicketStatus.OPEN: frozenset({TicketStatus.PENDING, TicketStatus.ON_HOLD, TicketStatus.SOLVED}),
    TicketStatus.PENDING: frozenset({TicketStatus.OPEN, TicketStatus.ON_HOLD, TicketStatus.SOLVED}),
    TicketStatus.ON_HOLD: frozenset({TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.SOLVED}),
    TicketStatus.SOLVED: frozenset({TicketStatus.OPEN, TicketStatus.CLOSED}),
    TicketStatus.CLOSED: frozenset(),
}


# One concept, one name: tickets and conversations share the priority scale.
TicketPriority = Priority


class TicketCounter(models.Model):
    """The last ticket number of a tenant. Incremented inside the creating transaction under a
    row lock, so numbers are consecutive and a rolled-back creation leaves no gap."""

    tenant = models.OneToOneField("core.Tenant", on_delete=models.CASCADE, primary_key=True, related_name="+")
    last_number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.tenant_id}: {self.last_number}"


class Ticket(UUIDModel, TenantOwnedModel):
    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+")
    number = models.PositiveBigIntegerField()
    subject = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    status = models.CharField(max_length=8, choices=TicketStatus.choices, default=TicketStatus.NEW)
    priority = models.CharField(max_length=8, choices=TicketPriority.choices, default=TicketPriority.NORMAL)
    department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey("organizations.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    assignee = models.ForeignKey("core.TenantUser", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requester = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    conversation = models.ForeignKey(
        "messaging.Conversation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    custom_fields = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    sla_policy = models.ForeignKey(
        "organizations.SlaPolicy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Denormalised from the SLA clocks for lists and the board.
    sla_state = models.CharField(max_length=10, blank=True, default="")  # "" | ok | warning | breached | paused | met
    next_due_at = models.DateTimeField(null=True, blank=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["tenant", "number"], name="ticket_number_unique")]
        indexes: ClassVar = [
            models.Index(fields=["tenant", "status", "-updated_at", "-id"], name="ticket_status"),
            models.Index(fields=["tenant", "department", "status", "-updated_at"], name="ticket_dept"),
            models.Index(fields=["tenant", "team", "status", "-updated_at"], name="ticket_team"),
            models.Index(fields=["tenant", "assignee", "status", "-updated_at"], name="ticket_assignee"),
            models.Index(fields=["tenant", "sla_state", "-updated_at"], name="ticket_sla_state"),
            GinIndex(fields=["tags"], name="ticket_tags"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"


class TicketAssignment(UUIDModel, TenantOwnedModel):
    """Who held a ticket, from when to when, who handed it over and why."""

    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="assignments")
    assignee = models.ForeignKey("core.TenantUser", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey("organizations.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    assigned_by = models.ForeignKey(
        "core.TenantUser", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=2000, blank=True, default="")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["ticket", "-started_at"], name="ticket_assignment_history")]

    def __str__(self) -> str:
        return f"{self.ticket_id} -> {self.assignee_id}"


class TicketComment(UUIDModel, TenantOwnedModel):
    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("core.TenantUser", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by_requester = models.BooleanField(default=False)
    internal = models.BooleanField(default=False)  # an internal note: not a response to the requester
    system = models.BooleanField(default=False)
    body = models.TextField()

    class Meta:
        indexes: ClassVar = [models.Index(fields=["ticket", "created_at"], name="ticket_comment_timeline")]

    def __str__(self) -> str:
        return f"comment {self.id}"


class SlaTarget(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("first response")
    NEXT_RESPONSE = "next_response", _("next response")
    RESOLUTION = "resolution", _("resolution")


class SlaClock(UUIDModel, TenantOwnedModel):
    """One running target of a ticket. Business time consumed so far is kept in seconds;
    while running, `due_at` and `warning_at` are absolute instants the scan compares to now."""

    class State(models.TextChoices):
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused"
        MET = "met", "Met"
        BREACHED = "breached", "Breached"
        CANCELLED = "cancelled", "Cancelled"

    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_clocks")
    policy = models.ForeignKey("organizations.SlaPolicy", null=True, on_delete=models.SET_NULL, related_name="+")
    target = models.CharField(max_length=16, choices=SlaTarget.choices)
    target_seconds = models.PositiveIntegerField()
    consumed_seconds = models.PositiveIntegerField(default=0)
    running_since = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    warning_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    warned = models.BooleanField(default=False)
    breached = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["ticket", "target"],
                condition=Q(state__in=["running", "paused"]),
                name="one_live_clock_per_target",
            ),
        ]
        indexes: ClassVar = [
            # The scan reads only running clocks whose next threshold has passed.
            models.Index(fields=["due_at"], condition=Q(state="running", breached=False), name="sla_due_scan"),
            models.Index(fields=["warning_at"], condition=Q(state="running", warned=False), name="sla_warning_scan"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.target} {self.state}"


class SlaEvent(UUIDModel, TenantOwnedModel):
    class Kind(models.TextChoices):
        STARTED = "started", "Started"
        PAUSED = "paused", "Paused"
        RESUMED = "resumed", "Resumed"
        WARNING = "warning", "Warning"
        BREACHED = "breached", "Breached"
        MET = "met", "Met"
        CANCELLED = "cancelled", "Cancelled"
        RETARGETED = "retargeted", "Re-targeted"

    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_events")
    policy = models.ForeignKey("organizations.SlaPolicy", null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    target = models.CharField(max_length=16, choices=SlaTarget.choices)
    due_at = models.DateTimeField(null=True, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["ticket", "occurred_at"], name="sla_event_timeline")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.target} {self.kind}"
