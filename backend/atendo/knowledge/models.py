"""Quick replies: canned answers an agent inserts by typing `/shortcut` in the composer.

A reply is *shared* (`owner` null: the whole tenant, or one department when `department` is
set) or *personal* (`owner` set: only that member sees it). The body may hold placeholders the
web app fills in when inserting it (see `PLACEHOLDERS`).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from atendo.core.models import UUIDModel
from atendo.core.tenancy import TenantOwnedModel

SHORTCUT_MAX_LENGTH = 32
# What may follow the `/`: lowercase ASCII letters and digits, then also `-` and `_`. No spaces
# (a space ends the token being typed) and no accents (agents type them inconsistently).
SHORTCUT_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
TITLE_MAX_LENGTH = 120
BODY_MAX_LENGTH = 4000

# Placeholders the web app substitutes when it inserts a reply (frontend
# src/shared/quickReplies/placeholders.ts); unknown ones stay visible so the agent notices.
PLACEHOLDERS = (
    "{{contact.name}}",
    "{{contact.first_name}}",
    "{{agent.name}}",
    "{{agent.first_name}}",
)


class QuickReply(UUIDModel, TenantOwnedModel):
    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+")
    shortcut = models.CharField(max_length=SHORTCUT_MAX_LENGTH)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    body = models.TextField()
    # Shared replies only: null = every member of the tenant; else members working in it.
    # Department-specific answers go with their department.
    department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Personal replies: visible to this member only; they go with the membership.
    owner = models.ForeignKey(
        "core.TenantUser", null=True, blank=True, on_delete=models.CASCADE, related_name="quick_replies"
    )
    created_by = models.ForeignKey(
        "core.TenantUser", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Ranks suggestions: the replies a team really uses come first.
    use_count = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["tenant", "shortcut"],
                condition=models.Q(owner__isnull=True),
                name="quick_reply_shared_shortcut_unique",
            ),
            models.UniqueConstraint(
                fields=["tenant", "owner", "shortcut"],
                condition=models.Q(owner__isnull=False),
                name="quick_reply_personal_shortcut_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(shortcut__regex=SHORTCUT_PATTERN), name="quick_reply_shortcut_format"
            ),
            models.CheckConstraint(
                condition=models.Q(owner__isnull=True) | models.Q(department__isnull=True),
                name="quick_reply_personal_has_no_department",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["tenant", "shortcut"], name="quick_reply_tenant_shortcut"),
            models.Index(fields=["owner"], condition=models.Q(owner__isnull=False), name="quick_reply_owner"),
        ]

    def __str__(self) -> str:
        return f"/{self.shortcut}"

    @property
    def personal(self) -> bool:
        return self.owner_id is not None
