"""In-app notifications (realtime + list) and their e-mail, in each recipient's language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from atendo.core.events import publish
from atendo.core.models import Locale, Notification, Tenant, TenantUser
from atendo.core.services.events import NotificationCreated


def notify(
    *,
    tenant: Tenant,
    recipients: Iterable[TenantUser],
    kind: str,
    render: Callable[[], tuple[str, str]],
    data: dict[str, Any],
    email: bool = False,
) -> list[Notification]:
    """`render` returns (title, body) and is called under each recipient's language."""
    created = []
    with transaction.atomic():
        for member in {m.id: m for m in recipients if m.is_active}.values():
            language = member.user.preferred_language
            with translation.override(Locale(language).language_code if language in Locale.values else "pt-br"):
                title, body = render()
            note = Notification.objects.create(
                tenant=tenant, recipient=member, kind=kind, title=title[:200], body=body[:1000], data=data
            )
            created.append(note)
            publish(
                NotificationCreated(tenant_id=tenant.id, notification_id=note.id, recipient_id=member.id, email=email)
            )
    return created


def notification_mark_read(*, member: TenantUser, notification_ids: list[Any] | None = None) -> int:
    qs = Notification.objects.for_tenant(member.tenant_id).filter(recipient=member, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(id__in=notification_ids)
    return qs.update(read_at=timezone.now())
