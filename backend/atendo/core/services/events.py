"""Core domain events (payloads are dataclasses; names are entity.past_tense)."""

from __future__ import annotations

import dataclasses
from typing import ClassVar
from uuid import UUID

from atendo.core.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class MemberChanged(Event):
    name: ClassVar[str] = "member.changed"
    member_id: UUID
    change: str  # invited | updated | removed | joined


@dataclasses.dataclass(frozen=True, kw_only=True)
class NotificationsCreated(Event):
    """One event per batch: an SLA scan may notify hundreds of people at once."""

    name: ClassVar[str] = "notifications.created"
    notification_ids: tuple[UUID, ...]
    email: bool = False
