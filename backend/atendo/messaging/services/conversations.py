"""Conversation lifecycle: find-or-open for inbound messages, assignment and transfer, status,
read marks, participants."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Count, F, Q, Value, When
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from atendo.connectors.models import ChannelAccount
from atendo.contacts.models import Contact
from atendo.core.access import can, ensure_can_on_unit_row
from atendo.core.errors import ApplicationError, ConflictError
from atendo.core.events import Event, publish, publish_all
from atendo.core.models import Locale, Tenant, TenantUser
from atendo.core.services.audit import SYSTEM, RequestContext, audit_record
from atendo.messaging.events import ConversationUpdated, MessageCreated
from atendo.messaging.models import (
    UNRESOLVED,
    Conversation,
    ConversationParticipant,
    ConversationStatus,
    Message,
    MessageDirection,
    MessageKind,
)
from atendo.organizations.models import Department, Team
from atendo.organizations.services import round_robin_pick


def ensure_can_on(actor: TenantUser, permission: str, conversation: Conversation) -> None:
    ensure_can_on_unit_row(actor, permission, conversation)


def conversation_reply_token(conversation_id: UUID) -> str:
    """The token in the Reply-To address of our e-mails (`support+<token>@…`): the
    conversation id and a MAC, so a guessed token cannot file mail into someone's thread."""
    mac = salted_hmac("atendo.conversation-reply-token", conversation_id.hex).hexdigest()[:12]
    return f"{conversation_id.hex}.{mac}"


def conversation_id_from_reply_token(token: str) -> UUID | None:
    raw_id, _dot, _mac = token.partition(".")
    try:
        conversation_id = UUID(hex=raw_id)
    except ValueError:
        return None
    return conversation_id if constant_time_compare(conversation_reply_token(conversation_id), token) else None


def conversation_for_inbound(
    *, tenant: Tenant, account: ChannelAccount, contact: Contact, thread: Conversation | None = None
) -> tuple[Conversation, str]:
    """The conversation a new inbound message belongs to: the conversation of the thread it
    answers (e-mail) while unresolved; else the contact's unresolved one; else the thread's
    (or the contact's last) conversation reopened when resolved within the tenant's window;
    else a new one. Returns (conversation, "existing" | "reopened" | "created"). Must run in a
    transaction; the contact row lock serialises concurrent first messages of one person."""
    Contact.objects.for_tenant(tenant).select_for_update().filter(id=contact.id).first()
    if thread is not None and thread.status in UNRESOLVED:
        return thread, "existing"
    conversations = Conversation.objects.for_tenant(tenant).filter(account=account, contact=contact)
    current = conversations.filter(status__in=UNRESOLVED).first()
    if current is not None:
        return current, "existing"
    if thread is not None and thread.contact_id == contact.id:
        last: Conversation | None = thread
    else:
        last = conversations.order_by(F("resolved_at").desc(nulls_last=True)).first()
    window = timedelta(hours=tenant.reopen_window_hours)
    if last is not None and last.resolved_at and timezone.now() - last.resolved_at <= window:
        last.status = ConversationStatus.OPEN
        last.resolved_at = None
        last.save(update_fields=["status", "resolved_at", "updated_at"])
        publish(ConversationUpdated(tenant_id=tenant.id, conversation_id=last.id, change="reopened"))
        return last, "reopened"
    try:
        with transaction.atomic():
            # New conversations start where the account routes them (its default department/team).
            conversation = Conversation.objects.create(
                tenant=tenant,
                account=account,
                contact=contact,
                department_id=account.default_department_id,
                team_id=account.default_team_id,
            )
    except IntegrityError:  # the unique index caught a racer that did not lock the contact
        return conversations.get(status__in=UNRESOLVED), "existing"
    publish(ConversationUpdated(tenant_id=tenant.id, conversation_id=conversation.id, change="created"))
    return conversation, "created"


