"""Core event listeners (registered by CoreConfig.ready)."""

from atendo.core.events import listens_to
from atendo.core.models import Notification
from atendo.core.realtime import groups
from atendo.core.realtime.broadcast import send_payload, send_to_groups
from atendo.core.services.events import MemberChanged, NotificationCreated


@listens_to(MemberChanged)
def broadcast_member_change(event: MemberChanged) -> None:
    if event.tenant_id is not None:
        send_to_groups(event, groups.tenant(event.tenant_id))


@listens_to(NotificationCreated)
def deliver_notification(event: NotificationCreated) -> None:
    from atendo.core.tasks import email_notification

    note = Notification.objects.for_tenant(event.tenant_id).filter(id=event.notification_id).first()
    if note is None or event.tenant_id is None:
        return
    send_payload(
        {
            "event": "notification.created",
            "tenant_id": str(event.tenant_id),
            "notification": {
                "id": str(note.id),
                "kind": note.kind,
                "title": note.title,
                "body": note.body,
                "data": note.data,
                "created_at": note.created_at.isoformat(),
            },
        },
        groups.member(event.tenant_id, event.recipient_id),
    )
    if event.email:
        email_notification.delay(str(note.id))
