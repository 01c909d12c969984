"""Socket frames for messages and conversations as plain dicts.

The realtime broadcaster renders every inbound message, so this runs on the ingestion hot path:
building a DRF serializer per frame cost more than the database work of the message itself. The
shapes are exactly those of MessageSerializer, VisitorMessageSerializer and ConversationSerializer
(`messaging/tests/test_frames.py` compares them field by field), so a socket frame and a REST
response never disagree. Values are JSON data already (strings for ids and datetimes).
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, tzinfo
from typing import Any

from django.utils import timezone

from atendo.messaging.models import Conversation, Message, MessageAttachment
from atendo.messaging.serializers import SERVABLE, attachment_url

_UTC_ZONE = zoneinfo.ZoneInfo("UTC")  # ZoneInfo keeps one instance per key: Django's current one


def datetime_text(value: datetime | None, tz: tzinfo | None = None) -> str | None:
    """DRF's DateTimeField: ISO 8601 in the current time zone (`tz`, looked up once per row by
    the callers: the lookup costs more than the formatting), UTC written as "Z"."""
    if value is None:
        return None
    zone = value.tzinfo
    if zone is not None and zone is not tz:  # (already in it: nothing to convert)
        tz = tz or timezone.get_current_timezone()
        # Rows come in UTC (the connection's zone), and UTC is usually the current one: the
        # conversion would change nothing, and cost about as much as the formatting.
        if not (zone is UTC and tz is _UTC_ZONE):
            value = value.astimezone(tz)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _utc_datetime(value: datetime | None) -> datetime | str | None:
    """A row's datetime for the API's JSON, when the current zone is UTC: left as it is (UTC, the
    connection's zone): the API's renderer writes it as DRF's DateTimeField would, ISO 8601 with
    "Z" (`core.api.renderers`, orjson: ten times faster than formatting it here)."""
    if value is None or value.tzinfo is UTC:
        return value
    return datetime_text(value, _UTC_ZONE)


DatetimeWriter = Callable[[datetime | None], Any]


def datetime_writer(tz: tzinfo | None = None, *, for_api: bool = False) -> DatetimeWriter:
    """How a renderer writes its datetimes: their text (`datetime_text`) in `tz`, the current
    zone by default. `for_api`: the result is an API response's data (rendered to JSON by the
    API's renderer, never put in a socket frame or compared as text), so UTC datetimes may stay
    datetimes (`_utc_datetime`); the JSON is the same."""
    tz = tz or timezone.get_current_timezone()
    if for_api and tz is _UTC_ZONE:
        return _utc_datetime
    return functools.partial(datetime_text, tz=tz)


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


def _attachments(message: Message) -> Iterable[MessageAttachment]:
    """The message's attachments, straight from a prefetch when there is one: `.all()` builds a
    queryset per message, which cost more than the rest of a frame (a batch renders hundreds)."""
    prefetched = getattr(message, "_prefetched_objects_cache", {}).get("attachments")
    return prefetched if prefetched is not None else message.attachments.all()


def message_data(message: Message, attachments: Iterable[MessageAttachment] | None = None) -> dict[str, Any]:
    """MessageSerializer(message).data; `author` and `attachments` should be preloaded (or the
    attachments given: none for a message just stored)."""
    tz = timezone.get_current_timezone()
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
        "attachments": [attachment_data(a) for a in (_attachments(message) if attachments is None else attachments)],
        "created_at": datetime_text(message.created_at, tz),
        "sent_at": datetime_text(message.sent_at, tz),
        "delivered_at": datetime_text(message.delivered_at, tz),
        "read_at": datetime_text(message.read_at, tz),
    }


def visitor_message_data(message: Message, attachments: Iterable[MessageAttachment] | None = None) -> dict[str, Any]:
    """VisitorMessageSerializer(message).data: no notes' details, no internal metadata."""
    tz = timezone.get_current_timezone()
    return {
        "id": str(message.id),
        "client_id": message.client_id,
        "direction": message.direction,
        "kind": message.kind,
        "body": message.body,
        "author_name": message.author.display_name if message.author else "",
        "attachments": [attachment_data(a) for a in (_attachments(message) if attachments is None else attachments)],
        "created_at": datetime_text(message.created_at, tz),
    }


def conversation_data(conversation: Conversation) -> dict[str, Any]:
    """ConversationSerializer(conversation).data; contact, assignee and account preloaded."""
    tz = timezone.get_current_timezone()
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
        "last_message_at": datetime_text(conversation.last_message_at, tz),
        "last_activity_at": datetime_text(conversation.last_activity_at, tz),
        "unread_count": conversation.unread_count,
        "snoozed_until": datetime_text(conversation.snoozed_until, tz),
        "resolved_at": datetime_text(conversation.resolved_at, tz),
        "sla_state": conversation.sla_state,
        "sla_due_at": datetime_text(conversation.sla_due_at, tz),
        "created_at": datetime_text(conversation.created_at, tz),
        "updated_at": datetime_text(conversation.updated_at, tz),
    }


