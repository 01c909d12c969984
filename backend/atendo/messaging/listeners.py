"""Messaging listeners: the realtime broadcaster, delivery enqueueing and the contact-merge
step. Services publish events; only these functions talk to the channel layer and queues."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar
from uuid import UUID

from django.db.models import Prefetch, Q

from atendo.connectors.events import InboundEventStored
from atendo.contacts.models import Contact
from atendo.contacts.services import register_merge_step
from atendo.core.db import as_rows
from atendo.core.events import Event, dispatch_memo, listens_to, listens_to_batch
from atendo.core.models import Tenant
from atendo.core.realtime import groups
from atendo.core.realtime.broadcast import send_payload, send_payloads
from atendo.messaging.events import ConversationUpdated, MessageCreated, MessageUpdated, TypingChanged
from atendo.messaging.frames import (
    conversation_data,
    conversation_row_data,
    datetime_writer,
    message_data,
    visitor_message_data,
)
from atendo.messaging.models import (
    UNRESOLVED,
    Conversation,
    ConversationStatus,
    Message,
    MessageAttachment,
    MessageKind,
)
from atendo.messaging.selectors import INBOX_ROW_FIELDS

logger = logging.getLogger(__name__)
E = TypeVar("E", bound=Event)
# Frames show an account's id, kind and name; its secret would be decrypted for every row.
ACCOUNT_FIELDS_NOT_RENDERED = ("secret", "settings", "last_error")
# dispatch_memo() key: conversations read for a batch's message frames, by id, reused for its
# conversation frames. Listeners run after the commit and none of them changes a conversation
# (a service that does publishes its own ConversationUpdated, rendered from a fresh read).
CONVERSATIONS_MEMO = "messaging.conversations"
# dispatch_memo() key: inbound messages a batch just inserted, by id (see fresh_inbound_messages).
MESSAGES_MEMO = "messaging.messages"


def fresh_inbound_messages(messages: Sequence[Message], conversations: Iterable[Conversation] = ()) -> dict[str, Any]:
    """The publish_all memo of a batch of inbound messages just inserted: their message.created
    frames are rendered from these objects instead of being read back. Each has its conversation
    (read or written in the same transaction) and that conversation's account attached, and no
    attachment yet (media are fetched after the commit, and announced with message.updated).
    `conversations`: rows the batch just wrote, as the statement returned them, with contact,
    assignee and account attached: their conversation.updated frames need no read either."""
    return {
        MESSAGES_MEMO: {message.id: message for message in messages},
        CONVERSATIONS_MEMO: {conversation.id: conversation for conversation in conversations},
    }


def _place_groups(tenant_id: Any, department_id: Any, team_id: Any, assignee_id: Any) -> list[str]:
    """The inbox streams of a department, a team and an assignee."""
    names = []
    if department_id:
        names.append(groups.inbox_unit(tenant_id, "department", department_id))
    if team_id:
        names.append(groups.inbox_unit(tenant_id, "team", team_id))
    if assignee_id:
        names.append(groups.member(tenant_id, assignee_id))
    return names


def _staff_groups(conversation: Conversation | _RowView) -> list[str]:
    """Every agent socket that may see this conversation: its own room and the inbox streams
    of the whole tenant, of its department and team, and of its assignee."""
    tenant_id = conversation.tenant_id
    return [
        groups.conversation(tenant_id, conversation.id),
        groups.inbox(tenant_id),
        *_place_groups(tenant_id, conversation.department_id, conversation.team_id, conversation.assignee_id),
    ]


def _visible_to_visitor(message: Message) -> bool:
    return message.kind not in (MessageKind.NOTE, MessageKind.SYSTEM)


def _by_tenant(events: Sequence[E]) -> dict[UUID | None, list[E]]:
    grouped: dict[UUID | None, list[E]] = {}
    for event in events:
        grouped.setdefault(event.tenant_id, []).append(event)
    return grouped


def _messages_with_conversations(tenant_id: UUID | None, ids: set[UUID]) -> dict[UUID, Message]:
    """The messages, each with its conversation as its own frame shows it: the conversation.updated
    frames of the same delivery (the next listener) reuse those conversations."""
    messages = {
        m.id: m
        for m in Message.objects.for_tenant(tenant_id)
        .filter(id__in=ids)
        .select_related("author", "conversation__account", "conversation__contact", "conversation__assignee")
        .defer(*(f"conversation__account__{name}" for name in ACCOUNT_FIELDS_NOT_RENDERED))
        .prefetch_related(Prefetch("attachments", queryset=MessageAttachment.objects.for_tenant(tenant_id)))
    }
    memo = dispatch_memo()
    if memo is not None:
        loaded = memo.setdefault(CONVERSATIONS_MEMO, {})
        for message in messages.values():
            loaded[message.conversation_id] = message.conversation
    return messages


def _broadcast_messages(
    events: Sequence[MessageCreated | MessageUpdated], fresh: Mapping[UUID, Message] | None = None
) -> None:
    """message.created / message.updated frames: one query per tenant for all the messages (none
    for those the publisher just inserted: `fresh`) and one channel-layer send per group (a batch
    of inbound messages is one event list)."""
    frames: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for tenant_id, tenant_events in _by_tenant(events).items():
        ids = {e.message_id for e in tenant_events}
        attachments: tuple[MessageAttachment, ...] | None = None  # None: the prefetched ones
        if fresh is not None and ids <= fresh.keys():
            messages = {message_id: fresh[message_id] for message_id in ids}
            attachments = ()  # not stored yet
        else:
            messages = _messages_with_conversations(tenant_id, ids)
        for event in tenant_events:
            message = messages.get(event.message_id)
            if message is None:
                continue
            conversation = message.conversation
            payload = {
                "event": event.name,
                "tenant_id": str(tenant_id),
                "conversation_id": str(conversation.id),
                "message": message_data(message, attachments),
            }
            for group in _staff_groups(conversation):
                frames[group].append(payload)
            if _visible_to_visitor(message) and conversation.account.kind == "webchat":
                frames[groups.visitor(conversation.tenant_id, conversation.contact_id)].append(
                    {
                        "event": event.name,
                        "tenant_id": str(tenant_id),
                        "message": visitor_message_data(message, attachments),
                    }
                )
    send_payloads(frames)


@listens_to_batch(MessageCreated)
def broadcast_messages_created(events: list[MessageCreated]) -> None:
    _broadcast_messages(events, (dispatch_memo() or {}).get(MESSAGES_MEMO))


@listens_to_batch(MessageUpdated)
def broadcast_messages_updated(events: list[MessageUpdated]) -> None:
    _broadcast_messages(events)


@listens_to(MessageCreated)
def enqueue_delivery(event: MessageCreated) -> None:
    from atendo.messaging.tasks import deliver_message

    if event.outbound:
        deliver_message.delay(str(event.message_id))


def _conversation_rows(tenant_id: Any, ids: set[UUID]) -> dict[str, dict[str, Any]]:
    """The conversations as inbox rows (`selectors.INBOX_ROW_FIELDS`, read as the inbox list reads
    them), by id as text: an SLA scan announces a thousand conversations at once, and building
    four model instances per row cost more than its frame."""
    rows = as_rows(Conversation.objects.for_tenant(tenant_id).filter(id__in=ids).values(*INBOX_ROW_FIELDS))
    return {str(row["id"]): row for row in rows}


class _RowView:
    """What the frames of `broadcast_conversations_updated` read of a conversation, from an inbox row."""

    __slots__ = ("account_kind", "assignee_id", "contact_id", "department_id", "id", "status", "team_id", "tenant_id")

    def __init__(self, tenant_id: Any, row: dict[str, Any]) -> None:
        self.tenant_id, self.id, self.status = tenant_id, row["id"], row["status"]
        self.department_id, self.team_id, self.assignee_id = row["department_id"], row["team_id"], row["assignee_id"]
        self.contact_id, self.account_kind = row["contact_id"], row["account__kind"]


@listens_to_batch(ConversationUpdated)
def broadcast_conversations_updated(events: list[ConversationUpdated]) -> None:
    frames: dict[str, list[dict[str, Any]]] = defaultdict(list)
    memo = dispatch_memo()
    loaded: dict[UUID, Conversation] = (memo or {}).get(CONVERSATIONS_MEMO, {})
    for tenant_id, tenant_events in _by_tenant(events).items():
        wanted = {e.conversation_id for e in tenant_events}
        # Rendered once per conversation: from the delivery's memo when a listener before read
        # it, else from its inbox row (conversation_row_data: the same frame, tests compare).
        rendered: dict[UUID, tuple[Any, dict[str, Any]]] = {}
        for c_id in wanted & loaded.keys():
            conversation = loaded[c_id]
            rendered[c_id] = (conversation, conversation_data(conversation))
        if missing := wanted - rendered.keys():
            when = datetime_writer()
            rows = _conversation_rows(tenant_id, missing)
            for c_id in missing:
                row = rows.get(str(c_id))
                if row is not None:
                    rendered[c_id] = (_RowView(tenant_id, row), conversation_row_data(row, when))
        for event in tenant_events:
            if event.conversation_id not in rendered:
                continue
            conversation, data = rendered[event.conversation_id]
            payload = {"event": event.name, "tenant_id": str(tenant_id), "change": event.change, "conversation": data}
            staff = _staff_groups(conversation)
            for group in staff:
                frames[group].append(payload)
            # Streams of the units and person it left: their members may no longer see it
            # (the client asks the API before dropping it: another unit may still show it).
            left = set(
                _place_groups(
                    tenant_id, event.previous_department_id, event.previous_team_id, event.previous_assignee_id
                )
            ) - set(staff)
            for group in left:
                frames[group].append(
                    {
                        "event": "conversation.removed",
                        "tenant_id": str(tenant_id),
                        "conversation_id": str(conversation.id),
                    }
                )
            account_kind = (
                conversation.account_kind if isinstance(conversation, _RowView) else conversation.account.kind
            )
            if event.change in ("status", "reopened", "created") and account_kind == "webchat":
                frames[groups.visitor(conversation.tenant_id, conversation.contact_id)].append(
                    {"event": "conversation.status_changed", "tenant_id": str(tenant_id), "status": conversation.status}
                )
    send_payloads(frames)


@listens_to(TypingChanged)
def broadcast_typing(event: TypingChanged) -> None:
    conversation = Conversation.objects.for_tenant(event.tenant_id).filter(id=event.conversation_id).first()
    if conversation is None:
        return
    frame = {
        "event": "typing",
        "tenant_id": str(event.tenant_id),
        "conversation_id": str(conversation.id),
        "typing": event.typing,
        "author_name": event.author_name,
        "by_contact": event.by_contact,
        "member_id": str(event.member_id) if event.member_id else None,
    }
    send_payload(frame, groups.conversation(conversation.tenant_id, conversation.id))
    if not event.by_contact:
        send_payload(
            {
                "event": "typing",
                "tenant_id": str(event.tenant_id),
                "typing": event.typing,
                "author_name": event.author_name,
            },
            groups.visitor(conversation.tenant_id, conversation.contact_id),
        )


def move_conversations_on_merge(tenant: Tenant, source: Contact, target: Contact) -> None:
    """Contact merge step: the duplicate's conversations now belong to the kept contact. Where
    both have an unresolved conversation on the same account, the duplicate's is resolved first
    (one unresolved conversation per contact and account)."""
    conversations = Conversation.objects.for_tenant(tenant)
    busy_accounts = conversations.filter(contact=target, status__in=UNRESOLVED).values("account_id")
    conversations.filter(Q(contact=source) & Q(status__in=UNRESOLVED) & Q(account_id__in=busy_accounts)).update(
        status=ConversationStatus.RESOLVED
    )
    conversations.filter(contact=source).update(contact=target)


register_merge_step(move_conversations_on_merge)


@listens_to(InboundEventStored)
def wake_ingestion(event: InboundEventStored) -> None:
    """A provider event is stored: make sure a drain task will process it (coalesced: most
    webhooks only find one already queued, and a web process asks Redis at most every
    INGESTION_WAKE_INTERVAL_MS)."""
    from atendo.messaging.tasks import ingestion_wake_soon

    ingestion_wake_soon()
