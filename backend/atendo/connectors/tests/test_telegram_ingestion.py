"""Telegram end to end: activation registers the webhook, updates land in the inbox (photo
media downloaded into storage), edits edit, replies reach the Bot API."""

from __future__ import annotations

import io
import json

import pytest

from atendo.connectors.models import ChannelAccount, ChannelConnector
from atendo.connectors.tests import fake_telegram as tg
from atendo.messaging.models import Conversation, Message, MessageAttachment

pytestmark = pytest.mark.django_db


@pytest.fixture
def telegram(two_tenants, fake_telegram):
    fake_telegram.strict_webhook_url = False  # APP_URL is plain http in tests
    admin = two_tenants.a.api("admin")
    connector = admin.post(
        "/api/v1/channels/connectors",
        {"kind": "telegram", "name": "Bot", "credentials": {"bot_token": tg.DEFAULT_TOKEN}},
    ).json()
    account = admin.post(
        "/api/v1/channels/accounts",
        {"connector": connector["id"], "name": "Bot", "external_id": str(tg.DEFAULT_BOT_ID)},
    ).json()
    activated = admin.post(f"/api/v1/channels/accounts/{account['id']}/activate")
    assert (activated.status_code, activated.json()["status"]) == (200, "active"), activated.json()
    return ChannelAccount.objects.for_tenant(two_tenants.a.tenant).select_related("connector").get(id=account["id"])


def deliver(anon, account: ChannelAccount, update: dict, secret: str | None = None):
    secret = secret if secret is not None else json.loads(account.connector.credentials)["secret_token"]
    body, headers = tg.webhook_post(update, secret)
    response = anon.client.post(
        f"/webhooks/{account.connector.webhook_key}",
        body,
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=headers["x-telegram-bot-api-secret-token"],
    )
    assert response.fast_path == (response.status_code == 200)  # acknowledged before Django's stack
    return response


def test_activation_registers_the_webhook_with_a_secret(telegram, fake_telegram, two_tenants):
    hook = fake_telegram.webhook
    assert hook["url"].endswith(f"/webhooks/{telegram.connector.webhook_key}")
    secret = json.loads(telegram.connector.credentials)["secret_token"]
    assert hook["secret_token"] == secret
    listed = two_tenants.a.api("admin").get("/api/v1/channels/connectors").content.decode()
    assert tg.DEFAULT_TOKEN not in listed and secret not in listed  # credentials are never returned
    stored = ChannelConnector.objects.for_tenant(telegram.tenant_id).values_list("credentials", flat=True).get()
    assert stored == telegram.connector.credentials  # decrypted on read...
    from django.db import connection

    with connection.cursor() as cursor:  # ...and encrypted in the table
        cursor.execute("SELECT credentials FROM connectors_channelconnector WHERE id = %s", [telegram.connector_id])
        raw = cursor.fetchone()[0]
    assert raw.startswith("fernet:") and tg.DEFAULT_TOKEN not in raw


def test_wrong_bot_token_is_reported(two_tenants, fake_telegram):
    admin = two_tenants.a.api("admin")
    connector = admin.post(
        "/api/v1/channels/connectors", {"kind": "telegram", "name": "Bot", "credentials": {"bot_token": tg.OTHER_TOKEN}}
    ).json()
    account = admin.post(
        "/api/v1/channels/accounts",
        {"connector": connector["id"], "name": "Bot", "external_id": str(tg.DEFAULT_BOT_ID)},
    ).json()
    refused = admin.post(f"/api/v1/channels/accounts/{account['id']}/activate")
    assert (refused.status_code, refused.json()["code"]) == (400, "provider_refused")
    # Telegram refused the token itself: the form shows it on the token input.
    assert list(refused.json()["fields"]) == ["credentials"]
    assert list(refused.json()["fields"]["credentials"]) == ["bot_token"]
    assert ChannelAccount.objects.for_tenant(two_tenants.a.tenant).get(id=account["id"]).status == "error"


