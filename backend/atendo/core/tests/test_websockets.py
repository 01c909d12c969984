"""Websockets: JWT + active membership + permission on connect; events never cross tenants."""

from __future__ import annotations

import uuid

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework_simplejwt.tokens import AccessToken

from atendo.config.asgi import application
from atendo.core.events import Event
from atendo.core.realtime import groups
from atendo.core.realtime.broadcast import send_to_groups
from atendo.core.realtime.consumers import CLOSE_NOT_FOUND, CLOSE_UNAUTHENTICATED
from atendo.core.realtime.presence import online_member_ids
from atendo.core.services.events import MemberChanged
from atendo.core.tests.sockets import refusal_code

pytestmark = pytest.mark.django_db(transaction=True)


def token_for(user) -> str:
    return str(AccessToken.for_user(user))


async def _connect(path: str, token: str | None = None, subprotocols: list[str] | None = None):
    query = f"?token={token}" if token else ""
    communicator = WebsocketCommunicator(application, f"{path}{query}", subprotocols=subprotocols)
    connected, detail = await communicator.connect(timeout=5)
    return communicator, connected, detail


def connect(path: str, token: str | None = None, subprotocols: list[str] | None = None):
    return async_to_sync(_connect)(path, token, subprotocols)


@pytest.mark.parametrize("stream", ["notifications", "presence"])
def test_refuses_anonymous_and_forged_tokens(two_tenants, stream):
    for token in (None, "not-a-jwt"):
        query = f"?token={token}" if token else ""
        assert async_to_sync(refusal_code)(f"/ws/acme/{stream}{query}") == CLOSE_UNAUTHENTICATED


@pytest.mark.parametrize("stream", ["notifications", "presence"])
def test_refuses_members_of_other_tenants_and_unknown_tenants(two_tenants, stream):
    token = token_for(two_tenants.a.user("owner"))
    for slug in ("globex", "no-such-tenant"):
        assert async_to_sync(refusal_code)(f"/ws/{slug}/{stream}?token={token}") == CLOSE_NOT_FOUND


def test_disabled_member_is_refused(two_tenants):
    member = two_tenants.a.member("agent")
    member.status = "disabled"
    member.save()
    path = f"/ws/acme/notifications?token={token_for(member.user)}"
    assert async_to_sync(refusal_code)(path) == CLOSE_NOT_FOUND


def test_bearer_subprotocol_authenticates_and_is_echoed(two_tenants):
    async def scenario():
        token = token_for(two_tenants.a.user("agent"))
        communicator, connected, subprotocol = await _connect("/ws/acme/notifications", None, ["bearer", token])
        assert connected
        assert subprotocol == "bearer"
        await communicator.send_json_to({"type": "ping"})
        assert await communicator.receive_json_from(timeout=5) == {"event": "pong"}
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_events_reach_their_tenant_only(two_tenants):
    event = MemberChanged(tenant_id=two_tenants.a.tenant.id, member_id=uuid.uuid4(), change="updated")

    async def scenario():
        a_socket, ok_a, _ = await _connect("/ws/acme/notifications", token_for(two_tenants.a.user("agent")))
        b_socket, ok_b, _ = await _connect("/ws/globex/notifications", token_for(two_tenants.b.user("agent")))
        assert ok_a
        assert ok_b
        await sync_to_async(send_to_groups)(event, groups.tenant(two_tenants.a.tenant.id))
        # Even if a bug sent tenant A's event to tenant B's group, B's sockets drop it.
        await sync_to_async(send_to_groups)(event, groups.tenant(two_tenants.b.tenant.id))
        got = await a_socket.receive_json_from(timeout=5)
        assert got["event"] == "member.changed"
        assert got["tenant_id"] == str(two_tenants.a.tenant.id)
        assert await b_socket.receive_nothing(timeout=0.5)
        await a_socket.disconnect()
        await b_socket.disconnect()

    async_to_sync(scenario)()


def test_member_service_events_are_broadcast_after_commit(two_tenants):
    admin = two_tenants.a.api("admin")
    path = f"/api/v1/tenants/acme/members/{two_tenants.a.member('supervisor').id}"

    async def scenario():
        socket, ok, _ = await _connect("/ws/acme/notifications", token_for(two_tenants.a.user("agent")))
        assert ok
        response = await sync_to_async(admin.patch)(path, {"display_name": "Sue"})
        assert response.status_code == 200
        got = await socket.receive_json_from(timeout=5)
        assert (got["event"], got["change"]) == ("member.changed", "updated")
        await socket.disconnect()

    async_to_sync(scenario)()


