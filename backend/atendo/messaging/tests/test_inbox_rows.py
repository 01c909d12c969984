"""The inbox list and the conversation detail are read as rows (`core.db.RowIterable`,
psycopg's own loaders) and rendered by `frames.conversation_row_data` / `message_row_data`: the
same output as the serializers, in the member's scope, with and without query logging (which
switches to Django's cursor)."""

from __future__ import annotations

import json
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from atendo.core.api.renderers import FastJSONRenderer
from atendo.messaging.frames import datetime_writer
from atendo.messaging.models import Conversation, Message, MessageAttachment
from atendo.messaging.serializers import ConversationSerializer, MessageSerializer
from atendo.messaging.tests.factories import conversation, department, inbound, read_media_reply

pytestmark = pytest.mark.django_db


def as_json(data):
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


@pytest.fixture
def thread(two_tenants):
    tenant = two_tenants.a.tenant
    agent = two_tenants.a.member("agent")
    conv = conversation(
        tenant,
        assignee=agent,
        department=department(tenant),
        tags=["vip", "b2b"],
        unread_count=3,
        last_message_preview="Segue",
        last_message_at=timezone.now(),
        snoozed_until=timezone.now() + timedelta(hours=2),
        sla_state="warning",
        sla_due_at=timezone.now() + timedelta(minutes=5),
    )
    inbound(conv, "Olá")
    reply = read_media_reply(conv, agent)
    for scan in (MessageAttachment.Scan.CLEAN, MessageAttachment.Scan.INFECTED):
        MessageAttachment.objects.create(
            tenant=tenant,
            message=reply,
            storage_key=f"k/{scan}",
            name=f"{scan}.pdf",
            mime="application/pdf",
            size=10,
            sha256="0" * 64,
            scan_status=scan,
            scan_signature="Eicar" if scan == "infected" else "",
        )
    inbound(conv, "Obrigado")
    return conv


def expected_detail(conv):
    tenant = conv.tenant_id
    conv = Conversation.objects.for_tenant(tenant).select_related("contact", "assignee", "account").get(id=conv.id)
    messages = (
        Message.objects.for_tenant(tenant)
        .filter(conversation=conv)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=MessageAttachment.objects.for_tenant(tenant)))
        .order_by("created_at", "id")
    )
    return as_json(ConversationSerializer(conv).data), as_json(MessageSerializer(messages, many=True).data)


def spy_raw_reads(monkeypatch):
    """Statements read through psycopg's own cursor (not Django's)."""
    import psycopg

    from atendo.core.db import RowIterable

    reads = []

    def spy(real):
        def cursor(*args, **kwargs):
            reads.append(1)
            return real(*args, **kwargs)

        return cursor

    # Prepared (server-side binding) or, with DATABASE_PREPARED_STATEMENTS off, client-side; the
    # row reads only (the access check reads through psycopg too).
    monkeypatch.setattr(RowIterable, "prepared_cursor", staticmethod(spy(psycopg.Cursor)))
    monkeypatch.setattr(RowIterable, "client_cursor", staticmethod(spy(psycopg.ClientCursor)))
    return reads


def sorted_attachments(results):
    for message in results:
        message["attachments"] = sorted(message["attachments"], key=lambda a: a["id"])
    return results


@pytest.mark.parametrize("prepared", [True, False], ids=["prepared", "client-side binding"])
@pytest.mark.parametrize("logged", [False, True], ids=["psycopg loaders", "django cursor"])
def test_detail_rows_are_the_serializers_output(two_tenants, thread, monkeypatch, settings, logged, prepared):
    settings.DATABASE_PREPARED_STATEMENTS = prepared
    monkeypatch.setattr("atendo.core.storage.download_url", lambda *, key, **kwargs: f"/files/{key}")
    api = two_tenants.a.api("agent")
    raw_reads = spy_raw_reads(monkeypatch)
    if logged:
        with CaptureQueriesContext(connection):
            body = api.get(f"/api/v1/conversations/{thread.id}").json()
    else:
        body = api.get(f"/api/v1/conversations/{thread.id}").json()
    assert len(raw_reads) == (0 if logged else 2)  # the conversation and its messages
    conv_data, messages_data = expected_detail(thread)
    assert {k: v for k, v in body.items() if k != "messages"} == conv_data
    assert body["messages"]["has_more"] is False
    assert sorted_attachments(body["messages"]["results"]) == sorted_attachments(messages_data)
    assert [len(m["attachments"]) for m in body["messages"]["results"]] == [0, 2, 0]


