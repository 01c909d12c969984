"""TelegramAdapter against the documented Bot API, served by the fake in fake_telegram.py."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from atendo.connectors.adapters.base import (
    AdapterError,
    InboundMedia,
    InboundMessage,
    OutboundAttachment,
    OutboundMessage,
    WebhookRequest,
)
from atendo.connectors.adapters.telegram import TelegramAdapter, bot_id_from_token
from atendo.connectors.models import ChannelAccount, ChannelConnector
from atendo.connectors.tests import fake_telegram as tg
from atendo.connectors.tests.fake_telegram import (
    DEFAULT_BOT_ID,
    DEFAULT_CHAT_ID,
    DEFAULT_SECRET,
    DEFAULT_TOKEN,
    FakeTelegram,
    webhook_post,
)
from atendo.connectors.tests.fake_telegram import fake_telegram as _fake_telegram_fixture  # noqa: F401
from atendo.core.models import Tenant

adapter = TelegramAdapter()
CREDENTIALS = {"bot_token": DEFAULT_TOKEN, "secret_token": DEFAULT_SECRET}
WEBHOOK_URL = "https://atendo.example.com/webhooks/abc123"


def request_for(update: dict[str, Any], secret: str | None = DEFAULT_SECRET, method: str = "POST") -> WebhookRequest:
    body, headers = webhook_post(update, secret)
    return WebhookRequest(method=method, headers=headers, query={}, body=body)


def parse_one(update: dict[str, Any]) -> InboundMessage:
    body, _ = webhook_post(update)
    items = adapter.parse(body)
    assert len(items) == 1
    assert isinstance(items[0], InboundMessage)
    return items[0]


@pytest.fixture
def account(db: None) -> ChannelAccount:
    tenant = Tenant.objects.create(name="Acme", slug="acme")
    connector = ChannelConnector.objects.create(
        tenant=tenant, kind="telegram", name="TG", credentials=json.dumps(CREDENTIALS)
    )
    return ChannelAccount.objects.create(
        tenant=tenant, connector=connector, kind="telegram", name="TG", external_id=str(DEFAULT_BOT_ID)
    )


# --- verify -----------------------------------------------------------------------------------


def test_verify_accepts_the_secret_token() -> None:
    assert adapter.verify(request_for(tg.text_update()), CREDENTIALS).ok


def test_verify_refuses_a_missing_header_with_401() -> None:
    result = adapter.verify(request_for(tg.text_update(), secret=None), CREDENTIALS)
    assert (result.ok, result.status) == (False, 401)


@pytest.mark.parametrize("secret", ["wrong", "", DEFAULT_SECRET + "x", "sécret"])
def test_verify_refuses_a_wrong_secret_with_403(secret: str) -> None:
    result = adapter.verify(request_for(tg.text_update(), secret=secret), CREDENTIALS)
    assert (result.ok, result.status) == (False, 403)


def test_verify_refuses_when_no_secret_is_configured() -> None:
    result = adapter.verify(request_for(tg.text_update(), secret=""), {"bot_token": DEFAULT_TOKEN})
    assert (result.ok, result.status) == (False, 403)


def test_verify_is_post_only() -> None:
    result = adapter.verify(request_for(tg.text_update(), method="GET"), CREDENTIALS)
    assert not result.ok
    assert result.status == 405


# --- event_key --------------------------------------------------------------------------------


def test_event_key_is_the_update_id() -> None:
    body, _ = webhook_post(tg.text_update(update_id=912345678))
    assert adapter.event_key(body) == "912345678"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"", "Expecting value"),
        (b"not json", "Expecting value"),
        (bytes([0xFF]), "codec can't decode"),
        (b"[]", "not a JSON object"),
        (b'"x"', "not a JSON object"),
        (b"{}", "update_id"),
        (b'{"update_id": "1"}', "update_id"),
        (b'{"update_id": true}', "update_id"),
        (b'{"update_id": 1.5}', "update_id"),
    ],
)
def test_event_key_refuses_what_is_not_an_update(body: bytes, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        adapter.event_key(body)


# --- parse ------------------------------------------------------------------------------------


def test_parse_text() -> None:
    msg = parse_one(tg.text_update("Olá!", message_id=42, date=1_735_700_000))
    assert msg.kind == "text"
    assert msg.text == "Olá!"
    assert msg.account_external_id == ""  # the caller fills it from the connector's account
    assert msg.provider_message_id == f"{DEFAULT_CHAT_ID}:42"
    assert msg.sender_id == str(DEFAULT_CHAT_ID)
    assert msg.sender_name == "Maria Silva"
    assert msg.sent_at == datetime(2025, 1, 1, 2, 53, 20, tzinfo=UTC)
    assert msg.media == []
    assert msg.reply_to_provider_id is None
    assert msg.edit_of is None
    assert msg.metadata["username"] == "mariasilva"
    assert msg.metadata["chat_id"] == DEFAULT_CHAT_ID


def test_sender_name_falls_back_to_username_then_id() -> None:
    only_first = {"id": 5, "is_bot": False, "first_name": "Ana"}
    assert parse_one(tg.text_update(user=only_first)).sender_name == "Ana"
    no_name = {"id": 6, "is_bot": False, "first_name": "", "username": "ana_b"}
    assert parse_one(tg.text_update(user=no_name)).sender_name == "ana_b"
    nothing = {"id": 7, "is_bot": False, "first_name": ""}
    assert parse_one(tg.text_update(user=nothing)).sender_name == "7"


def test_parse_photo_takes_the_largest_size_and_the_caption() -> None:
    sizes = tg.photo_sizes("PH")
    shuffled = [sizes[2], sizes[3], sizes[0], sizes[1]]  # the largest is not assumed to be last
    msg = parse_one(tg.photo_update(caption="meu comprovante", sizes=shuffled))
    assert msg.kind == "image"
    assert msg.text == "meu comprovante"
    [media] = msg.media
    assert media.provider_media_id == "PH-y"
    assert media.mime == "image/jpeg"
    assert media.size == 187654
    assert (msg.metadata["width"], msg.metadata["height"]) == (1280, 720)


def test_parse_photo_without_file_sizes_uses_the_area() -> None:
    sizes = [{k: v for k, v in s.items() if k != "file_size"} for s in tg.photo_sizes("PH")]
    msg = parse_one(tg.photo_update(sizes=list(reversed(sizes))))
    assert msg.media[0].provider_media_id == "PH-y"
    assert msg.media[0].size is None
    assert msg.text == ""


def test_parse_document() -> None:
    msg = parse_one(tg.document_update(file_id="DOC1", file_name="boleto.pdf", caption="segue"))
    assert msg.kind == "document"
    assert msg.text == "segue"
    [media] = msg.media
    assert (media.provider_media_id, media.name, media.mime, media.size) == (
        "DOC1",
        "boleto.pdf",
        "application/pdf",
        48213,
    )


def test_parse_document_without_mime_guesses_from_the_name() -> None:
    msg = parse_one(tg.document_update(file_name="planilha.csv", mime_type=None))
    assert msg.media[0].mime == "text/csv"


def test_parse_voice_is_audio() -> None:
    msg = parse_one(tg.voice_update(file_id="VOICE1", duration=9))
    assert msg.kind == "audio"
    assert msg.media[0].provider_media_id == "VOICE1"
    assert msg.media[0].mime == "audio/ogg"
    assert msg.metadata["voice"] is True
    assert msg.metadata["duration"] == 9


def test_parse_voice_without_mime_is_ogg() -> None:
    upd = tg.voice_update()
    del upd["message"]["voice"]["mime_type"]
    assert parse_one(upd).media[0].mime == "audio/ogg"


def test_parse_audio_video_and_sticker() -> None:
    audio = {
        "file_id": "AU",
        "file_unique_id": "u",
        "duration": 180,
        "performer": "X",
        "title": "Y",
        "mime_type": "audio/mpeg",
    }
    msg = parse_one(tg.update(message=tg.message(audio=audio, caption="ouve")))
    assert (msg.kind, msg.text, msg.media[0].provider_media_id, msg.media[0].mime) == (
        "audio",
        "ouve",
        "AU",
        "audio/mpeg",
    )
    assert msg.metadata["title"] == "Y"

    video = {
        "file_id": "VI",
        "file_unique_id": "v",
        "width": 640,
        "height": 360,
        "duration": 12,
        "mime_type": "video/mp4",
    }
    msg = parse_one(tg.update(message=tg.message(video=video)))
    assert (msg.kind, msg.media[0].provider_media_id, msg.media[0].mime) == ("video", "VI", "video/mp4")

    sticker = {
        "file_id": "ST",
        "file_unique_id": "s",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": "👍",
        "set_name": "pack",
    }
    msg = parse_one(tg.update(message=tg.message(sticker=sticker)))
    assert (msg.kind, msg.media[0].provider_media_id, msg.media[0].mime) == ("sticker", "ST", "image/webp")
    assert msg.metadata["emoji"] == "👍"


def test_parse_animation_is_a_video_not_its_compatibility_document() -> None:
    animation = {
        "file_id": "AN",
        "file_unique_id": "a",
        "width": 1,
        "height": 1,
        "duration": 2,
        "mime_type": "video/mp4",
    }
    document = {"file_id": "AN", "file_unique_id": "a", "file_name": "a.mp4", "mime_type": "video/mp4"}
    msg = parse_one(tg.update(message=tg.message(animation=animation, document=document)))
    assert msg.kind == "video"
    assert msg.metadata["animation"] is True


def test_parse_location_and_contact() -> None:
    location = {"latitude": -23.55052, "longitude": -46.633308}
    msg = parse_one(tg.update(message=tg.message(location=location)))
    assert msg.kind == "location"
    assert (msg.metadata["latitude"], msg.metadata["longitude"]) == (-23.55052, -46.633308)

    contact = {"phone_number": "+5511999990000", "first_name": "João", "user_id": 99}
    msg = parse_one(tg.update(message=tg.message(contact=contact)))
    assert msg.kind == "contacts"
    assert msg.metadata["contacts"] == [contact]


def test_parse_unknown_message_type_keeps_the_raw_message() -> None:
    poll = {"id": "1", "question": "?", "options": [], "total_voter_count": 0, "is_closed": False}
    upd = tg.update(message=tg.message(poll=poll))
    msg = parse_one(upd)
    assert msg.kind == "unknown"
    assert msg.metadata["raw"] == upd["message"]


def test_parse_reply() -> None:
    msg = parse_one(tg.reply_update(reply_to_message_id=41, message_id=43))
    assert msg.reply_to_provider_id == f"{DEFAULT_CHAT_ID}:41"
    assert msg.provider_message_id == f"{DEFAULT_CHAT_ID}:43"


def test_parse_edited_message() -> None:
    msg = parse_one(tg.edited_update("corrigido", message_id=42, edit_date=1_735_700_120))
    assert msg.text == "corrigido"
    assert msg.edit_of == f"{DEFAULT_CHAT_ID}:42"
    assert msg.provider_message_id == f"{DEFAULT_CHAT_ID}:42:edit:1735700120"
    assert msg.sent_at == datetime.fromtimestamp(1_735_700_120, tz=UTC)


def test_parse_never_yields_statuses_and_ignores_other_chats_and_update_types() -> None:
    body, _ = webhook_post(tg.group_update())
    assert adapter.parse(body) == []
    channel = {"id": -100123, "title": "News", "type": "channel"}
    body, _ = webhook_post(tg.update(channel_post=tg.message(text="x", chat=channel)))
    assert adapter.parse(body) == []
    body, _ = webhook_post(tg.update(callback_query={"id": "1", "from": tg.DEFAULT_USER, "chat_instance": "c"}))
    assert adapter.parse(body) == []


def _without(update: dict[str, Any], *path: str) -> dict[str, Any]:
    node = update
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return update


@pytest.mark.parametrize(
    ("update", "error"),
    [
        (tg.update(message="hello"), "message is not an object"),
        (_without(tg.text_update(), "message", "chat"), "message.chat"),
        (_without(tg.text_update(), "message", "from"), "message.from"),
        (_without(tg.text_update(), "message", "message_id"), "message.message_id"),
        (_without(tg.text_update(), "message", "date"), "message.date"),
        (tg.update(message=tg.message(text="x", chat={"id": "abc", "type": "private"})), "chat.id"),
        (tg.photo_update(sizes=[]), "message.photo"),
        (tg.update(message=tg.message(document={"file_name": "x.pdf"})), "file_id"),
    ],
)
def test_parse_refuses_malformed_updates(update: dict[str, Any], error: str) -> None:
    body, _ = webhook_post(update)
    with pytest.raises(ValueError, match=error):
        adapter.parse(body)


def test_parse_refuses_what_is_not_an_update() -> None:
    with pytest.raises(ValueError, match="not a JSON object"):
        adapter.parse(b"[1, 2]")


# --- send -------------------------------------------------------------------------------------


def test_send_text(fake_telegram: FakeTelegram, account: ChannelAccount) -> None:
    result = adapter.send(account, OutboundMessage(recipient=str(DEFAULT_CHAT_ID), body="Como posso ajudar?"))
    assert result.status == "sent"
    assert result.provider_message_id == f"{DEFAULT_CHAT_ID}:1001"
    sent = fake_telegram.last("sendMessage")
    assert sent.token == DEFAULT_TOKEN
    assert sent.http_method == "POST"
    assert sent.content_type == "json"
    assert sent.json == {"chat_id": DEFAULT_CHAT_ID, "text": "Como posso ajudar?"}


def test_send_reply_quotes_the_message_id(fake_telegram: FakeTelegram, account: ChannelAccount) -> None:
    message = OutboundMessage(recipient=str(DEFAULT_CHAT_ID), body="Sim!", reply_to_provider_id=f"{DEFAULT_CHAT_ID}:42")
    assert adapter.send(account, message).status == "sent"
    assert fake_telegram.last("sendMessage").json == {
        "chat_id": DEFAULT_CHAT_ID,
        "text": "Sim!",
        "reply_parameters": {"message_id": 42, "allow_sending_without_reply": True},
    }


def test_send_reply_to_an_edit_reference_quotes_the_original(
    fake_telegram: FakeTelegram, account: ChannelAccount
) -> None:
    message = OutboundMessage(
        recipient=str(DEFAULT_CHAT_ID), body="ok", reply_to_provider_id=f"{DEFAULT_CHAT_ID}:42:edit:1735700120"
    )
    adapter.send(account, message)
    assert fake_telegram.last("sendMessage").json["reply_parameters"]["message_id"] == 42


def test_send_photo_by_url_with_caption(fake_telegram: FakeTelegram, account: ChannelAccount) -> None:
    photo = OutboundAttachment(name="a.png", mime="image/png", url="https://files.example.com/a.png?sig=1")
    message = OutboundMessage(
        recipient=str(DEFAULT_CHAT_ID), body="Segue", attachments=[photo], reply_to_provider_id=f"{DEFAULT_CHAT_ID}:7"
    )
    result = adapter.send(account, message)
    assert result.status == "sent"
    assert result.provider_message_id == f"{DEFAULT_CHAT_ID}:1001"
    assert fake_telegram.calls("sendMessage") == []
    assert fake_telegram.last("sendPhoto").json == {
        "chat_id": DEFAULT_CHAT_ID,
        "photo": "https://files.example.com/a.png?sig=1",
        "caption": "Segue",
        "reply_parameters": {"message_id": 7, "allow_sending_without_reply": True},
    }


def test_send_document_by_url(fake_telegram: FakeTelegram, account: ChannelAccount) -> None:
    pdf = OutboundAttachment(name="nota.pdf", mime="application/pdf", url="https://files.example.com/nota.pdf")
    svg = OutboundAttachment(name="logo.svg", mime="image/svg+xml", url="https://files.example.com/logo.svg")
    message = OutboundMessage(recipient=str(DEFAULT_CHAT_ID), body="Sua nota", attachments=[pdf, svg])
    result = adapter.send(account, message)
    assert result.provider_message_id == f"{DEFAULT_CHAT_ID}:1001"  # the one carrying the body
    first, second = fake_telegram.calls("sendDocument")
    assert first.json == {
        "chat_id": DEFAULT_CHAT_ID,
        "document": "https://files.example.com/nota.pdf",
        "caption": "Sua nota",
    }
    # An SVG is not a Telegram photo; it goes as a file, without repeating the caption.
    assert second.json == {"chat_id": DEFAULT_CHAT_ID, "document": "https://files.example.com/logo.svg"}


def test_send_body_longer_than_a_caption_goes_first_as_text(
    fake_telegram: FakeTelegram, account: ChannelAccount
) -> None:
    body = "x" * 1500
    photo = OutboundAttachment(name="a.jpg", mime="image/jpeg", url="https://files.example.com/a.jpg")
    adapter.send(account, OutboundMessage(recipient=str(DEFAULT_CHAT_ID), body=body, attachments=[photo]))
    assert [r.api_method for r in fake_telegram.calls()] == ["sendMessage", "sendPhoto"]
    assert fake_telegram.last("sendMessage").json["text"] == body
    assert "caption" not in fake_telegram.last("sendPhoto").json


def test_send_partial_failure_names_what_was_delivered(fake_telegram: FakeTelegram, account: ChannelAccount) -> None:
    photo = OutboundAttachment(name="a.png", mime="image/png", url="https://files.example.com/a.png")
    pdf = OutboundAttachment(name="b.pdf", mime="application/pdf", url="https://files.example.com/b.pdf")
    fake_telegram.fail_next(400, "Bad Request: failed to get HTTP URL content", method="sendDocument")
    result = adapter.send(account, OutboundMessage(recipient=str(DEFAULT_CHAT_ID), body="x", attachments=[photo, pdf]))
    assert (result.status, result.error_code) == ("failed", "400")
    assert result.error_message == "Bad Request: failed to get HTTP URL content"
    assert result.provider_message_id == f"{DEFAULT_CHAT_ID}:1001"


def test_send_flood_limit_is_retryable_with_retry_after(fake_telegram: FakeTelegram, account: ChannelAccount) -> None:
    fake_telegram.fail_next(429, "Too Many Requests: retry after 7", retry_after=7)
    with pytest.raises(AdapterError) as caught:
        adapter.send(account, OutboundMessage(recipient=str(DEFAULT_CHAT_ID), body="oi"))
    assert caught.value.retryable
    assert caught.value.retry_after == 7
    assert caught.value.code == "429"


def test_send_to_a_user_who_blocked_the_bot_fails(fake_telegram: FakeTelegram, account: ChannelAccount) -> None:
    fake_telegram.fail_next(403, "Forbidden: bot was blocked by the user")
    result = adapter.send(account, OutboundMessage(recipient=str(DEFAULT_CHAT_ID), body="oi"))
    assert result.status == "failed"
    assert result.error_code == "403"
    assert result.error_message == "Forbidden: bot was blocked by the user"
    assert not result.retryable


def test_send_to_an_unknown_chat_fails(fake_telegram: FakeTelegram, account: ChannelAccount) -> None:
    result = adapter.send(account, OutboundMessage(recipient="not-a-chat", body="oi"))
    assert (result.status, result.error_code, result.error_message) == ("failed", "400", "Bad Request: chat not found")


def test_send_empty_text_fails_as_telegram_says(fake_telegram: FakeTelegram, account: ChannelAccount) -> None:
    result = adapter.send(account, OutboundMessage(recipient=str(DEFAULT_CHAT_ID), body="  "))
    assert (result.status, result.error_message) == ("failed", "Bad Request: message text is empty")


def test_send_server_error_is_retryable(fake_telegram: FakeTelegram, account: ChannelAccount) -> None:
    fake_telegram.fail_next(500, "Internal Server Error")
    with pytest.raises(AdapterError) as caught:
        adapter.send(account, OutboundMessage(recipient=str(DEFAULT_CHAT_ID), body="oi"))
    assert caught.value.retryable
    assert caught.value.retry_after is None


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_send_network_error_is_retryable_and_hides_the_token(settings: Any, account: ChannelAccount) -> None:
    settings.TELEGRAM_API_BASE = f"http://127.0.0.1:{_closed_port()}"
    with pytest.raises(AdapterError) as caught:
        adapter.send(account, OutboundMessage(recipient=str(DEFAULT_CHAT_ID), body="oi"))
    assert caught.value.retryable
    assert DEFAULT_TOKEN not in str(caught.value)


def test_send_with_a_revoked_token_fails(fake_telegram: FakeTelegram, account: ChannelAccount) -> None:
    account.connector.credentials = json.dumps({"bot_token": "123456:revoked", "secret_token": DEFAULT_SECRET})
    result = adapter.send(account, OutboundMessage(recipient=str(DEFAULT_CHAT_ID), body="oi"))
    assert (result.status, result.error_code, result.error_message) == ("failed", "401", "Unauthorized")


def test_send_without_a_token_is_an_error(account: ChannelAccount) -> None:
    account.connector.credentials = json.dumps({"secret_token": DEFAULT_SECRET})
    with pytest.raises(AdapterError, match="bot_token"):
        adapter.send(account, OutboundMessage(recipient=str(DEFAULT_CHAT_ID), body="oi"))


# --- download_media ---------------------------------------------------------------------------


def test_download_media_via_get_file(fake_telegram: FakeTelegram) -> None:
    file = fake_telegram.add_file(b"%PDF-1.7 boleto", file_path="documents/file_12.pdf")
    media = InboundMedia(provider_media_id=file.file_id, mime="application/pdf", name="boleto.pdf")
    downloaded = adapter.download_media(CREDENTIALS, media)
    assert downloaded.content.read() == b"%PDF-1.7 boleto"
    assert (downloaded.mime, downloaded.name, downloaded.size) == ("application/pdf", "boleto.pdf", 15)
    assert fake_telegram.last("getFile").params == {"file_id": file.file_id}
    assert fake_telegram.calls()[-1].path == "file/documents/file_12.pdf"
    assert fake_telegram.calls()[-1].token == DEFAULT_TOKEN


def test_download_media_guesses_mime_and_name_from_the_path(fake_telegram: FakeTelegram) -> None:
    file = fake_telegram.add_file(b"\xff\xd8jpeg", file_path="photos/file_3.jpg")
    downloaded = adapter.download_media(CREDENTIALS, InboundMedia(provider_media_id=file.file_id))
    assert (downloaded.mime, downloaded.name) == ("image/jpeg", "file_3.jpg")


def test_download_media_refuses_files_over_the_limit(fake_telegram: FakeTelegram, settings: Any) -> None:
    settings.PROVIDER_MEDIA_MAX_BYTES = 10
    declared = fake_telegram.add_file(b"x" * 11, file_path="documents/big.bin")
    with pytest.raises(AdapterError, match="larger than 10 bytes") as caught:
        adapter.download_media(CREDENTIALS, InboundMedia(provider_media_id=declared.file_id))
    assert not caught.value.retryable
    # getFile need not report file_size: the stream is counted as it arrives.
    undeclared = fake_telegram.add_file(b"y" * 11, file_path="documents/big2.bin", report_size=False)
    with pytest.raises(AdapterError, match="larger than 10 bytes") as caught:
        adapter.download_media(CREDENTIALS, InboundMedia(provider_media_id=undeclared.file_id))
    assert not caught.value.retryable
    assert fake_telegram.calls()[-1].path == "file/documents/big2.bin"


def test_download_media_skips_the_api_when_the_update_already_says_too_big(
    fake_telegram: FakeTelegram, settings: Any
) -> None:
    settings.PROVIDER_MEDIA_MAX_BYTES = 10
    with pytest.raises(AdapterError):
        adapter.download_media(CREDENTIALS, InboundMedia(provider_media_id="X", size=11))
    assert fake_telegram.calls() == []


def test_download_media_unknown_file(fake_telegram: FakeTelegram) -> None:
    with pytest.raises(AdapterError, match="invalid file id") as caught:
        adapter.download_media(CREDENTIALS, InboundMedia(provider_media_id="nope"))
    assert caught.value.code == "400"
    assert not caught.value.retryable


# --- check_credentials ------------------------------------------------------------------------


def test_check_credentials_registers_the_webhook(fake_telegram: FakeTelegram) -> None:
    adapter.check_credentials(CREDENTIALS, str(DEFAULT_BOT_ID), WEBHOOK_URL)
    assert [r.api_method for r in fake_telegram.calls()] == ["getMe", "setWebhook"]
    assert fake_telegram.last("setWebhook").json == {
        "url": WEBHOOK_URL,
        "secret_token": DEFAULT_SECRET,
        "allowed_updates": ["message", "edited_message"],
        "drop_pending_updates": False,
    }
    assert fake_telegram.webhook is not None
    assert fake_telegram.webhook["secret_token"] == DEFAULT_SECRET
    # What Telegram will then deliver passes verify.
    body, headers = webhook_post(tg.text_update(), fake_telegram.webhook["secret_token"])
    assert adapter.verify(WebhookRequest("POST", headers, {}, body), CREDENTIALS).ok


def test_check_credentials_refuses_another_bots_token(fake_telegram: FakeTelegram) -> None:
    fake_telegram.add_bot(tg.OTHER_TOKEN, tg.OTHER_BOT_ID)
    with pytest.raises(AdapterError, match=r"^This token belongs to another bot\.$"):
        adapter.check_credentials({**CREDENTIALS, "bot_token": tg.OTHER_TOKEN}, str(DEFAULT_BOT_ID), WEBHOOK_URL)
    assert fake_telegram.calls("setWebhook") == []


def test_check_credentials_bad_token(fake_telegram: FakeTelegram) -> None:
    with pytest.raises(AdapterError, match="Unauthorized") as caught:
        adapter.check_credentials({**CREDENTIALS, "bot_token": "123456:wrong"}, str(DEFAULT_BOT_ID), WEBHOOK_URL)
    assert caught.value.code == "401"


@pytest.mark.parametrize(
    ("credentials", "url", "description"),
    [
        (
            CREDENTIALS,
            "http://atendo.example.com/hook",
            "Bad Request: bad webhook: HTTPS url must be provided for webhook",
        ),
        (
            {**CREDENTIALS, "secret_token": "a+b/c="},
            WEBHOOK_URL,
            "Bad Request: secret token contains unallowed characters",
        ),
    ],
)
def test_check_credentials_reports_set_webhook_refusals(
    fake_telegram: FakeTelegram, credentials: dict[str, str], url: str, description: str
) -> None:
    with pytest.raises(AdapterError) as caught:
        adapter.check_credentials(credentials, str(DEFAULT_BOT_ID), url)
    assert caught.value.message == description
    assert fake_telegram.webhook is None


def test_check_credentials_needs_both_keys() -> None:
    with pytest.raises(AdapterError, match="secret_token"):
        adapter.check_credentials({"bot_token": DEFAULT_TOKEN}, str(DEFAULT_BOT_ID), WEBHOOK_URL)


def test_bot_id_from_token() -> None:
    assert bot_id_from_token(DEFAULT_TOKEN) == str(DEFAULT_BOT_ID)
    assert bot_id_from_token("garbage") == ""


# --- the fake itself --------------------------------------------------------------------------


def test_fake_answers_like_the_bot_api(fake_telegram: FakeTelegram) -> None:
    base = f"{fake_telegram.base_url}/bot{DEFAULT_TOKEN}"
    unknown = httpx.post(f"{fake_telegram.base_url}/bot1:nope/getMe")
    assert unknown.status_code == 401
    assert unknown.content == b'{"ok":false,"error_code":401,"description":"Unauthorized"}'

    # Form bodies and case-insensitive method names, as the API accepts them.
    form = httpx.post(f"{base}/SENDMESSAGE", data={"chat_id": str(DEFAULT_CHAT_ID), "text": "oi"})
    assert form.json()["ok"] is True
    assert form.json()["result"]["chat"] == {"id": DEFAULT_CHAT_ID, "first_name": "Customer", "type": "private"}
    assert fake_telegram.last("sendMessage").content_type == "form"

    missing_chat = httpx.post(f"{base}/sendMessage", json={"text": "oi"})
    assert (missing_chat.status_code, missing_chat.json()["description"]) == (400, "Bad Request: chat_id is empty")
    missing_photo = httpx.post(f"{base}/sendPhoto", json={"chat_id": 1})
    assert missing_photo.json()["description"] == "Bad Request: there is no photo in the request"
    assert httpx.get(f"{base}/noSuchMethod").json() == {"ok": False, "error_code": 404, "description": "Not Found"}

    fake_telegram.fail_next(429, "Too Many Requests: retry after 3", retry_after=3, method="sendMessage")
    assert httpx.get(f"{base}/getMe").json()["result"]["id"] == DEFAULT_BOT_ID  # not consumed by another method
    flood = httpx.post(f"{base}/sendMessage", json={"chat_id": 1, "text": "x"})
    assert flood.status_code == 429
    assert flood.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }

    hook = httpx.post(
        f"{base}/setWebhook",
        data={"url": WEBHOOK_URL, "allowed_updates": '["message"]', "drop_pending_updates": "false"},
    )
    assert hook.json() == {"ok": True, "result": True, "description": "Webhook was set"}
    assert fake_telegram.webhook == {"url": WEBHOOK_URL, "allowed_updates": ["message"], "drop_pending_updates": False}
    again = httpx.post(f"{base}/setWebhook", json={"url": WEBHOOK_URL})
    assert again.json()["description"] == "Webhook is already set"
