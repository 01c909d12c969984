"""Outbound delivery through the channel adapter: ids in, idempotent, retried with backoff."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atendo.connectors.adapters import AdapterError, get_adapter
from atendo.connectors.models import DeadLetter, InboundEvent
from atendo.core.events import publish
from atendo.core.tasks import backoff_seconds
from atendo.messaging.events import MessageUpdated
from atendo.messaging.models import DeliveryStatus, Message, MessageAttachment
from atendo.messaging.services.messages import message_claim_send, message_release_send, message_update_delivery
from atendo.messaging.services.outbound import AttachmentsNotReady, outbound_message_for

logger = logging.getLogger(__name__)


@shared_task(bind=True, queue="default", acks_late=True, max_retries=8)
def deliver_message(self, message_id: str) -> None:  # type: ignore[no-untyped-def]
    """Send a queued reply through its account's adapter. 5xx/429/network errors retry with
    backoff (or the provider's retry_after); 4xx refusals mark the message failed with the
    provider's reason for the agent to see."""
    message = (
        Message.objects.unscoped()
        .select_related("conversation__contact", "account__connector", "author")
        .filter(id=message_id)
        .first()
    )
    if message is None or message.delivery_status != DeliveryStatus.QUEUED:
        return  # gone, or already handled by an earlier delivery of this task
    account = message.account
    try:
        outbound = outbound_message_for(message)
    except AttachmentsNotReady as exc:
        raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc
    adapter = get_adapter(account.kind)
    if not message_claim_send(message) and not getattr(adapter, "idempotent_sends", False):
        # A worker died while handing this reply to the provider: it may or may not be with the
        # customer. Sending again could duplicate it, so the agent decides (retry action).
        message_update_delivery(
            message=message,
            status=DeliveryStatus.FAILED,
            error_code="delivery_unknown",
            error_message=_("Sending was interrupted; check with the customer before sending it again."),
        )
        return
    try:
        result = adapter.send(account, outbound)
    except AdapterError as exc:
        message_release_send(message)
        if exc.retryable and self.request.retries < self.max_retries:
            countdown = exc.retry_after if exc.retry_after is not None else backoff_seconds(self.request.retries)
            raise self.retry(exc=exc, countdown=countdown) from exc
        message_update_delivery(
            message=message,
            status=DeliveryStatus.FAILED,
            error_code=exc.code or "provider_error",
            error_message=exc.message,
        )
        return
    message_release_send(message)
    if result.status == DeliveryStatus.FAILED and result.retryable and self.request.retries < self.max_retries:
        raise self.retry(countdown=backoff_seconds(self.request.retries))
    message_update_delivery(
        message=message,
        status=result.status,
        provider_message_id=result.provider_message_id,
        error_code=result.error_code,
        error_message=result.error_message,
    )


@shared_task(bind=True, queue="webhooks", acks_late=True, reject_on_worker_lost=True, max_retries=None)
def process_inbound_event(self, event_id: int) -> None:  # type: ignore[no-untyped-def]
    """Process one stored provider event. Attempts are counted in the row (a crash counts too);
    failures retry after 2^n s (capped, jittered) and end in a dead letter."""
    from atendo.messaging.ingestion import PermanentIngestionError, inbound_event_process

    with transaction.atomic():
        event = (
            InboundEvent.objects.unscoped()
            .select_related("connector")
            .select_for_update(skip_locked=True, of=("self",))
            .filter(id=event_id, status=InboundEvent.Status.PENDING)
            .first()
        )
        if event is None:
            return  # done, dead, or another worker holds it right now
        event.attempts += 1
        InboundEvent.objects.unscoped().filter(id=event.id).update(attempts=event.attempts)
    try:
        inbound_event_process(event)
    except PermanentIngestionError as exc:
        dead_letter(event, str(exc))
    except Exception as exc:
        logger.warning("inbound event %s failed (attempt %s): %s", event.id, event.attempts, exc)
        if event.attempts >= settings.INBOUND_MAX_ATTEMPTS:
            dead_letter(event, f"{type(exc).__name__}: {exc}")
            return
        InboundEvent.objects.unscoped().filter(id=event.id).update(last_error=f"{type(exc).__name__}: {exc}"[:2000])
        raise self.retry(exc=exc, countdown=backoff_seconds(event.attempts - 1)) from exc


def dead_letter(event: InboundEvent, error: str) -> None:
    with transaction.atomic():
        InboundEvent.objects.unscoped().filter(id=event.id).update(
            status=InboundEvent.Status.DEAD, last_error=error[:2000]
        )
        DeadLetter.objects.create(tenant_id=event.tenant_id, event=event, error=error[:5000], attempts=event.attempts)


@shared_task(queue="webhooks")
def sweep_inbound_events() -> int:
    """Every minute (beat): re-enqueue stored events still pending after a grace period, whose
    task was lost with a killed worker or a restarted broker. Double enqueues are harmless (the
    task locks the row and processing is idempotent)."""
    stale = timezone.now() - timedelta(seconds=settings.INBOUND_SWEEP_GRACE_SECONDS)
    ids = list(
        InboundEvent.objects.unscoped()
        .filter(status=InboundEvent.Status.PENDING, received_at__lt=stale)
        .order_by("received_at")
        .values_list("id", flat=True)[:1000]
    )
    for event_id in ids:
        process_inbound_event.delay(event_id)
    return len(ids)


@shared_task(bind=True, queue="default", acks_late=True, max_retries=20)
def scan_attachment(self, attachment_id: str) -> None:  # type: ignore[no-untyped-def]
    """clamd INSTREAM. Clean files become downloadable; infected ones are quarantined (the
    stored object is deleted, the row keeps the signature for the agent); with clamd down the
    file stays pending and the scan retries with backoff: never served unscanned."""
    from atendo.core.storage import delete_stored, open_stored
    from atendo.core.storage.antivirus import ScannerUnavailable, scan

    attachment = MessageAttachment.objects.unscoped().select_related("message").filter(id=attachment_id).first()
    if attachment is None or attachment.scan_status != MessageAttachment.Scan.PENDING:
        return
    try:
        with open_stored(attachment.storage_key) as stream:
            result = scan(stream)
    except ScannerUnavailable as exc:
        raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc
    if result.clean:
        status, signature = MessageAttachment.Scan.CLEAN, ""
    else:
        status, signature = MessageAttachment.Scan.INFECTED, result.signature[:200]
        delete_stored(attachment.storage_key)
    MessageAttachment.objects.unscoped().filter(id=attachment.id).update(scan_status=status, scan_signature=signature)
    publish(
        MessageUpdated(
            tenant_id=attachment.tenant_id,
            conversation_id=attachment.message.conversation_id,
            message_id=attachment.message_id,
        )
    )
