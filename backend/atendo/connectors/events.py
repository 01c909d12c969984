from __future__ import annotations

import dataclasses
from typing import ClassVar

from atendo.core.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class InboundEventStored(Event):
    """A provider delivery is durably stored; the domain side (messaging) processes it."""

    name: ClassVar[str] = "inbound_event.stored"
    inbound_event_id: int