def test_updates_land_in_the_inbox_and_replies_go_out(
    telegram, anon, two_tenants, fake_telegram, django_capture_on_commit_callbacks
):
    assert deliver(anon, telegram, tg.text_update("Oi"), secret="wrong").status_code == 403
    fake_telegram.add_file(
        b"\xff\xd8\xff\xe0" + b"\x00" * 200, file_path="photos/file_1.jpg", file_id="AgACAgEAAxkBAAIBZ2-large"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(anon, telegram, tg.text_update("Olá, preciso de ajuda", update_id=1001)).status_code == 200
        assert deliver(anon, telegram, tg.text_update("Olá, preciso de ajuda", update_id=1001)).status_code == 200
    messages = Message.objects.for_tenant(two_tenants.a.tenant)
    assert list(messages.values_list("body", flat=True)) == ["Olá, preciso de ajuda"]
    conversation = Conversation.objects.for_tenant(two_tenants.a.tenant).get()
    with django_capture_on_commit_callbacks(execute=True):
        reply = two_tenants.a.api("agent").post(
            f"/api/v1/conversations/{conversation.id}/messages", {"body": "Claro! Em que posso ajudar?"}
        )
    sent = fake_telegram.last("sendMessage")
    assert sent.params["text"] == "Claro! Em que posso ajudar?"
    assert str(sent.params["chat_id"]) == str(tg.DEFAULT_CHAT_ID)
    stored = messages.get(id=reply.json()["id"])
    assert stored.delivery_status == "sent" and stored.provider_message_id


def test_edits_edit_the_stored_message(telegram, anon, two_tenants, django_capture_on_commit_callbacks):
    original = tg.text_update("Pedido 123", update_id=2001)
    message_id = original["message"]["message_id"]
    with django_capture_on_commit_callbacks(execute=True):
        deliver(anon, telegram, original)
        deliver(anon, telegram, tg.edited_update("Pedido 124", message_id=message_id, update_id=2002))
    stored = Message.objects.for_tenant(two_tenants.a.tenant).get()
    assert stored.body == "Pedido 124" and stored.metadata["original_body"] == "Pedido 123"


def test_group_chats_are_ignored(telegram, anon, two_tenants, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(anon, telegram, tg.group_update()).status_code == 200
    assert not Message.objects.for_tenant(two_tenants.a.tenant).exists()


def test_photo_is_downloaded_into_storage(
    telegram, anon, two_tenants, fake_telegram, django_capture_on_commit_callbacks
):
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 500
    sizes = [
        {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90, "file_size": 100},
        {"file_id": "large", "file_unique_id": "l", "width": 1280, "height": 960, "file_size": len(jpeg)},
    ]
    fake_telegram.add_file(jpeg, file_path="photos/large.jpg", file_id="large")
    with django_capture_on_commit_callbacks(execute=True):
        deliver(anon, telegram, tg.photo_update("foto do produto", sizes=sizes, update_id=3001))
    message = Message.objects.for_tenant(two_tenants.a.tenant).get()
    attachment = MessageAttachment.objects.for_tenant(two_tenants.a.tenant).get(message=message)
    assert (message.body, message.kind, attachment.size) == ("foto do produto", "media", len(jpeg))


def test_agent_files_go_out_as_photo_or_document(
    telegram, anon, two_tenants, fake_telegram, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(anon, telegram, tg.text_update("Manda a foto?", update_id=4001))
    conversation = Conversation.objects.for_tenant(two_tenants.a.tenant).get()
    png = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    png.name = "produto.png"
    agent = two_tenants.a.api("agent")
    with django_capture_on_commit_callbacks(execute=True):
        reply = agent.client.post(
            f"/api/v1/conversations/{conversation.id}/messages",
            {"body": "Aqui está", "file": png},
            **agent.headers,
        )
    assert reply.status_code == 201, reply.json()
    sent = fake_telegram.last("sendPhoto")
    assert sent.params["caption"] == "Aqui está"
    assert str(sent.params["photo"]).startswith("http")  # a short-lived signed link Telegram fetches
    assert Message.objects.for_tenant(two_tenants.a.tenant).get(id=reply.json()["id"]).delivery_status == "sent"
