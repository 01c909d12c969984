"""Processing of stored provider events (the `webhooks` queue): normalized messages become
contacts, conversations and messages; statuses move deliveries forward. Idempotent: the
provider message id is unique per account, so a replayed event changes nothing."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from atendo.connectors.adapters import get_adapter
from atendo.connectors.adapters.base import AdapterError, InboundMessage, StatusUpdate
from atendo.connectors.models import ChannelAccount, InboundEvent
from atendo.contacts.services import contact_upsert_by_identity
from atendo.core.events import publish
from atendo.core.storage import store_upload
from atendo.messaging.events import MessageUpdated
from atendo.messaging.models import Conversation, Message, MessageAttachment
from atendo.messaging.services.conversations import conversation_for_inbound, conversation_id_from_reply_token
from atendo.messaging.services.messages import attachments_add, message_receive, message_update_delivery

logger = logging.getLogger(__name__)


class PermanentIngestionError(Exception):
    """Retrying cannot help (a malformed stored body): dead-letter at once."""


def _account(event: InboundEvent, external_id: str) -> ChannelAccount | None:
    accounts = ChannelAccount.objects.for_tenant(event.tenant_id).filter(connector_id=event.connector_id)
    if external_id:
        return accounts.filter(external_id=external_id).first()
    return accounts.order_by("created_at").first()  # providers whose envelope names no account (Telegram)


def _message_by_provider_id(account: ChannelAccount, provider_id: str) -> Message | None:
    return (
        Message.objects.for_tenant(account.tenant_id).filter(account=account, provider_message_id=provider_id).first()
    )


def _apply_status(account: ChannelAccount, status: StatusUpdate) -> None:
    message = _message_by_provider_id(account, status.provider_message_id)
    if message is None:
        logger.info("status for unknown message %s on %s", status.provider_message_id, account.id)
        return
    message_update_delivery(
        message=message, status=status.status, error_code=status.error_code, error_message=status.error_message
    )


def _apply_edit(account: ChannelAccount, item: InboundMessage) -> bool:
    original = _message_by_provider_id(account, item.edit_of or "")
    if original is None:
        return False
    with transaction.atomic():
        original.metadata = {**original.metadata, "edited_at": item.sent_at.isoformat(), "original_body": original.body}
        original.body = item.text
        original.save(update_fields=["body", "metadata"])
        publish(
            MessageUpdated(
                tenant_id=original.tenant_id, conversation_id=original.conversation_id, message_id=original.id
            )
        )
    return True


def _apply_reaction(account: ChannelAccount, item: InboundMessage) -> None:
    target = _message_by_provider_id(account, str(item.metadata.get("message_id", "")))
    if target is None:
        return
    reactions = dict(target.metadata.get("reactions", {}))
    reactions[item.sender_id] = item.metadata.get("emoji", "")
    target.metadata = {**target.metadata, "reactions": reactions}
    target.save(update_fields=["metadata"])
    publish(MessageUpdated(tenant_id=target.tenant_id, conversation_id=target.conversation_id, message_id=target.id))


def _thread_of(account: ChannelAccount, item: InboundMessage) -> Conversation | None:
    """The conversation an e-mail answers: by In-Reply-To, then References (newest first),
    then the reply token of our Reply-To address."""
    email = item.metadata.get("email") or {}
    keys = [k for k in email.get("thread_keys") or [] if isinstance(k, str)]
    conversations = Conversation.objects.for_tenant(account.tenant_id).filter(account=account)
    if keys:
        found = dict(
            Message.objects.for_tenant(account.tenant_id)
            .filter(account=account, provider_message_id__in=keys)
            .values_list("provider_message_id", "conversation_id")
        )
        for key in keys:  # best key first
            if key in found:
                return conversations.filter(id=found[key]).first()
    token = email.get("reply_token")
    conversation_id = conversation_id_from_reply_token(token) if isinstance(token, str) else None
    return conversations.filter(id=conversation_id).first() if conversation_id else None


def _receive(account: ChannelAccount, item: InboundMessage, credentials: dict[str, str]) -> None:
    if item.edit_of and _apply_edit(account, item):
        return
    if item.kind == "reaction":
        _apply_reaction(account, item)
        return
    contact, _created = contact_upsert_by_identity(
        tenant=account.tenant, kind=account.kind, value=item.sender_id, name=item.sender_name
    )
    with transaction.atomic():
        conversation, state = conversation_for_inbound(
            tenant=account.tenant, account=account, contact=contact, thread=_thread_of(account, item)
        )
        if state == "created" and (account.default_department_id or account.default_team_id):
            conversation.department_id = account.default_department_id
            conversation.team_id = account.default_team_id
            conversation.save(update_fields=["department", "team", "updated_at"])
        metadata: dict[str, Any] = {"kind": item.kind, **item.metadata}
        if item.reply_to_provider_id:
            metadata["reply_to"] = item.reply_to_provider_id
        if item.kind == "unknown":
            metadata["unsupported"] = True
        message, _created = message_receive(
            conversation=conversation,
            body=item.text or ("📎" if item.media else f"[{item.kind}]"),
            provider_message_id=item.provider_message_id,
            metadata=metadata,
        )
    _download_media(account, message, item, credentials)


def _download_media(
    account: ChannelAccount, message: Message, item: InboundMessage, credentials: dict[str, str]
) -> None:
    """Media arrive after the message (the text is never held back by a slow download). A retry
    of the event downloads what is still missing."""
    if not item.media:
        return
    have = MessageAttachment.objects.for_tenant(account.tenant_id).filter(message=message).count()
    adapter = get_adapter(account.kind)
    for media in item.media[have:]:
        downloaded = adapter.download_media(credentials, media)
        stored = store_upload(
            tenant_id=account.tenant_id,
            fileobj=downloaded.content,
            name=media.name or downloaded.name or "file",
            declared_mime=media.mime or downloaded.mime,
        )
        attachments_add(message, [stored])
    Message.objects.for_tenant(account.tenant_id).filter(id=message.id).update(kind="media")
    publish(MessageUpdated(tenant_id=account.tenant_id, conversation_id=message.conversation_id, message_id=message.id))


def inbound_event_process(event: InboundEvent) -> None:
    connector = event.connector
    adapter = get_adapter(connector.kind)
    try:
        items = adapter.parse(bytes(event.body))
    except ValueError as exc:
        raise PermanentIngestionError(f"unparseable envelope: {exc}") from exc
    credentials = json.loads(connector.credentials or "{}")
    for item in items:
        account = _account(event, item.account_external_id)
        if account is None:
            logger.warning("event %s names account %r not connected here", event.id, item.account_external_id)
            continue
        if isinstance(item, StatusUpdate):
            _apply_status(account, item)
        else:
            _receive(account, item, credentials)
    InboundEvent.objects.for_tenant(event.tenant_id).filter(id=event.id).update(
        status=InboundEvent.Status.DONE, processed_at=timezone.now(), last_error=""
    )


__all__ = ["AdapterError", "PermanentIngestionError", "inbound_event_process"]