def _system_message(
    *, conversation: Conversation, actor: TenantUser | None, event: str, text: str, details: dict[str, Any]
) -> Message:
    message = Message.objects.create(
        tenant_id=conversation.tenant_id,
        conversation=conversation,
        account_id=conversation.account_id,
        direction=MessageDirection.OUT,
        kind=MessageKind.SYSTEM,
        author=actor,
        body=text,
        metadata={"event": event, **details},
    )
    publish(
        MessageCreated(
            tenant_id=conversation.tenant_id, conversation_id=conversation.id, message_id=message.id, outbound=False
        )
    )
    return message


def _tenant_language(tenant: Tenant) -> str:
    return Locale(tenant.locale).language_code if tenant.locale in Locale.values else "pt-br"


def _ensure_assignable(tenant: Tenant, assignee: TenantUser) -> None:
    if assignee.tenant_id != tenant.id or not assignee.is_active or not can(assignee, "conversation.reply"):
        raise ApplicationError(
            _("This person cannot take conversations."),
            code="invalid_assignee",
            fields={"assignee": [_("Not an active agent of this workspace.")]},
        )


def conversation_assign(
    *,
    tenant: Tenant,
    actor: TenantUser,
    conversation: Conversation,
    assignee: TenantUser | None,
    department: Department | None = None,
    team: Team | None = None,
    change_unit: bool = False,
    note: str = "",
    context: RequestContext = SYSTEM,
) -> Conversation:
    """Assign to an agent (or nobody) and/or transfer to a department or team. Every transfer
    writes a system message into the timeline and an audit row."""
    ensure_can_on(actor, "conversation.assign", conversation)
    if assignee is not None:
        _ensure_assignable(tenant, assignee)
    before = {
        "assignee": conversation.assignee_id,
        "department_id": conversation.department_id,
        "team_id": conversation.team_id,
    }
    with transaction.atomic():
        conversation.assignee = assignee
        if change_unit:
            conversation.department, conversation.team = department, team
        if assignee is None and team is not None and team.auto_assign:
            conversation.assignee = assignee = _round_robin(team)
        conversation.last_activity_at = timezone.now()
        conversation.save(update_fields=["assignee", "department", "team", "last_activity_at", "updated_at"])
        after = {
            "assignee": conversation.assignee_id,
            "department_id": conversation.department_id,
            "team_id": conversation.team_id,
        }
        if after == before:
            return conversation
        if assignee is not None:
            ConversationParticipant.objects.get_or_create(tenant=tenant, conversation=conversation, member=assignee)
        with translation.override(_tenant_language(tenant)):
            who = assignee.display_name if assignee else _("nobody")
            text = _("%(actor)s assigned the conversation to %(who)s.") % {"actor": actor.display_name, "who": who}
            if change_unit:
                text = _("%(actor)s transferred the conversation.") % {"actor": actor.display_name}
            if note:
                text = f"{text} {note}"
        _system_message(
            conversation=conversation,
            actor=actor,
            event="transfer" if change_unit else "assignment",
            text=text,
            details={"from": before, "to": after, "note": note},
        )
        audit_record(
            tenant=tenant,
            actor=actor.user,
            action="conversation.transferred" if change_unit else "conversation.assigned",
            target=conversation,
            changes={"from": before, "to": after, "note": note},
            context=context,
        )
        publish(
            ConversationUpdated(
                tenant_id=tenant.id,
                conversation_id=conversation.id,
                change="assigned",
                previous_department_id=before["department_id"],
                previous_team_id=before["team_id"],
                previous_assignee_id=before["assignee"],
            )
        )
    return conversation


def _round_robin(team: Team) -> TenantUser | None:
    open_counts = dict(
        Conversation.objects.for_tenant(team.tenant_id)
        .filter(team=team, status__in=UNRESOLVED, assignee__isnull=False)
        .values_list("assignee_id")
        .annotate(n=Count("id"))
    )
    return round_robin_pick(team=team, open_counts=open_counts)


