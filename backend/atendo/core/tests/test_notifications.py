"""notify_many's storage (COPY), its rendering once per language, and deliver_notifications'
frames from the rows it just stored: the same rows and the same frames as before."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atendo.core.models import Locale, Notification
from atendo.core.realtime import groups
from atendo.core.realtime.broadcast import jsonable
from atendo.core.services import notifications
from atendo.core.services.events import NotificationsCreated
from atendo.core.services.notifications import Notice, notify_many

pytestmark = pytest.mark.django_db


def _frames_of(notes: list[Notification], event: NotificationsCreated) -> dict[str, list[dict]]:
    """The frames deliver_notifications used to send: each note read back and made JSON-ready."""
    frames: dict[str, list[dict]] = {}
    for note in notes:
        frames.setdefault(groups.member(event.tenant_id, note.recipient_id), []).append(
            jsonable(
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
                }
            )
        )
    return frames


def test_notify_many_stores_what_the_orm_would_and_frames_match_a_read_back(
    two_tenants, django_capture_on_commit_callbacks
):
    from atendo.core import listeners

    tenant = two_tenants.a.tenant
    agent, supervisor = two_tenants.a.member("agent"), two_tenants.a.member("supervisor")
    notices = [
        Notice(
            recipients=[agent, supervisor, agent],  # once per person
            kind="test.tabs",
            render=lambda: ("Tab\there, new\nline, back\\slash, " + "x" * 300, "é" * 1200),
            data={"ticket_id": "abc", "nested": {"n": [1, None, "two"]}},
        ),
        Notice(recipients=[supervisor], kind="test.plain", render=lambda: ("Plain", ""), data={}),
    ]
    with (
        mock.patch.object(listeners, "send_payloads") as send,
        mock.patch("atendo.core.tasks.email_notifications.delay") as email,
        django_capture_on_commit_callbacks(execute=True),
    ):
        created = notify_many(tenant=tenant, notices=notices, email=True)
    assert len(created) == 3
    stored = {n.id: n for n in Notification.objects.for_tenant(tenant).filter(id__in=[n.id for n in created])}
    for note in created:
        row = stored[note.id]
        assert (row.recipient_id, row.kind, row.title, row.body, row.data, row.created_at) == (
            note.recipient_id,
            note.kind,
            note.title,
            note.body,
            note.data,
            note.created_at,
        )
        assert (row.read_at, row.emailed_at) == (None, None)
        assert not note._state.adding
    assert {len(n.title) for n in created if n.kind == "test.tabs"} == {200}
    assert {len(n.body) for n in created if n.kind == "test.tabs"} == {1000}
    # The frames sent are those of the rows read back.
    (sent,), _ = send.call_args
    event = NotificationsCreated(tenant_id=tenant.id, notification_ids=tuple(n.id for n in created), email=True)
    assert sent == _frames_of([stored[n.id] for n in created], event)  # in creation order
    (ids,), _ = email.call_args
    assert ids == [str(n.id) for n in created]


def test_deliver_notifications_without_the_memo_reads_them_back(two_tenants):
    """Published alone (no memo: another publisher, a retry), the listener reads the rows."""
    from atendo.core import listeners

    tenant = two_tenants.a.tenant
    agent = two_tenants.a.member("agent")
    note = Notification.objects.create(tenant=tenant, recipient=agent, kind="k", title="T", body="B", data={"a": 1})
    event = NotificationsCreated(tenant_id=tenant.id, notification_ids=(note.id,))
    with mock.patch.object(listeners, "send_payloads") as send:
        listeners.deliver_notifications(event)
    (sent,), _ = send.call_args
    assert sent == _frames_of([Notification.objects.for_tenant(tenant).get(id=note.id)], event)


def test_each_notice_is_rendered_once_per_language_in_that_language(two_tenants):
    tenant = two_tenants.a.tenant
    agent, supervisor, owner = (two_tenants.a.member(role) for role in ("agent", "supervisor", "owner"))
    for member, language in ((agent, Locale.EN), (supervisor, Locale.EN), (owner, Locale.ES)):
        member.user.preferred_language = language
        member.user.save()
    calls: list[str] = []

    def render() -> tuple[str, str]:
        from django.utils import translation

        calls.append(translation.get_language())
        return f"in {translation.get_language()}", ""

    created = notify_many(
        tenant=tenant,
        notices=[Notice(recipients=[agent, supervisor, owner], kind="k", render=render, data={})],
    )
    assert sorted(calls) == ["en", "es"]
    assert {n.recipient_id: n.title for n in created} == {agent.id: "in en", supervisor.id: "in en", owner.id: "in es"}


def test_storing_counts_as_one_query(two_tenants):
    tenant = two_tenants.a.tenant
    agent = two_tenants.a.member("agent")
    rows = [Notification(tenant=tenant, recipient=agent, kind="k", title=f"T{n}", data={}) for n in range(3)]
    with CaptureQueriesContext(connection) as queries:
        notifications._store(rows)
    assert len(queries) == 1
    assert queries[0]["sql"].startswith("COPY core_notification")
    assert Notification.objects.for_tenant(tenant).count() == 3
