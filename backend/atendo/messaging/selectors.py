"""Messaging reads: the inbox (scoped, filtered, cursor-paginated), one conversation, its
timeline. Department/team scope is applied here and nowhere else."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from atendo.contacts.selectors import contact_search
from atendo.core.access import unit_scope
from atendo.core.db import as_rows
from atendo.core.errors import NotFoundError
from atendo.core.models import TenantUser
from atendo.messaging.models import Conversation, Message, MessageAttachment


def visible_conversations(member: TenantUser, rows: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Conversations a member may see: all of the tenant with a tenant-wide conversation.view;
    with a scoped one, those of their departments/teams plus those assigned to them. `rows`: the
    conversations' queryset to narrow (`_inbox_rows`' columns), all of them by default."""
    qs = (Conversation.objects.all() if rows is None else rows).for_tenant(member.tenant_id)  # type: ignore[union-attr]
    scope = unit_scope(member, "conversation.view")
    return qs if scope is None else qs.filter(scope)


@dataclass(frozen=True)
class InboxFilters:
    view: str = "all"  # mine | unassigned | all
    status: str = "open"  # open | pending | snoozed | resolved | all
    account_id: UUID | None = None
    channel: str = ""
    department_id: UUID | None = None
    team_id: UUID | None = None
    tag: str = ""
    q: str = ""
    contact_id: UUID | None = None  # one contact's conversations (the contact panel's history)


# The columns an inbox row shows (`frames.conversation_row_data`): the conversation's own, and its
# contact's, assignee's and account's few. Loading just these skips the contacts' and accounts'
# JSON and encrypted columns, whose decoding cost more than the query itself on a page of 100 rows.
INBOX_ROW_FIELDS = (
    "id",
    "status",
    "priority",
    "contact_id",
    "contact__name",
    "contact__avatar_url",
    "assignee_id",
    "assignee__display_name",
    "account_id",
    "account__kind",
    "account__name",
    "department_id",
    "team_id",
    "tags",
    "last_message_preview",
    "last_message_at",
    "last_activity_at",
    "unread_count",
    "snoozed_until",
    "resolved_at",
    "sla_state",
    "sla_due_at",
    "created_at",
    "updated_at",
)


@functools.cache
def _inbox_row_columns() -> QuerySet[Conversation, dict[str, Any]]:
    """All conversations as INBOX_ROW_FIELDS, read by `core.db.RowIterable`: a template never evaluated,
    only narrowed (each narrowing is a copy). Resolving these columns and their joins cost a third
    of building an inbox page's query; they are the same for every page."""
    return as_rows(Conversation.objects.values(*INBOX_ROW_FIELDS))


def _inbox_rows(member: TenantUser) -> QuerySet[Conversation, dict[str, Any]]:
    """The conversations `member` may see (`visible_conversations`), as inbox rows."""
    return visible_conversations(member, _inbox_row_columns())


def conversation_list(*, member: TenantUser, filters: InboxFilters) -> QuerySet[Conversation, dict[str, Any]]:
    """Rows for the inbox list, as dicts of INBOX_ROW_FIELDS (`frames.conversation_row_data`)."""
    qs = _inbox_rows(member)
    if filters.view == "mine":
        qs = qs.filter(assignee=member)
    elif filters.view == "unassigned":
        qs = qs.filter(assignee__isnull=True)
    if filters.status != "all":
        qs = qs.filter(status=filters.status)
    if filters.account_id:
        qs = qs.filter(account_id=filters.account_id)
    if filters.channel:
        qs = qs.filter(account__kind=filters.channel)
    if filters.department_id:
        qs = qs.filter(department_id=filters.department_id)
    if filters.team_id:
        qs = qs.filter(team_id=filters.team_id)
    if filters.tag:
        qs = qs.filter(tags__contains=[filters.tag])
    if filters.contact_id:
        qs = qs.filter(contact_id=filters.contact_id)
    if filters.q.strip():
        qs = qs.filter(contact_search(tenant=member.tenant_id, search=filters.q, contact="contact"))
    return qs


def get_conversation_for(member: TenantUser, conversation_id: UUID) -> Conversation:
    """404 for another tenant's conversation and for one outside the member's scope alike."""
    conversation = (
        visible_conversations(member)
        .select_related("contact", "assignee", "account")
        .filter(id=conversation_id)
        .first()
    )
    if conversation is None:
        raise NotFoundError()
    return conversation


@dataclass(frozen=True)
class ConversationRef:
    """A conversation already found visible, by its keys (what a timeline needs of it)."""

    id: UUID
    tenant_id: UUID


def conversation_row_for(member: TenantUser, conversation_id: UUID) -> dict[str, Any]:
    """`get_conversation_for` as an inbox row (`frames.conversation_row_data`): the detail shows
    nothing else of the conversation, and skips building it, its contact and its account."""
    row = _inbox_rows(member).filter(id=conversation_id).first()
    if row is None:
        raise NotFoundError()
    return row


