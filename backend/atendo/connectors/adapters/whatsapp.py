"""WhatsApp Cloud API (Meta Graph): webhook verification, envelope parsing, sending, media.

Credentials (the connector's JSON object):
* `access_token`: a system user token, sent as `Authorization: Bearer …` to the Graph API;
* `app_secret`: the Meta app's secret; Meta signs every webhook POST with it
  (`X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`);
* `verify_token`: the string typed into the app dashboard; Meta echoes it in the GET handshake.

`ChannelAccount.external_id` is the business phone number id (`metadata.phone_number_id` in
webhooks, the `{phone_number_id}` of `POST /{phone_number_id}/messages`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import mimetypes
import re
import tempfile
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

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

# Free-form (non-template) messages are accepted only within 24 h of the customer's last message.
CUSTOMER_SERVICE_WINDOW = timedelta(hours=24)

# Graph error codes that mean "slow down and try again" (throughput, pair rate and spam rate
# limits): the message itself is fine, so the send is retried rather than failed.
RATE_LIMIT_CODES = frozenset({4, 80007, 130429, 131048, 131056})
# Graph's own "temporarily unavailable / unknown" codes: Meta's error table says to retry later.
TRANSIENT_CODES = frozenset({1, 2})
REENGAGEMENT_CODE = 131047
INVALID_TOKEN_CODE = 190

BAD_AUTH_MESSAGE = "The access token is not valid or has expired."
REENGAGEMENT_MESSAGE = (
    "More than 24 hours have passed since the customer last wrote: WhatsApp accepts only an approved "
    "template message until the customer writes again."
)

MEDIA_TYPES = ("image", "document", "audio", "video", "sticker")
# What Cloud API accepts per media type (by link); anything else goes as a document, which
# accepts any file, rather than failing at Meta with an unsupported-format error.
_IMAGE_MIMES = frozenset({"image/jpeg", "image/png"})
_VIDEO_MIMES = frozenset({"video/mp4", "video/3gpp"})
_AUDIO_MIMES = frozenset({"audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"})
CAPTION_MAX_CHARS = 1024  # longer text is sent as its own text message before the media
_PHONE_LIKE = re.compile(r"^\+?[\d\s().-]+$")
_SPOOL_MAX_MEMORY = 5 * 1024 * 1024  # larger downloads spill to disk


def customer_service_window_open(last_inbound_at: datetime | None, now: datetime) -> bool:
    """True while a free-form reply is allowed: less than 24 h since the customer's last message.
    Outside the window Meta refuses with 131047, so the caller can refuse up front instead."""
    if last_inbound_at is None:
        return False
    return now - last_inbound_at < CUSTOMER_SERVICE_WINDOW


# --- helpers -------------------------------------------------------------------------------


def _api_base() -> str:
    return str(settings.WHATSAPP_API_BASE).rstrip("/")


def _timeout() -> httpx.Timeout:
    return httpx.Timeout(float(settings.PROVIDER_HTTP_TIMEOUT_SECONDS))


def _bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


def _obj(value: Any) -> dict[str, Any]:
    """A nested object, or an empty one where the payload has something else (tolerant reads)."""
    return value if isinstance(value, dict) else {}


def _as_dict(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{what} is not an object")
    return value


def _as_list(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"{what} is not a list")
    return value


def _load_envelope(body: bytes) -> dict[str, Any]:
    """The decoded envelope; ValueError (JSONDecodeError and UnicodeDecodeError are ValueErrors)
    for anything that is not a WhatsApp Business Account notification."""
    data = json.loads(body)
    envelope = _as_dict(data, "envelope")
    if envelope.get("object") != "whatsapp_business_account":
        raise ValueError("not a whatsapp_business_account notification")
    if not isinstance(envelope.get("entry"), list):
        raise ValueError("entry is not a list")
    return envelope


def _changes(envelope: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    for entry in envelope["entry"]:
        for change in _as_list(_as_dict(entry, "entry").get("changes"), "changes"):
            yield _as_dict(change, "change")


def _timestamp(value: Any) -> datetime:
    """Meta sends epoch seconds as a string (sometimes as a number)."""
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError) as exc:
        raise ValueError(f"bad timestamp {value!r}") from exc


def _sha256_hex(value: Any) -> str | None:
    """Webhooks carry the media hash base64-encoded, the media endpoint hex-encoded: one form (hex)."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if re.fullmatch(r"[0-9a-fA-F]{64}", text):
        return text.lower()
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            return None
    return raw.hex() if len(raw) == 32 else None


