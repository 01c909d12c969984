"""WhatsApp Cloud API adapter against Meta's documented payloads and a fake Graph server."""

from __future__ import annotations

import hashlib
import json
import socket
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from atendo.connectors.adapters.base import (
    AdapterError,
    InboundMedia,
    InboundMessage,
    OutboundAttachment,
    OutboundMessage,
    StatusUpdate,
    WebhookRequest,
)
from atendo.connectors.adapters.whatsapp import (
    BAD_AUTH_MESSAGE,
    REENGAGEMENT_MESSAGE,
    WhatsAppAdapter,
    customer_service_window_open,
)
from atendo.connectors.models import ChannelAccount, ChannelConnector
from atendo.connectors.tests.fake_meta import (
    ACCESS_TOKEN,
    APP_SECRET,
    CUSTOMER_NAME,
    CUSTOMER_WA_ID,
    DEFAULT_TIMESTAMP,
    PHONE_NUMBER_ID,
    VERIFY_TOKEN,
    FakeMeta,
    audio_message,
    button_reply_message,
    contacts_message,
    credentials,
    document_message,
    failed_status,
    graph_error,
    image_message,
    inbound,
    list_reply_message,
    location_message,
    media_sha256_b64,
    merge,
    new_wamid,
    quick_reply_button_message,
    reaction_message,
    signed_webhook,
    status,
    statuses,
    sticker_message,
    text_message,
    unknown_message,
    video_message,
)
from atendo.core.models import Tenant

adapter = WhatsAppAdapter()
CREDS = credentials()


def post(body: bytes, headers: dict[str, str]) -> WebhookRequest:
    return WebhookRequest(method="POST", headers=headers, query={}, body=body)


def parse(payload: dict[str, Any]) -> list[InboundMessage | StatusUpdate]:
    return adapter.parse(json.dumps(payload).encode())


def one_message(message: dict[str, Any]) -> InboundMessage:
    [item] = parse(inbound(message))
    assert isinstance(item, InboundMessage)
    return item


# --- verify --------------------------------------------------------------------------------


def handshake(**query: str) -> WebhookRequest:
    return WebhookRequest(method="GET", headers={}, query=query, body=b"")


def test_handshake_answers_the_challenge():
    request = handshake(**{"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"})
    result = adapter.verify(request, CREDS)
    assert (result.ok, result.status, result.body) == (True, 200, b"1158201444")


