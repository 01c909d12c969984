"""A fake Telegram Bot API server for tests, answering as the documented API does.

- ``POST|GET /bot<token>/<method>`` for getMe, setWebhook, getWebhookInfo, sendMessage,
  sendPhoto, sendDocument and getFile; parameters from the query string, JSON,
  ``application/x-www-form-urlencoded`` or ``multipart/form-data`` bodies (the four ways the
  Bot API accepts); method names are case-insensitive, as in the API;
- ``GET /file/bot<token>/<file_path>`` serves registered files;
- answers ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code", "description",
  "parameters"?}`` with the HTTP status equal to ``error_code``.

Use it through the ``fake_telegram`` fixture (it points ``settings.TELEGRAM_API_BASE`` at the
server). Test controls: ``fail_next``, ``add_bot``, ``add_file``, ``requests`` / ``calls`` /
``last``, ``webhook`` (the last setWebhook parameters), ``sent`` (messages the bot "sent").
Update builders (``text_update``, ``photo_update``, ...) and ``webhook_post`` make the bodies
and headers Telegram would deliver to Atendo.
"""

from __future__ import annotations

import itertools
import json
import mimetypes
import posixpath
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest

DEFAULT_BOT_ID = 123456
DEFAULT_TOKEN = "123456:AAE-fake-telegram-token_abcdefghijklmn"
DEFAULT_BOT_USERNAME = "atendo_test_bot"
OTHER_BOT_ID = 654321
OTHER_TOKEN = "654321:AAE-another-bot-token_abcdefghijklmno"
DEFAULT_CHAT_ID = 777000111
DEFAULT_SECRET = "s3cret-Token_for-webhooks"

# Bot API limits (bots may download files of up to 20 MB; text 1-4096 characters; captions
# 0-1024 characters; secret_token 1-256 characters of A-Z, a-z, 0-9, _ and -).
DOWNLOAD_LIMIT_BYTES = 20 * 1024 * 1024
TEXT_MAX_CHARS = 4096
CAPTION_MAX_CHARS = 1024
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]*$")
_WEBHOOK_PORTS = {80, 88, 443, 8443}
# Parameters the API takes as JSON-serialized objects or arrays in form/query encodings.
_JSON_PARAMS = {"reply_parameters", "allowed_updates", "reply_markup", "entities", "caption_entities"}


