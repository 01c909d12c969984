from __future__ import annotations

import dataclasses
from typing import ClassVar
from uuid import UUID

from atendo.core.events import Event


@dataclasses.dataclass(frozen=True, kw_only=True)
class ContactChanged(Event):
    name: ClassVar[str] = "contact.changed"
    contact_id: UUID
    change: str  # created | updated | merged