def _str(value: Any) -> str:
    return "" if value is None else str(value)


# --- parsing -------------------------------------------------------------------------------


def _location_text(location: Mapping[str, Any]) -> str:
    place = ", ".join(p for p in (_str(location.get("name")), _str(location.get("address"))) if p)
    coords = f"{_str(location.get('latitude'))}, {_str(location.get('longitude'))}"
    return f"Location: {place} ({coords})" if place else f"Location: {coords}"


def _contacts_text(contacts: list[Any]) -> str:
    lines = []
    for card in contacts:
        if not isinstance(card, dict):
            continue
        name = _obj(card.get("name"))
        label = _str(name.get("formatted_name")) or " ".join(
            p for p in (_str(name.get("first_name")), _str(name.get("last_name"))) if p
        )
        phones = [_str(p.get("phone") or p.get("wa_id")) for p in card.get("phones") or [] if isinstance(p, dict)]
        phones = [p for p in phones if p]
        lines.append(f"Contact: {label or 'unnamed'}" + (f" ({', '.join(phones)})" if phones else ""))
    return "\n".join(lines)


def _parse_message(
    raw: Mapping[str, Any], account_external_id: str, names: Mapping[str, str], contacts: list[Any]
) -> InboundMessage:
    message_id = raw.get("id")
    sender = raw.get("from")
    if not message_id or not sender:
        raise ValueError("message without id or from")
    sender = str(sender)
    # contacts[] names the sender by wa_id, which usually equals `from` but not always (Meta
    # says a user's id and phone number may differ); one contact in the change is the sender.
    sender_name = names.get(sender, "")
    if not sender_name and len(contacts) == 1 and isinstance(contacts[0], dict):
        sender_name = _str(_obj(contacts[0].get("profile")).get("name"))
    kind_raw = _str(raw.get("type"))
    context = _obj(raw.get("context"))
    metadata: dict[str, Any] = {}
    if context.get("forwarded") or context.get("frequently_forwarded"):
        metadata["forwarded"] = True
    if isinstance(raw.get("referral"), dict):  # the message came from a click-to-WhatsApp ad
        metadata["referral"] = raw["referral"]
    kind, text, media = kind_raw, "", []
    body = raw.get(kind_raw) if isinstance(raw.get(kind_raw), dict) else None

    if kind_raw == "text" and body is not None:
        text = _str(body.get("body"))
    elif kind_raw in MEDIA_TYPES and body is not None and body.get("id"):
        text = _str(body.get("caption"))
        media = [
            InboundMedia(
                provider_media_id=str(body["id"]),
                url=body.get("url") or None,
                mime=_str(body.get("mime_type")),
                name=_str(body.get("filename")),
                sha256=_sha256_hex(body.get("sha256")),
            )
        ]
        if kind_raw == "audio" and body.get("voice"):
            metadata["voice"] = True
        if kind_raw == "sticker" and body.get("animated"):
            metadata["animated"] = True
    elif kind_raw == "location" and body is not None:
        metadata.update({k: body[k] for k in ("latitude", "longitude", "name", "address", "url") if k in body})
        text = _location_text(body)
    elif kind_raw == "contacts" and isinstance(raw.get("contacts"), list):
        metadata["contacts"] = raw["contacts"]
        text = _contacts_text(raw["contacts"])
    elif kind_raw == "interactive" and body is not None:
        reply_type = _str(body.get("type"))
        reply = _obj(body.get(reply_type))
        metadata["interactive_type"] = reply_type
        metadata.update({k: reply[k] for k in ("id", "title", "description") if k in reply})
        if reply_type == "nfm_reply":  # a WhatsApp Flow's answer
            metadata["response_json"] = reply.get("response_json")
            text = _str(reply.get("body"))
        else:
            text = _str(reply.get("title"))
    elif kind_raw == "button" and body is not None:
        # A quick-reply button of a template message: an interactive answer like button_reply.
        kind = "interactive"
        metadata.update(
            {"interactive_type": "button", "id": _str(body.get("payload")), "title": _str(body.get("text"))}
        )
        text = _str(body.get("text"))
    elif kind_raw == "reaction" and body is not None:
        # An empty emoji removes an earlier reaction.
        metadata.update({"emoji": _str(body.get("emoji")), "message_id": _str(body.get("message_id"))})
        text = _str(body.get("emoji"))
    else:
        # "unknown"/"unsupported", or a type this adapter does not model (order, system, …):
        # kept whole so nothing the customer sent is lost.
        kind = "unknown"
        metadata.update({"type": kind_raw, "raw": dict(raw)})
        if isinstance(raw.get("errors"), list):
            metadata["errors"] = raw["errors"]

    return InboundMessage(
        account_external_id=account_external_id,
        provider_message_id=str(message_id),
        sender_id=sender,
        sender_name=sender_name,
        sent_at=_timestamp(raw.get("timestamp")),
        kind=kind,
        text=text,
        media=media,
        reply_to_provider_id=_str(context.get("id")) or None,
        metadata=metadata,
    )


