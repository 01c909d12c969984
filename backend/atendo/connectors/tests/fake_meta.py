"""A fake Meta Graph API (WhatsApp Cloud API) on 127.0.0.1, plus webhook payload builders.

Tests talk real HTTP to it, so the adapter's httpx code, headers and JSON are exercised as in
production. It speaks the documented protocol: Graph error bodies
(`{"error": {"message", "type", "code", "error_subcode"?, "fbtrace_id"}}`), the send answer
(`{"messaging_product", "contacts": [{"input", "wa_id"}], "messages": [{"id"}]}`), the two-step
media download, the phone number lookup.

Use from a test (the `fake_meta` fixture points `settings.WHATSAPP_API_BASE` at it):

    def test_send(fake_meta):
        fake_meta.fail_next(400, graph_error(131047, "Re-engagement message"))
        ...
        assert fake_meta.requests[-1].json["to"] == "5511987654321"

Webhooks: `signed_webhook(inbound(text_message("hi")), APP_SECRET)` gives `(body, headers)`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

API_VERSION = "v21.0"
ACCESS_TOKEN = "EAAtest-system-user-token"
APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
WABA_ID = "102290129340398"
PHONE_NUMBER_ID = "1234567890"
DISPLAY_PHONE_NUMBER = "15550783881"
VERIFIED_NAME = "Atendo Test"
CUSTOMER_WA_ID = "5511987654321"
CUSTOMER_NAME = "Maria Silva"
DEFAULT_TIMESTAMP = 1749416383


def credentials(**overrides: str) -> dict[str, str]:
    """The connector credentials matching the fake's defaults."""
    return {"access_token": ACCESS_TOKEN, "app_secret": APP_SECRET, "verify_token": VERIFY_TOKEN, **overrides}


def graph_error(
    code: int,
    message: str,
    *,
    error_type: str = "OAuthException",
    subcode: int | None = None,
    details: str | None = None,
) -> dict[str, Any]:
    """A Graph API error body, as Meta answers it."""
    error: dict[str, Any] = {"message": message, "type": error_type, "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    if details is not None:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    error["fbtrace_id"] = "A" + secrets.token_urlsafe(16)
    return {"error": error}


def new_wamid() -> str:
    return "wamid." + base64.b64encode(secrets.token_bytes(30)).decode()


# --- the server ----------------------------------------------------------------------------


@dataclass
class RecordedRequest:
    method: str
    path: str  # without the query string
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes
    json: Any = None


@dataclass
class ScriptedResponse:
    status: int
    body: bytes
    headers: dict[str, str]
    path_contains: str | None
    skip: int = 0  # matching requests to let through first


@dataclass
class MediaBlob:
    data: bytes
    mime: str
    sha256: str  # hex, as the media endpoint gives it (may be scripted wrong)
    send_length: bool


@dataclass
class FakeMeta:
    access_token: str = ACCESS_TOKEN
    version: str = API_VERSION
    requests: list[RecordedRequest] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)  # accepted message bodies
    phone_numbers: dict[str, dict[str, str]] = field(default_factory=dict)
    media: dict[str, MediaBlob] = field(default_factory=dict)
    download_delay: float = 0.0  # seconds a media download hangs (to catch a worker mid-task)
    _script: list[ScriptedResponse] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        self.phone_numbers.setdefault(
            PHONE_NUMBER_ID, {"display_phone_number": "+1 555-078-3881", "verified_name": VERIFIED_NAME}
        )

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> FakeMeta:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-meta", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def origin(self) -> str:
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def url(self) -> str:
        """What WHATSAPP_API_BASE is set to (with the version, like graph.facebook.com/v21.0)."""
        return f"{self.origin}/{self.version}"

    # -- controls ---------------------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        error_json: dict[str, Any] | bytes | None = None,
        headers: dict[str, str] | None = None,
        *,
        times: int = 1,
        path_contains: str | None = None,
        after: int = 0,
    ) -> None:
        """Answer the next `times` requests (only those whose path contains `path_contains`,
        when given; after letting `after` of them through normally) with this status and body.
        Without a body, a 5xx gets Graph's generic transient error and a 4xx an
        invalid-parameter error."""
        if error_json is None:
            error_json = (
                graph_error(2, "An unexpected error has occurred. Please retry your request later.")
                if status >= 500
                else graph_error(100, "Invalid parameter")
            )
        body = error_json if isinstance(error_json, bytes) else json.dumps(error_json).encode()
        with self._lock:
            for _ in range(times):
                self._script.append(ScriptedResponse(status, body, dict(headers or {}), path_contains, after))

    def add_media(
        self,
        data: bytes,
        mime: str = "image/jpeg",
        *,
        media_id: str | None = None,
        sha256: str | None = None,
        send_length: bool = True,
    ) -> str:
        """Register a downloadable blob; returns its media id. `sha256` overrides the hash the
        media endpoint reports (to script a mismatch); `send_length=False` streams it chunked
        without a Content-Length (to test a size limit the header cannot reveal)."""
        media_id = media_id or str(secrets.randbelow(10**15) + 10**15)
        digest = sha256 if sha256 is not None else hashlib.sha256(data).hexdigest()
        with self._lock:
            self.media[media_id] = MediaBlob(data=data, mime=mime, sha256=digest, send_length=send_length)
        return media_id

    def requests_to(self, path_part: str) -> list[RecordedRequest]:
        return [r for r in self.requests if path_part in r.path]

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _scripted(self, path: str) -> ScriptedResponse | None:
        with self._lock:
            for index, scripted in enumerate(self._script):
                if scripted.path_contains is None or scripted.path_contains in path:
                    if scripted.skip:
                        scripted.skip -= 1
                        return None
                    return self._script.pop(index)
        return None