@pytest.mark.parametrize(
    ("query", "creds"),
    [
        ({"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"}, CREDS),
        ({"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"}, CREDS),
        ({"hub.challenge": "1"}, CREDS),
        # An unset verify token never matches an empty one.
        ({"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}, credentials(verify_token="")),
    ],
)
def test_handshake_refused(query, creds):
    result = adapter.verify(handshake(**query), creds)
    assert (result.ok, result.status, result.body) == (False, 403, None)


def test_signed_post_is_accepted():
    body, headers = signed_webhook(inbound(text_message()), APP_SECRET)
    assert adapter.verify(post(body, headers), CREDS).ok


def test_missing_signature_is_401():
    body, _headers = signed_webhook(inbound(text_message()), APP_SECRET)
    result = adapter.verify(post(body, {"content-type": "application/json"}), CREDS)
    assert (result.ok, result.status) == (False, 401)


def test_signature_with_another_secret_is_403():
    body, headers = signed_webhook(inbound(text_message()), "someone-else")
    result = adapter.verify(post(body, headers), CREDS)
    assert (result.ok, result.status) == (False, 403)


def test_altered_body_is_403():
    body, headers = signed_webhook(inbound(text_message("pay 10")), APP_SECRET)
    result = adapter.verify(post(body.replace(b"pay 10", b"pay 99"), headers), CREDS)
    assert (result.ok, result.status) == (False, 403)


def test_garbage_signature_and_unset_secret_are_403():
    body, headers = signed_webhook(inbound(text_message()), APP_SECRET)
    assert adapter.verify(post(body, {"x-hub-signature-256": "sha1=abc"}), CREDS).status == 403
    assert adapter.verify(post(body, headers), credentials(app_secret="")).status == 403


# --- event_key -----------------------------------------------------------------------------


def test_event_key_is_stable_across_reserialisation():
    payload = merge(inbound(text_message(), image_message()), statuses(status(new_wamid(), "read")))
    compact = json.dumps(payload, separators=(",", ":")).encode()
    pretty = json.dumps(payload, indent=4, sort_keys=True, ensure_ascii=False).encode()
    assert adapter.event_key(compact) == adapter.event_key(pretty)
    assert len(adapter.event_key(compact)) == 64


def test_event_key_differs_for_other_ids_and_other_states():
    wamid = new_wamid()
    base = adapter.event_key(json.dumps(inbound(text_message(wamid=wamid))).encode())
    assert base != adapter.event_key(json.dumps(inbound(text_message(wamid=new_wamid()))).encode())
    delivered = adapter.event_key(json.dumps(statuses(status(wamid, "delivered"))).encode())
    read = adapter.event_key(json.dumps(statuses(status(wamid, "read"))).encode())
    assert delivered != read


def test_event_key_of_envelopes_without_message_ids():
    def account_update(event: str) -> bytes:
        change = {"field": "account_update", "value": {"phone_number": "15550783881", "event": event}}
        return json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [change]}]}).encode()

    assert adapter.event_key(account_update("VERIFIED_ACCOUNT")) == adapter.event_key(
        account_update("VERIFIED_ACCOUNT")
    )
    assert adapter.event_key(account_update("VERIFIED_ACCOUNT")) != adapter.event_key(account_update("DISABLED_UPDATE"))


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe",
        b"[]",
        b'{"object": "page", "entry": []}',
        b'{"object": "whatsapp_business_account"}',
        b'{"object": "whatsapp_business_account", "entry": {}}',
        b'{"object": "whatsapp_business_account", "entry": ["x"]}',
    ],
)
def test_malformed_envelopes_raise_value_error(body):
    with pytest.raises(ValueError, match=r".+"):
        adapter.event_key(body)
    with pytest.raises(ValueError, match=r".+"):
        adapter.parse(body)


# --- parse ---------------------------------------------------------------------------------


def test_text_message():
    wamid = new_wamid()
    item = one_message(text_message("Does it come in another color?", wamid=wamid))
    assert item == InboundMessage(
        account_external_id=PHONE_NUMBER_ID,
        provider_message_id=wamid,
        sender_id=CUSTOMER_WA_ID,
        sender_name=CUSTOMER_NAME,
        sent_at=datetime.fromtimestamp(DEFAULT_TIMESTAMP, tz=UTC),
        kind="text",
        text="Does it come in another color?",
    )
    assert item.sent_at.tzinfo is UTC


def test_image_with_caption_normalises_the_hash_to_hex():
    data = b"\x89PNG fake image"
    item = one_message(image_message("2754859441498128", mime="image/jpeg", data=data, caption="My cat"))
    assert (item.kind, item.text) == ("image", "My cat")
    assert item.media == [
        InboundMedia(
            provider_media_id="2754859441498128", mime="image/jpeg", name="", sha256=hashlib.sha256(data).hexdigest()
        )
    ]


@pytest.mark.parametrize(
    ("message", "kind", "mime", "name", "text", "metadata"),
    [
        (document_message("11", filename="invoice.pdf", caption="June"), "document", "application/pdf", "invoice.pdf",
         "June", {}),
        (audio_message("12"), "audio", "audio/ogg; codecs=opus", "", "", {"voice": True}),
        (video_message("13", caption="Unboxing"), "video", "video/mp4", "", "Unboxing", {}),
        (sticker_message("14", animated=True), "sticker", "image/webp", "", "", {"animated": True}),
    ],
)  # fmt: skip
def test_media_families(message, kind, mime, name, text, metadata):
    item = one_message(message)
    assert (item.kind, item.text, item.metadata) == (kind, text, metadata)
    [media] = item.media
    assert (media.provider_media_id, media.mime, media.name) == (message[kind]["id"], mime, name)
    assert media.sha256 == hashlib.sha256(b"media").hexdigest()