def conversation_set_status(
    *,
    tenant: Tenant,
    actor: TenantUser,
    conversation: Conversation,
    status: str,
    snoozed_until: datetime | None = None,
    context: RequestContext = SYSTEM,
) -> Conversation:
    ensure_can_on(actor, "conversation.reply", conversation)
    if status == ConversationStatus.SNOOZED and (snoozed_until is None or snoozed_until <= timezone.now()):
        raise ApplicationError(
            _("Say until when to snooze."),
            code="snooze_until_required",
            fields={"snoozed_until": [_("A future time is required.")]},
        )
    if status == conversation.status and status != ConversationStatus.SNOOZED:
        return conversation
    previous = conversation.status
    try:
        with transaction.atomic():
            conversation.status = status
            conversation.snoozed_until = snoozed_until if status == ConversationStatus.SNOOZED else None
            conversation.resolved_at = timezone.now() if status == ConversationStatus.RESOLVED else None
            conversation.last_activity_at = timezone.now()
            conversation.save(
                update_fields=["status", "snoozed_until", "resolved_at", "last_activity_at", "updated_at"]
            )
            with translation.override(_tenant_language(tenant)):
                text = _("%(actor)s changed the status to %(status)s.") % {
                    "actor": actor.display_name,
                    "status": ConversationStatus(status).label,
                }
            _system_message(
                conversation=conversation,
                actor=actor,
                event="status",
                text=text,
                details={"from": previous, "to": status},
            )
            audit_record(
                tenant=tenant,
                actor=actor.user,
                action="conversation.status_changed",
                target=conversation,
                changes={"from": previous, "to": status},
                context=context,
            )
            publish(ConversationUpdated(tenant_id=tenant.id, conversation_id=conversation.id, change="status"))
    except IntegrityError as exc:
        raise ConflictError(
            _("This contact already has another open conversation on this channel."),
            code="another_conversation_open",
        ) from exc
    return conversation


def conversation_mark_read(*, tenant: Tenant, actor: TenantUser, conversation: Conversation) -> None:
    # Reading needs no permission beyond seeing the conversation, which the caller's selector checked.
    if conversation.unread_count:
        Conversation.objects.for_tenant(tenant).filter(id=conversation.id).update(unread_count=0)
        conversation.unread_count = 0
        publish(ConversationUpdated(tenant_id=tenant.id, conversation_id=conversation.id, change="read"))


def conversation_touch_inbound(*, conversation: Conversation, preview: str, at: datetime) -> None:
    """A contact wrote: bump activity, preview and unread count; waiting states wake up."""
    waiting = Q(status__in=[ConversationStatus.PENDING, ConversationStatus.SNOOZED])
    Conversation.objects.for_tenant(conversation.tenant_id).filter(id=conversation.id).update(
        last_message_preview=preview[:200],
        last_message_at=at,
        last_activity_at=at,
        unread_count=F("unread_count") + 1,
        status=Case(When(waiting, then=Value(ConversationStatus.OPEN)), default=F("status")),
        snoozed_until=Case(When(waiting, then=Value(None)), default=F("snoozed_until")),
    )


@dataclass
class InboundTouch:
    """What a batch of inbound messages does to one conversation (see conversation_touch_inbound)."""

    preview: str
    at: datetime
    messages: int