_VERSION_PREFIX = re.compile(r"^/v\d+\.\d+(?=/)")


class _Handler(BaseHTTPRequestHandler):
    fake: FakeMeta
    protocol_version = "HTTP/1.1"
    server_version = "FakeGraph/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        return

    # -- plumbing ---------------------------------------------------------------------------

    def _read(self) -> RecordedRequest:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parsed: Any = None
        if body:
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
        request = RecordedRequest(
            method=self.command,
            path=parts.path,
            query=dict(parse_qsl(parts.query)),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            json=parsed,
        )
        self.fake._record(request)
        return request

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        merged = {"Content-Type": "application/json; charset=UTF-8", **(headers or {})}
        for name, value in merged.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data).encode())

    def _error(self, status: int, code: int, message: str, subcode: int | None = None) -> None:
        self._json(status, graph_error(code, message, subcode=subcode))

    def _authorized(self, request: RecordedRequest) -> bool:
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            self._error(400, 2500, "An active access token must be used to query information about the current user.")
            return False
        if header[len("Bearer ") :] != self.fake.access_token:
            self._error(401, 190, "Invalid OAuth access token - Cannot parse access token")
            return False
        return True

    def _route(self) -> None:
        request = self._read()
        path = _VERSION_PREFIX.sub("", request.path)
        scripted = self.fake._scripted(path)
        if scripted is not None:
            self._send(scripted.status, scripted.body, scripted.headers)
            return
        segments = [s for s in path.split("/") if s]
        if self.command == "GET" and len(segments) == 2 and segments[0] == "media-download":
            self._download(request, segments[1])
        elif not self._authorized(request):
            return
        elif self.command == "POST" and len(segments) == 2 and segments[1] == "messages":
            self._messages(request, segments[0])
        elif self.command == "GET" and len(segments) == 1:
            self._object(request, segments[0])
        else:
            self._error(400, 100, f"Unknown path components: {request.path}")

    def do_GET(self) -> None:
        self._route()

    def do_POST(self) -> None:
        self._route()

    # -- endpoints --------------------------------------------------------------------------

    def _unknown_object(self, object_id: str) -> None:
        self._error(
            400,
            100,
            f"Unsupported get request. Object with ID '{object_id}' does not exist, cannot be loaded due to "
            "missing permissions, or does not support this operation.",
            subcode=33,
        )

    def _messages(self, request: RecordedRequest, phone_number_id: str) -> None:
        if phone_number_id not in self.fake.phone_numbers:
            self._unknown_object(phone_number_id)
            return
        payload = request.json
        if not isinstance(payload, dict):
            self._error(400, 100, "(#100) The parameter messaging_product is required.")
            return
        for required in ("messaging_product", "to"):
            if not payload.get(required):
                self._error(400, 100, f"(#100) The parameter {required} is required.")
                return
        if payload["messaging_product"] != "whatsapp":
            self._error(400, 100, '(#100) Param messaging_product must be one of {WHATSAPP} - got "{}".')
            return
        kind = payload.get("type", "text")
        allowed = ("text", "image", "document", "audio", "video", "sticker", "location", "contacts", "interactive")
        if kind not in allowed:
            self._error(400, 100, f'(#100) Param type must be one of {{{", ".join(allowed).upper()}}} - got "{kind}".')
            return
        content = payload.get(kind)
        if not isinstance(content, dict):
            self._error(400, 100, f"(#100) The parameter {kind} is required.")
            return
        if kind == "text" and not content.get("body"):
            self._error(400, 100, "(#100) The parameter text['body'] is required.")
            return
        if kind in ("image", "document", "audio", "video", "sticker") and not (
            content.get("link") or content.get("id")
        ):
            self._error(400, 100, f"(#100) The parameter {kind}['link'] or {kind}['id'] is required.")
            return
        wamid = new_wamid()
        with self.fake._lock:
            self.fake.sent.append(payload)
        to = str(payload["to"])
        self._json(
            200,
            {"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}], "messages": [{"id": wamid}]},
        )

    def _object(self, request: RecordedRequest, object_id: str) -> None:
        blob = self.fake.media.get(object_id)
        if blob is not None:
            self._json(
                200,
                {
                    "messaging_product": "whatsapp",
                    "url": f"{self.fake.origin}/media-download/{object_id}?ext={int(time.time())}",
                    "mime_type": blob.mime,
                    "sha256": blob.sha256,
                    "file_size": str(len(blob.data)),  # Meta sends it as a string
                    "id": object_id,
                },
            )
            return
        phone = self.fake.phone_numbers.get(object_id)
        if phone is None:
            self._unknown_object(object_id)
            return
        fields = [f for f in request.query.get("fields", "").split(",") if f] or list(phone)
        self._json(200, {**{f: phone[f] for f in fields if f in phone}, "id": object_id})

    def _download(self, request: RecordedRequest, media_id: str) -> None:
        # The real lookaside URL also wants the bearer token.
        if request.headers.get("authorization", "") != f"Bearer {self.fake.access_token}":
            self._send(401, b"", {"Content-Type": "text/plain"})
            return
        blob = self.fake.media.get(media_id)
        if blob is None:
            self._send(404, b"", {"Content-Type": "text/plain"})
            return
        if self.fake.download_delay:
            time.sleep(self.fake.download_delay)
        if blob.send_length:
            self._send(200, blob.data, {"Content-Type": blob.mime})
            return
        self.send_response(200)
        self.send_header("Content-Type", blob.mime)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        for start in range(0, len(blob.data), 4096):
            chunk = blob.data[start : start + 4096]
            self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")
        self.close_connection = True


@pytest.fixture
def fake_meta(settings: Any) -> Iterator[FakeMeta]:
    """A running fake Graph API; `settings.WHATSAPP_API_BASE` points at it for the test."""
    server = FakeMeta().start()
    settings.WHATSAPP_API_BASE = server.url
    try:
        yield server
    finally:
        server.stop()


# --- webhooks ------------------------------------------------------------------------------


def signature(body: bytes, app_secret: str) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def signed_webhook(payload: dict[str, Any], app_secret: str = APP_SECRET) -> tuple[bytes, dict[str, str]]:
    """The POST body and headers Meta would send (lower-case names, like WebhookRequest)."""
    body = json.dumps(payload).encode()
    return body, {"content-type": "application/json", "x-hub-signature-256": signature(body, app_secret)}


def post_webhook(client: Any, webhook_key: str, payload: dict[str, Any], app_secret: str = APP_SECRET, **extra: Any):
    """POST `payload` to /webhooks/<key> through a Django test client, signed as Meta signs it."""
    body, headers = signed_webhook(payload, app_secret)
    return client.post(
        f"/webhooks/{webhook_key}",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=headers["x-hub-signature-256"],
        **extra,
    )


def _base_message(kind: str, *, wamid: str | None, sender: str, timestamp: int, context_id: str | None) -> dict:
    message: dict[str, Any] = {"from": sender, "id": wamid or new_wamid(), "timestamp": str(timestamp), "type": kind}
    if context_id:
        message["context"] = {"from": DISPLAY_PHONE_NUMBER, "id": context_id}
    return message


def _message(
    kind: str,
    content: Any,
    *,
    wamid: str | None = None,
    sender: str = CUSTOMER_WA_ID,
    timestamp: int = DEFAULT_TIMESTAMP,
    context_id: str | None = None,
) -> dict[str, Any]:
    message = _base_message(kind, wamid=wamid, sender=sender, timestamp=timestamp, context_id=context_id)
    if content is not None:
        message[kind] = content
    return message


def media_sha256_b64(data: bytes) -> str:
    """The webhook form of a media hash (base64 of the SHA-256 digest)."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def text_message(body: str = "Does it come in another color?", **kw: Any) -> dict[str, Any]:
    return _message("text", {"body": body}, **kw)


def _media(kind: str, media_id: str, mime: str, data: bytes | None, extra: dict[str, Any], **kw: Any) -> dict:
    content: dict[str, Any] = {"mime_type": mime, "sha256": media_sha256_b64(data or b"media"), "id": media_id}
    content.update({k: v for k, v in extra.items() if v is not None})
    return _message(kind, content, **kw)


def image_message(
    media_id: str = "2754859441498128",
    *,
    mime: str = "image/jpeg",
    data: bytes | None = None,
    caption: str | None = None,
    **kw: Any,
) -> dict[str, Any]:
    return _media("image", media_id, mime, data, {"caption": caption}, **kw)


def document_message(
    media_id: str = "1003383421387256",
    *,
    filename: str = "invoice.pdf",
    mime: str = "application/pdf",
    data: bytes | None = None,
    caption: str | None = None,
    **kw: Any,
) -> dict[str, Any]:
    return _media("document", media_id, mime, data, {"caption": caption, "filename": filename}, **kw)


def audio_message(
    media_id: str = "1003383421387257",
    *,
    mime: str = "audio/ogg; codecs=opus",
    data: bytes | None = None,
    voice: bool = True,
    **kw: Any,
) -> dict[str, Any]:
    return _media("audio", media_id, mime, data, {"voice": voice}, **kw)


def video_message(
    media_id: str = "1003383421387258",
    *,
    mime: str = "video/mp4",
    data: bytes | None = None,
    caption: str | None = None,
    **kw: Any,
) -> dict[str, Any]:
    return _media("video", media_id, mime, data, {"caption": caption}, **kw)


def sticker_message(
    media_id: str = "1003383421387259", *, data: bytes | None = None, animated: bool = False, **kw: Any
) -> dict[str, Any]:
    return _media("sticker", media_id, "image/webp", data, {"animated": animated}, **kw)


def location_message(
    latitude: float = -23.5613,
    longitude: float = -46.6565,
    *,
    name: str | None = "MASP",
    address: str | None = "Av. Paulista, 1578 - São Paulo",
    **kw: Any,
) -> dict[str, Any]:
    content: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
    content.update({k: v for k, v in (("name", name), ("address", address)) if v is not None})
    return _message("location", content, **kw)


def contacts_message(
    formatted_name: str = "João Souza", phone: str = "+55 11 91234-5678", wa_id: str = "5511912345678", **kw: Any
) -> dict[str, Any]:
    first, _, last = formatted_name.partition(" ")
    card = {
        "name": {"formatted_name": formatted_name, "first_name": first, "last_name": last},
        "phones": [{"phone": phone, "wa_id": wa_id, "type": "CELL"}],
        "emails": [{"email": "joao@example.com", "type": "WORK"}],
    }
    return _message("contacts", [card], **kw)


def button_reply_message(
    button_id: str = "cancel-button", title: str = "Cancel", *, context_id: str | None = None, **kw: Any
) -> dict[str, Any]:
    content = {"type": "button_reply", "button_reply": {"id": button_id, "title": title}}
    return _message("interactive", content, context_id=context_id or new_wamid(), **kw)


def list_reply_message(
    row_id: str = "priority_express",
    title: str = "Priority Mail Express",
    description: str = "Next Day to 2 Days",
    *,
    context_id: str | None = None,
    **kw: Any,
) -> dict[str, Any]:
    content = {"type": "list_reply", "list_reply": {"id": row_id, "title": title, "description": description}}
    return _message("interactive", content, context_id=context_id or new_wamid(), **kw)


def quick_reply_button_message(
    text: str = "No", payload: str = "No-Button-Payload", *, context_id: str | None = None, **kw: Any
) -> dict[str, Any]:
    """A tap on a template's quick-reply button (type "button", not "interactive")."""
    return _message("button", {"text": text, "payload": payload}, context_id=context_id or new_wamid(), **kw)


def reaction_message(message_id: str, emoji: str = "\U0001f44d", **kw: Any) -> dict[str, Any]:
    return _message("reaction", {"message_id": message_id, "emoji": emoji}, **kw)


def unknown_message(**kw: Any) -> dict[str, Any]:
    """What Meta sends for a message type the Cloud API does not support."""
    message = _message("unknown", None, **kw)
    message["errors"] = [
        {
            "code": 131051,
            "title": "Message type unknown",
            "message": "Message type unknown",
            "error_data": {"details": "Message type is currently not supported."},
        }
    ]
    return message


def inbound(
    *messages: dict[str, Any],
    phone_number_id: str = PHONE_NUMBER_ID,
    contacts: list[dict[str, Any]] | None = None,
    waba_id: str = WABA_ID,
) -> dict[str, Any]:
    """A full `messages` webhook for these messages; contacts default to one per sender."""
    if contacts is None:
        senders = dict.fromkeys(m["from"] for m in messages)
        contacts = [{"profile": {"name": CUSTOMER_NAME}, "wa_id": s} for s in senders]
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": DISPLAY_PHONE_NUMBER, "phone_number_id": phone_number_id},
        "contacts": contacts,
        "messages": list(messages),
    }
    return {"object": "whatsapp_business_account", "entry": [{"id": waba_id, "changes": [_change(value)]}]}


