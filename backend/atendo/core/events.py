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
from contextvars import ContextVar
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
# Listeners that take every event of one type published together (publish_all) in one call:
# one query and one socket send per group for a batch instead of one per event.
_batch_listeners: dict[type[Event], list[Callable[[Any], None]]] = defaultdict(list)


def listens_to(event_type: type[E]) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
    def register(func: Callable[[E], None]) -> Callable[[E], None]:
        if func not in _listeners[event_type]:
            _listeners[event_type].append(func)
        return func

    return register


def listens_to_batch(event_type: type[E]) -> Callable[[Callable[[list[E]], None]], Callable[[list[E]], None]]:
    """Register a listener that receives a list of events of `event_type` (one event when it was
    published alone)."""

    def register(func: Callable[[list[E]], None]) -> Callable[[list[E]], None]:
        if func not in _batch_listeners[event_type]:
            _batch_listeners[event_type].append(func)
        return func

    return register


def _call(listener: Callable[[Any], None], argument: Any, name: str) -> None:
    try:
        listener(argument)
    except Exception:  # one broken listener must not starve the others
        logger.exception("listener %s failed for %s", listener.__qualname__, name)


def _dispatch(event: Event) -> None:
    for listener in list(_listeners.get(type(event), ())):
        _call(listener, event, event.name)
    for batch_listener in list(_batch_listeners.get(type(event), ())):
        _call(batch_listener, [event], event.name)


# Rows a batch listener loaded, for the next listeners of the same delivery (see dispatch_memo).
_memo: ContextVar[dict[str, Any] | None] = ContextVar("atendo_event_memo", default=None)


def dispatch_memo() -> dict[str, Any] | None:
    """A dict shared by the listeners of one `publish_all` delivery, None outside one: a listener
    may leave rows it read after the commit for the next one (the conversations of a batch of
    messages are read once for their message frames and their conversation frames)."""
    return _memo.get()


def _dispatch_all(events: list[Event], memo: dict[str, Any] | None = None) -> None:
    """Types in order of first appearance; within a type, publication order. Socket frames of
    all the listeners go out together, one send per group."""
    from atendo.core.realtime.broadcast import frames_batched

    by_type: dict[type[Event], list[Event]] = {}
    for event in events:
        by_type.setdefault(type(event), []).append(event)
    token = _memo.set(dict(memo or {}))
    try:
        with frames_batched():
            for event_type, batch in by_type.items():
                for listener in list(_listeners.get(event_type, ())):
                    for event in batch:
                        _call(listener, event, event.name)
                for batch_listener in list(_batch_listeners.get(event_type, ())):
                    _call(batch_listener, batch, event_type.name)
    finally:
        _memo.reset(token)


def publish(event: Event) -> None:
    """Deliver `event` to its listeners once the current transaction commits."""
    transaction.on_commit(lambda: _dispatch(event))


def publish_all(events: list[Event], memo: dict[str, Any] | None = None) -> None:
    """Deliver many events at once when the current transaction commits (a batch of inbound
    messages): batch listeners get each type's events in one call. `memo` starts the delivery's
    dispatch_memo(): rows the publisher wrote in this transaction, exactly as they are stored, so
    that listeners need not read them back."""
    if events:
        batch = list(events)
        transaction.on_commit(lambda: _dispatch_all(batch, memo))