def test_hex_hash_is_kept_as_hex():
    message = image_message("1")
    message["image"]["sha256"] = "81D3BD8A8DB4868C9520ED47186E8B7C5789E61FF79F7F834BE6950B808A90D3"
    assert one_message(message).media[0].sha256 == message["image"]["sha256"].lower()


def test_location():
    item = one_message(location_message(-23.5613, -46.6565, name="MASP", address="Av. Paulista, 1578"))
    assert item.kind == "location"
    assert item.metadata == {
        "latitude": -23.5613,
        "longitude": -46.6565,
        "name": "MASP",
        "address": "Av. Paulista, 1578",
    }
    assert item.text == "Location: MASP, Av. Paulista, 1578 (-23.5613, -46.6565)"
    bare = one_message(location_message(1.5, 2.5, name=None, address=None))
    assert bare.text == "Location: 1.5, 2.5"


def test_contacts():
    message = contacts_message("João Souza", "+55 11 91234-5678")
    item = one_message(message)
    assert item.kind == "contacts"
    assert item.metadata == {"contacts": message["contacts"]}
    assert item.text == "Contact: João Souza (+55 11 91234-5678)"


def test_interactive_button_reply_and_list_reply_are_replies():
    context = new_wamid()
    button = one_message(button_reply_message("cancel-button", "Cancel", context_id=context))
    assert (button.kind, button.text, button.reply_to_provider_id) == ("interactive", "Cancel", context)
    assert button.metadata == {"interactive_type": "button_reply", "id": "cancel-button", "title": "Cancel"}
    row = one_message(list_reply_message("priority_express", "Priority Mail Express", "Next Day"))
    assert (row.kind, row.text) == ("interactive", "Priority Mail Express")
    assert row.metadata == {
        "interactive_type": "list_reply",
        "id": "priority_express",
        "title": "Priority Mail Express",
        "description": "Next Day",
    }


def test_template_quick_reply_button():
    item = one_message(quick_reply_button_message("No", "No-Button-Payload"))
    assert (item.kind, item.text) == ("interactive", "No")
    assert item.metadata == {"interactive_type": "button", "id": "No-Button-Payload", "title": "No"}


def test_reaction():
    target = new_wamid()
    item = one_message(reaction_message(target, "\U0001f600"))
    assert (item.kind, item.text, item.metadata) == (
        "reaction",
        "\U0001f600",
        {"emoji": "\U0001f600", "message_id": target},
    )
    removed = one_message(reaction_message(target, ""))
    assert removed.metadata == {"emoji": "", "message_id": target}


def test_context_reply_and_forwarded():
    quoted = new_wamid()
    item = one_message(text_message("yes, this one", context_id=quoted))
    assert item.reply_to_provider_id == quoted
    forwarded = text_message("look")
    forwarded["context"] = {"forwarded": True}
    item = one_message(forwarded)
    assert (item.reply_to_provider_id, item.metadata) == (None, {"forwarded": True})


def test_unknown_and_unmodelled_types_never_raise():
    unsupported = unknown_message()
    item = one_message(unsupported)
    assert item.kind == "unknown"
    assert item.metadata["type"] == "unknown"
    assert item.metadata["raw"] == unsupported
    assert item.metadata["errors"][0]["code"] == 131051
    order = text_message()
    order.update(type="order", order={"catalog_id": "1", "product_items": []})
    del order["text"]
    item = one_message(order)
    assert (item.kind, item.metadata["type"], item.metadata["raw"]["order"]["catalog_id"]) == ("unknown", "order", "1")
    broken_image = image_message()
    del broken_image["image"]["id"]  # media without an id cannot be downloaded: kept raw
    assert one_message(broken_image).kind == "unknown"


