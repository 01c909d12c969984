"""`/webhooks/{key}`: the ingestion hot path.

Verify the provider's signature on the raw bytes, store the raw envelope with one INSERT … ON
CONFLICT DO NOTHING keyed by the provider's ids, answer 200 (a duplicate too), and leave all
parsing, contacts, conversations and media to the `webhooks` queue. Ack time does not depend on
processing time. Plain Django (not DRF): this endpoint is measured in requests per second.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from threading import Lock
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from atendo.connectors.adapters import get_adapter
from atendo.connectors.adapters.base import WebhookRequest
from atendo.connectors.events import InboundEventStored
from atendo.connectors.models import ChannelConnector
from atendo.connectors.services import inbound_event_store
from atendo.core.api.base import Public, declare_access
from atendo.core.api.errors import error_body
from atendo.core.events import publish

CONNECTOR_CACHE_SECONDS = 30
WEBHOOK_KINDS = frozenset({"whatsapp", "telegram"})  # providers that push; e-mail is fetched, web chat has its API
_cache: dict[str, tuple[float, CachedConnector | None]] = {}
_cache_lock = Lock()


@dataclass(frozen=True)
class CachedConnector:
    id: Any
    tenant_id: Any
    kind: str
    credentials: dict[str, str]


def _connector(key: str) -> CachedConnector | None:
    """Per process, briefly: decrypted credentials never leave the process (not in Redis)."""
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
        if hit and hit[0] > now:
            return hit[1]
    row = ChannelConnector.objects.unscoped().filter(webhook_key=key[:40], tenant__status="active").first()
    value = None
    if row is not None:
        value = CachedConnector(
            id=row.id, tenant_id=row.tenant_id, kind=row.kind, credentials=json.loads(row.credentials or "{}")
        )
    with _cache_lock:
        _cache[key] = (now + CONNECTOR_CACHE_SECONDS, value)
    return value


def forget_connector(key: str) -> None:
    with _cache_lock:
        _cache.pop(key, None)


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
    adapter = get_adapter(connector.kind)
    verification = adapter.verify(
        WebhookRequest(
            method=request.method,
            headers={k.lower(): v for k, v in request.headers.items()},
            query=request.GET.dict(),
            body=body,
        ),
        connector.credentials,
    )
    if not verification.ok:
        return JsonResponse(
            error_body("signature_invalid", _("The request could not be authenticated.")), status=verification.status
        )
    if request.method == "GET":  # a verification handshake, answered by the adapter
        return HttpResponse(verification.body or b"", status=verification.status, content_type="text/plain")
    try:
        event_key = adapter.event_key(body)
    except ValueError:
        return JsonResponse(error_body("malformed_payload", _("The payload is not a valid event.")), status=400)
    # One statement in autocommit (no BEGIN/COMMIT round trips); outside a transaction the
    # event is published at once, and its listener only makes sure a drain task will run.
    _skip_health_check()
    event_id = inbound_event_store(
        tenant_id=connector.tenant_id, connector_id=connector.id, event_key=event_key, body=body
    )
    if event_id is not None:
        publish(InboundEventStored(tenant_id=connector.tenant_id, inbound_event_id=event_id))
    return HttpResponse(b'{"ok":true}', content_type="application/json")


def _skip_health_check() -> None:
    """CONN_HEALTH_CHECKS costs a `SELECT 1` round trip before a request's first query, as much as
    the insert itself. A webhook needs no such check: if the kept connection died, the insert
    fails, Django discards the connection at the end of the request, and the provider retries
    (every provider redelivers a webhook that was not answered 2xx)."""
    if connection.connection is not None:
        connection.health_check_done = True  # type: ignore[attr-defined]
