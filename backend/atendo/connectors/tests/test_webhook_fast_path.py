"""The webhook fast path (atendo.connectors.webhooks.WebhookFastPath, the WSGI entry): it answers
signed deliveries exactly as the full Django stack would, and hands everything else to Django."""

from __future__ import annotations

import io
import json
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from django.db import connection
from django.test import Client

from atendo.connectors import webhooks
from atendo.connectors.models import ChannelAccount, ChannelConnector, InboundEvent
from atendo.connectors.services import inbound_event_store
from atendo.connectors.tests import fake_meta as meta
from atendo.connectors.tests.accounts import whatsapp
from atendo.connectors.tests.fast_path import FastPathClient
from atendo.messaging.models import Message

pytestmark = pytest.mark.django_db


def deliver(client: Client, account: ChannelAccount, wamid: str, secret: str = meta.APP_SECRET, **extra: Any):
    payload = meta.inbound(meta.text_message(f"hi {wamid}", wamid=wamid))
    return meta.post_webhook(client, account.connector.webhook_key, payload, secret, **extra)


def same_answer(fast, full) -> None:
    assert fast.status_code == full.status_code
    assert fast.content == full.content
    assert dict(fast.headers) == dict(full.headers)


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"HTTP_ACCEPT_LANGUAGE": "en"},
        {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9,en;q=0.5"},
        {"HTTP_ACCEPT_LANGUAGE": "de"},
        {"HTTP_X_FORWARDED_PROTO": "https"},
    ],
)
def test_an_acknowledgement_is_the_full_stacks_own(two_tenants, extra):
    account = whatsapp(two_tenants.a.tenant)
    full = deliver(Client(), account, "wamid.FULL", **extra)
    fast = deliver(FastPathClient(), account, "wamid.FAST", **extra)
    assert (fast.fast_path, full.status_code) == (True, 200)
    same_answer(fast, full)
    assert set(InboundEvent.objects.for_tenant(two_tenants.a.tenant).values_list("status", flat=True)) == {"pending"}
    assert InboundEvent.objects.for_tenant(two_tenants.a.tenant).count() == 2
    # A provider retry: stored once, acknowledged the same way.
    again = deliver(FastPathClient(), account, "wamid.FAST", **extra)
    assert again.fast_path
    same_answer(again, full)
    assert InboundEvent.objects.for_tenant(two_tenants.a.tenant).count() == 2


def test_refusals_and_the_unusual_are_left_to_django(two_tenants, settings):
    account = whatsapp(two_tenants.a.tenant)
    url = f"/webhooks/{account.connector.webhook_key}"
    body, headers = meta.signed_webhook(meta.inbound(meta.text_message("hi", wamid="wamid.R")))
    signed = {"HTTP_X_HUB_SIGNATURE_256": headers["x-hub-signature-256"]}
    cases: list[tuple[str, dict[str, Any], int]] = [
        ("wrong signature", {"HTTP_X_HUB_SIGNATURE_256": meta.signature(body, "wrong")}, 403),
        ("unsigned", {}, 401),
        ("unknown key", {"path": "/webhooks/no-such-key", **signed}, 404),
        (
            "malformed",
            {
                "data": b'{"entry": [oops',
                "HTTP_X_HUB_SIGNATURE_256": meta.signature(b'{"entry": [oops', meta.APP_SECRET),
            },
            400,
        ),
        ("host of no tenant", {"HTTP_HOST": "elsewhere.example", **signed}, 400),
    ]
    for label, options, status in cases:
        options = dict(options)
        path, data = options.pop("path", url), options.pop("data", body)
        fast = FastPathClient().post(path, data, content_type="application/json", **options)
        full = Client().post(path, data, content_type="application/json", **options)
        assert (fast.fast_path, fast.status_code) == (False, status), label
        same_answer(fast, full)
    handshake = {"hub.mode": "subscribe", "hub.verify_token": meta.VERIFY_TOKEN, "hub.challenge": "7"}
    got = FastPathClient().get(url, handshake)
    assert (got.fast_path, got.status_code, got.content) == (False, 200, b"7")
    settings.WEBHOOK_MAX_BYTES = 100
    too_large = FastPathClient().post(url, body, content_type="application/json", **signed)
    assert (too_large.fast_path, too_large.status_code) == (False, 413)
    assert not InboundEvent.objects.for_tenant(two_tenants.a.tenant).exists()
    # Answers that depend on the middleware stack go through it, and are still accepted.
    settings.WEBHOOK_MAX_BYTES = 8 * 1024 * 1024
    with_cookie = FastPathClient()
    with_cookie.cookies["csrftoken"] = "not-a-token"
    cookie_answer = deliver(with_cookie, account, "wamid.COOKIE")
    assert (cookie_answer.fast_path, cookie_answer.status_code) == (False, 200)
    assert InboundEvent.objects.for_tenant(two_tenants.a.tenant).count() == 1