def test_sender_name_from_the_single_contact_when_ids_differ():
    payload = inbound(text_message(sender="551187654321"), contacts=[{"profile": {"name": "Ana"}, "wa_id": "5511987"}])
    [item] = parse(payload)
    assert (item.sender_id, item.sender_name) == ("551187654321", "Ana")


def test_statuses_including_failed():
    sent, failed, played = new_wamid(), new_wamid(), new_wamid()
    items = parse(
        statuses(
            status(sent, "delivered", timestamp=1750000000),
            failed_status(failed, 131026, "Message undeliverable", "Message undeliverable", "Receiver is incapable."),
            status(played, "played"),
            status(new_wamid(), "deleted"),  # no state of ours: skipped
        )
    )
    assert items == [
        StatusUpdate(PHONE_NUMBER_ID, sent, "delivered", datetime.fromtimestamp(1750000000, tz=UTC)),
        StatusUpdate(
            PHONE_NUMBER_ID,
            failed,
            "failed",
            datetime.fromtimestamp(DEFAULT_TIMESTAMP, tz=UTC),
            error_code="131026",
            error_message="Message undeliverable: Receiver is incapable.",
        ),
        StatusUpdate(PHONE_NUMBER_ID, played, "read", datetime.fromtimestamp(DEFAULT_TIMESTAMP, tz=UTC)),
    ]


def test_every_entry_change_and_message_comes_out():
    first, second, third, fourth = (new_wamid() for _ in range(4))
    two_messages = inbound(text_message("one", wamid=first), image_message(wamid=second))
    other_number = inbound(text_message("three", wamid=third), phone_number_id="999")
    # A second change in the same entry, and a non-messages change that is ignored.
    two_messages["entry"][0]["changes"] += [
        statuses(status(fourth, "read"))["entry"][0]["changes"][0],
        {"field": "account_update", "value": {"event": "VERIFIED_ACCOUNT"}},
    ]
    items = parse(merge(two_messages, other_number))
    assert [(i.account_external_id, i.provider_message_id) for i in items] == [
        (PHONE_NUMBER_ID, first),
        (PHONE_NUMBER_ID, second),
        (PHONE_NUMBER_ID, fourth),
        ("999", third),
    ]


@pytest.mark.parametrize(
    "mutate",
    [
        lambda p: p["entry"][0]["changes"][0]["value"].__setitem__("messages", {"not": "a list"}),
        lambda p: p["entry"][0]["changes"][0]["value"]["messages"][0].pop("id"),
        lambda p: p["entry"][0]["changes"][0]["value"]["messages"][0].__setitem__("timestamp", "yesterday"),
        lambda p: p["entry"][0]["changes"][0].__setitem__("value", "x"),
    ],
)
def test_malformed_messages_raise_value_error(mutate):
    payload = inbound(text_message())
    mutate(payload)
    with pytest.raises(ValueError, match=r".+"):
        parse(payload)


# --- send ----------------------------------------------------------------------------------


@pytest.fixture
def account(db) -> ChannelAccount:
    tenant = Tenant.objects.create(name="Acme", slug="acme-wa")
    connector = ChannelConnector.objects.create(
        tenant=tenant, kind="whatsapp", name="WA", credentials=json.dumps(credentials())
    )
    return ChannelAccount.objects.create(
        tenant=tenant, connector=connector, kind="whatsapp", name="WA", external_id=PHONE_NUMBER_ID
    )


def test_send_text(fake_meta: FakeMeta, account):
    result = adapter.send(account, OutboundMessage(recipient="+55 11 98765-4321", body="Hello!"))
    assert result.status == "sent"
    assert result.provider_message_id.startswith("wamid.")
    [request] = fake_meta.requests
    assert (request.method, request.path) == ("POST", f"/v21.0/{PHONE_NUMBER_ID}/messages")
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request.json == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "5511987654321",
        "type": "text",
        "text": {"body": "Hello!", "preview_url": False},
    }


