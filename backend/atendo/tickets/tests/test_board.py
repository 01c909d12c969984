"""The live ticket board: scoped like the ticket list, fed by services through the bus."""

from __future__ import annotations

import time

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework_simplejwt.tokens import AccessToken

from atendo.config.asgi import application
from atendo.core.tests.sockets import refusal_code
from atendo.messaging.tests.factories import department

pytestmark = pytest.mark.django_db(transaction=True)


async def _connect(slug: str, user):
    socket = WebsocketCommunicator(application, f"/ws/{slug}/tickets?token={AccessToken.for_user(user)}")
    connected, code = await socket.connect(timeout=5)
    return socket, connected, code


async def _next(socket, event: str, timeout: float = 5) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        frame = await socket.receive_json_from(timeout=max(0.1, deadline - time.monotonic()))
        if frame.get("event") == event:
            return frame


def test_board_follows_scope_across_a_transfer(two_tenants):
    tenant = two_tenants.a.tenant
    sales, support = department(tenant, "Vendas"), department(tenant, "Suporte")
    sales_agent = two_tenants.a.add_member("agent", scope=("department", sales.id))
    support_agent = two_tenants.a.add_member("agent", scope=("department", support.id))
    admin = two_tenants.a.api("admin")

    async def scenario():
        everyone, ok1, _ = await _connect("acme", two_tenants.a.user("supervisor"))
        sales_board, ok2, _ = await _connect("acme", sales_agent.user)
        support_board, ok3, _ = await _connect("acme", support_agent.user)
        other_tenant, ok4, _ = await _connect("globex", two_tenants.b.user("owner"))
        assert ok1 and ok2 and ok3 and ok4
        created = await sync_to_async(admin.post)(
            "/api/v1/tickets", {"subject": "Boleto", "department": str(support.id)}
        )
        ticket_id = created.json()["id"]
        for board in (everyone, support_board):
            frame = await _next(board, "ticket.changed")
            assert frame["ticket"]["id"] == ticket_id and frame["change"] == "created"
        assert await sales_board.receive_nothing(timeout=0.5)
        assert await other_tenant.receive_nothing(timeout=0.2)

        moved = await sync_to_async(admin.post)(
            f"/api/v1/tickets/{ticket_id}/transfer", {"department": str(sales.id), "reason": "wrong queue"}
        )
        assert moved.status_code == 200
        assert (await _next(sales_board, "ticket.transferred"))["ticket"]["department"]["id"] == str(sales.id)
        assert (await _next(support_board, "ticket.removed"))["ticket_id"] == ticket_id
        for socket in (everyone, sales_board, support_board, other_tenant):
            await socket.disconnect()

    async_to_sync(scenario)()


def test_member_without_ticket_view_is_refused(two_tenants):
    from atendo.core.models import Role, RoleAssignment

    role = Role.objects.create(tenant=two_tenants.a.tenant, slug="viewer", name="Viewer", permissions=["tenant.view"])
    member = two_tenants.a.member("agent")
    RoleAssignment.objects.for_tenant(two_tenants.a.tenant).filter(member=member).update(role=role)

    async def scenario():
        assert await refusal_code(f"/ws/acme/tickets?token={AccessToken.for_user(member.user)}") == 4403

    async_to_sync(scenario)()


def test_sla_alerts_reach_boards_in_one_frame_per_group(two_tenants):
    from datetime import timedelta

    from django.utils import timezone

    from atendo.organizations.models import SlaPolicy
    from atendo.tickets import sla

    tenant = two_tenants.a.tenant
    sales, support = department(tenant, "Vendas"), department(tenant, "Suporte")
    SlaPolicy.objects.create(
        tenant=tenant, name="Suporte", department=support, first_response_minutes=1, calendar_minutes=True
    )
    sales_agent = two_tenants.a.add_member("agent", scope=("department", sales.id))
    admin = two_tenants.a.api("admin")
    ids = {
        admin.post("/api/v1/tickets", {"subject": f"T{i}", "department": str(support.id)}).json()["id"]
        for i in range(3)
    }

    async def scenario():
        everyone, ok1, _ = await _connect("acme", two_tenants.a.user("supervisor"))
        sales_board, ok2, _ = await _connect("acme", sales_agent.user)
        other_tenant, ok3, _ = await _connect("globex", two_tenants.b.user("owner"))
        assert ok1 and ok2 and ok3
        await sync_to_async(sla.sla_scan)(timezone.now() + timedelta(minutes=5))
        breached = await _next(everyone, "sla.alerted")
        while breached["kind"] != "breached":
            breached = await _next(everyone, "sla.alerted")
        assert {t["id"] for t in breached["tickets"]} == ids
        assert all(t["sla_state"] == "breached" for t in breached["tickets"])
        assert await sales_board.receive_nothing(timeout=0.5)
        assert await other_tenant.receive_nothing(timeout=0.2)
        for socket in (everyone, sales_board, other_tenant):
            await socket.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db
