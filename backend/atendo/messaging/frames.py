"""Socket frames for messages and conversations as plain dicts.

The realtime broadcaster renders every inbound message, so this runs on the ingestion hot path:
building a DRF serializer per frame cost more than the database work of the message itself. The
shapes are exactly those of MessageSerializer, VisitorMessageSerializer and ConversationSerializer
(`messaging/tests/test_frames.py` compares them field by field), so a socket frame and a REST
response never disagree. Values are JSON data already (strings for ids and datetimes).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from atendo.messaging.models import Conversation, Message, MessageAttachment
from atendo.messaging.serializers import SERVABLE, attachment_url


def _datetime(value: datetime | None) -> str | None:
    """DRF's DateTimeField: ISO 8601 in the current time zone, UTC written as "Z"."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.get_current_timezone())
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def attachment_data(attachment: MessageAttachment) -> dict[str, Any]:
    return {
        "id": str(attachment.id),
        "name": attachment.name,
        "mime": attachment.mime,
        "size": attachment.size,
        "scan_status": attachment.scan_status,
        "scan_signature": attachment.scan_signature,
        "url": attachment_url(attachment) if attachment.scan_status in SERVABLE else None,
    }


def message_data(message: Message) -> dict[str, Any]:
    """MessageSerializer(message).data; `author` and `attachments` should be preloaded."""
    author = message.author
    return {
        "id": str(message.id),
        "conversation_id": str(message.conversation_id),
        "client_id": message.client_id,
        "direction": message.direction,
        "kind": message.kind,
        "author": None if author is None else {"id": str(author.id), "display_name": author.display_name},
        "body": message.body,
        "delivery_status": message.delivery_status,
        "error_code": message.error_code,
        "error_message": message.error_message,
        "metadata": message.metadata,
        "attachments": [attachment_data(a) for a in message.attachments.all()],
        "created_at": _datetime(message.created_at),
        "sent_at": _datetime(message.sent_at),
        "delivered_at": _datetime(message.delivered_at),
        "read_at": _datetime(message.read_at),
    }


def visitor_message_data(message: Message) -> dict[str, Any]:
    """VisitorMessageSerializer(message).data: no notes' details, no internal metadata."""
    return {
        "id": str(message.id),
        "client_id": message.client_id,
        "direction": message.direction,
        "kind": message.kind,
        "body": message.body,
        "author_name": message.author.display_name if message.author else "",
        "attachments": [attachment_data(a) for a in message.attachments.all()],
        "created_at": _datetime(message.created_at),
    }


def conversation_data(conversation: Conversation) -> dict[str, Any]:
    """ConversationSerializer(conversation).data; contact, assignee and account preloaded."""
    contact, assignee, account = conversation.contact, conversation.assignee, conversation.account
    return {
        "id": str(conversation.id),
        "status": conversation.status,
        "priority": conversation.priority,
        "contact": {"id": str(contact.id), "name": contact.name, "avatar_url": contact.avatar_url},
        "assignee": None if assignee is None else {"id": str(assignee.id), "display_name": assignee.display_name},
        "account": {"id": str(account.id), "kind": account.kind, "name": account.name},
        "department_id": _id(conversation.department_id),
        "team_id": _id(conversation.team_id),
        "tags": list(conversation.tags),
        "last_message_preview": conversation.last_message_preview,
        "last_message_at": _datetime(conversation.last_message_at),
        "last_activity_at": _datetime(conversation.last_activity_at),
        "unread_count": conversation.unread_count,
        "snoozed_until": _datetime(conversation.snoozed_until),
        "resolved_at": _datetime(conversation.resolved_at),
        "sla_state": conversation.sla_state,
        "sla_due_at": _datetime(conversation.sla_due_at),
        "created_at": _datetime(conversation.created_at),
        "updated_at": _datetime(conversation.updated_at),
    }