def test_send_reply_with_attachments(fake_meta: FakeMeta, account):
    quoted = new_wamid()
    message = OutboundMessage(
        recipient=CUSTOMER_WA_ID,
        body="Here you go",
        reply_to_provider_id=quoted,
        attachments=[
            OutboundAttachment(name="photo.jpg", mime="image/jpeg", url="https://files.example/p.jpg"),
            OutboundAttachment(name="Invoice June.pdf", mime="application/pdf", url="https://files.example/i.pdf"),
        ],
    )
    result = adapter.send(account, message)
    assert result.status == "sent"
    common = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": CUSTOMER_WA_ID}
    assert [r.json for r in fake_meta.requests] == [
        {
            **common,
            "type": "image",
            "image": {"link": "https://files.example/p.jpg", "caption": "Here you go"},
            "context": {"message_id": quoted},
        },
        {
            **common,
            "type": "document",
            "document": {"link": "https://files.example/i.pdf", "filename": "Invoice June.pdf"},
        },
    ]


def test_send_audio_with_text_sends_the_text_first(fake_meta: FakeMeta, account):
    message = OutboundMessage(
        recipient=CUSTOMER_WA_ID,
        body="Listen",
        attachments=[OutboundAttachment(name="a.ogg", mime="audio/ogg", url="https://files.example/a.ogg")],
    )
    assert adapter.send(account, message).status == "sent"
    assert [(r.json["type"], r.json[r.json["type"]]) for r in fake_meta.requests] == [
        ("text", {"body": "Listen", "preview_url": False}),
        ("audio", {"link": "https://files.example/a.ogg"}),
    ]


def test_send_outside_the_window_fails_with_a_clear_message(fake_meta: FakeMeta, account):
    fake_meta.fail_next(
        400,
        graph_error(
            131047,
            "(#131047) Re-engagement message",
            subcode=2494010,
            details="Message failed to send because more than 24 hours have passed since the customer last replied.",
        ),
    )
    result = adapter.send(account, OutboundMessage(recipient=CUSTOMER_WA_ID, body="Still there?"))
    assert (result.status, result.error_code, result.error_message, result.retryable) == (
        "failed",
        "131047",
        REENGAGEMENT_MESSAGE,
        False,
    )


def test_send_rate_limited_429_raises_retryable_with_retry_after(fake_meta: FakeMeta, account):
    fake_meta.fail_next(429, graph_error(130429, "(#130429) Rate limit hit"), {"Retry-After": "30"})
    with pytest.raises(AdapterError) as caught:
        adapter.send(account, OutboundMessage(recipient=CUSTOMER_WA_ID, body="hi"))
    assert (caught.value.retryable, caught.value.retry_after, caught.value.code) == (True, 30, "130429")


@pytest.mark.parametrize("code", [4, 80007, 131048, 131056])
def test_send_rate_limit_codes_on_400_are_retryable(fake_meta: FakeMeta, account, code):
    fake_meta.fail_next(400, graph_error(code, "limit"))
    with pytest.raises(AdapterError) as caught:
        adapter.send(account, OutboundMessage(recipient=CUSTOMER_WA_ID, body="hi"))
    assert (caught.value.retryable, caught.value.retry_after, caught.value.code) == (True, None, str(code))


def test_send_500_is_retryable(fake_meta: FakeMeta, account):
    fake_meta.fail_next(500)
    with pytest.raises(AdapterError) as caught:
        adapter.send(account, OutboundMessage(recipient=CUSTOMER_WA_ID, body="hi"))
    assert caught.value.retryable
    fake_meta.fail_next(502, b"<html>Bad Gateway</html>", {"Content-Type": "text/html"})
    with pytest.raises(AdapterError) as caught:
        adapter.send(account, OutboundMessage(recipient=CUSTOMER_WA_ID, body="hi"))
    assert (caught.value.retryable, caught.value.code) == (True, "http_502")


