"""Messaging sockets: a conversation room (messages, delivery, typing, viewers), the tenant
inbox stream (scoped like the inbox), and the web chat visitor's socket."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from atendo.connectors.selectors import webchat_account_by_token
from atendo.core.access import unit_groups
from atendo.core.errors import ApplicationError
from atendo.core.events import publish
from atendo.core.models import TenantUser
from atendo.core.realtime import groups
from atendo.core.realtime.consumers import CLOSE_UNAUTHENTICATED, RosterConsumer, TenantConsumer
from atendo.core.realtime.presence import conversation_roster
from atendo.messaging.events import TypingChanged
from atendo.messaging.models import WidgetSession
from atendo.messaging.selectors import get_conversation_for
from atendo.messaging.services.webchat import session_for_token


@database_sync_to_async
def _can_see_conversation(member: TenantUser, conversation_id: str) -> bool:
    try:
        get_conversation_for(member, UUID(conversation_id))
    except (ApplicationError, ValueError):
        return False
    return True


@database_sync_to_async
def _publish_typing(member: TenantUser, conversation_id: UUID, typing: bool) -> None:
    publish(
        TypingChanged(
            tenant_id=member.tenant_id,
            conversation_id=conversation_id,
            by_contact=False,
            author_name=member.display_name,
            typing=typing,
            member_id=member.id,
        )
    )


class ConversationConsumer(RosterConsumer):
    """`ws/{tenant_slug}/conversations/{conversation_id}`: refused (4404) when the member may not
    see the conversation; viewers are announced as `conversation.viewers_changed`."""

    permission = "conversation.view"
    roster_event = "viewers.changed"

    @property
    def conversation_id(self) -> str:
        return str(self.scope["url_route"]["kwargs"]["conversation_id"])

    async def authorize(self, member: TenantUser) -> bool:
        return await _can_see_conversation(member, self.conversation_id)

    def groups_for(self, member: TenantUser) -> list[str]:
        return [groups.conversation(member.tenant_id, self.conversation_id)]

    def roster_group(self) -> str:
        return groups.conversation(self.member.tenant_id, self.conversation_id)

    def roster_key(self) -> str:
        return conversation_roster(self.member.tenant_id, self.conversation_id)

    def roster_context(self) -> dict[str, Any]:
        return {"conversation_id": self.conversation_id}

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "typing" and isinstance(content.get("typing"), bool):
            await _publish_typing(self.member, UUID(self.conversation_id), content["typing"])
            return
        await super().receive_json(content, **kwargs)


class InboxConsumer(TenantConsumer):
    """`ws/{tenant_slug}/inbox`: conversation list updates within the member's scope."""

    permission = "tenant.view"

    def groups_for(self, member: TenantUser) -> list[str]:
        return [
            groups.member(member.tenant_id, member.id),
            *unit_groups(
                member,
                "conversation.view",
                groups.inbox(member.tenant_id),
                lambda kind, unit_id: groups.inbox_unit(member.tenant_id, kind, unit_id),
            ),
        ]


@database_sync_to_async
def _visitor_session(token: str, session_token: str) -> WidgetSession | None:
    account = webchat_account_by_token(token)
    if account is None or account.status != "active":
        return None
    try:
        return session_for_token(account=account, token=session_token)
    except ApplicationError:
        return None


class VisitorConsumer(AsyncJsonWebsocketConsumer):
    """`ws/widget/{token}?session=…`: a web chat visitor's live channel (agent replies, typing,
    status). Closed with 4401 when the session is not valid for this widget."""

    session: WidgetSession
    group: str = ""

    async def connect(self) -> None:
        from urllib.parse import parse_qs

        query = parse_qs(self.scope.get("query_string", b"").decode())
        session_token = (query.get("session") or [""])[0]
        session = await _visitor_session(self.scope["url_route"]["kwargs"]["token"], session_token)
        if session is None:
            # Accept, then close with our code: a refused handshake reaches browsers as a bare
            # 1006, and the widget must know to start a new session.
            await self.accept()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.session = session
        self.group = groups.visitor(session.tenant_id, session.contact_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def event_forward(self, message: dict[str, Any]) -> None:
        await self._forward(message["payload"])

    async def event_forward_many(self, message: dict[str, Any]) -> None:
        for payload in message["payloads"]:
            await self._forward(payload)

    async def _forward(self, payload: dict[str, Any]) -> None:
        if payload.get("tenant_id") != str(self.session.tenant_id):
            return
        await self.send_json({k: v for k, v in payload.items() if k != "tenant_id"})

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"event": "pong"})