def conversation_row_data(row: dict[str, Any], when: DatetimeWriter | None = None) -> dict[str, Any]:
    """`conversation_data` of an inbox row read as a dict (`selectors.INBOX_ROW_FIELDS`): the
    list skips building four model instances per row. `when`: how datetimes are written
    (`datetime_writer`, chosen once for a page by the caller: the current zone's lookup costs
    more than a row's formatting); their text in the current zone by default."""
    when = when or datetime_writer()
    assignee_id = row["assignee_id"]
    return {
        "id": str(row["id"]),
        "status": row["status"],
        "priority": row["priority"],
        "contact": {
            "id": str(row["contact_id"]),
            "name": row["contact__name"],
            "avatar_url": row["contact__avatar_url"],
        },
        "assignee": None
        if assignee_id is None
        else {"id": str(assignee_id), "display_name": row["assignee__display_name"]},
        "account": {"id": str(row["account_id"]), "kind": row["account__kind"], "name": row["account__name"]},
        "department_id": _id(row["department_id"]),
        "team_id": _id(row["team_id"]),
        "tags": list(row["tags"]),
        "last_message_preview": row["last_message_preview"],
        "last_message_at": when(row["last_message_at"]),
        "last_activity_at": when(row["last_activity_at"]),
        "unread_count": row["unread_count"],
        "snoozed_until": when(row["snoozed_until"]),
        "resolved_at": when(row["resolved_at"]),
        "sla_state": row["sla_state"],
        "sla_due_at": when(row["sla_due_at"]),
        "created_at": when(row["created_at"]),
        "updated_at": when(row["updated_at"]),
    }


def message_row_data(
    row: dict[str, Any], attachments: Iterable[MessageAttachment], when: DatetimeWriter | None = None
) -> dict[str, Any]:
    """`message_data` of a timeline row read as a dict (`selectors.MESSAGE_ROW_FIELDS`) and its
    attachments. `when`: as `conversation_row_data`'s."""
    when = when or datetime_writer()
    author_id = row["author_id"]
    return {
        "id": str(row["id"]),
        "conversation_id": str(row["conversation_id"]),
        "client_id": row["client_id"],
        "direction": row["direction"],
        "kind": row["kind"],
        "author": None if author_id is None else {"id": str(author_id), "display_name": row["author__display_name"]},
        "body": row["body"],
        "delivery_status": row["delivery_status"],
        "error_code": row["error_code"],
        "error_message": row["error_message"],
        "metadata": row["metadata"],
        "attachments": [attachment_data(a) for a in attachments],
        "created_at": when(row["created_at"]),
        "sent_at": when(row["sent_at"]),
        "delivered_at": when(row["delivered_at"]),
        "read_at": when(row["read_at"]),
    }