def status(
    wamid: str,
    state: str = "delivered",
    *,
    recipient: str = CUSTOMER_WA_ID,
    timestamp: int = DEFAULT_TIMESTAMP,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    item: dict[str, Any] = {"id": wamid, "status": state, "timestamp": str(timestamp), "recipient_id": recipient}
    if state in ("sent", "delivered", "read"):
        item["pricing"] = {"billable": True, "pricing_model": "PMP", "category": "service", "type": "regular"}
    if errors is not None:
        item["errors"] = errors
    return item


def failed_status(
    wamid: str,
    code: int = 131026,
    title: str = "Message undeliverable",
    message: str = "Message undeliverable",
    details: str = "Message Undeliverable.",
    **kw: Any,
) -> dict[str, Any]:
    error = {
        "code": code,
        "title": title,
        "message": message,
        "error_data": {"details": details},
        "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
    }
    return status(wamid, "failed", errors=[error], **kw)


def statuses(*items: dict[str, Any], phone_number_id: str = PHONE_NUMBER_ID, waba_id: str = WABA_ID) -> dict:
    """A full `messages` webhook carrying status notifications."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": DISPLAY_PHONE_NUMBER, "phone_number_id": phone_number_id},
        "statuses": list(items),
    }
    return {"object": "whatsapp_business_account", "entry": [{"id": waba_id, "changes": [_change(value)]}]}


def _change(value: dict[str, Any], field_name: str = "messages") -> dict[str, Any]:
    return {"value": value, "field": field_name}


def merge(*envelopes: dict[str, Any]) -> dict[str, Any]:
    """One envelope holding every entry of these (Meta batches several entries per POST)."""
    return {"object": "whatsapp_business_account", "entry": [e for env in envelopes for e in env["entry"]]}


__all__ = [
    "ACCESS_TOKEN",
    "APP_SECRET",
    "CUSTOMER_NAME",
    "CUSTOMER_WA_ID",
    "PHONE_NUMBER_ID",
    "VERIFY_TOKEN",
    "FakeMeta",
    "RecordedRequest",
    "audio_message",
    "button_reply_message",
    "contacts_message",
    "credentials",
    "document_message",
    "failed_status",
    "fake_meta",
    "graph_error",
    "image_message",
    "inbound",
    "list_reply_message",
    "location_message",
    "media_sha256_b64",
    "merge",
    "new_wamid",
    "quick_reply_button_message",
    "reaction_message",
    "signature",
    "signed_webhook",
    "status",
    "statuses",
    "sticker_message",
    "text_message",
    "unknown_message",
    "video_message",
]
