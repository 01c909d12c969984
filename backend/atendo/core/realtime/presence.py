"""Who is online, per tenant: one sorted-set entry per open socket, scored by last heartbeat.

A crashed server leaves entries behind, but they age out after PRESENCE_TTL_SECONDS because
clients ping every 30 s. Round-robin assignment later reads `online_member_ids`.
"""

from __future__ import annotations

import time
from uuid import UUID

import redis
import redis.asyncio as aioredis
from django.conf import settings

PRESENCE_TTL_SECONDS = 90


def _key(tenant_id: UUID | str) -> str:
    return f"{settings.CACHES['default']['KEY_PREFIX']}:presence:{tenant_id}"


def _entry(member_id: UUID | str, connection: str) -> str:
    return f"{member_id}|{connection}"


async def presence_touch(client: aioredis.Redis, tenant_id: UUID | str, member_id: UUID | str, connection: str) -> None:
    await client.zadd(_key(tenant_id), {_entry(member_id, connection): time.time()})


async def presence_leave(client: aioredis.Redis, tenant_id: UUID | str, member_id: UUID | str, connection: str) -> bool:
    """Remove one socket; True when the member has no other live socket left."""
    key = _key(tenant_id)
    await client.zrem(key, _entry(member_id, connection))
    live: list[bytes] = await client.zrangebyscore(key, time.time() - PRESENCE_TTL_SECONDS, "+inf")  # type: ignore[assignment]
    prefix = f"{member_id}|".encode()
    return not any(entry.startswith(prefix) for entry in live)


def _member_ids(entries: list[bytes]) -> set[str]:
    return {entry.decode().split("|", 1)[0] for entry in entries}


async def online_member_ids_async(client: aioredis.Redis, tenant_id: UUID | str) -> set[str]:
    entries: list[bytes] = await client.zrangebyscore(  # type: ignore[assignment]
        _key(tenant_id), time.time() - PRESENCE_TTL_SECONDS, "+inf"
    )
    return _member_ids(entries)


def online_member_ids(tenant_id: UUID | str) -> set[str]:
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        key = _key(tenant_id)
        client.zremrangebyscore(key, "-inf", time.time() - PRESENCE_TTL_SECONDS)
        entries: list[bytes] = client.zrangebyscore(key, time.time() - PRESENCE_TTL_SECONDS, "+inf")  # type: ignore[assignment]
        return _member_ids(entries)
    finally:
        client.close()
