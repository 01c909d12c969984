"""The domain event bus: services publish, listeners react after the transaction commits.

Only services call `publish`. Listeners register with `@listens_to(EventClass)` from their
app's `AppConfig.ready()`; a listener never runs for a rolled-back write. Event names follow
`entity.past_tense`.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Event:
    name: ClassVar[str] = "event"
    tenant_id: UUID | None

    def payload(self) -> dict[str, Any]:
        """JSON-ready payload (UUIDs and datetimes as strings) for sockets and webhooks."""
        data = dataclasses.asdict(self)
        return {"event": self.name, **{k: _jsonable(v) for k, v in data.items()}}


def _jsonable(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


E = TypeVar("E", bound=Event)
_listeners: dict[type[Event], list[Callable[[Any], None]]] = defaultdict(list)


def listens_to(event_type: type[E]) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
    def register(func: Callable[[E], None]) -> Callable[[E], None]:
        if func not in _listeners[event_type]:
            _listeners[event_type].append(func)
        return func

    return register


def _dispatch(event: Event) -> None:
    for listener in list(_listeners.get(type(event), ())):
        try:
            listener(event)
        except Exception:  # one broken listener must not starve the others
            logger.exception("listener %s failed for %s", listener.__qualname__, event.name)


def publish(event: Event) -> None:
    """Deliver `event` to its listeners once the current transaction commits."""
    transaction.on_commit(lambda: _dispatch(event))
