"""Ticket domain events."""

from __future__ import annotations

import dataclasses
from typing import ClassVar
from uuid import UUID

from atendo.core.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class TicketChanged(Event):
    name: ClassVar[str] = "ticket.changed"
    ticket_id: UUID
    change: str  # created | updated | status_changed | commented


@dataclasses.dataclass(frozen=True, kw_only=True)
class TicketTransferred(Event):
    name: ClassVar[str] = "ticket.transferred"
    ticket_id: UUID
    previous_department_id: UUID | None = None
    previous_team_id: UUID | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class SlaChanged(Event):
    """kind: started | paused | resumed | met | cancelled | retargeted."""

    name: ClassVar[str] = "sla.changed"
    ticket_id: UUID
    kind: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class SlaAlerted(Event):
    """Tickets of one tenant whose clocks reached their warning or breach in one scan batch
    (kind: warning | breached): one event for the lot, so the fan-out (board frames,
    notifications, e-mails) costs a few queries per batch, not per ticket."""

    name: ClassVar[str] = "sla.alerted"
    ticket_ids: tuple[UUID, ...]
    kind: str