def test_send_validation_error_fails_without_retry(fake_meta: FakeMeta, account):
    # The fake validates like Graph: an empty text body is refused with code 100.
    result = adapter.send(account, OutboundMessage(recipient=CUSTOMER_WA_ID, body=""))
    assert (result.status, result.error_code, result.retryable) == ("failed", "100", False)
    assert result.error_message == "(#100) The parameter text['body'] is required."


def test_send_with_a_revoked_token_fails(fake_meta: FakeMeta, account):
    fake_meta.access_token = "rotated"
    result = adapter.send(account, OutboundMessage(recipient=CUSTOMER_WA_ID, body="hi"))
    assert (result.status, result.error_code, result.error_message) == ("failed", "190", BAD_AUTH_MESSAGE)


def test_send_network_error_is_retryable(settings, account):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.WHATSAPP_API_BASE = f"http://127.0.0.1:{port}/v21.0"
    with pytest.raises(AdapterError) as caught:
        adapter.send(account, OutboundMessage(recipient=CUSTOMER_WA_ID, body="hi"))
    assert (caught.value.retryable, caught.value.code) == (True, "network")


def test_a_later_part_failing_is_reported_not_raised(fake_meta: FakeMeta, account):
    """Once a part went out, raising would make the task send it again: report instead."""
    message = OutboundMessage(
        recipient=CUSTOMER_WA_ID,
        body="two files",
        attachments=[
            OutboundAttachment(name="a.pdf", mime="application/pdf", url="https://files.example/a.pdf"),
            OutboundAttachment(name="b.pdf", mime="application/pdf", url="https://files.example/b.pdf"),
        ],
    )
    fake_meta.fail_next(500, after=1)
    result = adapter.send(account, message)
    assert (result.status, result.retryable, result.error_code) == ("failed", False, "2")
    assert result.provider_message_id and result.provider_message_id.startswith("wamid.")
    assert "1 of the message's parts were sent" in result.error_message
    assert [p["document"]["link"] for p in fake_meta.sent] == ["https://files.example/a.pdf"]


def test_send_without_credentials_fails(fake_meta: FakeMeta, account):
    account.connector.credentials = ""
    result = adapter.send(account, OutboundMessage(recipient=CUSTOMER_WA_ID, body="hi"))
    assert (result.status, result.error_code) == ("failed", "credentials")
    assert fake_meta.requests == []


def test_customer_service_window():
    now = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    assert customer_service_window_open(now - timedelta(hours=23, minutes=59), now)
    assert not customer_service_window_open(now - timedelta(hours=24), now)
    assert not customer_service_window_open(None, now)


# --- media ---------------------------------------------------------------------------------


def test_download_media_in_two_steps(fake_meta: FakeMeta):
    data = b"\xff\xd8\xff" + bytes(range(256)) * 100
    media_id = fake_meta.add_media(data, "image/jpeg")
    [item] = parse(inbound(image_message(media_id, data=data)))
    downloaded = adapter.download_media(CREDS, item.media[0])
    assert downloaded.content.read() == data
    assert (downloaded.mime, downloaded.size, downloaded.name) == ("image/jpeg", len(data), f"{media_id}.jpg")
    lookup, download = fake_meta.requests
    assert (lookup.method, lookup.path) == ("GET", f"/v21.0/{media_id}")
    assert download.path == f"/media-download/{media_id}"
    assert lookup.headers["authorization"] == download.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"


def test_download_keeps_the_document_name(fake_meta: FakeMeta):
    media_id = fake_meta.add_media(b"%PDF-1.4", "application/pdf")
    downloaded = adapter.download_media(CREDS, InboundMedia(provider_media_id=media_id, name="invoice.pdf"))
    assert (downloaded.name, downloaded.content.read()) == ("invoice.pdf", b"%PDF-1.4")


def test_download_checksum_mismatch_from_the_media_endpoint(fake_meta: FakeMeta):
    media_id = fake_meta.add_media(b"real bytes", sha256=hashlib.sha256(b"other bytes").hexdigest())
    with pytest.raises(AdapterError) as caught:
        adapter.download_media(CREDS, InboundMedia(provider_media_id=media_id))
    assert (caught.value.code, caught.value.retryable) == ("checksum_mismatch", False)


