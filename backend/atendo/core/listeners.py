"""Core event listeners (registered by CoreConfig.ready)."""

from collections import defaultdict
from typing import Any

from atendo.core.events import dispatch_memo, listens_to
from atendo.core.models import Notification
from atendo.core.realtime import groups
from atendo.core.realtime.broadcast import jsonable, send_payloads, send_to_groups
from atendo.core.services.events import MemberChanged, NotificationsCreated

EMAIL_TASK_BATCH = 100  # notifications e-mailed by one task (one SMTP connection)


@listens_to(MemberChanged)
def broadcast_member_change(event: MemberChanged) -> None:
    if event.tenant_id is not None:
        send_to_groups(event, groups.tenant(event.tenant_id))


@listens_to(NotificationsCreated)
def deliver_notifications(event: NotificationsCreated) -> None:
    from atendo.core.services.notifications import NOTIFICATIONS_MEMO
    from atendo.core.tasks import email_notifications

    if event.tenant_id is None:
        return
    # notify_many hands over the rows it just stored (the memo of its delivery): no read back.
    stored: dict[Any, Notification] = (dispatch_memo() or {}).get(NOTIFICATIONS_MEMO, {})
    if all(note_id in stored for note_id in event.notification_ids):
        notes = [stored[note_id] for note_id in event.notification_ids]
    else:
        notes = list(Notification.objects.for_tenant(event.tenant_id).filter(id__in=event.notification_ids))
    # One channel-layer send per recipient, all handed over at once (sent concurrently): an SLA
    # scan that alerts 2,000 people must not pay 2,000 sequential round trips.
    frames: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    tenant_id = str(event.tenant_id)
    # The frame is JSON data already but for `data`: made JSON-ready once per distinct object
    # (the recipients of one notice share it), not once per frame as a whole.
    data_of: dict[int, Any] = {}
    for note in notes:
        data = data_of.get(id(note.data))
        if data is None:
            data = data_of[id(note.data)] = jsonable({"data": note.data})["data"]
        frames[groups.member(event.tenant_id, note.recipient_id)].append(
            {
                "event": "notification.created",
                "tenant_id": tenant_id,
                "notification": {
                    "id": str(note.id),
                    "kind": note.kind,
                    "title": note.title,
                    "body": note.body,
                    "data": data,
                    "created_at": note.created_at.isoformat(),
                },
            }
        )
    send_payloads(frames)
    if event.email:
        ids = [str(note.id) for note in notes]
        for start in range(0, len(ids), EMAIL_TASK_BATCH):
            email_notifications.delay(ids[start : start + EMAIL_TASK_BATCH])
