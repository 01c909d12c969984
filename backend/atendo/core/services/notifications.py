"""In-app notifications (realtime + list) and their e-mail, in each recipient's language."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone, translation

from atendo.core.events import publish_all
from atendo.core.models import Locale, Notification, Tenant, TenantUser
from atendo.core.services.events import NotificationsCreated


@dataclass(frozen=True)
class Notice:
    """One notification to send to several people: `render` returns (title, body) and is
    called under the language of each recipient (once per language)."""

    recipients: Iterable[TenantUser]
    kind: str
    render: Callable[[], tuple[str, str]]
    data: dict[str, Any]


# publish_all memo key: the notifications notify_many just stored, by id, exactly as stored: their
# socket frames are rendered from them instead of being read back (see deliver_notifications).
NOTIFICATIONS_MEMO = "core.notifications"


def _language_of(member: TenantUser) -> str:
    language = member.user.preferred_language
    return Locale(language).language_code if language in Locale.values else "pt-br"


# The columns _store writes (read_at and emailed_at start empty: NULL).
_STORED_COLUMNS = ("id", "created_at", "tenant_id", "recipient_id", "kind", "title", "body", "data")


def _store(rows: list[Notification]) -> list[Notification]:
    """What `bulk_create(rows)` stores, through COPY: an SLA scan stores 2,000 notifications at
    once, and bulk_create's INSERT with ten parameters a row cost five times as long to build,
    bind and run (an INSERT over unnest(…) arrays, three times: binding the arrays). Ids and
    creation times are the rows' own (model defaults). Query counting and debug tooling, which
    only see statements run through Django's cursor wrapper, are told about it as one query."""
    encoder = Notification._meta.get_field("data").encoder  # as JSONField stores it
    encoded: dict[int, str | None] = {}  # recipients of one notice share its data: encoded once
    for row in rows:
        if id(row.data) not in encoded:  # (None is SQL NULL, as the ORM stores it)
            encoded[id(row.data)] = None if row.data is None else json.dumps(row.data, cls=encoder)
    statement = f"COPY {Notification._meta.db_table} ({', '.join(_STORED_COLUMNS)}) FROM STDIN"
    started = time.monotonic()
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
        for row in rows:
            data = encoded[id(row.data)]
            copy.write_row(
                (row.id, row.created_at, row.tenant_id, row.recipient_id, row.kind, row.title, row.body, data)
            )
    if connection.queries_logged:
        connection.queries_log.append(
            {"sql": f"{statement} -- {len(rows)} rows", "time": f"{time.monotonic() - started:.3f}"}
        )
    for row in rows:  # as bulk_create leaves them: saved instances
        row._state.adding, row._state.db = False, connection.alias
    return rows


def notify_many(*, tenant: Tenant, notices: Iterable[Notice], email: bool = False) -> list[Notification]:
    """Every notice to each of its active recipients (once per person and notice), stored in
    one INSERT and announced as one event. A notice is rendered once per language among its
    recipients (an SLA scan sends a thousand notices to a few people who share a language or
    two: switching the language for every row cost more than the rest of the row)."""
    languages: dict[Any, str] = {}  # member id -> language, each person's looked up once
    addressed: list[tuple[Notice, list[TenantUser]]] = []
    by_language: dict[str, list[int]] = {}  # language -> indexes of the notices rendered in it
    for notice in notices:
        members = list({m.id: m for m in notice.recipients if m.is_active}.values())
        for member in members:
            if member.id not in languages:
                languages[member.id] = _language_of(member)
        for language in dict.fromkeys(languages[m.id] for m in members):
            by_language.setdefault(language, []).append(len(addressed))
        addressed.append((notice, members))
    texts: dict[tuple[int, str], tuple[str, str]] = {}
    for language, indexes in by_language.items():
        with translation.override(language):
            for index in indexes:
                title, body = addressed[index][0].render()
                texts[index, language] = (title[:200], body[:1000])
    rows = []
    for index, (notice, members) in enumerate(addressed):
        for member in members:
            title, body = texts[index, languages[member.id]]
            rows.append(
                Notification(
                    tenant=tenant, recipient=member, kind=notice.kind, title=title, body=body, data=notice.data
                )
            )
    if not rows:
        return []
    with transaction.atomic():
        created = _store(rows)
        publish_all(
            [NotificationsCreated(tenant_id=tenant.id, notification_ids=tuple(n.id for n in created), email=email)],
            memo={NOTIFICATIONS_MEMO: {n.id: n for n in created}},
        )
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
    """`render` returns (title, body) and is called under the language of each recipient (once per language)."""
    return notify_many(
        tenant=tenant, notices=[Notice(recipients=recipients, kind=kind, render=render, data=data)], email=email
    )


def notification_mark_read(*, member: TenantUser, notification_ids: list[Any] | None = None) -> int:
    qs = Notification.objects.for_tenant(member.tenant_id).filter(recipient=member, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(id__in=notification_ids)
    return qs.update(read_at=timezone.now())
