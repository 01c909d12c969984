"""Outbound delivery through the channel adapter: ids in, idempotent, retried with backoff."""

from __future__ import annotations

from celery import shared_task

from atendo.connectors.adapters import OutboundMessage, get_adapter
from atendo.contacts.models import ContactIdentity
from atendo.core.tasks import backoff_seconds
from atendo.messaging.models import DeliveryStatus, Message
from atendo.messaging.services.messages import message_update_delivery


@shared_task(bind=True, queue="default", acks_late=True, max_retries=8)
def deliver_message(self, message_id: str) -> None:  # type: ignore[no-untyped-def]
    message = (
        Message.objects.unscoped().select_related("conversation__contact", "account").filter(id=message_id).first()
    )
    if message is None or message.delivery_status != DeliveryStatus.QUEUED:
        return  # gone, or already handled by an earlier delivery of this task
    account = message.account
    identity = (
        ContactIdentity.objects.for_tenant(message.tenant_id)
        .filter(contact_id=message.conversation.contact_id, kind=account.kind)
        .values_list("value", flat=True)
        .first()
    )
    result = get_adapter(account.kind).send(
        account, OutboundMessage(recipient=identity or str(message.conversation.contact_id), body=message.body)
    )
    if result.status == DeliveryStatus.FAILED and result.retryable and self.request.retries < self.max_retries:
        raise self.retry(countdown=backoff_seconds(self.request.retries))
    message_update_delivery(
        message=message,
        status=result.status,
        provider_message_id=result.provider_message_id,
        error_code=result.error_code,
        error_message=result.error_message,
    )