@functools.cache
def _messages_newest_first() -> QuerySet[Message]:
    """All messages, newest first, each knowing whether it has attachments (most have none, and
    knowing which do spares the attachments' query): a template never evaluated, only narrowed
    (`_timeline`), like `_inbox_row_columns`. The attachments are those of the message's own
    tenant; the message is narrowed to one."""
    return Message.objects.annotate(
        has_attachments=Exists(
            MessageAttachment.objects.filter(tenant_id=OuterRef("tenant_id"), message_id=OuterRef("id"))
        )
    ).order_by("-created_at", "-id")


@functools.cache
def _timeline_row_columns() -> QuerySet[Message, dict[str, Any]]:
    """`_messages_newest_first` as MESSAGE_ROW_FIELDS, read by `core.db.RowIterable` (resolving the
    columns and the author's join cost as much as the rest of building a timeline's query)."""
    return as_rows(_messages_newest_first().values(*MESSAGE_ROW_FIELDS))


def _timeline(
    conversation: Conversation | ConversationRef,
    before: UUID | None,
    for_visitor: bool,
    messages: QuerySet[Any] | None = None,
) -> QuerySet[Any]:
    """The conversation's messages older than `before`, newest first (`messages`: the template to
    narrow, `_messages_newest_first` by default)."""
    qs = (_messages_newest_first() if messages is None else messages).for_tenant(conversation.tenant_id)  # type: ignore[union-attr]
    qs = qs.filter(conversation_id=conversation.id)
    if for_visitor:  # private notes and internal events (assignments, transfers) stay inside
        qs = qs.exclude(kind__in=["note", "system"])
    if before is not None:
        anchor = (
            Message.objects.for_tenant(conversation.tenant_id)
            .filter(conversation_id=conversation.id, id=before)
            .first()
        )
        if anchor is None:
            raise NotFoundError()
        qs = qs.filter(Q(created_at__lt=anchor.created_at) | Q(created_at=anchor.created_at, id__lt=anchor.id))
    return qs


def message_timeline(
    *,
    conversation: Conversation | ConversationRef,
    before: UUID | None = None,
    limit: int = 50,
    for_visitor: bool = False,
) -> tuple[list[Message], bool]:
    """Up to `limit` messages older than `before`, oldest first, and whether more exist."""
    page = list(_timeline(conversation, before, for_visitor).select_related("author")[: limit + 1])
    messages = list(reversed(page[:limit]))
    attachments = _attachments_of(
        conversation.tenant_id, [m.id for m in messages if getattr(m, "has_attachments", True)]
    )
    for message in messages:
        # Each message's cache is the list of its attachments: what `frames.message_data` and DRF's
        # nested serializers iterate.
        cache = message.__dict__.setdefault("_prefetched_objects_cache", {})
        cache["attachments"] = attachments.get(str(message.id), [])
    return messages, len(page) > limit


# What `frames.message_row_data` shows of a message (and whether it has attachments).
MESSAGE_ROW_FIELDS = (
    "id",
    "conversation_id",
    "client_id",
    "direction",
    "kind",
    "author_id",
    "author__display_name",
    "body",
    "delivery_status",
    "error_code",
    "error_message",
    "metadata",
    "created_at",
    "sent_at",
    "delivered_at",
    "read_at",
    "has_attachments",
)


def message_timeline_rows(
    *, conversation: ConversationRef, before: UUID | None = None, limit: int = 50
) -> tuple[list[dict[str, Any]], dict[str, list[MessageAttachment]], bool]:
    """`message_timeline` (agents' view) as rows of MESSAGE_ROW_FIELDS, with the attachments of
    each (by message id, as text) and whether more exist: the detail renders them without
    building message and author instances."""
    page = list(_timeline(conversation, before, False, _timeline_row_columns())[: limit + 1])
    messages = list(reversed(page[:limit]))
    attachments = _attachments_of(conversation.tenant_id, [row["id"] for row in messages if row["has_attachments"]])
    return messages, attachments, len(page) > limit


def _attachments_of(tenant_id: UUID, message_ids: list[Any]) -> dict[str, list[MessageAttachment]]:
    """`prefetch_related("attachments")` for the messages that have some (no query when none do),
    without Django's per-message queryset (building 50 of them cost more than the timeline's
    queries)."""
    found: dict[str, list[MessageAttachment]] = {}
    if message_ids:
        for attachment in MessageAttachment.objects.for_tenant(tenant_id).filter(message_id__in=message_ids):
            found.setdefault(str(attachment.message_id), []).append(attachment)
    return found


def get_message(*, conversation: Conversation, message_id: UUID) -> Message:
    message = (
        Message.objects.for_tenant(conversation.tenant_id)
        .filter(conversation=conversation, id=message_id)
        .select_related("author")
        .prefetch_related(
            Prefetch("attachments", queryset=MessageAttachment.objects.for_tenant(conversation.tenant_id))
        )
        .first()
    )
    if message is None:
        raise NotFoundError()
    return message
