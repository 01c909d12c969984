"""`/webhooks/{key}`: the ingestion hot path.

Verify the provider's signature on the raw bytes, store the raw envelope with one INSERT … ON
CONFLICT DO NOTHING keyed by the provider's ids, answer 200 (a duplicate too), and leave all
parsing, contacts, conversations and media to the `webhooks` queue. Ack time does not depend on
processing time.

Two ways in, one behaviour:
- `WebhookFastPath` (the WSGI entry, `atendo.config.wsgi`) answers a signed POST before Django's
  request/response machinery and middleware: it is measured in requests per second, and building
  a request, running nine middlewares and a resolver cost more than the INSERT itself. It answers
  only the common case (a known connector, a valid signature, a parseable event) with the very
  status, body and headers the full stack would send; anything else (a GET handshake, a bad
  signature, an unknown key, a cookie, a host that needs the tenant-domain check…) is handed to
  Django untouched, so every refusal comes from one place.
- `provider_webhook`, the Django view, answers everything else (and whatever reaches Django).
"""

from __future__ import annotations

import io
import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from threading import Lock
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import get_str_from_wsgi
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.request import split_domain_port, validate_host
from django.utils.translation import get_language_from_request
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from atendo.connectors.adapters import get_adapter
from atendo.connectors.adapters.base import Verification, WebhookRequest
from atendo.connectors.events import InboundEventStored
from atendo.connectors.models import ChannelConnector
from atendo.connectors.services import inbound_event_store
from atendo.core.api.base import Public, declare_access
from atendo.core.api.errors import error_body
from atendo.core.events import publish
from atendo.core.tenancy import normalize_hostname

logger = logging.getLogger(__name__)

CONNECTOR_CACHE_SECONDS = 30
# A signature that fails against a cached secret is checked once more against the stored one (the
# secret may have been rotated from another process), at most this often per connector.
CONNECTOR_REFRESH_SECONDS = 1.0
WEBHOOK_KINDS = frozenset({"whatsapp", "telegram"})  # providers that push; e-mail is fetched, web chat has its API
_cache: dict[str, tuple[float, float, CachedConnector | None]] = {}  # key -> (expires, loaded, connector)
_cache_lock = Lock()


@dataclass(frozen=True)
class CachedConnector:
    id: Any
    tenant_id: Any
    kind: str
    credentials: dict[str, str]


def _connector(key: str, *, reload: bool = False) -> CachedConnector | None:
    """Per process, briefly: decrypted credentials never leave the process (not in Redis).
    Changes made here are forgotten at once (connector_update/delete); other processes see them
    within CONNECTOR_CACHE_SECONDS, a rotated secret at the first delivery signed with it."""
    now = time.monotonic()
    if not reload:
        with _cache_lock:
            hit = _cache.get(key)
        if hit and hit[0] > now:
            return hit[2]
    row = ChannelConnector.objects.unscoped().filter(webhook_key=key[:40], tenant__status="active").first()
    value = None
    if row is not None:
        value = CachedConnector(
            id=row.id, tenant_id=row.tenant_id, kind=row.kind, credentials=json.loads(row.credentials or "{}")
        )
    with _cache_lock:
        _cache[key] = (now + CONNECTOR_CACHE_SECONDS, now, value)
    return value


def forget_connector(key: str) -> None:
    with _cache_lock:
        _cache.pop(key, None)


def _verify(
    key: str, connector: CachedConnector, build: Callable[[], WebhookRequest]
) -> tuple[CachedConnector | None, Verification]:
    """The adapter's verdict; a refusal by a cached secret is checked against the stored one."""
    request = build()
    verification = get_adapter(connector.kind).verify(request, connector.credentials)
    if verification.ok:
        return connector, verification
    with _cache_lock:
        hit = _cache.get(key)
    if hit is None or time.monotonic() - hit[1] < CONNECTOR_REFRESH_SECONDS:
        return connector, verification
    fresh = _connector(key, reload=True)
    if fresh is None or fresh.kind not in WEBHOOK_KINDS or fresh.credentials == connector.credentials:
        return fresh, verification
    return fresh, get_adapter(fresh.kind).verify(request, fresh.credentials)


