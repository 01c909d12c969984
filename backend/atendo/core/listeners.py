"""Core event listeners (registered by CoreConfig.ready)."""

from atendo.core.events import listens_to
from atendo.core.models import Notification
from atendo.core.realtime import groups
from atendo.core.realtime.broadcast import send_payload, send_to_groups
from atendo.core.services.events import MemberChanged, NotificationsCreated

EMAIL_TASK_BATCH = 100  # notifications e-mailed by one task (one SMTP connection)


@listens_to(MemberChanged)
def broadcast_member_change(event: MemberChanged) -> None:
    if event.tenant_id is not None:
        send_to_groups(event, groups.tenant(event.tenant_id))


@listens_to(NotificationsCreated)
def deliver_notifications(event: NotificationsCreated) -> None:
    from atendo.core.tasks import email_notifications

    if event.tenant_id is None:
        return
    notes = list(Notification.objects.for_tenant(event.tenant_id).filter(id__in=event.notification_ids))
    for note in notes:
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
            groups.member(event.tenant_id, note.recipient_id),
        )
    if event.email:
        ids = [str(note.id) for note in notes]
        for start in range(0, len(ids), EMAIL_TASK_BATCH):
            email_notifications.delay(ids[start : start + EMAIL_TASK_BATCH])