class ApiError(Exception):
    def __init__(self, error_code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters


@dataclass
class RecordedRequest:
    http_method: str  # GET / POST
    path: str  # without the token: "/bot<token>/sendMessage" is recorded as "sendMessage"
    api_method: str  # the Bot API method as the client spelled it; "" for file downloads
    token: str
    headers: dict[str, str]  # lower-case names
    content_type: str  # "json", "form", "multipart", "query" or ""
    params: dict[str, Any]  # decoded; JSON-typed parameters of form bodies are decoded too
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class FakeFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    report_size: bool = True  # File.file_size is optional in the Bot API


@dataclass
class _Failure:
    error_code: int
    description: str
    retry_after: int | None
    method: str | None  # lower-case; None: whatever comes next


@dataclass
class FakeTelegram:
    host: str = "127.0.0.1"
    port: int = 0
    bots: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, FakeFile] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    webhooks: dict[str, dict[str, Any]] = field(default_factory=dict)  # token -> last setWebhook params
    # Telegram refuses plain-HTTP webhooks and ports other than 80/88/443/8443.
    strict_webhook_url: bool = True

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: list[_Failure] = []
        self._message_ids: dict[int | str, Iterator[int]] = {}
        self._file_ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self.add_bot(DEFAULT_TOKEN, DEFAULT_BOT_ID, username=DEFAULT_BOT_USERNAME)

    # --- lifecycle ----------------------------------------------------------------------

    def start(self) -> FakeTelegram:
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, name="fake-telegram", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # --- controls -----------------------------------------------------------------------

    def add_bot(
        self, token: str, bot_id: int, *, username: str = "another_bot", first_name: str = "Atendo"
    ) -> dict[str, Any]:
        user = {
            "id": bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.bots[token] = user
        return user

    def fail_next(
        self, error_code: int, description: str, retry_after: int | None = None, *, method: str | None = None
    ) -> None:
        """The next Bot API call (or the next call of `method`) answers this error instead.
        Queued: call it twice to fail two calls."""
        with self._lock:
            self._failures.append(_Failure(error_code, description, retry_after, method.lower() if method else None))

    def add_file(
        self,
        content: bytes,
        *,
        file_path: str = "documents/file_0.pdf",
        file_id: str | None = None,
        report_size: bool = True,
    ) -> FakeFile:
        """Register a file for getFile and /file/bot<token>/<file_path>."""
        n = next(self._file_ids)
        file = FakeFile(
            file_id=file_id or f"BQACAgEAAxkBAAI{n:06d}fake",
            file_unique_id=f"AgAD{n:06d}",
            file_path=file_path,
            content=content,
            report_size=report_size,
        )
        self.files[file.file_id] = file
        return file

    @property
    def webhook(self) -> dict[str, Any] | None:
        """The last setWebhook parameters of the default bot."""
        return self.webhooks.get(DEFAULT_TOKEN)

    def calls(self, api_method: str | None = None) -> list[RecordedRequest]:
        if api_method is None:
            return list(self.requests)
        return [r for r in self.requests if r.api_method.lower() == api_method.lower()]

    def last(self, api_method: str) -> RecordedRequest:
        found = self.calls(api_method)
        assert found, f"no {api_method} request was made"
        return found[-1]

    # --- the API ------------------------------------------------------------------------

    def _take_failure(self, method: str) -> _Failure | None:
        with self._lock:
            for index, failure in enumerate(self._failures):
                if failure.method in (None, method):
                    return self._failures.pop(index)
        return None

    def handle_api(self, token: str, method: str, params: dict[str, Any]) -> Any:
        bot = self.bots.get(token)
        if bot is None:
            raise ApiError(401, "Unauthorized")
        name = method.lower()
        failure = self._take_failure(name)
        if failure is not None:
            parameters = {"retry_after": failure.retry_after} if failure.retry_after is not None else None
            raise ApiError(failure.error_code, failure.description, parameters)
        handler = {
            "getme": self._get_me,
            "setwebhook": self._set_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "sendmessage": self._send_message,
            "sendphoto": self._send_photo,
            "senddocument": self._send_document,
            "getfile": self._get_file,
        }.get(name)
        if handler is None:
            raise ApiError(404, "Not Found")
        return handler(token, bot, params)

    def _get_me(self, token: str, bot: dict[str, Any], params: dict[str, Any]) -> Any:
        return bot

    def _set_webhook(self, token: str, bot: dict[str, Any], params: dict[str, Any]) -> Any:
        url = str(params.get("url") or "")
        secret = params.get("secret_token")
        if url:
            parts = urlsplit(url)
            if self.strict_webhook_url and parts.scheme != "https":
                raise ApiError(400, "Bad Request: bad webhook: HTTPS url must be provided for webhook")
            if self.strict_webhook_url and (parts.port or 443) not in _WEBHOOK_PORTS:
                raise ApiError(400, "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        if secret is not None:
            secret = str(secret)
            if len(secret) > 256:
                raise ApiError(400, "Bad Request: secret token is too long")
            if not _SECRET_RE.match(secret):
                raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        allowed = params.get("allowed_updates")
        if allowed is not None and not (isinstance(allowed, list) and all(isinstance(a, str) for a in allowed)):
            raise ApiError(400, "Bad Request: can't parse allowed updates JSON object")
        previous = self.webhooks.get(token)
        if not url:
            self.webhooks.pop(token, None)
            return _Described(True, "Webhook was deleted" if previous else "Webhook is already deleted")
        self.webhooks[token] = dict(params)
        same = previous is not None and previous.get("url") == url
        return _Described(True, "Webhook is already set" if same else "Webhook was set")

    def _get_webhook_info(self, token: str, bot: dict[str, Any], params: dict[str, Any]) -> Any:
        hook = self.webhooks.get(token) or {}
        info: dict[str, Any] = {"url": hook.get("url", ""), "has_custom_certificate": False, "pending_update_count": 0}
        if hook.get("allowed_updates") is not None:
            info["allowed_updates"] = hook["allowed_updates"]
        return info

    def _chat(self, params: dict[str, Any]) -> int | str:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        if isinstance(raw, bool) or not isinstance(raw, int | str):
            raise ApiError(400, "Bad Request: chat not found")
        if isinstance(raw, str):
            if re.fullmatch(r"-?\d+", raw):
                return int(raw)
            if not raw.startswith("@"):
                raise ApiError(400, "Bad Request: chat not found")
        return raw

    def _message(self, bot: dict[str, Any], chat_id: int | str, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            counter = self._message_ids.setdefault(chat_id, itertools.count(1001))
            message_id = next(counter)
        chat: dict[str, Any]
        if isinstance(chat_id, int) and chat_id > 0:
            chat = {"id": chat_id, "first_name": "Customer", "type": "private"}
        else:
            chat = {"id": chat_id if isinstance(chat_id, int) else -1001234567890, "title": "Chat", "type": "channel"}
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": {key: bot[key] for key in ("id", "is_bot", "first_name", "username")},
            "chat": chat,
            "date": int(time.time()),
        }
        reply = params.get("reply_parameters")
        if reply is not None:
            if not isinstance(reply, dict) or not isinstance(reply.get("message_id"), int):
                raise ApiError(400, "Bad Request: can't parse reply parameters JSON object")
            message["reply_to_message"] = {
                "message_id": reply["message_id"],
                "chat": chat,
                "date": message["date"],
            }
        return message

    def _record_sent(self, message: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.sent.append(message)
        return message

    def _send_message(self, token: str, bot: dict[str, Any], params: dict[str, Any]) -> Any:
        chat_id = self._chat(params)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > TEXT_MAX_CHARS:
            raise ApiError(400, "Bad Request: message is too long")
        message = self._message(bot, chat_id, params)
        message["text"] = text
        return self._record_sent(message)

    def _input_file(self, params: dict[str, Any], field_name: str) -> str:
        value = params.get(field_name)
        if value is None or value == "":
            raise ApiError(400, f"Bad Request: there is no {field_name} in the request")
        if isinstance(value, bytes):
            return "upload"
        value = str(value)
        if value.startswith(("http://", "https://")) or value in self.files:
            return value
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _caption(self, params: dict[str, Any], message: dict[str, Any]) -> None:
        caption = params.get("caption")
        if caption:
            if len(str(caption)) > CAPTION_MAX_CHARS:
                raise ApiError(400, "Bad Request: message caption is too long")
            message["caption"] = str(caption)

    def _send_photo(self, token: str, bot: dict[str, Any], params: dict[str, Any]) -> Any:
        chat_id = self._chat(params)
        self._input_file(params, "photo")
        message = self._message(bot, chat_id, params)
        n = message["message_id"]
        message["photo"] = [
            {
                "file_id": f"AgACAgEAAxkDAAI{n}s",
                "file_unique_id": f"AQAD{n}s",
                "file_size": 1200,
                "width": 90,
                "height": 67,
            },
            {
                "file_id": f"AgACAgEAAxkDAAI{n}m",
                "file_unique_id": f"AQAD{n}m",
                "file_size": 48000,
                "width": 800,
                "height": 600,
            },
        ]
        self._caption(params, message)
        return self._record_sent(message)

    def _send_document(self, token: str, bot: dict[str, Any], params: dict[str, Any]) -> Any:
        chat_id = self._chat(params)
        source = self._input_file(params, "document")
        message = self._message(bot, chat_id, params)
        name = posixpath.basename(urlsplit(source).path) or "file"
        n = message["message_id"]
        message["document"] = {
            "file_name": name,
            "mime_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
            "file_id": f"BQACAgEAAxkDAAI{n}d",
            "file_unique_id": f"AgAD{n}d",
            "file_size": 2048,
        }
        self._caption(params, message)
        return self._record_sent(message)

    def _get_file(self, token: str, bot: dict[str, Any], params: dict[str, Any]) -> Any:
        file_id = params.get("file_id")
        if not file_id:
            raise ApiError(400, "Bad Request: file_id not specified")
        file = self.files.get(str(file_id))
        if file is None:
            raise ApiError(400, "Bad Request: invalid file id")
        if len(file.content) > DOWNLOAD_LIMIT_BYTES:
            raise ApiError(400, "Bad Request: file is too big")
        result: dict[str, Any] = {"file_id": file.file_id, "file_unique_id": file.file_unique_id}
        if file.report_size:
            result["file_size"] = len(file.content)
        result["file_path"] = file.file_path
        return result

    def download(self, token: str, file_path: str) -> bytes:
        if token not in self.bots:
            raise ApiError(401, "Unauthorized")
        for file in self.files.values():
            if file.file_path == file_path:
                return file.content
        raise ApiError(404, "Not Found")


@dataclass
class _Described:
    """A result that comes with a `description` (setWebhook: "Webhook was set")."""

    result: Any
    description: str


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeTelegram
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        fake = self.server_fake
        parts = urlsplit(self.path)
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {key.lower(): value for key, value in self.headers.items()}
        path = unquote(parts.path)

        file_match = re.fullmatch(r"/file/bot([^/]+)/(.+)", path)
        api_match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", path)
        if file_match:
            token, file_path = file_match.groups()
            fake.requests.append(RecordedRequest(self.command, f"file/{file_path}", "", token, headers, "", {}, body))
            try:
                content = fake.download(token, file_path)
            except ApiError as exc:
                self._send_error(exc)
                return
            self._send(200, content, mimetypes.guess_type(file_path)[0] or "application/octet-stream")
            return
        if not api_match:
            self._send_error(ApiError(404, "Not Found"))
            return

        token, method = api_match.groups()
        try:
            kind, params = _decode_params(parts.query, headers.get("content-type", ""), body)
        except ValueError as exc:
            fake.requests.append(RecordedRequest(self.command, method, method, token, headers, "", {}, body))
            self._send_error(ApiError(400, f"Bad Request: {exc}"))
            return
        fake.requests.append(RecordedRequest(self.command, method, method, token, headers, kind, params, body))
        try:
            result = fake.handle_api(token, method, params)
        except ApiError as exc:
            self._send_error(exc)
            return
        answer: dict[str, Any] = {"ok": True}
        if isinstance(result, _Described):
            answer.update(result=result.result, description=result.description)
        else:
            answer["result"] = result
        self._send(200, _dumps(answer), "application/json")

    def _send_error(self, exc: ApiError) -> None:
        answer: dict[str, Any] = {"ok": False, "error_code": exc.error_code, "description": exc.description}
        if exc.parameters:
            answer["parameters"] = exc.parameters
        self._send(exc.error_code, _dumps(answer), "application/json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _dumps(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


def _decode_params(query: str, content_type: str, body: bytes) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    kind = "query" if params else ""
    mime = content_type.split(";")[0].strip().lower()
    if body and mime == "application/json":
        try:
            data = json.loads(body)
        except ValueError:
            raise ValueError("can't parse JSON object") from None
        if not isinstance(data, dict):
            raise ValueError("can't parse JSON object")
        params.update(data)
        return "json", params
    if body and mime == "application/x-www-form-urlencoded":
        params.update(parse_qsl(body.decode(), keep_blank_values=True))
        kind = "form"
    elif body and mime == "multipart/form-data":
        message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not isinstance(name, str):
                continue
            payload = part.get_payload(decode=True) or b""
            params[name] = payload if part.get_filename() else payload.decode()
        kind = "multipart"
    # Form and query values are strings; JSON-typed parameters arrive JSON-serialized.
    for key in _JSON_PARAMS & params.keys():
        if isinstance(params[key], str):
            try:
                params[key] = json.loads(params[key])
            except ValueError:
                raise ValueError(f"can't parse {key.replace('_', ' ')} JSON object") from None
    if isinstance(params.get("drop_pending_updates"), str):
        params["drop_pending_updates"] = params["drop_pending_updates"].lower() in ("true", "1")
    return kind, params


# --- Update builders: what Telegram POSTs to the webhook -------------------------------------

_update_ids = itertools.count(900_000_001)
_message_ids = itertools.count(1)
DEFAULT_USER: dict[str, Any] = {
    "id": DEFAULT_CHAT_ID,
    "is_bot": False,
    "first_name": "Maria",
    "last_name": "Silva",
    "username": "mariasilva",
    "language_code": "pt-br",
}


def private_chat(user: dict[str, Any] | None = None) -> dict[str, Any]:
    user = user or DEFAULT_USER
    chat = {"id": user["id"], "first_name": user.get("first_name", ""), "type": "private"}
    for key in ("last_name", "username"):
        if key in user:
            chat[key] = user[key]
    return chat


def message(
    *,
    user: dict[str, Any] | None = None,
    chat: dict[str, Any] | None = None,
    message_id: int | None = None,
    date: int = 1_735_700_000,
    reply_to_message_id: int | None = None,
    **content: Any,
) -> dict[str, Any]:
    """A Message in a private chat with `user` (or in `chat`), with the given content fields."""
    user = user or DEFAULT_USER
    chat = chat or private_chat(user)
    msg: dict[str, Any] = {
        "message_id": message_id if message_id is not None else next(_message_ids),
        "from": user,
        "chat": chat,
        "date": date,
    }
    if reply_to_message_id is not None:
        msg["reply_to_message"] = {
            "message_id": reply_to_message_id,
            "from": user,
            "chat": chat,
            "date": date - 60,
            "text": "the earlier message",
        }
    msg.update(content)
    return msg


def update(*, update_id: int | None = None, **fields: Any) -> dict[str, Any]:
    return {"update_id": update_id if update_id is not None else next(_update_ids), **fields}


def text_update(text: str = "Olá, preciso de ajuda", *, update_id: int | None = None, **kwargs: Any) -> dict[str, Any]:
    return update(update_id=update_id, message=message(text=text, **kwargs))


def photo_sizes(file_id: str = "AgACAgEAAxkBAAIBZ2") -> list[dict[str, Any]]:
    """Thumbnail to full size, as Telegram sends them (the largest is listed last)."""
    return [
        {"file_id": f"{file_id}-s", "file_unique_id": "AQADs", "file_size": 1523, "width": 90, "height": 51},
        {"file_id": f"{file_id}-m", "file_unique_id": "AQADm", "file_size": 21904, "width": 320, "height": 180},
        {"file_id": f"{file_id}-x", "file_unique_id": "AQADx", "file_size": 98012, "width": 800, "height": 450},
        {"file_id": f"{file_id}-y", "file_unique_id": "AQADy", "file_size": 187654, "width": 1280, "height": 720},
    ]


def photo_update(
    caption: str | None = None,
    sizes: list[dict[str, Any]] | None = None,
    *,
    update_id: int | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    content: dict[str, Any] = {"photo": sizes if sizes is not None else photo_sizes()}
    if caption is not None:
        content["caption"] = caption
    return update(update_id=update_id, message=message(**content, **kwargs))


def document_update(
    file_id: str = "BQACAgEAAxkBAAIBaG",
    file_name: str = "boleto.pdf",
    mime_type: str | None = "application/pdf",
    file_size: int = 48213,
    caption: str | None = None,
    *,
    update_id: int | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "file_name": file_name,
        "file_id": file_id,
        "file_unique_id": "AgADaG",
        "file_size": file_size,
    }
    if mime_type is not None:
        document["mime_type"] = mime_type
    content: dict[str, Any] = {"document": document}
    if caption is not None:
        content["caption"] = caption
    return update(update_id=update_id, message=message(**content, **kwargs))


def voice_update(
    file_id: str = "AwACAgEAAxkBAAIBaW", duration: int = 4, *, update_id: int | None = None, **kwargs: Any
) -> dict[str, Any]:
    voice = {
        "duration": duration,
        "mime_type": "audio/ogg",
        "file_id": file_id,
        "file_unique_id": "AgADaW",
        "file_size": 7021,
    }
    return update(update_id=update_id, message=message(voice=voice, **kwargs))


def edited_update(
    text: str = "Olá, preciso de ajuda urgente",
    *,
    message_id: int,
    edit_date: int = 1_735_700_120,
    update_id: int | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    msg = message(text=text, message_id=message_id, **kwargs)
    msg["edit_date"] = edit_date
    return update(update_id=update_id, edited_message=msg)


def group_update(text: str = "oi grupo", *, update_id: int | None = None, **kwargs: Any) -> dict[str, Any]:
    chat = {"id": -1001987654321, "title": "Clientes", "type": "supergroup"}
    return update(update_id=update_id, message=message(text=text, chat=chat, **kwargs))


def reply_update(
    text: str = "sobre isso", *, reply_to_message_id: int, update_id: int | None = None, **kwargs: Any
) -> dict[str, Any]:
    return update(update_id=update_id, message=message(text=text, reply_to_message_id=reply_to_message_id, **kwargs))


def webhook_post(update: dict[str, Any], secret_token: str | None = DEFAULT_SECRET) -> tuple[bytes, dict[str, str]]:
    """The body and (lower-case) headers of Telegram's webhook delivery of `update`."""
    headers = {"content-type": "application/json"}
    if secret_token is not None:
        headers["x-telegram-bot-api-secret-token"] = secret_token
    return _dumps(update), headers


@pytest.fixture(name="fake_telegram")
def fake_telegram(settings: Any) -> Iterator[FakeTelegram]:
    """A running fake Bot API; `settings.TELEGRAM_API_BASE` points at it for the test."""
    server = FakeTelegram().start()
    settings.TELEGRAM_API_BASE = server.base_url
    try:
        yield server
    finally:
        server.stop()
