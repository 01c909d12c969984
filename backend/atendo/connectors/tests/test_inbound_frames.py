"""The socket frames of an inbound batch are rendered from the messages as the batch inserted them
(not read back after the commit): they must be exactly what a fresh read renders."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext

from atendo.connectors.tests import fake_meta as meta
from atendo.connectors.tests.accounts import whatsapp
from atendo.core.realtime import broadcast, groups
from atendo.messaging.frames import conversation_data, message_data
from atendo.messaging.models import Conversation, Message, MessageAttachment

pytestmark = pytest.mark.django_db


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
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        response = meta.post_webhook(anon.client, account.connector.webhook_key, envelope)
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


def test_conversation_frames_of_a_batch_are_the_rows_as_written(
    anon, two_tenants, monkeypatch, django_capture_on_commit_callbacks
):
    """The batch's conversation.updated frames come from its UPDATE … RETURNING (no read after the
    commit): what a fresh read renders, changes made meanwhile by others (an assignment) included."""
    tenant = two_tenants.a.tenant
    account = whatsapp(tenant)

    def post(envelope: dict[str, Any]) -> list[dict[str, list[dict[str, Any]]]]:
        sent: list[dict[str, list[dict[str, Any]]]] = []
        monkeypatch.setattr(
            broadcast, "_send_grouped", lambda frames: sent.append({g: list(p) for g, p in frames.items()})
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = meta.post_webhook(anon.client, account.connector.webhook_key, envelope)
        assert response.status_code == 200
        return sent

    first, second = "5511999990001", "5511999990002"
    post(
        meta.inbound(
            meta.text_message("Oi", wamid="wamid.C1", sender=first),
            meta.text_message("Olá", wamid="wamid.C2", sender=second),
        )
    )
    conversations = Conversation.objects.for_tenant(tenant)
    assert conversations.count() == 2
    agent = two_tenants.a.member("agent")
    # Changed by agents after the first batch: the next batch's frames must show it.
    conversations.filter(contact__identities__value__endswith=first).update(assignee=agent, status="pending")
    conversations.filter(contact__identities__value__endswith=second).update(status="snoozed", tags=["vip"])

    with CaptureQueriesContext(connection) as queries:
        sent = post(
            meta.inbound(
                meta.text_message("Tem em azul?", wamid="wamid.C3", sender=first),
                meta.text_message("E em verde?", wamid="wamid.C4", sender=first),
                meta.text_message("Obrigado", wamid="wamid.C5", sender=second),
            )
        )
    # The broadcaster's read (conversations with their contacts) is not needed.
    assert not [q for q in queries.captured_queries if 'FROM "messaging_conversation" INNER JOIN' in q["sql"]]
    frames = {
        payload["conversation"]["id"]: payload["conversation"]
        for batch in sent
        for group, payloads in batch.items()
        for payload in payloads
        if payload["event"] == "conversation.updated" and group == groups.inbox(tenant.id)
    }
    fresh = conversations.select_related("contact", "assignee", "account")
    assert len(frames) == len(fresh) == 2
    for conversation in fresh:
        assert json.loads(json.dumps(frames[str(conversation.id)])) == json.loads(
            json.dumps(conversation_data(conversation))
        )
    rendered = {c.assignee_id: frames[str(c.id)] for c in fresh}
    assert rendered[agent.id]["assignee"] == {"id": str(agent.id), "display_name": agent.display_name}
    assert rendered[agent.id]["status"] == "open" and rendered[agent.id]["unread_count"] == 3
    # The message frames went to the streams of the conversation as written (its assignee's).
    member_frames = [
        p for batch in sent for g, ps in batch.items() if g == groups.member(tenant.id, agent.id) for p in ps
    ]
    assert {p["event"] for p in member_frames} == {"message.created", "conversation.updated"}
