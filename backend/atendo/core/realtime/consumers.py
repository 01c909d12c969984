"""Websocket consumers. They only authenticate, check membership and scope, join groups and
forward; services never talk to sockets (events reach them through the broadcaster)."""

from __future__ import annotations

from typing import Any, ClassVar

import redis.asyncio as aioredis
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from atendo.core.access import can_somewhere
from atendo.core.models import Tenant, TenantUser
from atendo.core.realtime import groups
from atendo.core.realtime.presence import (
    roster_join,
    roster_leave,
    roster_members,
    roster_set_status,
    tenant_roster,
)

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
def _display_names(tenant_id: Any, member_ids: list[str]) -> dict[str, str]:
    rows = TenantUser.objects.for_tenant(tenant_id).filter(id__in=member_ids).values_list("id", "display_name")
    return {str(member_id): name for member_id, name in rows}


@database_sync_to_async
def _can(member: TenantUser, permission: str) -> bool:
    # Scoped grants pass here; `authorize` narrows to the object (e.g. a conversation's unit).
    return can_somewhere(member, permission)


class TenantConsumer(AsyncJsonWebsocketConsumer):
    """Accepts only an authenticated, active member of the URL's tenant holding `permission`."""

    permission: ClassVar[str] = "tenant.view"
    member: TenantUser
    joined_groups: list[str]

    async def connect(self) -> None:
        self.joined_groups = []
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.refuse(CLOSE_UNAUTHENTICATED)
            return
        member = await _active_membership(user, self.scope["url_route"]["kwargs"]["tenant_slug"])
        if member is None:
            await self.refuse(CLOSE_NOT_FOUND)
            return
        if not await _can(member, self.permission):
            await self.refuse(CLOSE_FORBIDDEN)
            return
        if not await self.authorize(member):
            await self.refuse(CLOSE_NOT_FOUND)
            return
        self.member = member
        # Join before accepting: once the client sees the socket open, no event can slip by.
        for group in await database_sync_to_async(self.groups_for)(member):
            await self.channel_layer.group_add(group, self.channel_name)
            self.joined_groups.append(group)
        await self.accept(subprotocol=self._subprotocol())
        await self.on_joined()

    async def refuse(self, code: int) -> None:
        """Accept, then close with our code at once (no group joined, nothing sent): a refused
        handshake reaches browsers as a bare 1006, and the client must know whether to refresh
        its token (4401), give up (4403/4404) or retry."""
        await self.accept(subprotocol=self._subprotocol())
        await self.close(code=code)

    def _subprotocol(self) -> str | None:
        return "bearer" if self.scope.get("uses_bearer_subprotocol") else None

    async def authorize(self, member: TenantUser) -> bool:
        """Object-level check after membership and permission (e.g. conversation scope)."""
        return True

    def groups_for(self, member: TenantUser) -> list[str]:
        """Groups to join (runs in a worker thread: it may query the database)."""
        return []

    async def on_joined(self) -> None:
        return None

    async def disconnect(self, code: int) -> None:
        for group in self.joined_groups:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def event_forward(self, message: dict[str, Any]) -> None:
        """Handler for `{"type": "event.forward", "payload": {...}}` sent to a group."""
        await self._forward(message["payload"])

    async def event_forward_many(self, message: dict[str, Any]) -> None:
        """`{"type": "event.forward_many", "payloads": [...]}`: a batch's frames for this group,
        sent to the socket one by one, in order."""
        for payload in message["payloads"]:
            await self._forward(payload)

    async def _forward(self, payload: dict[str, Any]) -> None:
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


class RosterConsumer(TenantConsumer):
    """A socket that counts as presence in a roster while open (heartbeat: ping every 30 s) and
    tells the roster's group who comes, goes or changes status."""

    redis: aioredis.Redis
    roster: str

    def roster_group(self) -> str:
        raise NotImplementedError

    def roster_key(self) -> str:
        raise NotImplementedError

    async def announce(self, status: str) -> None:
        await self.channel_layer.group_send(
            self.roster_group(),
            {
                "type": "event.forward",
                "payload": {
                    "event": self.roster_event,
                    "tenant_id": str(self.member.tenant_id),
                    "member_id": str(self.member.id),
                    "display_name": self.member.display_name,
                    "status": status,
                    "online": status != "offline",
                    **self.roster_context(),
                },
            },
        )

    roster_event = "presence.changed"

    def roster_context(self) -> dict[str, Any]:
        return {}

    async def on_joined(self) -> None:
        self.redis = aioredis.Redis.from_url(settings.REDIS_URL)
        self.roster = self.roster_key()
        await roster_join(self.redis, self.roster, self.member.id, self.channel_name)
        members = await roster_members(self.redis, self.roster)
        await self.send_json(
            {
                "event": f"{self.roster_event.split('.')[0]}.snapshot",
                "tenant_id": str(self.member.tenant_id),
                "members": members,
                "online": sorted(members),
                # Who they are, so a client shows names without a second request.
                "display_names": await _display_names(self.member.tenant_id, sorted(members)),
                **self.roster_context(),
            }
        )
        await self.announce("online")

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict):
            if content.get("type") == "ping":
                await roster_join(self.redis, self.roster, self.member.id, self.channel_name)
            elif content.get("type") == "status" and content.get("status") in ("online", "away"):
                await roster_set_status(self.redis, self.roster, self.member.id, content["status"])
                await self.announce(content["status"])
                return
        await super().receive_json(content, **kwargs)

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "member") and hasattr(self, "redis"):
            if await roster_leave(self.redis, self.roster, self.member.id, self.channel_name):
                await self.announce("offline")
            await self.redis.aclose()
        await super().disconnect(code)


class PresenceConsumer(RosterConsumer):
    """`ws/{tenant_slug}/presence`: online / away / offline agents of the tenant."""

    permission = "tenant.view"

    def groups_for(self, member: TenantUser) -> list[str]:
        return [groups.presence(member.tenant_id)]

    def roster_group(self) -> str:
        return groups.presence(self.member.tenant_id)

    def roster_key(self) -> str:
        return tenant_roster(self.member.tenant_id)
