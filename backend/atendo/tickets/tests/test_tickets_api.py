"""Tickets: numbering, transitions, transfers with history, comments, scope and isolation."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from atendo.core.models import AuditLog
from atendo.messaging.tests.factories import conversation, department
from atendo.organizations.models import Team
from atendo.tickets.models import Ticket, TicketAssignment, TicketComment

pytestmark = pytest.mark.django_db


def create(api, **body):
    body.setdefault("subject", "Printer on fire")
    response = api.post("/api/v1/tickets", body)
    assert response.status_code == 201, response.json()
    return response.json()


def test_numbers_are_per_tenant_and_consecutive(two_tenants):
    a, b = two_tenants.a.api("agent"), two_tenants.b.api("agent")
    assert [create(a)["number"] for _ in range(3)] == [1, 2, 3]
    assert create(b)["number"] == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_gives_unique_consecutive_numbers(two_tenants):
    barrier = threading.Barrier(10)
    numbers: list[int] = []

    def make() -> None:
        barrier.wait()
        try:
            numbers.append(create(two_tenants.a.api("agent"))["number"])
        finally:
            connection.close()

    threads = [threading.Thread(target=make) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == list(range(1, 11))


def test_create_from_a_conversation_takes_its_contact(two_tenants):
    conv = conversation(two_tenants.a.tenant)
    ticket = create(two_tenants.a.api("agent"), conversation=str(conv.id))
    assert ticket["conversation_id"] == str(conv.id)
    assert ticket["requester"]["id"] == str(conv.contact_id)
    theirs = conversation(two_tenants.b.tenant)
    assert (
        two_tenants.a.api("agent").post("/api/v1/tickets", {"subject": "x", "conversation": str(theirs.id)}).status_code
        == 404
    )


def test_invalid_transitions_are_409_with_the_allowed_moves(two_tenants):
    api = two_tenants.a.api("agent")
    ticket = create(api)
    url = f"/api/v1/tickets/{ticket['id']}/status"
    assert api.patch(url, {"status": "solved"}).json()["status"] == "solved"
    assert api.patch(url, {"status": "closed"}).json()["status"] == "closed"
    refused = api.patch(url, {"status": "open"})
    assert (refused.status_code, refused.json()["code"]) == (409, "invalid_transition")
    assert api.patch(url, {"status": "nonsense"}).status_code == 400


def test_transfer_writes_history_system_note_and_audit(two_tenants):
    tenant = two_tenants.a.tenant
    sales, support = department(tenant, "Vendas"), department(tenant, "Suporte")
    api = two_tenants.a.api("supervisor")
    ticket = create(api, department=str(sales.id))
    target = two_tenants.a.member("agent")
    response = api.post(
        f"/api/v1/tickets/{ticket['id']}/transfer",
        {"department": str(support.id), "assignee": str(target.id), "reason": "billing"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["department"]["id"] == str(support.id) and body["assignee"]["id"] == str(target.id)
    history = body["assignments"]
    assert [h["department_id"] for h in history] == [str(sales.id), str(support.id)]
    assert history[0]["ended_at"] is not None and history[1]["reason"] == "billing"
    assert TicketComment.objects.for_tenant(tenant).filter(ticket_id=ticket["id"], system=True).exists()
    assert AuditLog.objects.for_tenant(tenant).filter(action="ticket.transferred").exists()


def test_transfer_to_another_tenants_department_is_refused(two_tenants):
    api = two_tenants.a.api("supervisor")
    ticket = create(api)
    foreign = department(two_tenants.b.tenant, "Vendas")
    response = api.post(f"/api/v1/tickets/{ticket['id']}/transfer", {"department": str(foreign.id), "reason": "x"})
    assert (response.status_code, list(response.json()["fields"])) == (400, ["department"])
    assert TicketAssignment.objects.for_tenant(two_tenants.a.tenant).count() == 1


def test_department_scoped_agent_sees_only_their_tickets(two_tenants):
    tenant = two_tenants.a.tenant
    sales, support = department(tenant, "Vendas"), department(tenant, "Suporte")
    admin = two_tenants.a.api("admin")
    mine, other = create(admin, department=str(support.id)), create(admin, department=str(sales.id))
    from conftest import Api

    scoped = two_tenants.a.add_member("agent", scope=("department", support.id))
    api = Api(scoped.user, tenant)
    listed = [t["id"] for t in api.get("/api/v1/tickets").json()["results"]]
    assert listed == [mine["id"]]
    assert api.get(f"/api/v1/tickets/{other['id']}").status_code == 404
    assert api.patch(f"/api/v1/tickets/{other['id']}/status", {"status": "solved"}).status_code == 404
    denied = api.post("/api/v1/tickets", {"subject": "x", "department": str(sales.id)})
    assert denied.status_code == 403
    assert api.post("/api/v1/tickets", {"subject": "ok", "department": str(support.id)}).status_code == 201


def test_filters_and_constant_queries(two_tenants, django_assert_max_num_queries):
    api = two_tenants.a.api("agent")
    support = department(two_tenants.a.tenant, "Suporte")
    for i in range(12):
        create(
            api,
            subject=f"Issue {i}",
            priority="urgent" if i % 3 == 0 else "normal",
            department=str(support.id) if i % 2 else None,
        )
    with django_assert_max_num_queries(8):
        page = api.get("/api/v1/tickets", {"page_size": 10}).json()
    assert len(page["results"]) == 10
    assert len(api.get("/api/v1/tickets", {"priority": "urgent"}).json()["results"]) == 4
    assert len(api.get("/api/v1/tickets", {"department": str(support.id)}).json()["results"]) == 6
    assert [t["subject"] for t in api.get("/api/v1/tickets", {"q": "Issue 7"}).json()["results"]] == ["Issue 7"]
    assert api.get("/api/v1/tickets", {"q": "#3"}).json()["results"][0]["number"] == 3
    assert len(api.get("/api/v1/tickets", {"status": "new,open"}).json()["results"]) == 12
    assert api.get("/api/v1/tickets", {"status": "bogus"}).status_code == 400


def test_team_round_robin_assigns_online_agents_fairly(two_tenants, monkeypatch):
    tenant = two_tenants.a.tenant
    support = department(tenant, "Suporte")
    team = Team.objects.create(tenant=tenant, department=support, name="N1", auto_assign=True, max_open_per_agent=2)
    agents = [two_tenants.a.member("agent"), two_tenants.a.member("supervisor")]
    for agent in agents:
        team.memberships.create(tenant=tenant, member=agent)
    online = {str(a.id) for a in agents}
    monkeypatch.setattr("atendo.organizations.services.online_member_ids", lambda tenant_id: online)
    api = two_tenants.a.api("admin")
    holders = [create(api, team=str(team.id))["assignee"] for _ in range(5)]
    ids = [h["id"] if h else None for h in holders]
    assert sorted(ids[:4]) == sorted([str(agents[0].id), str(agents[1].id)] * 2)  # alternating, capped at 2 each
    assert ids[4] is None  # everyone is at capacity
    assert Ticket.objects.for_tenant(tenant).filter(assignee__isnull=True).count() == 1


TICKET_ENDPOINTS = [
    ("get", ""),
    ("patch", ""),
    ("patch", "/status"),
    ("post", "/transfer"),
    ("get", "/comments"),
    ("post", "/comments"),
    ("get", "/sla"),
]


@pytest.mark.parametrize(("method", "suffix"), TICKET_ENDPOINTS)
def test_every_ticket_endpoint_hides_tickets_outside_the_department_scope(two_tenants, method, suffix):
    from conftest import Api

    tenant = two_tenants.a.tenant
    sales, support = department(tenant, "Vendas"), department(tenant, "Suporte")
    ticket = create(two_tenants.a.api("admin"), department=str(sales.id))
    scoped = two_tenants.a.add_member("agent", scope=("department", support.id))
    body = {"subject": "x", "status": "solved", "body": "hi", "reason": "r", "department": str(support.id)}
    payload = (
        {
            k: body[k]
            for k in {
                "": ["subject"],
                "/status": ["status"],
                "/transfer": ["department", "reason"],
                "/comments": ["body"],
            }.get(suffix, [])
        }
        if method != "get"
        else None
    )
    response = getattr(Api(scoped.user, tenant), method)(f"/api/v1/tickets/{ticket['id']}{suffix}", payload)
    assert response.status_code == 404
    assert Ticket.objects.for_tenant(tenant).get(id=ticket["id"]).department_id == sales.id
    assert not TicketComment.objects.for_tenant(tenant).filter(ticket_id=ticket["id"], system=False).exists()


def test_unassign_keeps_the_unit_and_writes_history(two_tenants, monkeypatch):
    tenant = two_tenants.a.tenant
    support = department(tenant, "Suporte")
    team = Team.objects.create(tenant=tenant, department=support, name="N1", auto_assign=True)
    agent = two_tenants.a.member("agent")
    team.memberships.create(tenant=tenant, member=agent)
    monkeypatch.setattr("atendo.organizations.services.online_member_ids", lambda tenant_id: {str(agent.id)})
    api = two_tenants.a.api("supervisor")
    ticket = create(api, team=str(team.id))
    assert ticket["assignee"]["id"] == str(agent.id)  # the round robin took it
    url = f"/api/v1/tickets/{ticket['id']}/transfer"

    response = api.post(url, {"assignee": None, "reason": "Back to the queue"})
    assert response.status_code == 200, response.json()
    body = response.json()
    # Explicitly nobody: the auto-assigning team does not hand it straight back.
    assert body["assignee"] is None
    assert (body["department"]["id"], body["team"]["id"]) == (str(support.id), str(team.id))
    last = body["assignments"][-1]
    assert (last["assignee"], last["reason"], last["ended_at"]) == (None, "Back to the queue", None)
    assert body["assignments"][-2]["ended_at"] is not None
    note = TicketComment.objects.for_tenant(tenant).filter(ticket_id=ticket["id"], system=True).latest("created_at")
    assert "unassigned" in note.body or "removeu" in note.body
    audit = AuditLog.objects.for_tenant(tenant).get(action="ticket.transferred")
    assert (audit.changes["from"]["assignee"], audit.changes["to"]["assignee"]) == (str(agent.id), None)

    again = api.post(url, {"assignee": None, "reason": "again"})
    assert again.status_code == 200 and len(again.json()["assignments"]) == len(body["assignments"])
    # Left out (not null), the team's round robin picks someone as before.
    assert api.post(url, {"team": str(team.id), "reason": "pick"}).json()["assignee"]["id"] == str(agent.id)
    assert api.post(url, {"reason": "nothing"}).json()["code"] == "invalid"


def test_allowed_statuses_follow_the_workflow_and_the_members_rights(two_tenants):
    from atendo.core.models import Role, RoleAssignment
    from atendo.tickets.models import TRANSITIONS
    from atendo.tickets.serializers import TicketSerializer
    from conftest import Api

    tenant = two_tenants.a.tenant
    api = two_tenants.a.api("agent")
    ticket = create(api)
    assert ticket["allowed_statuses"] == ["open", "pending", "on_hold", "solved"]
    listed = api.get("/api/v1/tickets").json()["results"][0]
    assert listed["allowed_statuses"] == ticket["allowed_statuses"]
    # The list is what the server then accepts, and refuses, status by status.
    for target in ("new", "open", "pending", "on_hold", "solved", "closed"):
        fresh = create(api)
        moved = api.patch(f"/api/v1/tickets/{fresh['id']}/status", {"status": target})
        assert (moved.status_code == 200) == (target in fresh["allowed_statuses"] or target == "new"), target
        if moved.status_code == 200 and target != "new":
            assert moved.json()["allowed_statuses"] == [
                s for s in ("new", "open", "pending", "on_hold", "solved", "closed") if s in TRANSITIONS[target]
            ]
    closed = create(api)
    api.patch(f"/api/v1/tickets/{closed['id']}/status", {"status": "solved"})
    assert api.patch(f"/api/v1/tickets/{closed['id']}/status", {"status": "closed"}).json()["allowed_statuses"] == []

    # Someone who may only look: no move is theirs to make.
    viewer_role = Role.objects.create(tenant=tenant, slug="viewer", name="Viewer", permissions=["ticket.view"])
    viewer = two_tenants.a.add_member("agent")
    RoleAssignment.objects.for_tenant(tenant).filter(member=viewer).update(role=viewer_role)
    seen = Api(viewer.user, tenant).get(f"/api/v1/tickets/{ticket['id']}").json()
    assert seen["allowed_statuses"] == []
    assert (
        Api(viewer.user, tenant).patch(f"/api/v1/tickets/{ticket['id']}/status", {"status": "open"}).status_code == 403
    )
    # Frames go to many members at once: they carry no member's rights.
    row = Ticket.objects.for_tenant(tenant).get(id=ticket["id"])
    assert TicketSerializer(row).data["allowed_statuses"] is None


def test_counts_per_status_in_scope_with_the_filters(two_tenants, django_assert_max_num_queries):
    from conftest import Api

    tenant = two_tenants.a.tenant
    sales, support = department(tenant, "Vendas"), department(tenant, "Suporte")
    admin = two_tenants.a.api("admin")
    for i in range(5):
        made = create(admin, department=str(support.id), priority="urgent" if i < 2 else "normal")
        if i == 4:
            admin.patch(f"/api/v1/tickets/{made['id']}/status", {"status": "pending"})
    create(admin, department=str(sales.id))
    create(two_tenants.b.api("admin"))  # another tenant's ticket never counts

    everyone = admin.get("/api/v1/tickets/counts").json()
    assert everyone == {
        "counts": {"new": 5, "open": 0, "pending": 1, "on_hold": 0, "solved": 0, "closed": 0},
        "total": 6,
    }
    scoped = two_tenants.a.add_member("agent", scope=("department", support.id))
    api = Api(scoped.user, tenant)
    with django_assert_max_num_queries(5):  # membership, grants, one GROUP BY (+ session setup)
        mine = api.get("/api/v1/tickets/counts").json()
    assert (mine["counts"]["new"], mine["counts"]["pending"], mine["total"]) == (4, 1, 5)
    urgent = api.get("/api/v1/tickets/counts", {"priority": "urgent", "status": "new,open"}).json()
    assert (urgent["counts"]["new"], urgent["counts"]["pending"], urgent["total"]) == (2, 0, 2)
    assert api.get("/api/v1/tickets/counts", {"department": str(sales.id)}).json()["total"] == 0
    assert api.get("/api/v1/tickets/counts", {"status": "bogus"}).status_code == 400


def test_transfer_out_of_scope_is_applied_and_then_answered_like_any_out_of_scope_ticket(two_tenants):
    """A scoped agent may hand a ticket to another queue (the reason transfers exist, as with
    conversations); from then on it is outside their scope, so the answer is the same 404 a
    ticket they never saw gets, and conversations answer alike."""
    from conftest import Api

    tenant = two_tenants.a.tenant
    sales, support = department(tenant, "Vendas"), department(tenant, "Suporte")
    admin = two_tenants.a.api("admin")
    ticket = create(admin, department=str(support.id))
    never_mine = create(admin, department=str(sales.id))
    scoped = two_tenants.a.add_member("agent", scope=("department", support.id))
    api = Api(scoped.user, tenant)

    moved = api.post(f"/api/v1/tickets/{ticket['id']}/transfer", {"department": str(sales.id), "reason": "vendas"})
    unseen = api.get(f"/api/v1/tickets/{never_mine['id']}")
    assert (
        (moved.status_code, moved.json())
        == (unseen.status_code, unseen.json())
        == (
            404,
            {"code": "not_found", "message": "Not found.", "fields": {}},
        )
    )
    stored = Ticket.objects.for_tenant(tenant).get(id=ticket["id"])
    assert stored.department_id == sales.id
    assert TicketAssignment.objects.for_tenant(tenant).filter(ticket=stored).count() == 2
    in_sales = admin.get("/api/v1/tickets", {"department": str(sales.id)}).json()["results"]
    assert ticket["id"] in {t["id"] for t in in_sales}
    # Now out of scope: acting on it again is refused without a write.
    again = api.post(f"/api/v1/tickets/{ticket['id']}/transfer", {"department": str(support.id), "reason": "back"})
    assert again.status_code == 404
    assert TicketAssignment.objects.for_tenant(tenant).filter(ticket=stored).count() == 2

    talk = conversation(tenant, department=support)
    handed = api.post(f"/api/v1/conversations/{talk.id}/assign", {"department": str(sales.id), "assignee": None})
    assert (handed.status_code, handed.json()) == (moved.status_code, moved.json())