def test_sla_alert_frames_are_the_ticket_serializer_output(two_tenants):
    """The scan renders its board frames without DRF (ticket_frames): they must stay what the
    serializer gives, for a ticket with every field set and for a bare one."""
    from datetime import UTC, datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from atendo.core.realtime.broadcast import jsonable
    from atendo.messaging.tests.factories import conversation
    from atendo.organizations.models import Team
    from atendo.tickets.listeners import _alerted_tickets, _ticket_rows
    from atendo.tickets.models import Ticket
    from atendo.tickets.serializers import TicketSerializer

    tenant = two_tenants.a.tenant
    support = department(tenant, "Suporte")
    level1 = Team.objects.create(tenant=tenant, department=support, name="N1")
    conv = conversation(tenant, department=support)
    moment = datetime(2026, 3, 2, 13, 0, 5, 123456, tzinfo=UTC)
    full = Ticket.objects.create(
        tenant=tenant,
        number=1,
        subject="Everything",
        description="All fields",
        status="open",
        priority="urgent",
        department=support,
        team=level1,
        assignee=two_tenants.a.member("agent"),
        requester=conv.contact,
        conversation=conv,
        tags=["vip", "billing"],
        custom_fields={"order": 42, "nested": {"a": [1, "b", None]}, "price": "9.90"},
        sla_state="warning",
        next_due_at=moment,
        first_responded_at=moment,
        solved_at=moment,
    )
    bare = Ticket.objects.create(tenant=tenant, number=2, subject="Bare")
    ids = [full.id, bare.id]
    expected = {
        f["id"]: f for f in jsonable({"t": TicketSerializer(_ticket_rows(tenant.id, ids), many=True).data})["t"]
    }
    rendered = {f["id"]: f for _, f in _alerted_tickets(tenant.id, ids)}
    assert rendered == expected
    assert set(rendered[str(full.id)]) == set(TicketSerializer.Meta.fields)
    # Read through Django's cursor (query counting, debug tooling: ids come as UUIDs, datetimes
    # through Django's loader), the frames are the same.
    with CaptureQueriesContext(connection):
        assert {f["id"]: f for _, f in _alerted_tickets(tenant.id, ids)} == expected


@pytest.mark.django_db
def test_sla_alert_frames_are_split_per_group(two_tenants):
    """A scan batch bigger than a frame goes to each group as several sla.alerted frames, in
    one channel-layer send."""
    from unittest import mock

    from atendo.core.realtime import groups
    from atendo.tickets import listeners
    from atendo.tickets.events import SlaAlerted
    from atendo.tickets.models import Ticket

    tenant = two_tenants.a.tenant
    tickets = [Ticket.objects.create(tenant=tenant, number=n, subject=f"T{n}") for n in range(1, 6)]
    event = SlaAlerted(tenant_id=tenant.id, ticket_ids=tuple(t.id for t in tickets), kind="breached")
    with (
        mock.patch.object(listeners, "ALERTED_FRAME_TICKETS", 2),
        mock.patch.object(listeners, "send_payloads") as send,
    ):
        listeners.board_sla_alerted(event)
    (sent,), _ = send.call_args
    frames = sent[groups.board(tenant.id)]
    assert [len(f["tickets"]) for f in frames] == [2, 2, 1]
    assert {t["id"] for f in frames for t in f["tickets"]} == {str(t.id) for t in tickets}
    assert {(f["event"], f["kind"], f["tenant_id"]) for f in frames} == {("sla.alerted", "breached", str(tenant.id))}
