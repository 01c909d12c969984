"""The realtime broadcaster: event listeners call `send_payload` / `send_payloads` /
`send_to_groups` (never services).

Listeners run in synchronous code (WSGI requests, Celery tasks). `async_to_sync` would start a
fresh event loop for every call, and channels-redis keeps its connection pool per loop, so each
frame would open new Redis connections (measured: ~3.6 ms per group send). Instead, one
long-lived loop per process runs in a daemon thread and every send is submitted to it, reusing
its connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import threading
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer
from django.core.serializers.json import DjangoJSONEncoder

from atendo.core.events import Event

logger = logging.getLogger(__name__)
SEND_TIMEOUT_SECONDS = 5
SEND_CONCURRENCY = 8

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


async def _groups_with_members(layer: Any, names: list[str]) -> set[str]:
    """Of these groups, those with a member, asked of channels-redis's storage in one pipelined
    round trip per shard (dropping expired memberships first, as group_send does). An SLA scan
    sends a frame to the room of each of a thousand conversations, and nobody has most of them
    open: group_send would spend two round trips on each of those to find nobody."""
    by_shard: dict[int, list[str]] = {}
    for name in names:
        by_shard.setdefault(layer.consistent_hash(name), []).append(name)
    expired_before = int(time.time()) - layer.group_expiry
    live: set[str] = set()
    for index, shard_names in by_shard.items():
        pipe = layer.connection(index).pipeline(transaction=False)
        for name in shard_names:
            key = layer._group_key(name)
            pipe.zremrangebyscore(key, min=0, max=expired_before)
            pipe.zcard(key)
        counts = (await pipe.execute())[1::2]
        live.update(name for name, count in zip(shard_names, counts, strict=True) if count)
    return live


async def _send_all(layer: Any, messages: list[tuple[str, dict[str, Any]]]) -> None:
    if len(messages) > 1 and isinstance(layer, RedisChannelLayer):
        live = await _groups_with_members(layer, list(dict.fromkeys(group for group, _ in messages)))
        messages = [(group, message) for group, message in messages if group in live]
    # Concurrently: each group_send is a few Redis round trips, and groups are independent. A
    # few at a time: each one in flight holds a connection of the layer's pool.
    gate = asyncio.Semaphore(SEND_CONCURRENCY)

    async def send(group: str, message: dict[str, Any]) -> None:
        async with gate:
            await layer.group_send(group, message)

    results = await asyncio.gather(*(send(group, message) for group, message in messages), return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result


def _run(layer: Any, messages: list[tuple[str, dict[str, Any]]]) -> None:
    if messages:
        future = asyncio.run_coroutine_threadsafe(_send_all(layer, messages), _broadcast_loop())
        future.result(timeout=SEND_TIMEOUT_SECONDS)


def jsonable(payload: dict[str, Any]) -> dict[str, Any]:
    """Frames cross Redis as msgpack: plain JSON data only (UUIDs, datetimes as strings)."""
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def send_to_groups(event: Event, *group_names: str) -> None:
    send_payload(event.payload(), *group_names)


_outbox = threading.local()


@contextlib.contextmanager
def frames_batched() -> Iterator[None]:
    """Within it, frames sent to a group are held back and then sent together, one
    channel-layer message per group: the listeners of a batch of events (message.created and
    conversation.updated frames for the same rooms) cost one send per group, not one per frame."""
    if getattr(_outbox, "frames", None) is not None:
        yield  # already batching
        return
    frames: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    _outbox.frames = frames
    try:
        yield
    finally:
        _outbox.frames = None
        try:
            _send_grouped(frames)
        except Exception:  # after the commit: never fail the writer, only its sockets
            logger.exception("realtime frames could not be sent")


def send_payload(payload: dict[str, Any], *group_names: str) -> None:
    """Forward a JSON-ready frame to every socket in the groups (consumers drop frames whose
    tenant_id is not theirs)."""
    if not group_names:
        return
    frame = jsonable(payload)
    send_payloads({group: [frame] for group in dict.fromkeys(group_names)})


def send_payloads(frames_by_group: Mapping[str, list[dict[str, Any]]]) -> None:
    """Forward many frames, each group's in one channel-layer message (`event.forward_many`:
    the consumer sends them to the socket one by one, in order). Payloads must be JSON data
    already (see `jsonable`)."""
    held = getattr(_outbox, "frames", None)
    if held is not None:
        for group, payloads in frames_by_group.items():
            held[group].extend(payloads)
        return
    _send_grouped(frames_by_group)


def _send_grouped(frames_by_group: Mapping[str, list[dict[str, Any]]]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    messages: list[tuple[str, dict[str, Any]]] = []
    for group, payloads in frames_by_group.items():
        if len(payloads) == 1:
            messages.append((group, {"type": "event.forward", "payload": payloads[0]}))
        elif payloads:
            messages.append((group, {"type": "event.forward_many", "payloads": payloads}))
    _run(layer, messages)
