"""The realtime broadcaster: event listeners call `send_payload` / `send_to_groups` (never
services).

Listeners run in synchronous code (WSGI requests, Celery tasks). `async_to_sync` would start a
fresh event loop for every call, and channels-redis keeps its connection pool per loop, so each
frame would open new Redis connections (measured: ~3.6 ms per group send). Instead, one
long-lived loop per process runs in a daemon thread and every send is submitted to it, reusing
its connections.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Iterable
from typing import Any

from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder

from atendo.core.events import Event

SEND_TIMEOUT_SECONDS = 5

_loop: asyncio.AbstractEventLoop | None = None
_loop_pid: int | None = None
_loop_lock = threading.Lock()


def _broadcast_loop() -> asyncio.AbstractEventLoop:
    """This process's broadcast loop (re-created after a fork: threads do not survive one)."""
    global _loop, _loop_pid
    with _loop_lock:
        if _loop is None or _loop_pid != os.getpid() or _loop.is_closed():
            _loop = asyncio.new_event_loop()
            _loop_pid = os.getpid()
            threading.Thread(target=_loop.run_forever, name="atendo-broadcast", daemon=True).start()
        return _loop


async def _send_all(layer: Any, group_names: Iterable[str], message: dict[str, Any]) -> None:
    for group in group_names:
        await layer.group_send(group, message)


def send_to_groups(event: Event, *group_names: str) -> None:
    send_payload(event.payload(), *group_names)


def send_payload(payload: dict[str, Any], *group_names: str) -> None:
    """Forward a JSON-ready frame to every socket in the groups (consumers drop frames whose
    tenant_id is not theirs)."""
    layer = get_channel_layer()
    if layer is None or not group_names:
        return
    # Frames cross Redis as msgpack: make them plain JSON data (UUIDs, datetimes as strings).
    message = {"type": "event.forward", "payload": json.loads(json.dumps(payload, cls=DjangoJSONEncoder))}
    future = asyncio.run_coroutine_threadsafe(_send_all(layer, dict.fromkeys(group_names), message), _broadcast_loop())
    future.result(timeout=SEND_TIMEOUT_SECONDS)
