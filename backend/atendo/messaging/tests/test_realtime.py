"""Messaging sockets through the real ASGI stack and the Redis channel layer."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection
from rest_framework_simplejwt.tokens import AccessToken

from atendo.config.asgi import application
from atendo.core.realtime.consumers import CLOSE_NOT_FOUND, CLOSE_UNAUTHENTICATED
from atendo.core.tests.sockets import refusal_code
from atendo.messaging.tests.factories import conversation, department, webchat_account

pytestmark = pytest.mark.django_db(transaction=True)
BACKEND = Path(__file__).resolve().parents[3]


def token_for(user) -> str:
    return str(AccessToken.for_user(user))


async def _connect(path: str):
    communicator = WebsocketCommunicator(application, path)
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected, code


async def _receive_until(socket, event: str, timeout: float = 5, where=lambda frame: True) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        frame = await socket.receive_json_from(timeout=max(0.1, deadline - time.monotonic()))
        if frame.get("event") == event and where(frame):
            return frame


def test_conversation_socket_is_refused_outside_scope_and_tenant(two_tenants):
    support = department(two_tenants.a.tenant, "Suporte").id
    conv = conversation(two_tenants.a.tenant, department=department(two_tenants.a.tenant, "Vendas"))
    scoped = two_tenants.a.add_member("agent", scope=("department", support))

    async def scenario():
        for user, expected in ((scoped.user, CLOSE_NOT_FOUND), (two_tenants.b.user("owner"), CLOSE_NOT_FOUND)):
            assert await refusal_code(f"/ws/acme/conversations/{conv.id}?token={token_for(user)}") == expected
        assert await refusal_code(f"/ws/acme/conversations/{conv.id}") == CLOSE_UNAUTHENTICATED
        ok, connected, _ = await _connect(
            f"/ws/acme/conversations/{conv.id}?token={token_for(two_tenants.a.user('agent'))}"
        )
        assert connected
        snapshot = await ok.receive_json_from(timeout=5)
        agent = two_tenants.a.member("agent")
        assert snapshot["event"] == "viewers.snapshot" and str(agent.id) in snapshot["members"]
        assert snapshot["display_names"] == {str(agent.id): agent.display_name}
        await ok.disconnect()

    async_to_sync(scenario)()


def test_visitor_message_reaches_the_inbox_and_the_reply_reaches_the_visitor(two_tenants, anon):
    widget = webchat_account(two_tenants.a.tenant)
    base = f"/api/v1/widget/{widget.external_id}"
    session = anon.post(f"{base}/sessions", {"prechat": {"name": "Maria"}}).json()["session_token"]
    agent = two_tenants.a.api("agent")

    async def scenario():
        inbox, ok, _ = await _connect(f"/ws/acme/inbox?token={token_for(two_tenants.a.user('agent'))}")
        other_inbox, ok_b, _ = await _connect(f"/ws/globex/inbox?token={token_for(two_tenants.b.user('agent'))}")
        visitor, ok_v, _ = await _connect(f"/ws/widget/{widget.external_id}?session={session}")
        assert ok and ok_b and ok_v
        sent = await sync_to_async(anon.post)(
            f"{base}/messages", {"body": "Preciso de ajuda"}, HTTP_X_VISITOR_SESSION=session
        )
        assert sent.status_code == 201
        frame = await _receive_until(inbox, "message.created")
        assert frame["message"]["body"] == "Preciso de ajuda"
        conversation_id = frame["conversation_id"]
        assert await other_inbox.receive_nothing(timeout=0.3)

        room, ok, _ = await _connect(
            f"/ws/acme/conversations/{conversation_id}?token={token_for(two_tenants.a.user('agent'))}"
        )
        assert ok
        await sync_to_async(anon.post)(f"{base}/typing", {"typing": True}, HTTP_X_VISITOR_SESSION=session)
        typing = await _receive_until(room, "typing")
        assert typing["by_contact"] is True and typing["author_name"] == "Maria"

        note = await sync_to_async(agent.post)(
            f"/api/v1/conversations/{conversation_id}/messages", {"body": "internal", "private": True}
        )
        reply = await sync_to_async(agent.post)(
            f"/api/v1/conversations/{conversation_id}/messages", {"body": "Olá Maria!"}
        )
        assert (note.status_code, reply.status_code) == (201, 201)
        own = await _receive_until(visitor, "message.created")
        assert own["message"]["body"] == "Preciso de ajuda"  # the visitor's own message, echoed
        got = await _receive_until(visitor, "message.created")
        assert got["message"]["body"] == "Olá Maria!"  # the note in between never reached the visitor
        assert "tenant_id" not in got and "metadata" not in got["message"]
        await room.send_json_to({"type": "typing", "typing": True})
        agent_typing = await _receive_until(visitor, "typing")
        assert agent_typing["author_name"] == two_tenants.a.member("agent").display_name
        for s in (inbox, other_inbox, visitor, room):
            await s.disconnect()

    async_to_sync(scenario)()


def test_visitor_socket_needs_a_session_of_this_widget(two_tenants, anon):
    widget = webchat_account(two_tenants.a.tenant)
    other = webchat_account(two_tenants.b.tenant)
    foreign = anon.post(f"/api/v1/widget/{other.external_id}/sessions", {}).json()["session_token"]

    async def scenario():
        for session in ("", "forged", foreign):
            socket_, connected, _ = await _connect(f"/ws/widget/{widget.external_id}?session={session}")
            assert connected  # accepted only to be closed with a code the widget understands
            closing = await socket_.receive_output(timeout=5)
            assert closing == {"type": "websocket.close", "code": CLOSE_UNAUTHENTICATED}

    async_to_sync(scenario)()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url_for_tests() -> str:
    """DATABASE_URL pointed at the test database this test runs against (same server, same
    credentials, socket or TCP), for a second server process."""
    base, _name = os.environ["DATABASE_URL"].split("?", 1)[0].rsplit("/", 1)
    return f"{base}/{connection.settings_dict['NAME']}"


def test_a_message_posted_here_reaches_a_socket_served_by_another_process(two_tenants, anon):
    """Two processes share only Redis: the channel layer carries the event across."""
    import websockets

    widget = webchat_account(two_tenants.a.tenant)
    base = f"/api/v1/widget/{widget.external_id}"
    session = anon.post(f"{base}/sessions", {}).json()["session_token"]
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_tests(),
        "DJANGO_SETTINGS_MODULE": "atendo.config.settings_test",
        "PYTHONPATH": str(BACKEND),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "atendo.config.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=BACKEND,
        env=env,
    )
    try:

        async def scenario():
            for _ in range(100):
                try:
                    socket_ = await websockets.connect(
                        f"ws://127.0.0.1:{port}/ws/acme/inbox?token={token_for(two_tenants.a.user('agent'))}"
                    )
                    break
                except OSError:
                    await asyncio.sleep(0.1)
            else:
                raise AssertionError("the second server did not start")
            sent = await sync_to_async(anon.post)(
                f"{base}/messages", {"body": "cross-process"}, HTTP_X_VISITOR_SESSION=session
            )
            assert sent.status_code == 201
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                frame = json.loads(await asyncio.wait_for(socket_.recv(), timeout=5))
                if frame.get("event") == "message.created":
                    assert frame["message"]["body"] == "cross-process"
                    break
            else:
                raise AssertionError("no message.created frame")
            await socket_.close()

        async_to_sync(scenario)()
    finally:
        server.terminate()
        server.wait(10)


def test_a_transfer_tells_the_streams_it_left(two_tenants):
    sales, support = department(two_tenants.a.tenant, "Vendas"), department(two_tenants.a.tenant, "Suporte")
    conv = conversation(two_tenants.a.tenant, department=sales)
    seller = two_tenants.a.add_member("agent", scope=("department", sales.id))
    supporter = two_tenants.a.add_member("agent", scope=("department", support.id))
    admin = two_tenants.a.api("admin")

    async def scenario():
        sales_inbox, ok1, _ = await _connect(f"/ws/acme/inbox?token={token_for(seller.user)}")
        support_inbox, ok2, _ = await _connect(f"/ws/acme/inbox?token={token_for(supporter.user)}")
        assert ok1 and ok2
        moved = await sync_to_async(admin.post)(
            f"/api/v1/conversations/{conv.id}/assign", {"assignee": None, "department": str(support.id)}
        )
        assert moved.status_code == 200, moved.json()
        arrived = await _receive_until(support_inbox, "conversation.updated")
        assert arrived["conversation"]["id"] == str(conv.id)
        removed = await _receive_until(sales_inbox, "conversation.removed")
        assert removed["conversation_id"] == str(conv.id) and "conversation" not in removed
        for stream in (sales_inbox, support_inbox):
            await stream.disconnect()

    async_to_sync(scenario)()