def _store(connector: CachedConnector, event_key: str, body: bytes) -> None:
    event_id = inbound_event_store(
        tenant_id=connector.tenant_id, connector_id=connector.id, event_key=event_key, body=body
    )
    if event_id is not None:
        # Outside a transaction the event is published at once; its listener only makes sure a
        # drain task will run (coalesced: most deliveries find one already on its way).
        publish(InboundEventStored(tenant_id=connector.tenant_id, inbound_event_id=event_id))


def _read_body(request: HttpRequest) -> bytes | None:
    """The raw body, or None past WEBHOOK_MAX_BYTES (read from the stream: Django's form
    limit does not apply to a webhook)."""
    limit = settings.WEBHOOK_MAX_BYTES
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body


@declare_access(Public("Providers call it; the signature on the raw body is the credential."))
@csrf_exempt
def provider_webhook(request: HttpRequest, key: str) -> HttpResponse:
    if request.method not in ("GET", "POST"):
        return JsonResponse(error_body("method_not_allowed", _("Method not allowed.")), status=405)
    connector = _connector(key)
    if connector is None or connector.kind not in WEBHOOK_KINDS:
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    body = _read_body(request) if request.method == "POST" else b""
    if body is None:
        return JsonResponse(error_body("payload_too_large", _("The request body is too large.")), status=413)
    method = request.method
    connector, verification = _verify(
        key,
        connector,
        lambda: WebhookRequest(
            method=method,
            headers={k.lower(): v for k, v in request.headers.items()},
            query=request.GET.dict(),
            body=body,
        ),
    )
    if connector is None or connector.kind not in WEBHOOK_KINDS:
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    if not verification.ok:
        return JsonResponse(
            error_body("signature_invalid", _("The request could not be authenticated.")), status=verification.status
        )
    if request.method == "GET":  # a verification handshake, answered by the adapter
        return HttpResponse(verification.body or b"", status=verification.status, content_type="text/plain")
    try:
        event_key = get_adapter(connector.kind).event_key(body)
    except ValueError:
        return JsonResponse(error_body("malformed_payload", _("The payload is not a valid event.")), status=400)
    _skip_health_check(connection)
    _store(connector, event_key, body)
    return HttpResponse(ACK_BODY, content_type="application/json")


def _skip_health_check(db: Any) -> None:
    """CONN_HEALTH_CHECKS costs a `SELECT 1` round trip before a request's first query, as much as
    the insert itself. A webhook needs no such check: if the kept connection died, the insert
    fails, Django discards the connection at the end of the request, and the provider retries
    (every provider redelivers a webhook that was not answered 2xx)."""
    if db.connection is not None:
        db.health_check_done = True


# --- the fast path -----------------------------------------------------------------------------
ACK_BODY = b'{"ok":true}'
_PATH = re.compile(r"/webhooks/([A-Za-z0-9_-]{1,200})\Z")  # keys are URL-safe tokens


@dataclass(frozen=True)
class FastAnswer:
    status: str
    headers: list[tuple[str, str]]
    body: bytes


