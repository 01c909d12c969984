"""The agents' inbox: scoped lists with filters, timelines, replies, notes, transfers, status."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from atendo.core.models import AuditLog
from atendo.messaging.models import Conversation, ConversationParticipant, Message
from atendo.messaging.services.conversations import conversation_for_inbound
from atendo.messaging.tests.factories import contact, conversation, department, inbound, webchat_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(two_tenants):
    global SALES, SUPPORT
    tenant = two_tenants.a.tenant
    SALES, SUPPORT = department(tenant, "Vendas").id, department(tenant, "Suporte").id
    account = webchat_account(tenant)
    agent = two_tenants.a.member("agent")
    convs = {
        "mine": conversation(tenant, account, assignee=agent, department_id=SALES, tags=["vip"]),
        "unassigned": conversation(tenant, account, department_id=SUPPORT),
        "pending": conversation(tenant, account, status="pending", department_id=SUPPORT),
        "resolved": conversation(tenant, account, status="resolved", resolved_at=timezone.now()),
    }
    for i, conv in enumerate(convs.values()):
        Conversation.objects.for_tenant(tenant).filter(id=conv.id).update(
            last_activity_at=timezone.now() - timedelta(minutes=10 - i)
        )
        inbound(conv, f"hello {i}")
    conversation(two_tenants.b.tenant)  # noise in another tenant
    return convs


def ids(response) -> set[str]:
    assert response.status_code == 200, response.json()
    return {c["id"] for c in response.json()["results"]}


def test_quick_filters(two_tenants, inbox):
    api = two_tenants.a.api("agent")
    assert ids(api.get("/api/v1/conversations")) == {str(inbox["mine"].id), str(inbox["unassigned"].id)}
    assert ids(api.get("/api/v1/conversations", {"view": "mine"})) == {str(inbox["mine"].id)}
    assert ids(api.get("/api/v1/conversations", {"view": "unassigned", "status": "all"})) == {
        str(inbox["unassigned"].id),
        str(inbox["pending"].id),
        str(inbox["resolved"].id),
    }
    assert ids(api.get("/api/v1/conversations", {"status": "pending"})) == {str(inbox["pending"].id)}
    assert ids(api.get("/api/v1/conversations", {"status": "all", "department": str(SUPPORT)})) == {
        str(inbox["unassigned"].id),
        str(inbox["pending"].id),
    }
    assert ids(api.get("/api/v1/conversations", {"tag": "vip"})) == {str(inbox["mine"].id)}
    assert ids(api.get("/api/v1/conversations", {"channel": "webchat", "status": "all"})) == {
        str(c.id) for c in inbox.values()
    }
    assert api.get("/api/v1/conversations", {"status": "weird"}).status_code == 400


def test_contact_search(two_tenants, inbox):
    tenant = two_tenants.a.tenant
    special = conversation(tenant, contact=contact(tenant, name="Zélia Quintino", email="zelia@example.test"))
    api = two_tenants.a.api("agent")
    assert ids(api.get("/api/v1/conversations", {"q": "Zélia"})) == {str(special.id)}
    assert ids(api.get("/api/v1/conversations", {"q": "zelia@exa"})) == {str(special.id)}


def test_newest_activity_first_with_cursor_and_constant_queries(two_tenants, django_assert_max_num_queries):
    tenant = two_tenants.a.tenant
    account = webchat_account(tenant)
    for i in range(30):
        conv = conversation(tenant, account, assignee=two_tenants.a.member("agent"))
        Conversation.objects.for_tenant(tenant).filter(id=conv.id).update(
            last_activity_at=timezone.now() - timedelta(seconds=i)
        )
    api = two_tenants.a.api("supervisor")
    seen: list[str] = []
    url, params = "/api/v1/conversations", {"page_size": 10}
    while url:
        with django_assert_max_num_queries(7):
            page = api.get(url, params).json()
        seen += [c["id"] for c in page["results"]]
        url, params = page["next"], None
    times = list(Conversation.objects.for_tenant(tenant).order_by("-last_activity_at").values_list("id", flat=True))
    assert seen == [str(i) for i in times]


def test_department_scoped_agent_sees_only_their_department(two_tenants, inbox):
    scoped = two_tenants.a.add_member("agent", scope=("department", SUPPORT))
    from conftest import Api

    api = Api(scoped.user, two_tenants.a.tenant)
    assert ids(api.get("/api/v1/conversations", {"status": "all"})) == {
        str(inbox["unassigned"].id),
        str(inbox["pending"].id),
    }
    hidden = inbox["mine"]
    assert api.get(f"/api/v1/conversations/{hidden.id}").status_code == 404
    assert api.post(f"/api/v1/conversations/{hidden.id}/messages", {"body": "x"}).status_code == 404
    assert not Message.objects.for_tenant(two_tenants.a.tenant).filter(conversation=hidden, direction="out").exists()


def test_detail_pages_messages_backwards(two_tenants):
    conv = conversation(two_tenants.a.tenant)
    messages = [inbound(conv, f"m{i}") for i in range(7)]
    api = two_tenants.a.api("agent")
    first = api.get(f"/api/v1/conversations/{conv.id}", {"limit": 3}).json()
    assert [m["body"] for m in first["messages"]["results"]] == ["m4", "m5", "m6"]
    assert first["messages"]["has_more"] is True
    older = api.get(
        f"/api/v1/conversations/{conv.id}/messages", {"before": first["messages"]["results"][0]["id"], "limit": 3}
    ).json()
    assert [m["body"] for m in older["results"]] == ["m1", "m2", "m3"]
    oldest = api.get(f"/api/v1/conversations/{conv.id}/messages", {"before": str(messages[1].id)}).json()
    assert ([m["body"] for m in oldest["results"]], oldest["has_more"]) == (["m0"], False)


def test_reply_is_queued_then_sent_and_takes_the_conversation(two_tenants, django_capture_on_commit_callbacks):
    conv = conversation(two_tenants.a.tenant)
    inbound(conv)
    Conversation.objects.for_tenant(two_tenants.a.tenant).filter(id=conv.id).update(unread_count=3)
    api = two_tenants.a.api("agent")
    with django_capture_on_commit_callbacks(execute=True):
        reply = api.post(f"/api/v1/conversations/{conv.id}/messages", {"body": "Oi!", "client_id": "r1"})
    assert reply.status_code == 201, reply.json()
    assert (reply.json()["delivery_status"], reply.json()["kind"]) == ("queued", "text")
    stored = Message.objects.for_tenant(two_tenants.a.tenant).get(id=reply.json()["id"])
    assert stored.delivery_status == "sent" and stored.sent_at  # the delivery task ran (eager)
    conv.refresh_from_db()
    assert conv.assignee_id == two_tenants.a.member("agent").id
    assert (conv.unread_count, conv.last_message_preview) == (0, "Oi!")
    assert ConversationParticipant.objects.for_tenant(two_tenants.a.tenant).filter(conversation=conv).exists()


def test_private_note_is_never_delivered_nor_shown_to_the_visitor(two_tenants, django_capture_on_commit_callbacks):
    conv = conversation(two_tenants.a.tenant)
    api = two_tenants.a.api("agent")
    with django_capture_on_commit_callbacks(execute=True):
        note = api.post(f"/api/v1/conversations/{conv.id}/messages", {"body": "VIP, be nice", "private": True})
    assert (note.json()["kind"], note.json()["delivery_status"]) == ("note", None)
    from atendo.messaging.selectors import message_timeline

    assert message_timeline(conversation=conv, for_visitor=True) == ([], False)


def test_assign_and_transfer_write_a_system_message_and_audit(two_tenants):
    conv = conversation(two_tenants.a.tenant)
    support = department(two_tenants.a.tenant, "Suporte").id
    api = two_tenants.a.api("supervisor")
    target = two_tenants.a.member("agent")
    response = api.post(
        f"/api/v1/conversations/{conv.id}/assign",
        {"assignee": str(target.id), "department": str(support), "note": "billing question"},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["assignee"]["id"] == str(target.id)
    assert response.json()["department_id"] == str(support)
    system = Message.objects.for_tenant(two_tenants.a.tenant).get(conversation=conv, kind="system")
    assert system.metadata["event"] == "transfer" and "billing question" in system.body
    assert AuditLog.objects.for_tenant(two_tenants.a.tenant).filter(action="conversation.transferred").exists()


def test_department_of_another_tenant_is_refused(two_tenants):
    conv = conversation(two_tenants.a.tenant)
    theirs = department(two_tenants.b.tenant, "Vendas")
    response = two_tenants.a.api("supervisor").post(
        f"/api/v1/conversations/{conv.id}/assign", {"department": str(theirs.id)}
    )
    assert (response.status_code, list(response.json()["fields"])) == (400, ["department"])
    conv.refresh_from_db()
    assert conv.department_id is None


def test_assignee_from_another_tenant_is_refused(two_tenants):
    conv = conversation(two_tenants.a.tenant)
    response = two_tenants.a.api("supervisor").post(
        f"/api/v1/conversations/{conv.id}/assign", {"assignee": str(two_tenants.b.member("agent").id)}
    )
    assert (response.status_code, list(response.json()["fields"])) == (400, ["assignee"])
    conv.refresh_from_db()
    assert conv.assignee_id is None


def test_status_changes_and_reopen_conflict(two_tenants):
    tenant = two_tenants.a.tenant
    account = webchat_account(tenant)
    person = contact(tenant)
    old = conversation(tenant, account, contact=person)
    api = two_tenants.a.api("agent")
    assert api.post(f"/api/v1/conversations/{old.id}/status", {"status": "resolved"}).json()["status"] == "resolved"
    conversation(tenant, account, contact=person)  # the contact wrote again later: a new one is open
    conflict = api.post(f"/api/v1/conversations/{old.id}/status", {"status": "open"})
    assert (conflict.status_code, conflict.json()["code"]) == (409, "another_conversation_open")
    snooze = api.post(f"/api/v1/conversations/{old.id}/status", {"status": "snoozed"})
    assert (snooze.status_code, snooze.json()["code"]) == (400, "snooze_until_required")


def test_mark_read(two_tenants):
    conv = conversation(two_tenants.a.tenant, unread_count=4)
    assert two_tenants.a.api("agent").post(f"/api/v1/conversations/{conv.id}/read").status_code == 204
    conv.refresh_from_db()
    assert conv.unread_count == 0


def test_inbound_reopens_recent_and_starts_new_after_the_window(two_tenants):
    tenant = two_tenants.a.tenant
    account, person = webchat_account(tenant), contact(tenant)
    conv = conversation(
        tenant, account, contact=person, status="resolved", resolved_at=timezone.now() - timedelta(hours=2)
    )
    again, state = conversation_for_inbound(tenant=tenant, account=account, contact=person)
    assert (again.id, state, again.status) == (conv.id, "reopened", "open")
    Conversation.objects.for_tenant(tenant).filter(id=conv.id).update(
        status="resolved", resolved_at=timezone.now() - timedelta(hours=48)
    )
    fresh, state = conversation_for_inbound(tenant=tenant, account=account, contact=person)
    assert state == "created" and fresh.id != conv.id


def test_other_tenants_conversations_are_404(two_tenants):
    theirs = conversation(two_tenants.b.tenant)
    api = two_tenants.a.api("owner")
    for method, path, body in [
        ("get", "", None),
        ("post", "/messages", {"body": "x"}),
        ("post", "/read", None),
        ("post", "/status", {"status": "resolved"}),
        ("post", "/assign", {"assignee": None}),
    ]:
        response = getattr(api, method)(f"/api/v1/conversations/{theirs.id}{path}", body)
        assert response.status_code == 404, path
    theirs.refresh_from_db()
    assert theirs.status == "open"


def test_transfer_to_an_auto_assign_team_picks_an_online_agent(two_tenants, monkeypatch):
    from atendo.organizations.models import Team

    tenant = two_tenants.a.tenant
    team = Team.objects.create(tenant=tenant, department=department(tenant, "Suporte"), name="N1", auto_assign=True)
    online, offline = two_tenants.a.member("agent"), two_tenants.a.member("admin")
    for member in (online, offline):
        team.memberships.create(tenant=tenant, member=member)
    monkeypatch.setattr("atendo.organizations.services.online_member_ids", lambda tenant_id: {str(online.id)})
    conv = conversation(tenant)
    response = two_tenants.a.api("supervisor").post(f"/api/v1/conversations/{conv.id}/assign", {"team": str(team.id)})
    assert response.status_code == 200, response.json()
    assert response.json()["assignee"]["id"] == str(online.id)
    assert response.json()["team_id"] == str(team.id)
