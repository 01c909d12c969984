"""Files in conversations (both directions), delivery receipts, participants."""

from __future__ import annotations

import io
import struct
import zlib

import pytest

from atendo.connectors.models import ChannelAccount, ChannelConnector
from atendo.messaging.models import ConversationParticipant, Message, MessageAttachment
from atendo.messaging.services.messages import message_update_delivery
from atendo.messaging.tests.factories import conversation, inbound, webchat_account

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def upload(name: str, content: bytes, mime: str) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def test_visitor_uploads_an_image_and_the_agent_downloads_it(two_tenants, anon):
    widget = webchat_account(two_tenants.a.tenant)
    base = f"/api/v1/widget/{widget.external_id}"
    token = anon.post(f"{base}/sessions", {}).json()["session_token"]
    response = anon.client.post(
        f"{base}/messages",
        {"body": "foto", "file": upload("photo.png", png_bytes(), "image/png")},
        HTTP_X_VISITOR_SESSION=token,
    )
    assert response.status_code == 201, response.json()
    [attachment] = response.json()["attachments"]
    assert (attachment["name"], attachment["mime"]) == ("photo.png", "image/png")
    assert attachment["url"].startswith("http")  # absolute: the widget lives on another site
    conv_id = Message.objects.for_tenant(two_tenants.a.tenant).get().conversation_id
    detail = two_tenants.a.api("agent").get(f"/api/v1/conversations/{conv_id}").json()
    url = detail["messages"]["results"][0]["attachments"][0]["url"]
    downloaded = anon.client.get("/" + url.split("://", 1)[1].split("/", 1)[1])
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content) == png_bytes()
    assert detail["last_message_preview"] == "foto"


def test_hostile_files_are_refused_and_nothing_is_stored(two_tenants, anon):
    widget = webchat_account(two_tenants.a.tenant)
    base = f"/api/v1/widget/{widget.external_id}"
    token = anon.post(f"{base}/sessions", {}).json()["session_token"]
    html = upload("invoice.png", b"<html><script>alert(1)</script></html>", "image/png")
    response = anon.client.post(f"{base}/messages", {"file": html}, HTTP_X_VISITOR_SESSION=token)
    assert (response.status_code, response.json()["code"]) == (415, "file_type_not_allowed")
    assert not MessageAttachment.objects.for_tenant(two_tenants.a.tenant).exists()
    assert not Message.objects.for_tenant(two_tenants.a.tenant).exists()


def test_agent_sends_a_file(two_tenants):
    conv = conversation(two_tenants.a.tenant)
    api = two_tenants.a.api("agent")
    response = api.client.post(
        f"/api/v1/conversations/{conv.id}/messages",
        {"body": "", "file": upload("receipt.png", png_bytes(), "image/png")},
        **api.headers,
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["kind"], len(response.json()["attachments"])) == ("media", 1)


def test_receipts_never_move_a_message_backwards(two_tenants):
    conv = conversation(two_tenants.a.tenant)
    message = Message.objects.create(
        tenant=two_tenants.a.tenant,
        conversation=conv,
        account=conv.account,
        direction="out",
        kind="text",
        body="hi",
        delivery_status="queued",
    )
    assert message_update_delivery(message=message, status="read")
    assert not message_update_delivery(message=message, status="delivered")  # late, out of order
    assert not message_update_delivery(message=message, status="sent")
    message.refresh_from_db()
    assert message.delivery_status == "read" and message.read_at and not message.delivered_at
    failed = Message.objects.create(
        tenant=two_tenants.a.tenant,
        conversation=conv,
        account=conv.account,
        direction="out",
        kind="text",
        body="x",
        delivery_status="sent",
    )
    assert message_update_delivery(
        message=failed, status="failed", error_code="131047", error_message="Re-engagement message"
    )
    failed.refresh_from_db()
    assert (failed.delivery_status, failed.error_code) == ("failed", "131047")


def test_participants_follow_and_leave(two_tenants):
    conv = conversation(two_tenants.a.tenant)
    api = two_tenants.a.api("agent")
    supervisor = two_tenants.a.member("supervisor")
    url = f"/api/v1/conversations/{conv.id}/participants"
    assert api.post(url, {"member": str(supervisor.id), "role": "follower"}).status_code == 204
    assert ConversationParticipant.objects.for_tenant(two_tenants.a.tenant).filter(member=supervisor).exists()
    stranger = api.post(url, {"member": str(two_tenants.b.member("agent").id)})
    assert stranger.status_code == 400
    assert api.delete(f"{url}/{supervisor.id}").status_code == 204
    assert not ConversationParticipant.objects.for_tenant(two_tenants.a.tenant).exists()


def test_a_failed_reply_can_be_retried_and_nothing_else_can(two_tenants, django_capture_on_commit_callbacks):
    from atendo.messaging.services.messages import SEND_CLAIM_KEY

    conv = conversation(two_tenants.a.tenant)
    inbound(conv)
    agent = two_tenants.a.api("agent")
    with django_capture_on_commit_callbacks(execute=True):
        reply = agent.post(f"/api/v1/conversations/{conv.id}/messages", {"body": "Olá"}).json()
    message = Message.objects.for_tenant(two_tenants.a.tenant).get(id=reply["id"])
    assert message.delivery_status == "sent" and SEND_CLAIM_KEY not in message.metadata
    url = f"/api/v1/conversations/{conv.id}/messages/{message.id}/retry"
    refused = agent.post(url)
    assert (refused.status_code, refused.json()["code"]) == (409, "not_retryable")  # sent: never twice

    Message.objects.for_tenant(two_tenants.a.tenant).filter(id=message.id).update(
        delivery_status="failed", error_code="131000", error_message="Something went wrong"
    )
    with django_capture_on_commit_callbacks(execute=True):
        retried = agent.post(url)
    assert retried.status_code == 200, retried.json()
    message.refresh_from_db()
    assert (message.delivery_status, message.error_code) == ("sent", "")
    assert two_tenants.b.api("owner").post(url).status_code == 404


def test_a_send_cut_off_by_a_dead_worker_is_not_repeated_blindly(two_tenants, django_capture_on_commit_callbacks):
    """The worker died after claiming the send: the outcome is unknown, so the redelivered task
    marks the reply failed for the agent instead of possibly sending it twice."""
    from atendo.messaging.services.messages import SEND_CLAIM_KEY
    from atendo.messaging.tasks import deliver_message

    connector = ChannelConnector.objects.create(
        tenant=two_tenants.a.tenant, kind="telegram", name="TG", credentials='{"bot_token": "1:x"}'
    )
    account = ChannelAccount.objects.create(
        tenant=two_tenants.a.tenant, connector=connector, kind="telegram", name="TG", external_id="1", status="active"
    )
    conv = conversation(two_tenants.a.tenant, account=account)
    inbound(conv)
    message = Message.objects.create(
        tenant=two_tenants.a.tenant,
        conversation=conv,
        account=conv.account,
        direction="out",
        body="Oi",
        delivery_status="queued",
        metadata={SEND_CLAIM_KEY: "2026-11-28T10:00:00+00:00"},
    )
    deliver_message(str(message.id))
    message.refresh_from_db()
    assert (message.delivery_status, message.error_code) == ("failed", "delivery_unknown")
