"""Messaging reads: the inbox (scoped, filtered, cursor-paginated), one conversation, its
timeline. Department/team scope is applied here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet

from atendo.contacts.selectors import contact_search
from atendo.core.access import unit_scope
from atendo.core.errors import NotFoundError
from atendo.core.models import TenantUser
from atendo.messaging.models import Conversation, Message, MessageAttachment


def visible_conversations(member: TenantUser) -> QuerySet[Conversation]:
    """Conversations a member may see: all of the tenant with a tenant-wide conversation.view;
    with a scoped one, those of their departments/teams plus those assigned to them."""
    qs = Conversation.objects.for_tenant(member.tenant_id)
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


# What an inbox row shows of its contact, assignee and account (`frames.conversation_data`).
# Loading only these columns skips the contacts' and accounts' JSON and encrypted columns, whose
# decoding cost more than the query itself on a page of 100 rows.
INBOX_ROW_RELATED_FIELDS = (
    "contact__name",
    "contact__avatar_url",
    "assignee__display_name",
    "account__kind",
    "account__name",
)


def conversation_list(*, member: TenantUser, filters: InboxFilters) -> QuerySet[Conversation]:
    """Rows for the inbox list: every conversation column, the related ones it shows."""
    qs = (
        visible_conversations(member)
        .select_related("contact", "assignee", "account")
        .only(*(field.name for field in Conversation._meta.concrete_fields), *INBOX_ROW_RELATED_FIELDS)
    )
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


def message_timeline(
    *, conversation: Conversation, before: UUID | None = None, limit: int = 50, for_visitor: bool = False
) -> tuple[list[Message], bool]:
    """Up to `limit` messages older than `before`, oldest first, and whether more exist."""
    qs = (
        Message.objects.for_tenant(conversation.tenant_id)
        .filter(conversation=conversation)
        .select_related("author")
        .prefetch_related(
            Prefetch("attachments", queryset=MessageAttachment.objects.for_tenant(conversation.tenant_id))
        )
        .order_by("-created_at", "-id")
    )
    if for_visitor:  # private notes and internal events (assignments, transfers) stay inside
        qs = qs.exclude(kind__in=["note", "system"])
    if before is not None:
        anchor = Message.objects.for_tenant(conversation.tenant_id).filter(conversation=conversation, id=before).first()
        if anchor is None:
            raise NotFoundError()
        qs = qs.filter(Q(created_at__lt=anchor.created_at) | Q(created_at=anchor.created_at, id__lt=anchor.id))
    page = list(qs[: limit + 1])
    return list(reversed(page[:limit])), len(page) > limit


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