@dataclass(frozen=True)
class _Rules:
    """What the middleware stack would do, read from the settings once (again when a test changes
    them): the fast path looks at a handful of request values, not at the settings."""

    proxy_ssl_header: tuple[str, str] | None
    needs_stack: bool  # settings under which every request may be redirected or refused
    ssl_redirect: bool
    allowed_hosts: tuple[str, ...]  # Django's own check (get_host)
    served_hosts: frozenset[str]  # HostValidationMiddleware's configured names
    served_suffixes: tuple[str, ...]
    max_bytes: int
    before_language: tuple[tuple[str, str], ...]
    after_language: tuple[tuple[str, str], ...]
    hsts: tuple[str, str] | None

    @classmethod
    def from_settings(cls) -> _Rules:
        configured = {normalize_hostname(host) for host in settings.ATENDO_ALLOWED_HOSTS}
        hsts = None
        if settings.SECURE_HSTS_SECONDS:
            value = f"max-age={settings.SECURE_HSTS_SECONDS}"
            if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
                value += "; includeSubDomains"
            if settings.SECURE_HSTS_PRELOAD:
                value += "; preload"
            hsts = ("Strict-Transport-Security", value)
        after: list[tuple[str, str]] = []
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            after.append(("X-Content-Type-Options", "nosniff"))
        if policy := settings.SECURE_REFERRER_POLICY:
            values = policy.split(",") if isinstance(policy, str) else policy
            after.append(("Referrer-Policy", ",".join(v.strip() for v in values)))
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            after.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
        return cls(
            proxy_ssl_header=settings.SECURE_PROXY_SSL_HEADER or None,
            needs_stack=bool(settings.USE_X_FORWARDED_HOST or settings.DISALLOWED_USER_AGENTS or settings.PREPEND_WWW),
            ssl_redirect=settings.SECURE_SSL_REDIRECT,
            allowed_hosts=tuple(settings.ALLOWED_HOSTS),
            served_hosts=frozenset(configured),
            served_suffixes=tuple(host for host in configured if host.startswith(".")),
            max_bytes=settings.WEBHOOK_MAX_BYTES,
            before_language=(
                ("Content-Type", "application/json"),
                ("X-Frame-Options", settings.X_FRAME_OPTIONS.upper()),
                ("Content-Length", str(len(ACK_BODY))),
                ("Vary", "Accept-Language"),
            ),
            after_language=tuple(after),
            hsts=hsts,
        )


_rules: _Rules | None = None


@receiver(setting_changed)
def _forget_rules(**kwargs: Any) -> None:
    global _rules
    _rules = None
    _content_language.cache_clear()
    _host_served.cache_clear()


def _current_rules() -> _Rules:
    global _rules
    if _rules is None:
        _rules = _Rules.from_settings()
    return _rules


def _is_secure(rules: _Rules, environ: dict[str, Any]) -> bool:
    """HttpRequest.is_secure(): SECURE_PROXY_SSL_HEADER first, then the server's scheme."""
    if rules.proxy_ssl_header:
        header, secure_value = rules.proxy_ssl_header
        value = environ.get(header)
        if value is not None:
            return bool(value.split(",", 1)[0].strip() == secure_value)
    return bool(environ.get("wsgi.url_scheme") == "https")


@lru_cache(maxsize=64)
def _host_served(raw: str) -> bool:
    """A well-formed host among the configured ones (get_host() and HostValidationMiddleware
    without the tenant-domain lookup: a tenant's own domain goes through Django)."""
    rules = _current_rules()
    domain = split_domain_port(raw)[0]
    if not domain or not validate_host(domain, rules.allowed_hosts):
        return False
    hostname = normalize_hostname(raw)
    return bool(
        "*" in rules.served_hosts
        or hostname in rules.served_hosts
        or any(hostname.endswith(suffix) for suffix in rules.served_suffixes)
    )


@lru_cache(maxsize=64)
def _content_language(accept_language: str) -> str:
    """LocaleMiddleware's choice for a request without a language cookie."""
    request = SimpleNamespace(COOKIES={}, META={"HTTP_ACCEPT_LANGUAGE": accept_language})
    return str(get_language_from_request(request))  # type: ignore[arg-type]


