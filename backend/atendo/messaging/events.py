"""Messaging domain events (published by services on commit)."""

from __future__ import annotations

import dataclasses
from typing import ClassVar
from uuid import UUID

from atendo.core.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class MessageCreated(Event):
    name: ClassVar[str] = "message.created"
    conversation_id: UUID
    message_id: UUID
    outbound: bool  # a reply that must be delivered through the channel (not notes or system events)


@dataclasses.dataclass(frozen=True, kw_only=True)
class MessageUpdated(Event):
    """Delivery status moved (sent, delivered, read, failed)."""

    name: ClassVar[str] = "message.updated"
    conversation_id: UUID
    message_id: UUID


@dataclasses.dataclass(frozen=True, kw_only=True)
class ConversationUpdated(Event):
    name: ClassVar[str] = "conversation.updated"
    conversation_id: UUID
    change: str  # created | reopened | status | assigned | read | updated | merged | sla
    # On a transfer or reassignment: where it was, so the streams it left can drop it.
    previous_department_id: UUID | None = None
    previous_team_id: UUID | None = None
    previous_assignee_id: UUID | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class TypingChanged(Event):
    """Ephemeral: nobody stores it; it only travels to sockets."""

    name: ClassVar[str] = "typing"
    conversation_id: UUID
    by_contact: bool
    author_name: str
    typing: bool
    member_id: UUID | None = None
