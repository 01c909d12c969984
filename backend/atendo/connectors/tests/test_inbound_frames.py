"""The socket frames of an inbound batch are rendered from the messages as the batch inserted them
(not read back after the commit): they must be exactly what a fresh read renders."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext

from atendo.connectors.models import ChannelAccount, ChannelConnector
from atendo.connectors.tests import fake_meta as meta
from atendo.core.realtime import broadcast, groups
from atendo.messaging.frames import message_data
from atendo.messaging.models import Message, MessageAttachment

pytestmark = pytest.mark.django_db


def whatsapp(tenant) -> ChannelAccount:
    connector = ChannelConnector.objects.create(
        tenant=tenant, kind="whatsapp", name="WhatsApp", credentials=json.dumps(meta.credentials())
    )
    return ChannelAccount.objects.create(
        tenant=tenant,
        connector=connector,
        kind="whatsapp",
        name="Loja",
        external_id=meta.PHONE_NUMBER_ID,
        status="active",
    )


def test_message_frames_of_a_batch_are_what_a_fresh_read_renders(
    anon, two_tenants, monkeypatch, django_capture_on_commit_callbacks
):
    account = whatsapp(two_tenants.a.tenant)
    sent: list[dict[str, list[dict[str, Any]]]] = []
    monkeypatch.setattr(broadcast, "_send_grouped", lambda frames: sent.append({g: list(p) for g, p in frames.items()}))
    envelope = meta.merge(
        meta.inbound(
            meta.text_message("Tem em azul?", wamid="wamid.F1"),
            meta.location_message(wamid="wamid.F2"),
            meta.unknown_message(wamid="wamid.F3"),
        ),
        meta.inbound(meta.button_reply_message(wamid="wamid.F4", sender="5511999990000")),
    )
    body, headers = meta.signed_webhook(envelope)
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        response = anon.client.post(
            f"/webhooks/{account.connector.webhook_key}",
            body,
            content_type="application/json",
            HTTP_X_HUB_SIGNATURE_256=headers["x-hub-signature-256"],
        )
    assert (response.status_code, response.fast_path) == (200, True)
    # Nothing the batch wrote is read back for its message frames.
    assert not [q for q in queries.captured_queries if q["sql"].startswith('SELECT "messaging_message"."id"')]
    frames = {
        payload["message"]["id"]: (group, payload)
        for batch in sent
        for group, payloads in batch.items()
        for payload in payloads
        if payload["event"] == "message.created" and group == groups.inbox(two_tenants.a.tenant.id)
    }
    stored = (
        Message.objects.for_tenant(two_tenants.a.tenant)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=MessageAttachment.objects.for_tenant(two_tenants.a.tenant)))
    )
    assert len(stored) == len(frames) == 4
    for message in stored:
        _group, payload = frames[str(message.id)]
        assert payload["conversation_id"] == str(message.conversation_id)
        # As the frames travel (plain JSON data: msgpack through the channel layer).
        assert json.loads(json.dumps(payload["message"])) == json.loads(json.dumps(message_data(message)))
        rooms = {group for batch in sent for group, p in batch.items() if payload in p}
        assert groups.conversation(two_tenants.a.tenant.id, message.conversation_id) in rooms