def _ack_headers(rules: _Rules, environ: dict[str, Any]) -> list[tuple[str, str]]:
    """The headers the full stack adds to `HttpResponse(ACK_BODY, content_type=…)`: CommonMiddleware
    (Content-Length), LocaleMiddleware, SecurityMiddleware and XFrameOptionsMiddleware, in their
    order. `test_webhook_fast_path` compares them with the full stack's, header by header."""
    headers = [*rules.before_language, ("Content-Language", _content_language(environ.get("HTTP_ACCEPT_LANGUAGE", "")))]
    if rules.hsts and _is_secure(rules, environ):
        headers.append(rules.hsts)
    headers.extend(rules.after_language)
    return headers


def _wants_full_stack(rules: _Rules, environ: dict[str, Any]) -> bool:
    """Requests whose answer depends on the middleware stack: cookies (CSRF and session cookies
    can add headers), hosts that need a tenant-domain lookup, redirects, user-agent bans."""
    return bool(
        rules.needs_stack
        or environ.get("HTTP_COOKIE")
        or not _host_served(environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""))
        or (rules.ssl_redirect and not _is_secure(rules, environ))
    )


def _request_headers(environ: dict[str, Any]) -> dict[str, str]:
    """`request.headers` with lower-case names, as the view hands them to the adapter."""
    headers = {name[5:].replace("_", "-").lower(): value for name, value in environ.items() if name[:5] == "HTTP_"}
    for name in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(name):
            headers[name.replace("_", "-").lower()] = environ[name]
    return headers


def acknowledge(environ: dict[str, Any]) -> FastAnswer | None:
    """Store and acknowledge a signed webhook POST straight from the WSGI environ, or None to
    let Django answer it (then a body already read is put back in `wsgi.input`). Connection
    housekeeping is the caller's (see WebhookFastPath)."""
    rules = _current_rules()
    match = _PATH.match(environ.get("PATH_INFO", ""))
    if environ.get("REQUEST_METHOD") != "POST" or match is None or _wants_full_stack(rules, environ):
        return None
    key = match.group(1)
    connector = _connector(key)
    if connector is None or connector.kind not in WEBHOOK_KINDS:
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length > rules.max_bytes or length < 0:
        return None
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)  # Django reads it again if it answers after all
    query = get_str_from_wsgi(environ, "QUERY_STRING", "")
    verified, verification = _verify(
        key,
        connector,
        lambda: WebhookRequest(
            method="POST",
            headers=_request_headers(environ),
            query=QueryDict(query).dict() if query else {},
            body=body,
        ),
    )
    if verified is None or verified.kind not in WEBHOOK_KINDS or not verification.ok:
        return None
    try:
        event_key = get_adapter(verified.kind).event_key(body)
    except ValueError:
        return None
    _store(verified, event_key, body)
    return FastAnswer(status="200 OK", headers=_ack_headers(rules, environ), body=ACK_BODY)


class _Finished:
    """The response iterable: like Django's, it closes an obsolete database connection once the
    server has sent the response (request_finished -> close_old_connections)."""

    def __init__(self, body: bytes, db: Any) -> None:
        self.body = body
        self.db = db

    def __iter__(self) -> Any:
        yield self.body

    def close(self) -> None:
        self.db.close_if_unusable_or_obsolete()


class WebhookFastPath:
    """WSGI middleware in front of Django's handler (see the module docstring)."""

    def __init__(self, application: Callable[..., Iterable[bytes]]) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO", "").startswith("/webhooks/"):
            # What request_started does for the database (close_old_connections, for the only
            # connection this path uses), minus the health check (see _skip_health_check).
            db = connections[DEFAULT_DB_ALIAS]
            db.close_if_unusable_or_obsolete()
            _skip_health_check(db)
            try:
                answer = acknowledge(environ)
            except Exception:  # Django answers it (a fresh connection, its own 5xx if it fails too)
                logger.warning("webhook fast path failed; handing the request to Django", exc_info=True)
                db.close_if_unusable_or_obsolete()
                answer = None
            if answer is not None:
                start_response(answer.status, answer.headers)
                return _Finished(answer.body, db)
        return self.application(environ, start_response)
