"""Telegram Bot API adapter: webhook updates in, Bot API calls out.

Credentials (the connector's JSON object):
- ``bot_token``: the token from @BotFather (``<bot id>:<secret>``);
- ``secret_token``: what Atendo passes to ``setWebhook``; Telegram echoes it in the
  ``X-Telegram-Bot-Api-Secret-Token`` header of every delivery (Telegram signs nothing else).

Identifiers: Telegram message ids are only unique inside a chat, so every provider message id
is ``"{chat_id}:{message_id}"`` (an edit: ``"{chat_id}:{message_id}:edit:{edit_date}"``).

An update does not name the bot it was delivered to, so ``InboundMessage.account_external_id``
is ``""``; the caller fills it from the connector's account (the webhook URL identifies it).

Telegram reports no delivery or read receipts to bots, so ``parse`` never yields a StatusUpdate.
"""

from __future__ import annotations

import hmac
import json
import logging
import mimetypes
import posixpath
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx
from django.conf import settings

from atendo.connectors.adapters.base import (
    AdapterError,
    DownloadedMedia,
    InboundMedia,
    InboundMessage,
    OutboundAttachment,
    OutboundMessage,
    SendResult,
    StatusUpdate,
    Verification,
    WebhookRequest,
)

if TYPE_CHECKING:
    from atendo.connectors.models import ChannelAccount

logger = logging.getLogger(__name__)

SECRET_HEADER = "x-telegram-bot-api-secret-token"  # noqa: S105 - a header name, not a secret
# Only what the helpdesk handles; other update types (callback queries, member changes, ...)
# are never delivered, so they cost neither requests nor stored events.
ALLOWED_UPDATES = ["message", "edited_message"]
# Bot API limits (sendMessage text 1-4096 characters, media captions 0-1024).
CAPTION_MAX_CHARS = 1024
# sendPhoto re-encodes what it fetches; formats it cannot take as a photo go out as documents
# so the customer still receives the file.
PHOTO_MIMES = frozenset({"image/jpeg", "image/png", "image/webp"})
# Media above this stays on disk instead of in memory while it is downloaded.
_SPOOL_MEMORY_BYTES = 4 * 1024 * 1024


def bot_id_from_token(token: str) -> str:
    """The bot's numeric id is the token's prefix: what ChannelAccount.external_id holds."""
    head, sep, _ = token.partition(":")
    return head if sep and head.isdigit() else ""


def message_ref(chat_id: int | str, message_id: int | str) -> str:
    return f"{chat_id}:{message_id}"


class _ApiRefused(Exception):
    """Telegram answered ``ok: false`` with a non-retryable error."""

    def __init__(self, error_code: int, description: str):
        super().__init__(description)
        self.error_code = error_code
        self.description = description