def conversations_touch_inbound(*, tenant_id: Any, touches: Mapping[UUID, InboundTouch]) -> list[Conversation]:
    """conversation_touch_inbound for many conversations in one statement: the last message's
    preview and time, the unread count up by the batch's messages, waiting states woken up.
    Returns the conversations as the statement left them (every column, RETURNING: changes other
    transactions committed meanwhile included), so that their frames need no read back."""
    if not touches:
        return []
    ids = list(touches)
    fields = Conversation._meta.concrete_fields
    columns = ", ".join(f"c.{connection.ops.quote_name(str(f.column))}" for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            # The interpolated column names come from the model, never from input.
            f"""UPDATE messaging_conversation AS c
               SET last_message_preview = t.preview, last_message_at = t.at, last_activity_at = t.at,
                   unread_count = c.unread_count + t.messages,
                   status = CASE WHEN c.status IN ('pending', 'snoozed') THEN 'open' ELSE c.status END,
                   snoozed_until = CASE WHEN c.status IN ('pending', 'snoozed') THEN NULL ELSE c.snoozed_until END
               FROM unnest(%s::uuid[], %s::varchar[], %s::timestamptz[], %s::integer[]) AS t(id, preview, at, messages)
               WHERE c.id = t.id AND c.tenant_id = %s
               RETURNING {columns}""",  # noqa: S608
            [
                ids,
                [touches[i].preview[:200] for i in ids],
                [touches[i].at for i in ids],
                [touches[i].messages for i in ids],
                tenant_id,
            ],
        )
        rows = cursor.fetchall()
    names = [f.attname for f in fields]
    return [Conversation.from_db(connection.alias, names, row) for row in rows]


def _lock_contacts_with_unresolved(
    tenant_id: UUID, contact_ids: list[UUID], account_ids: list[UUID]
) -> list[Conversation]:
    """Lock the contacts (in id order) and read their unresolved conversations on the accounts,
    in one round trip: the locked contacts drive an outer join, so every one of them is locked
    (and read first) whether it has a conversation or not."""
    fields = Conversation._meta.concrete_fields
    columns = ", ".join(f"c.{connection.ops.quote_name(str(f.column))}" for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            # Interpolated: table and column names from the models, never input.
            f"""SELECT {columns}
                FROM (SELECT id FROM {Contact._meta.db_table} WHERE tenant_id = %s AND id = ANY(%s)
                      ORDER BY id FOR UPDATE) AS locked
                LEFT JOIN {Conversation._meta.db_table} AS c
                  ON c.contact_id = locked.id AND c.tenant_id = %s AND c.account_id = ANY(%s)
                     AND c.status = ANY(%s)""",  # noqa: S608
            [tenant_id, contact_ids, tenant_id, account_ids, list(UNRESOLVED)],
        )
        rows = cursor.fetchall()
    names = [f.attname for f in fields]
    pk = names.index(Conversation._meta.pk.attname)  # None: a contact without such a conversation
    return [Conversation.from_db(connection.alias, names, row) for row in rows if row[pk] is not None]


