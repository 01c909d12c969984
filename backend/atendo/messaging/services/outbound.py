"""What an adapter needs to send one of our messages: recipient, text, files and, for
threaded channels (e-mail), subject and the thread's message ids."""

from __future__ import annotations

from functools import partial
from typing import Any

from atendo.connectors.adapters import OutboundMessage
from atendo.connectors.adapters.base import OutboundAttachment
from atendo.contacts.models import ContactIdentity
from atendo.core.storage import download_url, open_stored
from atendo.messaging.models import Message, MessageAttachment, MessageDirection
from atendo.messaging.services.conversations import conversation_reply_token

SENDABLE_SCANS = (MessageAttachment.Scan.NOT_SCANNED, MessageAttachment.Scan.CLEAN)
MAX_REFERENCES = 20


class AttachmentsNotReady(Exception):
    """A file is still waiting for the antivirus: the send waits too (never unscanned)."""


def _attachments(message: Message) -> list[OutboundAttachment]:
    rows = list(MessageAttachment.objects.for_tenant(message.tenant_id).filter(message=message).order_by("created_at"))
    if any(row.scan_status == MessageAttachment.Scan.PENDING for row in rows):
        raise AttachmentsNotReady(str(message.id))
    return [
        OutboundAttachment(
            name=row.name,
            mime=row.mime,
            url=download_url(key=row.storage_key, name=row.name, mime=row.mime, expires_in=3600, absolute=True),
            open=partial(open_stored, row.storage_key),
        )
        for row in rows
        if row.scan_status in SENDABLE_SCANS  # an infected file is never passed on
    ]


def _email_thread(message: Message) -> dict[str, Any]:
    """Subject and threading of the customer's latest mail in the conversation: we answer it."""
    latest = (
        Message.objects.for_tenant(message.tenant_id)
        .filter(conversation_id=message.conversation_id, direction=MessageDirection.IN, metadata__has_key="email")
        .order_by("-created_at")
        .values_list("metadata", flat=True)
        .first()
    )
    email = (latest or {}).get("email") or {}
    parent = email.get("message_id")
    references = [r for r in email.get("references") or [] if isinstance(r, str)]
    if parent:
        references.append(parent)
    return {"subject": email.get("subject") or "", "in_reply_to": parent, "references": references[-MAX_REFERENCES:]}


def outbound_message_for(message: Message) -> OutboundMessage:
    """Raises AttachmentsNotReady while a file is being scanned."""
    account = message.account
    recipient = (
        ContactIdentity.objects.for_tenant(message.tenant_id)
        .filter(contact_id=message.conversation.contact_id, kind=account.kind)
        .values_list("value", flat=True)
        .first()
    )
    thread = _email_thread(message) if account.kind == "email" else {}
    author = message.author.display_name if message.author_id and message.author else ""
    return OutboundMessage(
        recipient=recipient or str(message.conversation.contact_id),
        body=message.body,
        attachments=_attachments(message),
        reply_to_provider_id=thread.get("in_reply_to") or message.metadata.get("reply_to"),
        idempotency_key=str(message.id),
        subject=thread.get("subject", ""),
        references=thread.get("references", []),
        reply_token=conversation_reply_token(message.conversation_id),
        sender_name=f"{author} ({account.name})" if author else account.name,
        automatic=message.author_id is None,
    )