# Meta also reports "played" (a voice message was played): it implies read.
_STATUS_MAP = {"sent": "sent", "delivered": "delivered", "read": "read", "played": "read", "failed": "failed"}


def _parse_status(raw: Mapping[str, Any], account_external_id: str) -> StatusUpdate | None:
    status = _STATUS_MAP.get(_str(raw.get("status")))
    if not raw.get("id"):
        raise ValueError("status without id")
    if status is None:
        # "deleted"/"warning" and future values: no delivery state of ours matches them.
        logger.info("ignoring WhatsApp status %r of %s", raw.get("status"), raw.get("id"))
        return None
    error_code = error_message = ""
    errors = raw.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        error = errors[0]
        error_code = _str(error.get("code"))
        error_message = _str(error.get("message") or error.get("title"))
        details = _obj(error.get("error_data")).get("details")
        if details and details not in error_message:
            error_message = f"{error_message}: {details}" if error_message else _str(details)
    return StatusUpdate(
        account_external_id=account_external_id,
        provider_message_id=str(raw["id"]),
        status=status,
        at=_timestamp(raw.get("timestamp")),
        error_code=error_code,
        error_message=error_message,
    )


# --- Graph errors --------------------------------------------------------------------------


def _retry_after(response: httpx.Response) -> int | None:
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, int((when - datetime.now(UTC)).total_seconds()))


def _graph_error(response: httpx.Response) -> AdapterError:
    """The Graph error body (`{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`)
    as an AdapterError, retryable for rate limits, 5xx and Graph's transient codes."""
    try:
        data = response.json()
    except ValueError:
        data = None
    error = _obj(_obj(data).get("error"))
    code_value = error.get("code")
    try:
        code = int(code_value) if code_value is not None else None
    except (TypeError, ValueError):
        code = None
    message = _str(error.get("message")) or f"WhatsApp answered HTTP {response.status_code}."
    details = _obj(error.get("error_data")).get("details")
    if details and details not in message:
        message = f"{message} {details}"
    fields: tuple[str, ...] = ()
    if code == REENGAGEMENT_CODE:
        message = REENGAGEMENT_MESSAGE
    elif code == INVALID_TOKEN_CODE or response.status_code == 401:
        message = BAD_AUTH_MESSAGE
        fields = ("access_token",)
    retryable = (
        response.status_code == 429
        or response.status_code >= 500
        or code in RATE_LIMIT_CODES
        or code in TRANSIENT_CODES
    )
    if error.get("fbtrace_id"):
        # Meta support asks for the trace id; the log keeps it without cluttering the message.
        logger.info("WhatsApp error %s (fbtrace_id %s): %s", code, error["fbtrace_id"], message)
    return AdapterError(
        message,
        code=str(code) if code is not None else f"http_{response.status_code}",
        retryable=retryable,
        retry_after=_retry_after(response) if retryable else None,
        fields=fields,
    )


