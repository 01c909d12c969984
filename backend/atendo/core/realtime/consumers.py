"""Websocket consumers. They only authenticate, check membership and scope, join groups and
forward; services never talk to sockets (events reach them through the broadcaster)."""

from __future__ import annotations

from typing import Any, ClassVar

import redis.asyncio as aioredis
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from atendo.core.access import can
from atendo.core.models import Tenant, TenantUser
from atendo.core.realtime import groups
from atendo.core.realtime.presence import online_member_ids_async, presence_leave, presence_touch

# Close codes (4000-4999 are application-defined): clients branch on them.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


@database_sync_to_async
def _active_membership(user: Any, tenant_slug: str) -> TenantUser | None:
    tenant = Tenant.objects.filter(slug=tenant_slug, status=Tenant.Status.ACTIVE).first()
    if tenant is None:
        return None
    member = (
        TenantUser.objects.for_tenant(tenant)
        .filter(user=user, status=TenantUser.Status.ACTIVE)
        .select_related("tenant", "user")
        .first()
    )
    return member


@database_sync_to_async
def _can(member: TenantUser, permission: str) -> bool:
    return can(member, permission)


class TenantConsumer(AsyncJsonWebsocketConsumer):
    """Accepts only an authenticated, active member of the URL's tenant holding `permission`."""

    permission: ClassVar[str] = "tenant.view"
    member: TenantUser
    joined_groups: list[str]

    async def connect(self) -> None:
        self.joined_groups = []
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        member = await _active_membership(user, self.scope["url_route"]["kwargs"]["tenant_slug"])
        if member is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if not await _can(member, self.permission):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.member = member
        subprotocol = "bearer" if self.scope.get("uses_bearer_subprotocol") else None
        await self.accept(subprotocol=subprotocol)
        for group in self.groups_for(member):
            await self.channel_layer.group_add(group, self.channel_name)
            self.joined_groups.append(group)
        await self.on_joined()

    def groups_for(self, member: TenantUser) -> list[str]:
        return []

    async def on_joined(self) -> None:
        return None

    async def disconnect(self, code: int) -> None:
        for group in self.joined_groups:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def event_forward(self, message: dict[str, Any]) -> None:
        """Handler for `{"type": "event.forward", "payload": {...}}` sent to a group."""
        payload = message["payload"]
        if payload.get("tenant_id") not in (None, str(self.member.tenant_id)):
            return  # belt and braces: never forward another tenant's event
        await self.send_json(payload)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"event": "pong"})


class NotificationsConsumer(TenantConsumer):
    """`ws/{tenant_slug}/notifications`: the member's personal stream plus tenant-wide events."""

    permission = "tenant.view"

    def groups_for(self, member: TenantUser) -> list[str]:
        return [groups.tenant(member.tenant_id), groups.member(member.tenant_id, member.id)]


class PresenceConsumer(TenantConsumer):
    """`ws/{tenant_slug}/presence`: marks the member online while connected (ping every 30 s)
    and tells every member of the tenant who comes and goes."""

    permission = "tenant.view"
    redis: aioredis.Redis

    def groups_for(self, member: TenantUser) -> list[str]:
        return [groups.presence(member.tenant_id)]

    async def on_joined(self) -> None:
        self.redis = aioredis.Redis.from_url(settings.REDIS_URL)
        tenant_id, member_id = self.member.tenant_id, self.member.id
        await presence_touch(self.redis, tenant_id, member_id, self.channel_name)
        online = sorted(await online_member_ids_async(self.redis, tenant_id))
        await self.send_json({"event": "presence.snapshot", "tenant_id": str(tenant_id), "online": online})
        await self.channel_layer.group_send(
            groups.presence(tenant_id),
            {
                "type": "event.forward",
                "payload": {
                    "event": "presence.changed",
                    "tenant_id": str(tenant_id),
                    "member_id": str(member_id),
                    "online": True,
                },
            },
        )

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await presence_touch(self.redis, self.member.tenant_id, self.member.id, self.channel_name)
        await super().receive_json(content, **kwargs)

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "member") and hasattr(self, "redis"):
            tenant_id, member_id = self.member.tenant_id, self.member.id
            if await presence_leave(self.redis, tenant_id, member_id, self.channel_name):
                await self.channel_layer.group_send(
                    groups.presence(tenant_id),
                    {
                        "type": "event.forward",
                        "payload": {
                            "event": "presence.changed",
                            "tenant_id": str(tenant_id),
                            "member_id": str(member_id),
                            "online": False,
                        },
                    },
                )
            await self.redis.aclose()
        await super().disconnect(code)