@pytest.mark.parametrize("prepared", [True, False], ids=["prepared", "client-side binding"])
@pytest.mark.parametrize("logged", [False, True], ids=["psycopg loaders", "django cursor"])
def test_list_rows_are_the_serializers_output(two_tenants, thread, monkeypatch, settings, logged, prepared):
    settings.DATABASE_PREPARED_STATEMENTS = prepared
    api = two_tenants.a.api("agent")
    raw_reads = spy_raw_reads(monkeypatch)
    if logged:
        with CaptureQueriesContext(connection):
            body = api.get("/api/v1/conversations", {"status": "all"}).json()
    else:
        body = api.get("/api/v1/conversations", {"status": "all"}).json()
    assert len(raw_reads) == (0 if logged else 1)
    conv_data, _ = expected_detail(thread)
    assert body["results"] == [conv_data]


def test_detail_pages_back_through_the_timeline(two_tenants, thread, monkeypatch):
    monkeypatch.setattr("atendo.core.storage.download_url", lambda *, key, **kwargs: f"/files/{key}")
    api = two_tenants.a.api("agent")
    _, messages_data = expected_detail(thread)
    newest = api.get(f"/api/v1/conversations/{thread.id}", {"limit": 2}).json()["messages"]
    assert newest["has_more"] is True
    assert [m["id"] for m in newest["results"]] == [m["id"] for m in messages_data[1:]]
    older = api.get(f"/api/v1/conversations/{thread.id}", {"limit": 2, "before": messages_data[1]["id"]}).json()
    assert [m["id"] for m in older["messages"]["results"]] == [messages_data[0]["id"]]


def test_detail_queries_skip_attachments_when_there_are_none(two_tenants):
    conv = conversation(two_tenants.a.tenant)
    for i in range(5):
        inbound(conv, f"m{i}")
    api = two_tenants.a.api("agent")
    api.get(f"/api/v1/conversations/{conv.id}")
    with CaptureQueriesContext(connection) as queries:
        assert api.get(f"/api/v1/conversations/{conv.id}").status_code == 200
    assert len(queries.captured_queries) == 3  # access, conversation, messages


def test_detail_outside_scope_or_tenant_is_not_found(two_tenants, thread):
    a, b = two_tenants.a, two_tenants.b
    scoped = a.add_member("agent", scope=("department", department(a.tenant, "Vendas").id))
    from conftest import Api

    assert Api(scoped.user, a.tenant).get(f"/api/v1/conversations/{thread.id}").status_code == 404
    assert b.api("owner").get(f"/api/v1/conversations/{thread.id}").status_code == 404
    assert b.api("owner").get("/api/v1/conversations", {"status": "all"}).json()["results"] == []


@pytest.mark.parametrize("zone", ["UTC", "America/Sao_Paulo"])
def test_list_and_detail_datetimes_are_the_serializers_in_the_current_zone(two_tenants, thread, zone):
    """The API's renderer writes the rows' UTC datetimes itself (`frames.datetime_writer`); a
    whole second (no fraction) and another current zone come out as DateTimeField writes them."""
    whole_second = timezone.now().replace(microsecond=0)
    Conversation.objects.for_tenant(thread.tenant_id).filter(id=thread.id).update(last_message_at=whole_second)
    api = two_tenants.a.api("agent")
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        listed = api.get("/api/v1/conversations", {"status": "all"}).json()["results"]
        detail = api.get(f"/api/v1/conversations/{thread.id}").json()
        conv_data, messages_data = expected_detail(thread)
    assert listed == [conv_data]
    assert {k: v for k, v in detail.items() if k != "messages"} == conv_data
    assert [m["created_at"] for m in detail["messages"]["results"]] == [m["created_at"] for m in messages_data]
    expected_end = "Z" if zone == "UTC" else "-03:00"
    assert conv_data["last_message_at"] == (
        whole_second.astimezone(zoneinfo.ZoneInfo(zone)).isoformat()[:-6] + expected_end
    )


def test_api_datetime_writer_leaves_only_utc_datetimes_to_the_renderer():
    when = datetime_writer(zoneinfo.ZoneInfo("UTC"), for_api=True)
    utc = datetime(2026, 1, 2, 3, 4, 5, 120000, tzinfo=UTC)
    assert when(utc) is utc and when(None) is None
    assert FastJSONRenderer().render({"at": utc}) == b'{"at":"2026-01-02T03:04:05.120000Z"}'
    elsewhere = utc.astimezone(zoneinfo.ZoneInfo("America/Sao_Paulo"))
    assert when(elsewhere) == "2026-01-02T03:04:05.120000Z"
    # Not for the API (a socket frame), or another current zone: text.
    assert datetime_writer(zoneinfo.ZoneInfo("UTC"))(utc) == "2026-01-02T03:04:05.120000Z"
    assert (
        datetime_writer(zoneinfo.ZoneInfo("America/Sao_Paulo"), for_api=True)(utc) == "2026-01-02T00:04:05.120000-03:00"
    )