def _network_error(exc: httpx.HTTPError) -> AdapterError:
    return AdapterError(f"WhatsApp could not be reached: {exc.__class__.__name__}.", code="network", retryable=True)


# --- sending -------------------------------------------------------------------------------


def _recipient(value: str) -> str:
    """Cloud API wants the number in international form without '+' or punctuation; anything
    else (a business-scoped user id) is passed through untouched."""
    value = value.strip()
    return re.sub(r"\D", "", value) if _PHONE_LIKE.match(value) else value


def _media_type(attachment: OutboundAttachment) -> str:
    mime = (attachment.mime or mimetypes.guess_type(attachment.name or attachment.url)[0] or "").lower()
    mime = mime.split(";")[0].strip()
    if mime in _IMAGE_MIMES:
        return "image"
    if mime in _VIDEO_MIMES:
        return "video"
    if mime in _AUDIO_MIMES:
        return "audio"
    return "document"


def build_payloads(message: OutboundMessage) -> list[dict[str, Any]]:
    """The Cloud API request bodies for one outbound message, in sending order: WhatsApp
    carries one media per message, so each attachment is its own message; the text rides as
    the first media's caption when that media takes one, else it goes first on its own. The
    reply context goes on the first message only."""
    to = _recipient(message.recipient)
    parts: list[dict[str, Any]] = []
    body = message.body
    attachments = list(message.attachments)
    first_takes_caption = bool(attachments) and _media_type(attachments[0]) != "audio"
    if body and not (first_takes_caption and len(body) <= CAPTION_MAX_CHARS):
        parts.append({"type": "text", "text": {"body": body, "preview_url": False}})
        body = ""
    for attachment in attachments:
        media_type = _media_type(attachment)
        media: dict[str, Any] = {"link": attachment.url}
        if media_type == "document" and attachment.name:
            media["filename"] = attachment.name
        if body and media_type != "audio":
            media["caption"] = body
            body = ""
        parts.append({"type": media_type, media_type: media})
    if not parts:  # an empty body without attachments: Meta refuses it with a clear error
        parts.append({"type": "text", "text": {"body": body, "preview_url": False}})
    payloads = [{"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, **part} for part in parts]
    if message.reply_to_provider_id:
        payloads[0]["context"] = {"message_id": message.reply_to_provider_id}
    return payloads


def _credentials_of(account: ChannelAccount) -> dict[str, Any]:
    try:
        credentials = json.loads(account.connector.credentials or "{}")
    except ValueError:
        credentials = None
    return credentials if isinstance(credentials, dict) else {}


class WhatsAppAdapter:
    kind = "whatsapp"
    # Free-form replies only within 24 h of the customer's last message (messaging checks it).
    reply_window_open = staticmethod(customer_service_window_open)

    # -- webhooks ---------------------------------------------------------------------------

    def verify(self, request: WebhookRequest, credentials: Mapping[str, str]) -> Verification:
        if request.method.upper() == "GET":
            expected = credentials.get("verify_token") or ""
            presented = request.query.get("hub.verify_token") or ""
            # An unset verify token must not match an empty presented one.
            if (
                request.query.get("hub.mode") == "subscribe"
                and expected
                and hmac.compare_digest(presented.encode(), expected.encode())
            ):
                return Verification(ok=True, status=200, body=(request.query.get("hub.challenge") or "").encode())
            return Verification(ok=False, status=403, reason="verify token mismatch")
        if request.method.upper() != "POST":
            return Verification(ok=False, status=405, reason="method not allowed")
        header = request.headers.get("x-hub-signature-256", "")
        if not header:
            return Verification(ok=False, status=401, reason="missing X-Hub-Signature-256")
        secret = credentials.get("app_secret") or ""
        if not secret:
            return Verification(ok=False, status=403, reason="no app secret configured")
        expected_sig = "sha256=" + hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(header.strip().lower().encode(), expected_sig.encode()):
            return Verification(ok=False, status=403, reason="signature mismatch")
        return Verification(ok=True)

    def event_key(self, body: bytes) -> str:
        """The envelope's ids: every message id and every status `id:status`. Meta retries the
        same envelope with the same ids, however it is serialised, so the key is stable."""
        envelope = _load_envelope(body)
        ids: list[str] = []
        for change in _changes(envelope):
            value = change.get("value")
            if not isinstance(value, dict):
                continue
            for message in _as_list(value.get("messages"), "messages"):
                if isinstance(message, dict) and message.get("id"):
                    ids.append(str(message["id"]))
            for status in _as_list(value.get("statuses"), "statuses"):
                if isinstance(status, dict) and status.get("id"):
                    ids.append(f"{status['id']}:{status.get('status', '')}")
        if not ids:
            # Other fields (account updates, template reviews) carry no message ids: the
            # canonical JSON keeps distinct notifications distinct and a retry identical.
            material = json.dumps(envelope, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        else:
            material = json.dumps(sorted(ids), separators=(",", ":"))
        return hashlib.sha256(material.encode()).hexdigest()

    def parse(self, body: bytes) -> list[InboundMessage | StatusUpdate]:
        envelope = _load_envelope(body)
        items: list[InboundMessage | StatusUpdate] = []
        for change in _changes(envelope):
            if change.get("field") != "messages":
                continue
            value = _as_dict(change.get("value"), "change value")
            metadata = _obj(value.get("metadata"))
            account_external_id = _str(metadata.get("phone_number_id"))
            contacts = _as_list(value.get("contacts"), "contacts")
            names = {
                _str(c.get("wa_id")): _str(_obj(c.get("profile")).get("name"))
                for c in contacts
                if isinstance(c, dict) and c.get("wa_id")
            }
            for raw in _as_list(value.get("messages"), "messages"):
                items.append(_parse_message(_as_dict(raw, "message"), account_external_id, names, contacts))
            for raw in _as_list(value.get("statuses"), "statuses"):
                status = _parse_status(_as_dict(raw, "status"), account_external_id)
                if status is not None:
                    items.append(status)
        return items

    # -- sending ----------------------------------------------------------------------------

    def send(self, account: ChannelAccount, message: OutboundMessage) -> SendResult:
        """One Cloud API message per part (see `build_payloads`). Refusals (4xx) come back as a
        failed SendResult; rate limits, 5xx and network errors raise a retryable AdapterError
        so the caller backs off. Graph has no idempotency key: once a part is accepted, a later
        part's failure is reported, never raised, so a retry cannot send the first part twice."""
        credentials = _credentials_of(account)
        token = _str(credentials.get("access_token"))
        if not token:
            return SendResult(
                status="failed", error_code="credentials", error_message="The connector has no access token."
            )
        url = f"{_api_base()}/{account.external_id}/messages"
        sent_ids: list[str] = []
        with httpx.Client(timeout=_timeout(), headers=_bearer(token)) as client:
            for payload in build_payloads(message):
                try:
                    response = client.post(url, json=payload)
                except httpx.HTTPError as exc:
                    error = _network_error(exc)
                else:
                    if response.is_success:
                        sent_ids.append(self._message_id(response))
                        continue
                    error = _graph_error(response)
                if error.retryable and not sent_ids:
                    raise error
                return SendResult(
                    status="failed",
                    provider_message_id=sent_ids[0] if sent_ids else None,
                    error_code=error.code,
                    error_message=(
                        f"{error.message} ({len(sent_ids)} of the message's parts were sent.)"
                        if sent_ids
                        else error.message
                    ),
                    retryable=False,
                )
        return SendResult(status="sent", provider_message_id=sent_ids[0] or None)

    @staticmethod
    def _message_id(response: httpx.Response) -> str:
        try:
            return str(response.json()["messages"][0]["id"])
        except (ValueError, KeyError, IndexError, TypeError):
            # Accepted without an id: still sent (retrying would duplicate it), just untrackable.
            logger.warning("WhatsApp accepted a message without returning its id")
            return ""

    # -- media ------------------------------------------------------------------------------

    def download_media(self, credentials: Mapping[str, str], media: InboundMedia) -> DownloadedMedia:
        """Two steps, as Meta documents: `GET /{media_id}` gives a short-lived URL (about 5
        minutes), then `GET url` with the same bearer token gives the bytes."""
        token = credentials.get("access_token") or ""
        if not media.provider_media_id:
            raise AdapterError("The media has no WhatsApp media id.", code="no_media_id")
        limit = int(settings.PROVIDER_MEDIA_MAX_BYTES)
        with httpx.Client(timeout=_timeout(), headers=_bearer(token), follow_redirects=True) as client:
            try:
                response = client.get(f"{_api_base()}/{media.provider_media_id}")
            except httpx.HTTPError as exc:
                raise _network_error(exc) from exc
            if not response.is_success:
                raise _graph_error(response)
            try:
                info = _as_dict(response.json(), "media")
                url = str(info["url"])
            except (ValueError, KeyError) as exc:
                raise AdapterError("WhatsApp answered the media lookup without a URL.", code="bad_media") from exc
            declared = info.get("file_size")
            if declared is not None and str(declared).isdigit() and int(declared) > limit:
                raise AdapterError(f"The media is larger than {limit} bytes.", code="too_large")
            expected = {h for h in (_sha256_hex(info.get("sha256")), _sha256_hex(media.sha256)) if h}
            content = tempfile.SpooledTemporaryFile(max_size=_SPOOL_MAX_MEMORY)  # noqa: SIM115 (returned open)
            try:
                size, digest = self._stream_into(client, url, content, limit)
            except BaseException:
                content.close()
                raise
        if expected and any(not hmac.compare_digest(digest, h) for h in expected):
            content.close()
            raise AdapterError("The media's checksum does not match.", code="checksum_mismatch")
        content.seek(0)
        mime = _str(info.get("mime_type")) or media.mime or "application/octet-stream"
        name = media.name or f"{media.provider_media_id}{mimetypes.guess_extension(mime.split(';')[0]) or ''}"
        return DownloadedMedia(content=content, mime=mime, name=name, size=size)

    @staticmethod
    def _stream_into(client: httpx.Client, url: str, content: Any, limit: int) -> tuple[int, str]:
        hasher = hashlib.sha256()
        size = 0
        try:
            with client.stream("GET", url) as response:
                if not response.is_success:
                    response.read()
                    raise _graph_error(response)
                length = response.headers.get("content-length", "")
                if length.isdigit() and int(length) > limit:
                    raise AdapterError(f"The media is larger than {limit} bytes.", code="too_large")
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:  # the declared length may be absent or wrong
                        raise AdapterError(f"The media is larger than {limit} bytes.", code="too_large")
                    hasher.update(chunk)
                    content.write(chunk)
        except httpx.HTTPError as exc:
            raise _network_error(exc) from exc
        return size, hasher.hexdigest()

    # -- credentials ------------------------------------------------------------------------

    def check_credentials(self, credentials: Mapping[str, str], external_id: str, webhook_url: str) -> None:
        """Reads the phone number with the token. The webhook itself is configured in the Meta
        app dashboard (callback URL `webhook_url` + verify token), not per phone number, so
        there is nothing to register here."""
        missing = [key for key in ("access_token", "app_secret", "verify_token") if not credentials.get(key)]
        if missing:
            raise AdapterError(
                f"Missing credentials: {', '.join(missing)}.", code="missing_credentials", fields=tuple(missing)
            )
        if not external_id.strip().isdigit():
            raise AdapterError(
                "The phone number id is made of digits only.", code="bad_external_id", fields=("external_id",)
            )
        try:
            with httpx.Client(timeout=_timeout(), headers=_bearer(credentials["access_token"])) as client:
                response = client.get(
                    f"{_api_base()}/{external_id.strip()}", params={"fields": "display_phone_number,verified_name"}
                )
        except httpx.HTTPError as exc:
            raise _network_error(exc) from exc
        if not response.is_success:
            raise _graph_error(response)


if TYPE_CHECKING:
    from atendo.connectors.adapters.base import WebhookAdapter

    def _conforms(adapter: WhatsAppAdapter) -> WebhookAdapter:  # mypy checks the protocol here
        return adapter