def test_a_secret_rotated_by_another_process_is_picked_up(two_tenants, monkeypatch):
    account = whatsapp(two_tenants.a.tenant)
    assert deliver(FastPathClient(), account, "wamid.OLD").fast_path  # the connector is now cached
    # Another process rotates the secret: this one's cache is not told.
    ChannelConnector.objects.for_tenant(two_tenants.a.tenant).filter(id=account.connector_id).update(
        credentials=json.dumps(meta.credentials(app_secret="rotated-secret"))
    )
    monkeypatch.setattr(webhooks, "CONNECTOR_REFRESH_SECONDS", 0)
    rotated = deliver(FastPathClient(), account, "wamid.NEW", secret="rotated-secret")
    assert (rotated.fast_path, rotated.status_code) == (True, 200)
    stale = deliver(FastPathClient(), account, "wamid.STALE")
    assert (stale.fast_path, stale.status_code) == (False, 403)
    assert InboundEvent.objects.for_tenant(two_tenants.a.tenant).count() == 2


def test_the_store_is_one_prepared_statement(two_tenants, settings, django_assert_num_queries):
    account = whatsapp(two_tenants.a.tenant)
    store = {"tenant_id": account.tenant_id, "connector_id": account.connector_id, "body": b"{}"}

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["INSERT INTO connectors_inboundevent%"],
            )
            return int(cursor.fetchone()[0])

    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    settings.DATABASE_PREPARED_STATEMENTS = False
    first = inbound_event_store(event_key="k1", **store)
    assert first is not None and prepared() == 0
    settings.DATABASE_PREPARED_STATEMENTS = True
    second = inbound_event_store(event_key="k2", **store)
    assert inbound_event_store(event_key="k2", **store) is None  # a duplicate
    third = inbound_event_store(event_key="k3", **store)
    assert second is not None and third is not None and prepared() == 1
    with django_assert_num_queries(1):  # query counting sees it (through Django's cursor)
        assert inbound_event_store(event_key="k4", **store) is not None


@pytest.mark.django_db(transaction=True)
def test_the_wsgi_entry_acknowledges_before_django_and_falls_back_to_it(two_tenants):
    from atendo.config.wsgi import application

    account = whatsapp(two_tenants.a.tenant)
    body, headers = meta.signed_webhook(meta.inbound(meta.text_message("Oi", wamid="wamid.WSGI")))

    def call(signature: str) -> tuple[str, dict[str, str], bytes]:
        environ: dict[str, Any] = {}
        setup_testing_defaults(environ)
        environ.update(
            {
                "REQUEST_METHOD": "POST",
                "PATH_INFO": f"/webhooks/{account.connector.webhook_key}",
                "CONTENT_TYPE": "application/json",
                "CONTENT_LENGTH": str(len(body)),
                "HTTP_X_HUB_SIGNATURE_256": signature,
                "wsgi.input": io.BytesIO(body),
            }
        )
        answer: dict[str, Any] = {}

        def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            answer.update(status=status, headers=dict(response_headers))

        iterable = application(environ, start_response)
        try:
            content = b"".join(iterable)
        finally:
            iterable.close()  # type: ignore[attr-defined]
        return answer["status"], answer["headers"], content

    status, response_headers, content = call(headers["x-hub-signature-256"])
    assert (status, content, response_headers["Content-Type"]) == ("200 OK", b'{"ok":true}', "application/json")
    # Published at once outside a transaction: the (eager) drain already turned it into a message.
    assert Message.objects.for_tenant(two_tenants.a.tenant).get().provider_message_id == "wamid.WSGI"
    refused = call(meta.signature(body, "wrong"))
    assert refused[0].startswith("403") and json.loads(refused[2])["code"] == "signature_invalid"
    assert InboundEvent.objects.for_tenant(two_tenants.a.tenant).count() == 1
