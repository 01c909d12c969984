"""Messaging listeners: the realtime broadcaster, delivery enqueueing and the contact-merge
step. Services publish events; only these functions talk to the channel layer and queues."""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import Prefetch, Q

from atendo.connectors.events import InboundEventStored
from atendo.contacts.models import Contact
from atendo.contacts.services import register_merge_step
from atendo.core.events import listens_to
from atendo.core.models import Tenant
from atendo.core.realtime import groups
from atendo.core.realtime.broadcast import send_payload
from atendo.messaging.events import ConversationUpdated, MessageCreated, MessageUpdated, TypingChanged
from atendo.messaging.models import (
    UNRESOLVED,
    Conversation,
    ConversationStatus,
    Message,
    MessageAttachment,
    MessageKind,
)
from atendo.messaging.serializers import ConversationSerializer, MessageSerializer, VisitorMessageSerializer

logger = logging.getLogger(__name__)


def _staff_groups(conversation: Conversation) -> list[str]:
    """Every agent socket that may see this conversation: its own room and the inbox streams
    of the whole tenant, of its department and team, and of its assignee."""
    tenant_id = conversation.tenant_id
    names = [groups.conversation(tenant_id, conversation.id), groups.inbox(tenant_id)]
    if conversation.department_id:
        names.append(groups.inbox_unit(tenant_id, "department", conversation.department_id))
    if conversation.team_id:
        names.append(groups.inbox_unit(tenant_id, "team", conversation.team_id))
    if conversation.assignee_id:
        names.append(groups.member(tenant_id, conversation.assignee_id))
    return names


def _message(event: MessageCreated | MessageUpdated) -> Message | None:
    return (
        Message.objects.for_tenant(event.tenant_id)
        .filter(id=event.message_id)
        .select_related("author", "conversation__account")
        .prefetch_related(Prefetch("attachments", queryset=MessageAttachment.objects.for_tenant(event.tenant_id)))
        .first()
    )


def _visible_to_visitor(message: Message) -> bool:
    return message.kind not in (MessageKind.NOTE, MessageKind.SYSTEM)


def _broadcast_message(event: MessageCreated | MessageUpdated) -> None:
    message = _message(event)
    if message is None:
        return
    conversation = message.conversation
    payload: dict[str, Any] = {
        "event": event.name,
        "tenant_id": str(event.tenant_id),
        "conversation_id": str(conversation.id),
        "message": MessageSerializer(message).data,
    }
    send_payload(payload, *_staff_groups(conversation))
    if _visible_to_visitor(message) and conversation.account.kind == "webchat":
        send_payload(
            {"event": event.name, "tenant_id": str(event.tenant_id), "message": VisitorMessageSerializer(message).data},
            groups.visitor(conversation.tenant_id, conversation.contact_id),
        )


@listens_to(MessageCreated)
def broadcast_message_created(event: MessageCreated) -> None:
    _broadcast_message(event)


@listens_to(MessageUpdated)
def broadcast_message_updated(event: MessageUpdated) -> None:
    _broadcast_message(event)


@listens_to(MessageCreated)
def enqueue_delivery(event: MessageCreated) -> None:
    from atendo.messaging.tasks import deliver_message

    if event.outbound:
        deliver_message.delay(str(event.message_id))


@listens_to(ConversationUpdated)
def broadcast_conversation_updated(event: ConversationUpdated) -> None:
    conversation = (
        Conversation.objects.for_tenant(event.tenant_id)
        .filter(id=event.conversation_id)
        .select_related("contact", "assignee", "account")
        .first()
    )
    if conversation is None:
        return
    send_payload(
        {
            "event": event.name,
            "tenant_id": str(event.tenant_id),
            "change": event.change,
            "conversation": ConversationSerializer(conversation).data,
        },
        *_staff_groups(conversation),
    )
    if event.change in ("status", "reopened", "created") and conversation.account.kind == "webchat":
        send_payload(
            {"event": "conversation.status_changed", "tenant_id": str(event.tenant_id), "status": conversation.status},
            groups.visitor(conversation.tenant_id, conversation.contact_id),
        )


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


# The event is stored before this runs and the sweeper re-enqueues anything left pending, so a
# broker outage must cost an acknowledgement milliseconds, not Celery's default reconnect
# back-off (~0.6 s per webhook, measured).
FAST_FAIL_PUBLISH = {"max_retries": 1, "interval_start": 0, "interval_step": 0, "interval_max": 0}


@listens_to(InboundEventStored)
def enqueue_ingestion(event: InboundEventStored) -> None:
    from kombu.exceptions import OperationalError

    from atendo.messaging.tasks import process_inbound_event

    try:
        process_inbound_event.apply_async((event.inbound_event_id,), retry_policy=FAST_FAIL_PUBLISH)
    except OperationalError as exc:
        logger.warning("broker unavailable; inbound event %s waits for the sweeper: %s", event.inbound_event_id, exc)
