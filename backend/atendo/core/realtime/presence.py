"""Who is online (per tenant) and who is looking at a conversation (per conversation): one
sorted-set entry per open socket, scored by its last heartbeat.

A crashed server leaves entries behind, but they age out after PRESENCE_TTL_SECONDS because
clients ping every 30 s. Away/online status lives in a hash beside the roster.
"""

from __future__ import annotations

import time
from uuid import UUID

import redis
import redis.asyncio as aioredis
from django.conf import settings

PRESENCE_TTL_SECONDS = 90


def _prefix() -> str:
    return str(settings.CACHES["default"].get("KEY_PREFIX", "atendo"))


def tenant_roster(tenant_id: UUID | str) -> str:
    return f"{_prefix()}:presence:{tenant_id}"


def conversation_roster(tenant_id: UUID | str, conversation_id: UUID | str) -> str:
    return f"{_prefix()}:viewers:{tenant_id}:{conversation_id}"


def _status_key(roster: str) -> str:
    return f"{roster}:status"


def _entry(member_id: UUID | str, connection: str) -> str:
    return f"{member_id}|{connection}"


def _member_ids(entries: list[bytes]) -> set[str]:
    return {entry.decode().split("|", 1)[0] for entry in entries}


async def roster_join(client: aioredis.Redis, roster: str, member_id: UUID | str, connection: str) -> None:
    await client.zadd(roster, {_entry(member_id, connection): time.time()})


async def roster_set_status(client: aioredis.Redis, roster: str, member_id: UUID | str, status: str) -> None:
    await client.hset(_status_key(roster), str(member_id), status)


async def roster_leave(client: aioredis.Redis, roster: str, member_id: UUID | str, connection: str) -> bool:
    """Remove one socket; True when the member has no other live socket in the roster."""
    await client.zrem(roster, _entry(member_id, connection))
    live: list[bytes] = await client.zrangebyscore(roster, time.time() - PRESENCE_TTL_SECONDS, "+inf")  # type: ignore[assignment]
    gone = str(member_id) not in _member_ids(live)
    if gone:
        await client.hdel(_status_key(roster), str(member_id))
    return gone


async def roster_members(client: aioredis.Redis, roster: str) -> dict[str, str]:
    """member id -> "online" | "away" for every live member of the roster."""
    entries: list[bytes] = await client.zrangebyscore(  # type: ignore[assignment]
        roster, time.time() - PRESENCE_TTL_SECONDS, "+inf"
    )
    statuses: dict[bytes, bytes] = await client.hgetall(_status_key(roster))  # type: ignore[assignment]
    return {m: statuses.get(m.encode(), b"online").decode() for m in _member_ids(entries)}


def online_member_ids(tenant_id: UUID | str) -> set[str]:
    """Members with a live presence socket (synchronous; for assignment and selectors)."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        key = tenant_roster(tenant_id)
        client.zremrangebyscore(key, "-inf", time.time() - PRESENCE_TTL_SECONDS)
        entries: list[bytes] = client.zrangebyscore(key, time.time() - PRESENCE_TTL_SECONDS, "+inf")  # type: ignore[assignment]
        return _member_ids(entries)
    finally:
        client.close()
