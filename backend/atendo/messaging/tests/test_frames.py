"""Socket frames are rendered without DRF on the hot path; they must stay exactly what the REST
serializers return (a frame and a response never disagree)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.utils import timezone

from atendo.messaging.frames import conversation_data, message_data, visitor_message_data
from atendo.messaging.models import Conversation, Message, MessageAttachment
from atendo.messaging.serializers import ConversationSerializer, MessageSerializer, VisitorMessageSerializer
from atendo.messaging.tests.factories import conversation, department, inbound, read_media_reply

pytestmark = pytest.mark.django_db


def as_json(data):
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def test_message_frames_match_the_serializers(two_tenants, monkeypatch):
    # Download links are signed with the current second: make them comparable.
    monkeypatch.setattr("atendo.core.storage.download_url", lambda *, key, **kwargs: f"/files/{key}")
    tenant = two_tenants.a.tenant
    conv = conversation(tenant)
    plain = inbound(conv, "Olá")
    agent = two_tenants.a.member("agent")
    reply = read_media_reply(conv, agent)
    for scan in (MessageAttachment.Scan.CLEAN, MessageAttachment.Scan.PENDING, MessageAttachment.Scan.INFECTED):
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
    attachments = Prefetch("attachments", queryset=MessageAttachment.objects.for_tenant(tenant))
    for message in Message.objects.for_tenant(tenant).select_related("author").prefetch_related(attachments):
        assert message_data(message) == as_json(MessageSerializer(message).data)
        assert visitor_message_data(message) == as_json(VisitorMessageSerializer(message).data)
    assert plain.id


def test_conversation_frames_match_the_serializer(two_tenants):
    tenant = two_tenants.a.tenant
    bare = conversation(tenant)
    full = conversation(
        tenant,
        assignee=two_tenants.a.member("agent"),
        department=department(tenant),
        tags=["vip", "novo"],
        status="snoozed",
        snoozed_until=timezone.now() + timedelta(hours=1),
        last_message_preview="Oi",
        last_message_at=timezone.now(),
        unread_count=3,
    )
    rows = Conversation.objects.for_tenant(tenant).select_related("contact", "assignee", "account")
    for conv in rows.filter(id__in=[bare.id, full.id]):
        assert conversation_data(conv) == as_json(ConversationSerializer(conv).data)