class TelegramAdapter:
    kind = "telegram"

    # --- webhook side -------------------------------------------------------------------

    def verify(self, request: WebhookRequest, credentials: Mapping[str, str]) -> Verification:
        if request.method.upper() != "POST":
            return Verification(ok=False, status=405, reason="Telegram delivers updates with POST only.")
        presented = request.headers.get(SECRET_HEADER)
        if presented is None:
            return Verification(ok=False, status=401, reason="Missing secret token header.")
        expected = credentials.get("secret_token") or ""
        # An unconfigured secret must never match an empty header. Bytes, because
        # compare_digest refuses non-ASCII str and the header is attacker-controlled.
        if not expected or not hmac.compare_digest(presented.encode(), expected.encode()):
            return Verification(ok=False, status=403, reason="Wrong secret token.")
        return Verification(ok=True)

    def event_key(self, body: bytes) -> str:
        return str(_load_update(body)["update_id"])

    def parse(self, body: bytes) -> list[InboundMessage | StatusUpdate]:
        update = _load_update(body)
        out: list[InboundMessage | StatusUpdate] = []
        for field, edited in (("message", False), ("edited_message", True)):
            if field not in update:
                continue
            message = update[field]
            if not isinstance(message, dict):
                raise ValueError(f"{field} is not an object")
            parsed = _parse_message(message, edited=edited)
            if parsed is not None:
                out.append(parsed)
        return out

    def download_media(self, credentials: Mapping[str, str], media: InboundMedia) -> DownloadedMedia:
        token = _require(credentials, "bot_token")
        if not media.provider_media_id:
            raise AdapterError("Telegram media has no file_id.")
        limit = int(settings.PROVIDER_MEDIA_MAX_BYTES)
        if media.size is not None and media.size > limit:
            raise AdapterError(f"The file is larger than {limit} bytes.")
        with _client() as client:
            try:
                file = _call(client, token, "getFile", {"file_id": media.provider_media_id})
            except _ApiRefused as exc:
                raise AdapterError(exc.description, code=str(exc.error_code)) from None
            file_path = file.get("file_path") if isinstance(file, dict) else None
            if not isinstance(file_path, str) or not file_path:
                raise AdapterError("Telegram returned no file_path for this file.")
            declared = file.get("file_size")
            if isinstance(declared, int) and declared > limit:
                raise AdapterError(f"The file is larger than {limit} bytes.")
            url = f"{_api_base()}/file/bot{token}/{quote(file_path, safe='/')}"
            content = tempfile.SpooledTemporaryFile(max_size=_SPOOL_MEMORY_BYTES)  # noqa: SIM115 - returned open
            try:
                size = _stream_into(client, url, token, content, limit)
            except BaseException:
                content.close()
                raise
        content.seek(0)
        mime = media.mime or mimetypes.guess_type(file_path)[0] or "application/octet-stream"
        return DownloadedMedia(content=content, mime=mime, name=media.name or posixpath.basename(file_path), size=size)

    def check_credentials(self, credentials: Mapping[str, str], external_id: str, webhook_url: str) -> None:
        token = _require(credentials, "bot_token")
        secret = _require(credentials, "secret_token")
        with _client() as client:
            try:
                me = _call(client, token, "getMe", {})
            except _ApiRefused as exc:
                # getMe only fails on the token itself (401 Unauthorized, 404 Not Found).
                raise AdapterError(exc.description, code=str(exc.error_code), fields=("bot_token",)) from None
            if not isinstance(me, dict) or str(me.get("id")) != str(external_id):
                raise AdapterError("This token belongs to another bot.", fields=("bot_token", "external_id"))
            params = {
                "url": webhook_url,
                "secret_token": secret,
                "allowed_updates": ALLOWED_UPDATES,
                # Keep what Telegram queued while the webhook was unset or failing: those are
                # customers' messages.
                "drop_pending_updates": False,
            }
            try:
                _call(client, token, "setWebhook", params)
            except _ApiRefused as exc:
                raise AdapterError(exc.description, code=str(exc.error_code)) from None

    # --- sending ------------------------------------------------------------------------

    def send(self, account: ChannelAccount, message: OutboundMessage) -> SendResult:
        try:
            credentials = json.loads(account.connector.credentials or "{}")
        except ValueError:
            raise AdapterError("The Telegram connector's credentials are not valid JSON.") from None
        if not isinstance(credentials, dict):
            raise AdapterError("The Telegram connector's credentials are not a JSON object.")
        token = _require(credentials, "bot_token")
        chat_id = _chat_id(message.recipient)
        reply = _reply_parameters(message.reply_to_provider_id)

        calls = _plan_calls(chat_id, message)
        if reply is not None:
            calls[0][1]["reply_parameters"] = reply
        first_ref: str | None = None
        with _client() as client:
            for index, (method, payload) in enumerate(calls):
                try:
                    result = _call(client, token, method, payload)
                except _ApiRefused as exc:
                    if index:
                        # Part of the message is already with the customer: the failed result
                        # still names what was delivered, so nobody re-sends it blindly.
                        logger.warning("telegram send: %s failed after %d call(s) succeeded", method, index)
                    return SendResult(
                        status="failed",
                        provider_message_id=first_ref,
                        error_code=str(exc.error_code),
                        error_message=exc.description,
                    )
                if first_ref is None:
                    first_ref = _result_ref(result, chat_id)
        # Several calls (text + files) make several Telegram messages; the first one carries the
        # body, so it is the one a later reply or edit refers to.
        return SendResult(status="sent", provider_message_id=first_ref)