def test_presence_tracks_who_is_online(two_tenants):
    tenant_id = two_tenants.a.tenant.id
    agent, supervisor = two_tenants.a.member("agent"), two_tenants.a.member("supervisor")

    async def scenario():
        first, ok, _ = await _connect("/ws/acme/presence", token_for(agent.user))
        assert ok
        snapshot = await first.receive_json_from(timeout=5)
        assert snapshot["event"] == "presence.snapshot"
        assert str(agent.id) in snapshot["online"]
        assert (await first.receive_json_from(timeout=5))["member_id"] == str(agent.id)  # own join
        second, ok, _ = await _connect("/ws/acme/presence", token_for(supervisor.user))
        assert ok
        joined = await first.receive_json_from(timeout=5)
        assert (joined["member_id"], joined["online"]) == (str(supervisor.id), True)
        online = await sync_to_async(online_member_ids)(tenant_id)
        assert online >= {str(agent.id), str(supervisor.id)}
        assert await sync_to_async(online_member_ids)(two_tenants.b.tenant.id) == set()
        await second.disconnect()
        left = await first.receive_json_from(timeout=5)
        assert (left["member_id"], left["online"]) == (str(supervisor.id), False)
        assert str(supervisor.id) not in await sync_to_async(online_member_ids)(tenant_id)
        await first.disconnect()

    async_to_sync(scenario)()


def test_event_payload_is_json_ready():
    class Sample(Event):
        name = "sample.happened"

    payload = Sample(tenant_id=uuid.UUID(int=1)).payload()
    assert payload == {"event": "sample.happened", "tenant_id": str(uuid.UUID(int=1))}


def test_presence_away_status_is_shared(two_tenants):
    agent, supervisor = two_tenants.a.member("agent"), two_tenants.a.member("supervisor")

    async def scenario():
        watcher, ok, _ = await _connect("/ws/acme/presence", token_for(supervisor.user))
        assert ok
        await watcher.receive_json_from(timeout=5)  # snapshot
        await watcher.receive_json_from(timeout=5)  # own join
        away, ok, _ = await _connect("/ws/acme/presence", token_for(agent.user))
        assert ok
        assert (await watcher.receive_json_from(timeout=5))["status"] == "online"
        await away.send_json_to({"type": "status", "status": "away"})
        changed = await watcher.receive_json_from(timeout=5)
        assert (changed["member_id"], changed["status"], changed["online"]) == (str(agent.id), "away", True)
        late, ok, _ = await _connect("/ws/acme/presence", token_for(two_tenants.a.user("admin")))
        snapshot = await late.receive_json_from(timeout=5)
        assert snapshot["members"][str(agent.id)] == "away"
        for socket_ in (watcher, away, late):
            await socket_.disconnect()

    async_to_sync(scenario)()


def test_a_quiet_socket_stays_subscribed_past_the_redis_socket_timeout(two_tenants):
    """redis-py 8 gives sockets a 5 s read timeout by default; the channel layer's blocking pop
    must not inherit it, or every socket that hears nothing for 5 s is torn down."""
    member = two_tenants.a.member("agent")

    async def scenario():
        socket = WebsocketCommunicator(application, f"/ws/acme/notifications?token={token_for(member.user)}")
        connected, _ = await socket.connect(timeout=5)
        assert connected
        assert await socket.receive_nothing(timeout=6.5)  # longer than redis-py's default
        event = MemberChanged(tenant_id=two_tenants.a.tenant.id, member_id=member.id, change="updated")
        await sync_to_async(send_to_groups)(event, groups.tenant(two_tenants.a.tenant.id))
        frame = await socket.receive_json_from(timeout=5)
        assert frame["event"] == "member.changed"
        await socket.disconnect()

    async_to_sync(scenario)()


def test_notifications_reach_each_recipient_alone(two_tenants):
    """Many notices at once (an SLA scan alerting a department) are stored together and each
    recipient's socket gets only its own notification."""
    from atendo.core.services.notifications import Notice, notify_many

    agent, supervisor = two_tenants.a.member("agent"), two_tenants.a.member("supervisor")

    async def scenario():
        agent_socket, ok_agent, _ = await _connect("/ws/acme/notifications", token_for(agent.user))
        supervisor_socket, ok_supervisor, _ = await _connect("/ws/acme/notifications", token_for(supervisor.user))
        assert ok_agent
        assert ok_supervisor
        notices = [
            Notice(recipients=[agent], kind="test.one", render=lambda: ("For the agent", ""), data={"n": 1}),
            Notice(recipients=[agent, supervisor], kind="test.two", render=lambda: ("For both", ""), data={"n": 2}),
        ]
        await sync_to_async(notify_many)(tenant=two_tenants.a.tenant, notices=notices)
        agent_frames = [await agent_socket.receive_json_from(timeout=5) for _ in range(2)]
        supervisor_frame = await supervisor_socket.receive_json_from(timeout=5)
        assert sorted(f["notification"]["title"] for f in agent_frames) == ["For both", "For the agent"]
        assert {f["event"] for f in agent_frames} == {"notification.created"}
        assert supervisor_frame["notification"]["title"] == "For both"
        assert supervisor_frame["notification"]["data"] == {"n": 2}
        assert await supervisor_socket.receive_nothing(timeout=0.5)
        await agent_socket.disconnect()
        await supervisor_socket.disconnect()

    async_to_sync(scenario)()