def test_download_checksum_mismatch_with_the_webhook_hash(fake_meta: FakeMeta):
    media_id = fake_meta.add_media(b"real bytes")
    [item] = parse(inbound(image_message(media_id, data=b"what the webhook announced")))
    with pytest.raises(AdapterError) as caught:
        adapter.download_media(CREDS, item.media[0])
    assert caught.value.code == "checksum_mismatch"


@pytest.mark.parametrize("send_length", [True, False])
def test_download_refuses_more_than_the_limit(fake_meta: FakeMeta, settings, send_length):
    settings.PROVIDER_MEDIA_MAX_BYTES = 10_000
    media_id = fake_meta.add_media(b"x" * 10_001, "video/mp4", send_length=send_length)
    with pytest.raises(AdapterError) as caught:
        adapter.download_media(CREDS, InboundMedia(provider_media_id=media_id))
    assert (caught.value.code, caught.value.retryable) == ("too_large", False)
    media_id = fake_meta.add_media(b"x" * 10_000, "video/mp4", send_length=send_length)
    assert adapter.download_media(CREDS, InboundMedia(provider_media_id=media_id)).size == 10_000


def test_download_refuses_by_the_declared_file_size(fake_meta: FakeMeta, settings):
    settings.PROVIDER_MEDIA_MAX_BYTES = 10
    media_id = fake_meta.add_media(b"x" * 11)
    with pytest.raises(AdapterError, match="larger than 10 bytes"):
        adapter.download_media(CREDS, InboundMedia(provider_media_id=media_id))
    assert len(fake_meta.requests) == 1  # refused before downloading


def test_download_errors(fake_meta: FakeMeta):
    with pytest.raises(AdapterError) as caught:
        adapter.download_media(CREDS, InboundMedia(provider_media_id="404404"))
    assert (caught.value.code, caught.value.retryable) == ("100", False)
    assert "does not exist" in caught.value.message
    media_id = fake_meta.add_media(b"x")
    fake_meta.fail_next(503, path_contains=media_id)
    with pytest.raises(AdapterError) as caught:
        adapter.download_media(CREDS, InboundMedia(provider_media_id=media_id))
    assert caught.value.retryable
    with pytest.raises(AdapterError) as caught:
        adapter.download_media(credentials(access_token="bad"), InboundMedia(provider_media_id=media_id))
    assert (caught.value.message, caught.value.retryable) == (BAD_AUTH_MESSAGE, False)


def test_media_hash_helper_matches_meta_form():
    assert media_sha256_b64(b"abc") == "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="


# --- check_credentials ---------------------------------------------------------------------


def test_check_credentials_ok(fake_meta: FakeMeta):
    adapter.check_credentials(CREDS, PHONE_NUMBER_ID, "https://atendo.example/webhooks/abc")
    [request] = fake_meta.requests
    assert (request.method, request.path) == ("GET", f"/v21.0/{PHONE_NUMBER_ID}")
    assert request.query == {"fields": "display_phone_number,verified_name"}
    assert request.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"


def test_check_credentials_bad_token(fake_meta: FakeMeta):
    with pytest.raises(AdapterError) as caught:
        adapter.check_credentials(credentials(access_token="expired"), PHONE_NUMBER_ID, "https://x")
    assert (caught.value.message, caught.value.code) == (BAD_AUTH_MESSAGE, "190")


def test_check_credentials_unknown_number_and_missing_keys(fake_meta: FakeMeta):
    with pytest.raises(AdapterError, match="does not exist"):
        adapter.check_credentials(CREDS, "111222333", "https://x")
    with pytest.raises(AdapterError, match="app_secret"):
        adapter.check_credentials(credentials(app_secret=""), PHONE_NUMBER_ID, "https://x")
    with pytest.raises(AdapterError, match="digits"):
        adapter.check_credentials(CREDS, "../me", "https://x")