def conversations_for_inbound(
    *, tenant: Tenant, accounts: Mapping[UUID, ChannelAccount], account_contacts: Iterable[tuple[UUID, UUID]]
) -> dict[tuple[UUID, UUID], Conversation]:
    """conversation_for_inbound (without e-mail threads) for a batch of inbound messages: lock
    the contacts (in id order, so concurrent batches cannot deadlock), then the unresolved
    conversation of each (account, contact); else the last one reopened when resolved within
    the tenant's window; else a new one in the account's default department and team. A
    handful of queries for the whole batch. Must run in the transaction that stores the
    messages."""
    pairs = set(account_contacts)
    if not pairs:
        return {}
    contact_ids = sorted({contact_id for _account_id, contact_id in pairs})
    account_ids = {account_id for account_id, _contact_id in pairs}
    found = {
        (c.account_id, c.contact_id): c
        for c in _lock_contacts_with_unresolved(tenant.id, contact_ids, list(account_ids))
        if (c.account_id, c.contact_id) in pairs
    }
    conversations = Conversation.objects.for_tenant(tenant).filter(
        account_id__in=account_ids, contact_id__in=contact_ids
    )
    missing = pairs - set(found)
    if not missing:
        return found
    last_resolved = {
        (c.account_id, c.contact_id): c
        for c in conversations.order_by("account_id", "contact_id", F("resolved_at").desc(nulls_last=True)).distinct(
            "account_id", "contact_id"
        )
        if (c.account_id, c.contact_id) in missing
    }
    window = timedelta(hours=tenant.reopen_window_hours)
    now = timezone.now()
    events: list[Event] = []
    new: list[Conversation] = []
    for pair in sorted(missing):
        last = last_resolved.get(pair)
        if last is not None and last.resolved_at and now - last.resolved_at <= window:
            last.status, last.resolved_at = ConversationStatus.OPEN, None
            last.save(update_fields=["status", "resolved_at", "updated_at"])
            events.append(ConversationUpdated(tenant_id=tenant.id, conversation_id=last.id, change="reopened"))
            found[pair] = last
            continue
        account = accounts[pair[0]]
        new.append(
            Conversation(
                tenant=tenant,
                account=account,
                contact_id=pair[1],
                department_id=account.default_department_id,
                team_id=account.default_team_id,
            )
        )
    try:
        with transaction.atomic():
            Conversation.objects.bulk_create(new)
    except IntegrityError:  # a racer that did not lock the contact: one by one, the careful way
        for conversation in new:
            contact = Contact.objects.for_tenant(tenant).get(id=conversation.contact_id)
            found[(conversation.account_id, conversation.contact_id)], _state = conversation_for_inbound(
                tenant=tenant, account=conversation.account, contact=contact
            )
    else:
        for conversation in new:
            found[(conversation.account_id, conversation.contact_id)] = conversation
            events.append(ConversationUpdated(tenant_id=tenant.id, conversation_id=conversation.id, change="created"))
    publish_all(events)
    return found


def participant_add(
    *, tenant: Tenant, actor: TenantUser, conversation: Conversation, member: TenantUser, role: str
) -> ConversationParticipant:
    ensure_can_on(actor, "conversation.reply", conversation)
    participant, _created = ConversationParticipant.objects.for_tenant(tenant).update_or_create(
        tenant=tenant, conversation=conversation, member=member, defaults={"role": role}
    )
    publish(ConversationUpdated(tenant_id=tenant.id, conversation_id=conversation.id, change="updated"))
    return participant


def participant_remove(*, tenant: Tenant, actor: TenantUser, conversation: Conversation, member: TenantUser) -> None:
    ensure_can_on(actor, "conversation.reply", conversation)
    ConversationParticipant.objects.for_tenant(tenant).filter(conversation=conversation, member=member).delete()
    publish(ConversationUpdated(tenant_id=tenant.id, conversation_id=conversation.id, change="updated"))


@dataclass(frozen=True)
class SlaReading:
    """The SLA a conversation shows in the inbox: state ("" when none) and next due instant."""

    state: str
    due_at: datetime | None


def conversations_set_sla(tenant_id: UUID, readings: Mapping[UUID, SlaReading]) -> int:
    """Copy the SLA of their open tickets onto conversations (the tickets app owns the clocks).
    Only conversations whose reading changed are written and announced; returns how many."""
    if not readings:
        return 0
    # One UPDATE … FROM unnest(…) whatever the number of conversations (SLA scans batch them);
    # rows whose reading is already there are left alone and not returned.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Conversation._meta.db_table} AS c SET sla_state = v.state, sla_due_at = v.due "  # noqa: S608 - table name, values bound
            "FROM unnest(%s::uuid[], %s::text[], %s::timestamptz[]) AS v(id, state, due) "
            "WHERE c.id = v.id AND c.tenant_id = %s AND (c.sla_state, c.sla_due_at) IS DISTINCT FROM (v.state, v.due) "
            "RETURNING c.id",
            [list(readings), [r.state for r in readings.values()], [r.due_at for r in readings.values()], tenant_id],
        )
        changed = [cid for (cid,) in cursor.fetchall()]
    publish_all([ConversationUpdated(tenant_id=tenant_id, conversation_id=cid, change="sla") for cid in changed])
    return len(changed)
