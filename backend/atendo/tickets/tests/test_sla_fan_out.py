"""The SLA scan's fan-out renders frames from rows, not model instances, and skips the channel
layer's round trips for groups nobody listens to: the frames, and where they go, stay the same."""

from __future__ import annotations

from datetime import UTC, datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atendo.core.events import publish_all
from atendo.core.realtime import groups
from atendo.messaging import listeners
from atendo.messaging.events import ConversationUpdated
from atendo.messaging.frames import conversation_data
from atendo.messaging.listeners import CONVERSATIONS_MEMO
from atendo.messaging.models import Conversation
from atendo.messaging.tests.factories import conversation, department
from atendo.organizations.models import Team

pytestmark = pytest.mark.django_db


def _sent(events: list[ConversationUpdated], memo: dict | None = None, logged: bool = False) -> dict:
    """What broadcast_conversations_updated hands to the channel layer for `events`."""
    with mock.patch.object(listeners, "send_payloads") as send:
        if memo is not None:
            from atendo.core.events import _dispatch_all

            _dispatch_all(list(events), memo)
        elif logged:  # through Django's cursor: ids as UUIDs, Django's datetime loader
            with CaptureQueriesContext(connection):
                listeners.broadcast_conversations_updated(events)
        else:
            listeners.broadcast_conversations_updated(events)
    (frames,), _ = send.call_args
    return dict(frames)


def test_conversation_frames_from_rows_are_those_of_the_models(two_tenants):
    tenant = two_tenants.a.tenant
    support, sales = department(tenant, "Suporte"), department(tenant, "Vendas")
    level1 = Team.objects.create(tenant=tenant, department=support, name="N1")
    moment = datetime(2026, 3, 2, 13, 0, 5, 123456, tzinfo=UTC)
    full = conversation(
        tenant,
        department=support,
        team=level1,
        assignee=two_tenants.a.member("agent"),
        tags=["vip", "billing"],
        last_message_preview="Olá",
        last_message_at=moment,
        snoozed_until=moment,
        resolved_at=moment,
        unread_count=3,
        sla_state="warning",
        sla_due_at=moment,
    )
    bare = conversation(tenant)
    events = [
        ConversationUpdated(tenant_id=tenant.id, conversation_id=full.id, change="sla"),
        ConversationUpdated(tenant_id=tenant.id, conversation_id=bare.id, change="sla"),
        # A transfer (the streams it left get conversation.removed) and a status change (the
        # web chat visitor is told).
        ConversationUpdated(
            tenant_id=tenant.id,
            conversation_id=full.id,
            change="status",
            previous_department_id=sales.id,
            previous_assignee_id=two_tenants.a.member("supervisor").id,
        ),
    ]
    models = {
        c.id: c
        for c in Conversation.objects.for_tenant(tenant)
        .filter(id__in=[full.id, bare.id])
        .select_related("contact", "assignee", "account")
    }
    from_models = _sent(events, memo={CONVERSATIONS_MEMO: models})
    assert from_models == _sent(events)  # rows read with psycopg's loaders (ids as text)
    assert from_models == _sent(events, logged=True)
    # The rendering itself is the model's (ConversationSerializer's: test_frames).
    for conv in (full, bare):
        frame = from_models[groups.conversation(tenant.id, conv.id)][0]
        assert frame["conversation"] == conversation_data(models[conv.id])
    kinds = {f["event"] for frames in from_models.values() for f in frames}
    assert kinds == {"conversation.updated", "conversation.removed", "conversation.status_changed"}


def test_another_tenants_conversation_is_not_rendered(two_tenants):
    theirs = conversation(two_tenants.b.tenant)
    event = ConversationUpdated(tenant_id=two_tenants.a.tenant.id, conversation_id=theirs.id, change="sla")
    assert _sent([event]) == {}


def test_sla_change_announces_each_conversation_to_its_rooms(two_tenants, django_capture_on_commit_callbacks):
    """The scan's conversations_set_sla publishes, after the commit, frames rendered from rows."""
    tenant = two_tenants.a.tenant
    convs = [conversation(tenant, department=department(tenant, "Suporte")) for _ in range(3)]
    events = [ConversationUpdated(tenant_id=tenant.id, conversation_id=c.id, change="sla") for c in convs]
    with mock.patch.object(listeners, "send_payloads") as send, django_capture_on_commit_callbacks(execute=True):
        publish_all(events)
    (frames,), _ = send.call_args
    for conv in convs:
        (frame,) = frames[groups.conversation(tenant.id, conv.id)]
        assert frame["conversation"]["id"] == str(conv.id)