# --- parsing --------------------------------------------------------------------------------


def _load_update(body: bytes) -> dict[str, Any]:
    """The Update object, or ValueError (JSONDecodeError and UnicodeDecodeError are ValueErrors)."""
    data = json.loads(body)
    if not isinstance(data, dict):
        raise ValueError("update is not a JSON object")
    update_id = data.get("update_id")
    # bool is an int subclass; `true` is not an update id.
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise ValueError("update_id is missing or not an integer")
    return data


def _int(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{what} is missing or not an integer")
    return value


def _obj(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{what} is missing or not an object")
    return value


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _epoch(value: Any, what: str) -> datetime:
    return datetime.fromtimestamp(_int(value, what), tz=UTC)


def _parse_message(message: dict[str, Any], *, edited: bool) -> InboundMessage | None:
    chat = _obj(message.get("chat"), "message.chat")
    chat_id = _int(chat.get("id"), "chat.id")
    if chat.get("type") != "private":
        # Policy: a helpdesk bot answers people one-to-one; groups and channels are ignored.
        return None
    message_id = _int(message.get("message_id"), "message.message_id")
    sender = _obj(message.get("from"), "message.from")
    sender_id = _int(sender.get("id"), "from.id")
    name = " ".join(part for part in (_str(sender.get("first_name")), _str(sender.get("last_name"))) if part)
    sender_name = name.strip() or _str(sender.get("username")) or str(sender_id)
    sent_at = _epoch(message.get("date"), "message.date")

    ref = message_ref(chat_id, message_id)
    provider_message_id, edit_of = ref, None
    if edited:
        # The edit is a new event for the same message: its own id (so it is stored once per
        # edit) and the time it happened; `date` stays the original send time.
        edit_date = message.get("edit_date", message.get("date"))
        sent_at = _epoch(edit_date, "message.edit_date")
        provider_message_id, edit_of = f"{ref}:edit:{edit_date}", ref

    reply_to = None
    replied = message.get("reply_to_message")
    if isinstance(replied, dict) and isinstance(replied.get("message_id"), int):
        reply_to = message_ref(chat_id, replied["message_id"])

    kind, text, media, extra = _content(message)
    metadata: dict[str, Any] = {"chat_id": chat_id, "message_id": message_id}
    if sender.get("username"):
        metadata["username"] = sender["username"]
    if sender.get("language_code"):
        metadata["language_code"] = sender["language_code"]
    if message.get("media_group_id"):
        # Albums arrive as one message per item sharing this id.
        metadata["media_group_id"] = message["media_group_id"]
    if edited:
        metadata["original_date"] = message.get("date")
    metadata.update(extra)

    return InboundMessage(
        account_external_id="",
        provider_message_id=provider_message_id,
        sender_id=str(sender_id),
        sender_name=sender_name,
        sent_at=sent_at,
        kind=kind,
        text=text,
        media=media,
        reply_to_provider_id=reply_to,
        edit_of=edit_of,
        metadata=metadata,
    )


def _file_media(obj: dict[str, Any], *, default_mime: str) -> InboundMedia:
    file_id = _str(obj.get("file_id"))
    if not file_id:
        raise ValueError("file_id is missing")
    name = _str(obj.get("file_name"))
    mime = _str(obj.get("mime_type")) or (mimetypes.guess_type(name)[0] if name else None) or default_mime
    size = obj.get("file_size")
    return InboundMedia(
        provider_media_id=file_id,
        mime=mime,
        name=name,
        size=size if isinstance(size, int) and not isinstance(size, bool) else None,
    )


def _pick(obj: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: obj[key] for key in keys if key in obj}


def _largest_photo(sizes: Any) -> dict[str, Any]:
    if not isinstance(sizes, list) or not sizes or not all(isinstance(s, dict) for s in sizes):
        raise ValueError("message.photo is not a non-empty array of PhotoSize")

    def weight(size: dict[str, Any]) -> tuple[int, int]:
        # width and height are always present; file_size is optional, so it only breaks ties.
        width, height, file_size = size.get("width"), size.get("height"), size.get("file_size")
        area = width * height if isinstance(width, int) and isinstance(height, int) else 0
        return area, file_size if isinstance(file_size, int) else 0

    return max(sizes, key=weight)


def _content(message: dict[str, Any]) -> tuple[str, str, list[InboundMedia], dict[str, Any]]:
    """kind, text, media and kind-specific metadata of a Message."""
    caption = _str(message.get("caption"))
    if "text" in message:
        return "text", _str(message["text"]), [], {}
    if "photo" in message:
        size = _largest_photo(message["photo"])
        # Telegram re-encodes every photo as JPEG.
        media = _file_media(size, default_mime="image/jpeg")
        return "image", caption, [media], {"width": size.get("width"), "height": size.get("height")}
    # An animation (GIF/MP4) also carries a `document` for old clients; it is a video to us.
    if "animation" in message:
        return (
            "video",
            caption,
            [_file_media(_obj(message["animation"], "animation"), default_mime="video/mp4")],
            {"animation": True},
        )
    if "document" in message:
        return "document", caption, [_file_media(_obj(message["document"], "document"), default_mime="")], {}
    if "voice" in message:
        voice = _obj(message["voice"], "voice")
        # Voice notes are OGG/Opus.
        return (
            "audio",
            caption,
            [_file_media(voice, default_mime="audio/ogg")],
            {
                "voice": True,
                "duration": voice.get("duration"),
            },
        )
    if "audio" in message:
        audio = _obj(message["audio"], "audio")
        return (
            "audio",
            caption,
            [_file_media(audio, default_mime="audio/mpeg")],
            _pick(audio, "duration", "performer", "title"),
        )
    if "video" in message:
        video = _obj(message["video"], "video")
        return "video", caption, [_file_media(video, default_mime="video/mp4")], {"duration": video.get("duration")}
    if "video_note" in message:
        note = _obj(message["video_note"], "video_note")
        return "video", "", [_file_media(note, default_mime="video/mp4")], {"video_note": True}
    if "sticker" in message:
        sticker = _obj(message["sticker"], "sticker")
        # .TGS (animated), WEBM (video) or WEBP (static) per the Sticker object.
        if sticker.get("is_animated"):
            default = "application/x-tgsticker"
        elif sticker.get("is_video"):
            default = "video/webm"
        else:
            default = "image/webp"
        return "sticker", "", [_file_media(sticker, default_mime=default)], _pick(sticker, "emoji", "set_name")
    if "location" in message:
        location = _obj(message["location"], "location")
        extra = _pick(location, "latitude", "longitude", "horizontal_accuracy", "live_period", "heading")
        if isinstance(message.get("venue"), dict):
            extra["venue"] = _pick(message["venue"], "title", "address")
        return "location", "", [], extra
    if "contact" in message:
        contact = _obj(message["contact"], "contact")
        card = _pick(contact, "phone_number", "first_name", "last_name", "user_id", "vcard")
        return "contacts", "", [], {"contacts": [card]}
    return "unknown", caption, [], {"raw": message}


# --- Bot API calls --------------------------------------------------------------------------


def _api_base() -> str:
    return str(settings.TELEGRAM_API_BASE).rstrip("/")


def _client() -> httpx.Client:
    return httpx.Client(timeout=float(settings.PROVIDER_HTTP_TIMEOUT_SECONDS))


def _require(credentials: Mapping[str, Any], key: str) -> str:
    value = credentials.get(key)
    if not isinstance(value, str) or not value:
        raise AdapterError(f"The Telegram credentials have no {key}.", fields=(key,))
    return value


def _redact(text: str, token: str) -> str:
    """httpx errors may quote the URL, and the URL holds the bot token."""
    return text.replace(token, "<token>") if token else text


def _call(client: httpx.Client, token: str, method: str, params: Mapping[str, Any]) -> Any:
    """POST a Bot API method with a JSON body; the `result`, or

    - AdapterError(retryable) for network errors, 429 (with retry_after) and 5xx;
    - _ApiRefused for any other ``ok: false``, for the caller to map.
    """
    url = f"{_api_base()}/bot{token}/{method}"
    try:
        response = client.post(url, json=dict(params))
    except httpx.HTTPError as exc:
        raise AdapterError(
            f"Telegram {method}: {type(exc).__name__}: {_redact(str(exc), token)}", retryable=True
        ) from None
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict) or "ok" not in data:
        # Not a Bot API answer (a proxy's error page): only a server-side status is worth retrying.
        raise AdapterError(
            f"Telegram {method}: HTTP {response.status_code}",
            code=str(response.status_code),
            retryable=response.status_code >= 500 or response.status_code == 429,
        )
    if data["ok"] is True:
        return data.get("result")
    error_code = data.get("error_code")
    code = error_code if isinstance(error_code, int) else response.status_code
    description = _str(data.get("description")) or f"HTTP {response.status_code}"
    if code == 429:
        parameters = data.get("parameters")
        retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
        raise AdapterError(
            description,
            code="429",
            retryable=True,
            retry_after=retry_after if isinstance(retry_after, int) else None,
        )
    if code >= 500:
        raise AdapterError(description, code=str(code), retryable=True)
    raise _ApiRefused(code, description)


def _stream_into(client: httpx.Client, url: str, token: str, sink: Any, limit: int) -> int:
    try:
        with client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise AdapterError(
                    f"Telegram file download: HTTP {response.status_code}",
                    code=str(response.status_code),
                    retryable=response.status_code >= 500 or response.status_code == 429,
                )
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise AdapterError(f"The file is larger than {limit} bytes.")
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                # Counted as it arrives: Content-Length may be absent or wrong.
                if size > limit:
                    raise AdapterError(f"The file is larger than {limit} bytes.")
                sink.write(chunk)
            return size
    except httpx.HTTPError as exc:
        raise AdapterError(
            f"Telegram file download: {type(exc).__name__}: {_redact(str(exc), token)}", retryable=True
        ) from None


def _chat_id(recipient: str) -> int | str:
    """Users' chat ids are integers in the Bot API; strings there mean @channel usernames."""
    value = recipient.strip()
    try:
        return int(value)
    except ValueError:
        return value


def _reply_parameters(reply_to: str | None) -> dict[str, Any] | None:
    if not reply_to:
        return None
    parts = reply_to.split(":")
    if len(parts) < 2 or not parts[1].lstrip("-").isdigit():
        # Not one of our "chat:message" references: send without quoting rather than fail.
        logger.warning("telegram send: unusable reply reference %r", reply_to)
        return None
    # Quoting is a nicety: if the customer deleted the original, the answer must still go out.
    return {"message_id": int(parts[1]), "allow_sending_without_reply": True}


def _plan_calls(chat_id: int | str, message: OutboundMessage) -> list[tuple[str, dict[str, Any]]]:
    """One Bot API call per Telegram message: the text (alone, or as the first file's caption
    when it fits) and then each attachment, sent by URL for Telegram to fetch."""
    if not message.attachments:
        return [("sendMessage", {"chat_id": chat_id, "text": message.body})]
    calls: list[tuple[str, dict[str, Any]]] = []
    caption = message.body
    if len(caption) > CAPTION_MAX_CHARS:
        calls.append(("sendMessage", {"chat_id": chat_id, "text": caption}))
        caption = ""
    for attachment in message.attachments:
        method, field = _media_method(attachment)
        payload: dict[str, Any] = {"chat_id": chat_id, field: attachment.url}
        if caption:
            payload["caption"] = caption
            caption = ""
        calls.append((method, payload))
    return calls


def _media_method(attachment: OutboundAttachment) -> tuple[str, str]:
    if attachment.mime.lower() in PHOTO_MIMES:
        return "sendPhoto", "photo"
    return "sendDocument", "document"


def _result_ref(result: Any, chat_id: int | str) -> str | None:
    if not isinstance(result, dict) or not isinstance(result.get("message_id"), int):
        return None
    chat = result.get("chat")
    # The answer's chat id is the canonical one (chat_id may have been an @username).
    resolved: int | str = chat_id
    if isinstance(chat, dict) and isinstance(chat.get("id"), int):
        resolved = chat["id"]
    return message_ref(resolved, result["message_id"])
