"""In-app notifications (realtime + list) and their e-mail, in each recipient's language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from atendo.core.events import publish
from atendo.core.models import Locale, Notification, Tenant, TenantUser
from atendo.core.services.events import NotificationsCreated


@dataclass(frozen=True)
class Notice:
    """One notification to send to several people: `render` returns (title, body) and is
    called under each recipient's language."""

    recipients: Iterable[TenantUser]
    kind: str
    render: Callable[[], tuple[str, str]]
    data: dict[str, Any]


def _language_of(member: TenantUser) -> str:
    language = member.user.preferred_language
    return Locale(language).language_code if language in Locale.values else "pt-br"


def notify_many(*, tenant: Tenant, notices: Iterable[Notice], email: bool = False) -> list[Notification]:
    """Every notice to each of its active recipients (once per person and notice), stored in
    one INSERT and announced as one event."""
    rows = []
    for notice in notices:
        for member in {m.id: m for m in notice.recipients if m.is_active}.values():
            with translation.override(_language_of(member)):
                title, body = notice.render()
            rows.append(
                Notification(
                    tenant=tenant,
                    recipient=member,
                    kind=notice.kind,
                    title=title[:200],
                    body=body[:1000],
                    data=notice.data,
                )
            )
    if not rows:
        return []
    with transaction.atomic():
        created = Notification.objects.bulk_create(rows)
        publish(NotificationsCreated(tenant_id=tenant.id, notification_ids=tuple(n.id for n in created), email=email))
    return created


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
    return notify_many(
        tenant=tenant, notices=[Notice(recipients=recipients, kind=kind, render=render, data=data)], email=email
    )


def notification_mark_read(*, member: TenantUser, notification_ids: list[Any] | None = None) -> int:
    qs = Notification.objects.for_tenant(member.tenant_id).filter(recipient=member, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(id__in=notification_ids)
    return qs.update(read_at=timezone.now())
