"""Message writes: inbound from a channel (idempotent), outbound replies and private notes
(queued for delivery), delivery receipts that never move backwards."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any, Protocol

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atendo.core.errors import ApplicationError, ConflictError
from atendo.core.events import publish
from atendo.core.models import Tenant, TenantUser
from atendo.messaging.events import ConversationUpdated, MessageCreated, MessageUpdated
from atendo.messaging.models import (
    DELIVERY_RANK,
    Conversation,
    ConversationParticipant,
    DeliveryStatus,
    Message,
    MessageAttachment,
    MessageDirection,
    MessageKind,
)

MAX_BODY_CHARS = 10_000


class FileRef(Protocol):
    """A stored upload (atendo.core.storage.StoredFile)."""

    @property
    def key(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def mime(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def sha256(self) -> str: ...


def attachments_add(message: Message, files: Sequence[FileRef]) -> list[MessageAttachment]:
    """Attach stored files. With an antivirus configured they start `pending` (never served)
    and a scan is queued for each once the transaction commits."""
    from atendo.core.storage.antivirus import scanning_enabled

    status = MessageAttachment.Scan.PENDING if scanning_enabled() else MessageAttachment.Scan.NOT_SCANNED
    rows = MessageAttachment.objects.bulk_create(
        [
            MessageAttachment(
                tenant_id=message.tenant_id,
                message=message,
                storage_key=f.key,
                name=f.name,
                mime=f.mime,
                size=f.size,
                sha256=f.sha256,
                scan_status=status,
            )
            for f in files
        ]
    )
    if status == MessageAttachment.Scan.PENDING:
        from atendo.messaging.tasks import scan_attachment

        def enqueue_scans() -> None:
            for row in rows:
                scan_attachment.delay(str(row.id))

        # robust: a broker hiccup must not fail the request; the files simply stay pending.
        transaction.on_commit(enqueue_scans, robust=True)
    return rows


def message_preview(body: str, files: Sequence[FileRef] = ()) -> str:
    if body.strip():
        return " ".join(body.split())[:200]
    return f"📎 {files[0].name}"[:200] if files else ""


def _existing(conversation: Conversation, *, client_id: str | None, provider_message_id: str | None) -> Message | None:
    messages = Message.objects.for_tenant(conversation.tenant_id)
    if provider_message_id:
        return messages.filter(account_id=conversation.account_id, provider_message_id=provider_message_id).first()
    if client_id:
        return messages.filter(conversation=conversation, client_id=client_id).first()
    return None


def _insert_unless_duplicate(messages: Sequence[Message]) -> set[Any]:
    """One `INSERT … ON CONFLICT DO NOTHING` for all of them: the ids of those inserted; the
    others repeat a unique key (the provider message id, the widget's client id) of a stored
    message. Unlike catching IntegrityError it needs no savepoint, and it is one round trip
    for a whole batch."""
    if not messages:
        return set()
    fields = Message._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    # One array per column (UNNEST): the statement has as many parameters as the model has
    # columns, whatever the batch size, so neither psycopg nor PostgreSQL parses a VALUES list
    # of a thousand placeholders.
    arrays = ", ".join(f"%s::{field.cast_db_type(connection)}[]" for field in fields)
    values = [[field.get_db_prep_save(field.pre_save(m, add=True), connection) for m in messages] for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(Message._meta.db_table)} ({columns}) "  # noqa: S608 - model metadata
            f"SELECT * FROM UNNEST({arrays}) ON CONFLICT DO NOTHING RETURNING id",
            values,
        )
        inserted = {r[0] for r in cursor.fetchall()}
    for message in messages:
        if message.id in inserted:
            message._state.adding = False
            message._state.db = connection.alias
    return inserted


def inbound_message_build(
    *,
    conversation: Conversation,
    body: str,
    client_id: str | None = None,
    provider_message_id: str | None = None,
    metadata: dict[str, Any] | None = None,
    has_files: bool = False,
) -> Message:
    """A message from the contact, not saved yet (messages_store_inbound stores many at once)."""
    if not body.strip() and not has_files:
        raise ApplicationError(
            _("A message needs text or a file."), code="empty_message", fields={"body": [_("This field is required.")]}
        )
    return Message(
        tenant_id=conversation.tenant_id,
        conversation=conversation,
        account_id=conversation.account_id,
        direction=MessageDirection.IN,
        kind=MessageKind.MEDIA if has_files else MessageKind.TEXT,
        body=body[:MAX_BODY_CHARS],
        client_id=client_id,
        provider_message_id=provider_message_id,
        metadata=metadata or {},
    )


def messages_store_inbound(messages: Sequence[Message]) -> list[tuple[Message, bool]]:
    """Insert messages built by inbound_message_build in one statement, idempotently: a
    redelivered one comes back as the stored message and (.., False). The caller touches the
    conversations and publishes."""
    inserted = _insert_unless_duplicate(messages)
    results: list[tuple[Message, bool]] = []
    for message in messages:
        if message.id in inserted:
            results.append((message, True))
            continue
        existing = _existing(
            message.conversation, client_id=message.client_id, provider_message_id=message.provider_message_id
        )
        if existing is None:  # the conflict was on a key of another conversation's message
            raise IntegrityError("the message conflicts with a stored message it does not repeat")
        results.append((existing, False))
    return results


def message_store_inbound(
    *,
    conversation: Conversation,
    body: str,
    files: Sequence[FileRef] = (),
    client_id: str | None = None,
    provider_message_id: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> tuple[Message, bool]:
    """Insert a message from the contact, idempotent on the provider message id (or the
    widget's client id): a redelivery returns the stored message and (.., False). The caller
    touches the conversation and publishes (message_receive, or a batch of them at once)."""
    message = inbound_message_build(
        conversation=conversation,
        body=body,
        client_id=client_id,
        provider_message_id=provider_message_id,
        metadata=metadata,
        has_files=bool(files),
    )
    # Insert first: the unique indexes on (account, provider id) and (conversation, client id)
    # tell a redelivery apart, so the common case costs no extra lookup.
    with transaction.atomic() if files else contextlib.nullcontext():
        [(message, created)] = messages_store_inbound([message])
        if created:
            attachments_add(message, files)
    return message, created


def message_receive(
    *,
    conversation: Conversation,
    body: str,
    files: Sequence[FileRef] = (),
    client_id: str | None = None,
    provider_message_id: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> tuple[Message, bool]:
    """Store a message from the contact. Idempotent on the provider message id (or the
    widget's client id): a redelivery returns the stored message and (.., False)."""
    from atendo.messaging.services.conversations import conversation_touch_inbound

    message, created = message_store_inbound(
        conversation=conversation,
        body=body,
        files=files,
        client_id=client_id,
        provider_message_id=provider_message_id,
        metadata=metadata,
    )
    if not created:
        return message, False
    conversation_touch_inbound(conversation=conversation, preview=message_preview(body, files), at=message.created_at)
    publish(
        MessageCreated(
            tenant_id=conversation.tenant_id, conversation_id=conversation.id, message_id=message.id, outbound=False
        )
    )
    publish(ConversationUpdated(tenant_id=conversation.tenant_id, conversation_id=conversation.id, change="updated"))
    return message, True


def message_send(
    *,
    tenant: Tenant,
    actor: TenantUser,
    conversation: Conversation,
    body: str,
    private: bool = False,
    files: Sequence[FileRef] = (),
    client_id: str | None = None,
) -> Message:
    """An agent's reply (queued, then delivered by a task through the channel adapter) or a
    private note (never leaves Atendo). Replying to an unassigned conversation takes it."""
    from atendo.messaging.services.conversations import ensure_can_on

    ensure_can_on(actor, "conversation.reply", conversation)
    if not body.strip() and not files:
        raise ApplicationError(
            _("A message needs text or a file."), code="empty_message", fields={"body": [_("This field is required.")]}
        )
    if client_id and (existing := _existing(conversation, client_id=client_id, provider_message_id=None)):
        return existing
    if not private:
        _ensure_reply_window(conversation)
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.create(
            tenant=tenant,
            conversation=conversation,
            account_id=conversation.account_id,
            direction=MessageDirection.OUT,
            kind=MessageKind.NOTE if private else (MessageKind.MEDIA if files else MessageKind.TEXT),
            author=actor,
            body=body[:MAX_BODY_CHARS],
            client_id=client_id,
            delivery_status=None if private else DeliveryStatus.QUEUED,
        )
        attachments_add(message, files)
        updates: dict[str, Any] = {"last_activity_at": now}
        if not private:
            updates.update(last_message_preview=message_preview(body, files), last_message_at=now, unread_count=0)
            if conversation.assignee_id is None:
                updates["assignee"] = actor
        Conversation.objects.for_tenant(tenant).filter(id=conversation.id).update(**updates)
        ConversationParticipant.objects.get_or_create(
            tenant=tenant,
            conversation=conversation,
            member=actor,
            defaults={"role": ConversationParticipant.Role.COLLABORATOR},
        )
        publish(
            MessageCreated(
                tenant_id=tenant.id, conversation_id=conversation.id, message_id=message.id, outbound=not private
            )
        )
        publish(
            ConversationUpdated(
                tenant_id=tenant.id,
                conversation_id=conversation.id,
                change="assigned" if "assignee" in updates else "updated",
            )
        )
    return message


def _ensure_reply_window(conversation: Conversation) -> None:
    """Channels with a customer-service window (WhatsApp: 24 h after the customer's last
    message) refuse free-form replies after it, up front, with a clear reason. Templates, which
    are allowed outside it, arrive with a later feature."""
    from atendo.connectors.adapters import get_adapter

    window_open = getattr(get_adapter(conversation.account.kind), "reply_window_open", None)
    if window_open is None:
        return
    last_inbound = (
        Message.objects.for_tenant(conversation.tenant_id)
        .filter(conversation=conversation, direction=MessageDirection.IN)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if not window_open(last_inbound, timezone.now()):
        raise ApplicationError(
            _("The customer last wrote more than 24 hours ago: this channel only allows approved templates now."),
            code="reply_window_closed",
        )


def message_update_delivery(
    *,
    message: Message,
    status: str,
    provider_message_id: str | None = None,
    error_code: str = "",
    error_message: str = "",
) -> bool:
    """Apply a delivery receipt. Receipts arrive out of order: a status never moves back
    (read stays read when a late "delivered" arrives). Returns whether anything changed."""
    with transaction.atomic():
        locked = Message.objects.for_tenant(message.tenant_id).select_for_update().get(id=message.id)
        current = DeliveryStatus(locked.delivery_status) if locked.delivery_status else None
        target = DeliveryStatus(status)
        if current is not None and DELIVERY_RANK[target] <= DELIVERY_RANK[current]:
            return False
        if current == DeliveryStatus.FAILED:
            return False
        now = timezone.now()
        locked.delivery_status = target
        fields = ["delivery_status"]
        stamp = {
            DeliveryStatus.SENT: "sent_at",
            DeliveryStatus.DELIVERED: "delivered_at",
            DeliveryStatus.READ: "read_at",
        }.get(target)
        if stamp:
            setattr(locked, stamp, now)
            fields.append(stamp)
        if provider_message_id and not locked.provider_message_id:
            locked.provider_message_id = provider_message_id
            fields.append("provider_message_id")
        if target == DeliveryStatus.FAILED:
            locked.error_code, locked.error_message = error_code[:64], error_message[:500]
            fields += ["error_code", "error_message"]
        locked.save(update_fields=fields)
        publish(
            MessageUpdated(tenant_id=locked.tenant_id, conversation_id=locked.conversation_id, message_id=locked.id)
        )
    return True


def message_retry(*, tenant: Tenant, actor: TenantUser, message: Message) -> Message:
    """Queue a failed reply again (the agent's retry after reading the provider's reason).
    Only failed replies: anything else may already be with the customer."""
    from atendo.messaging.services.conversations import ensure_can_on

    ensure_can_on(actor, "conversation.reply", message.conversation)
    with transaction.atomic():
        locked = Message.objects.for_tenant(tenant).select_for_update().get(id=message.id)
        if locked.direction != MessageDirection.OUT or locked.delivery_status != DeliveryStatus.FAILED:
            raise ConflictError(_("Only a reply that failed can be sent again."), code="not_retryable")
        _ensure_reply_window(locked.conversation)
        locked.delivery_status = DeliveryStatus.QUEUED
        locked.error_code, locked.error_message = "", ""
        locked.metadata = {key: value for key, value in locked.metadata.items() if key != SEND_CLAIM_KEY}
        locked.save(update_fields=["delivery_status", "error_code", "error_message", "metadata"])
        publish(MessageUpdated(tenant_id=tenant.id, conversation_id=locked.conversation_id, message_id=locked.id))
        transaction.on_commit(lambda: _enqueue_delivery(locked.id), robust=True)
    return locked


def _enqueue_delivery(message_id: Any) -> None:
    from atendo.messaging.tasks import deliver_message

    deliver_message.delay(str(message_id))


# Set in a message's metadata while a worker hands it to the provider; found again on entry,
# it means that worker died mid-send and the outcome is unknown.
SEND_CLAIM_KEY = "send_started_at"


def message_claim_send(message: Message) -> bool:
    """Mark a queued reply as being sent. False when an earlier attempt was cut off mid-send
    (a killed worker): whether the provider got it is unknown."""
    with transaction.atomic():
        locked = Message.objects.for_tenant(message.tenant_id).select_for_update().get(id=message.id)
        if SEND_CLAIM_KEY in locked.metadata:
            return False
        locked.metadata = {**locked.metadata, SEND_CLAIM_KEY: timezone.now().isoformat()}
        locked.save(update_fields=["metadata"])
    message.metadata = locked.metadata
    return True


def message_release_send(message: Message) -> None:
    """The attempt ended with a known outcome (sent, refused, or to be retried)."""
    with transaction.atomic():
        locked = Message.objects.for_tenant(message.tenant_id).select_for_update().get(id=message.id)
        if SEND_CLAIM_KEY in locked.metadata:
            locked.metadata = {k: v for k, v in locked.metadata.items() if k != SEND_CLAIM_KEY}
            locked.save(update_fields=["metadata"])
