"""WhatsApp end to end through the real webhook endpoint, the webhooks task (eager here), the
inbox, an agent reply to the fake Graph API and the receipts coming back."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection
from django.db.models.functions import Now

from atendo.connectors.models import ChannelAccount, DeadLetter, InboundEvent
from atendo.connectors.tests import fake_meta as meta
from atendo.connectors.tests.accounts import whatsapp
from atendo.connectors.tests.fast_path import webhook_api
from atendo.contacts.models import ContactIdentity
from atendo.messaging.models import Conversation, Message

pytestmark = pytest.mark.django_db


def post(anon, account: ChannelAccount, payload: dict, secret: str = meta.APP_SECRET):
    body, headers = meta.signed_webhook(payload, secret)
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items() if k.lower() != "content-type"}
    response = anon.client.post(
        f"/webhooks/{account.connector.webhook_key}", body, content_type="application/json", **extra
    )
    assert response.fast_path == (response.status_code == 200)  # acknowledged before Django's stack
    return response


def test_handshake_and_signatures(anon, two_tenants):
    account = whatsapp(two_tenants.a.tenant)
    url = f"/webhooks/{account.connector.webhook_key}"
    ok = anon.client.get(url, {"hub.mode": "subscribe", "hub.verify_token": meta.VERIFY_TOKEN, "hub.challenge": "42"})
    assert (ok.status_code, ok.content) == (200, b"42")
    assert (
        anon.client.get(url, {"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "1"}).status_code
        == 403
    )
    assert post(anon, account, meta.inbound(meta.text_message("hi")), secret="wrong").status_code == 403
    unsigned = anon.client.post(url, json.dumps(meta.inbound(meta.text_message("hi"))), content_type="application/json")
    assert unsigned.status_code == 401
    assert not InboundEvent.objects.unscoped().exists()
    assert anon.client.post("/webhooks/no-such-key", b"{}", content_type="application/json").status_code == 404


def test_text_message_lands_in_the_inbox(anon, two_tenants, django_capture_on_commit_callbacks):
    account = whatsapp(two_tenants.a.tenant)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(anon, account, meta.inbound(meta.text_message("Tem em azul?", wamid="wamid.A1")))
    assert response.status_code == 200
    message = Message.objects.for_tenant(two_tenants.a.tenant).get()
    assert (message.body, message.provider_message_id, message.direction) == ("Tem em azul?", "wamid.A1", "in")
    identity = ContactIdentity.objects.for_tenant(two_tenants.a.tenant).get(kind="whatsapp")
    assert identity.value == "+" + meta.CUSTOMER_WA_ID and identity.contact.name == meta.CUSTOMER_NAME
    assert InboundEvent.objects.for_tenant(two_tenants.a.tenant).get().status == "done"


def test_families_unknown_types_and_multi_entry_envelopes(anon, two_tenants, django_capture_on_commit_callbacks):
    account = whatsapp(two_tenants.a.tenant)
    envelope = meta.merge(
        meta.inbound(meta.location_message(wamid="wamid.L"), meta.unknown_message(wamid="wamid.U")),
        meta.inbound(meta.button_reply_message(wamid="wamid.B")),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert post(anon, account, envelope).status_code == 200
    kinds = dict(Message.objects.for_tenant(two_tenants.a.tenant).values_list("provider_message_id", "metadata"))
    assert kinds["wamid.U"]["unsupported"] is True
    assert kinds["wamid.L"]["kind"] == "location"
    assert kinds["wamid.B"]["kind"] == "interactive"


def test_malformed_and_large_payloads(anon, two_tenants, django_capture_on_commit_callbacks):
    account = whatsapp(two_tenants.a.tenant)
    body = b'{"object": "whatsapp_business_account", "entry": [oops'
    signature = meta.signature(body, meta.APP_SECRET)
    bad = anon.client.post(
        f"/webhooks/{account.connector.webhook_key}",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature,
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "malformed_payload")
    big = meta.inbound(meta.text_message("x" * 3_000_000, wamid="wamid.BIG"))
    with django_capture_on_commit_callbacks(execute=True):
        assert post(anon, account, big).status_code == 200
    assert Message.objects.for_tenant(two_tenants.a.tenant).get().provider_message_id == "wamid.BIG"


@pytest.mark.django_db(transaction=True)
def test_five_concurrent_duplicates_store_one_event_and_one_message(anon, two_tenants):
    account = whatsapp(two_tenants.a.tenant)
    payload = meta.inbound(meta.text_message("dup", wamid="wamid.DUP"))
    barrier = threading.Barrier(5)
    codes: list[int] = []

    def deliver() -> None:
        barrier.wait()
        try:
            codes.append(post(webhook_api(), account, payload).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [200] * 5
    assert InboundEvent.objects.for_tenant(two_tenants.a.tenant).count() == 1
    assert Message.objects.for_tenant(two_tenants.a.tenant).filter(provider_message_id="wamid.DUP").count() == 1


def test_reply_goes_to_graph_and_receipts_never_regress(
    anon, two_tenants, fake_meta, django_capture_on_commit_callbacks
):
    account = whatsapp(two_tenants.a.tenant)
    with django_capture_on_commit_callbacks(execute=True):
        post(anon, account, meta.inbound(meta.text_message("Oi", wamid="wamid.IN")))
    conversation = Conversation.objects.for_tenant(two_tenants.a.tenant).get()
    with django_capture_on_commit_callbacks(execute=True):
        reply = two_tenants.a.api("agent").post(
            f"/api/v1/conversations/{conversation.id}/messages", {"body": "Olá! Temos sim."}
        )
    assert reply.status_code == 201
    sent = fake_meta.requests_to("/messages")[-1]
    assert sent.json["to"] == meta.CUSTOMER_WA_ID and sent.json["text"]["body"] == "Olá! Temos sim."
    message = Message.objects.for_tenant(two_tenants.a.tenant).get(id=reply.json()["id"])
    assert message.delivery_status == "sent" and message.provider_message_id.startswith("wamid.")
    wamid = message.provider_message_id
    for state in ("read", "delivered", "sent"):  # out of order, as Meta may deliver them
        with django_capture_on_commit_callbacks(execute=True):
            assert post(anon, account, meta.statuses(meta.status(wamid, state))).status_code == 200
    message.refresh_from_db()
    assert message.delivery_status == "read"


def test_provider_refusal_is_shown_to_the_agent(anon, two_tenants, fake_meta, django_capture_on_commit_callbacks):
    account = whatsapp(two_tenants.a.tenant)
    with django_capture_on_commit_callbacks(execute=True):
        post(anon, account, meta.inbound(meta.text_message("Oi", wamid="wamid.IN2")))
    conversation = Conversation.objects.for_tenant(two_tenants.a.tenant).get()
    fake_meta.fail_next(400, meta.graph_error(131047, "Re-engagement message"))
    with django_capture_on_commit_callbacks(execute=True):
        reply = two_tenants.a.api("agent").post(f"/api/v1/conversations/{conversation.id}/messages", {"body": "late"})
    message = Message.objects.for_tenant(two_tenants.a.tenant).get(id=reply.json()["id"])
    assert (message.delivery_status, message.error_code) == ("failed", "131047")
    assert message.error_message


def test_failures_retry_then_dead_letter_and_replay(
    anon, two_tenants, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.INBOUND_MAX_ATTEMPTS = 3
    account = whatsapp(two_tenants.a.tenant)
    calls = {"n": 0}
    from atendo.messaging import ingestion
    from atendo.messaging.tasks import drain_inbound_events

    original = ingestion.messages_store_inbound

    def flaky(messages):
        calls["n"] += 1
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(ingestion, "messages_store_inbound", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(anon, account, meta.inbound(meta.text_message("x", wamid="wamid.DL"))).status_code == 200
    # The first attempt ran (eagerly) on commit; the event waits 2^0 s (+ jitter) for the next.
    event = InboundEvent.objects.for_tenant(two_tenants.a.tenant).get()
    assert (event.status, event.attempts) == ("pending", 1) and calls["n"] > 0
    first_attempt_calls = calls["n"]
    assert "database hiccup" in event.last_error and event.claimed_at is None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT extract(epoch FROM next_attempt_at - statement_timestamp()) FROM "
            "connectors_inboundevent WHERE id = %s",
            [event.id],
        )
        assert 0.5 < cursor.fetchone()[0] <= 2.2
    drain_inbound_events.apply()
    assert calls["n"] == first_attempt_calls, "not due yet: the backoff holds"

    # Later attempts (backoff shortened): each failure counts, the third one dead-letters.
    monkeypatch.setattr(ingestion, "backoff_seconds", lambda n: 0)
    InboundEvent.objects.for_tenant(two_tenants.a.tenant).update(next_attempt_at=Now())
    for _ in range(5):
        drain_inbound_events.apply()
    assert calls["n"] == 3 * first_attempt_calls  # three attempts, then no more
    event = InboundEvent.objects.for_tenant(two_tenants.a.tenant).get()
    assert (event.status, event.attempts) == ("dead", 3)
    letters = two_tenants.a.api("admin").get("/api/v1/channels/dead-letters").json()["results"]
    assert len(letters) == 1 and "database hiccup" in letters[0]["error"]
    monkeypatch.setattr(ingestion, "messages_store_inbound", original)
    with django_capture_on_commit_callbacks(execute=True):
        replay = two_tenants.a.api("admin").post(f"/api/v1/channels/dead-letters/{letters[0]['id']}/replay")
    assert replay.status_code == 202
    assert Message.objects.for_tenant(two_tenants.a.tenant).filter(provider_message_id="wamid.DL").count() == 1
    assert DeadLetter.objects.for_tenant(two_tenants.a.tenant).get().replayed_at is not None


def test_the_sweeper_reenqueues_lost_events(anon, two_tenants, settings):
    settings.INBOUND_SWEEP_GRACE_SECONDS = 0
    account = whatsapp(two_tenants.a.tenant)
    post(anon, account, meta.inbound(meta.text_message("lost", wamid="wamid.LOST")))  # on_commit never ran
    assert not Message.objects.for_tenant(two_tenants.a.tenant).exists()
    from atendo.messaging.tasks import sweep_inbound_events

    assert sweep_inbound_events() == 1
    assert Message.objects.for_tenant(two_tenants.a.tenant).get().provider_message_id == "wamid.LOST"


def test_a_tenant_webhook_never_writes_into_another_tenant(anon, two_tenants, django_capture_on_commit_callbacks):
    mine = whatsapp(two_tenants.a.tenant, phone_number_id="111")
    whatsapp(two_tenants.b.tenant, phone_number_id="222")
    with django_capture_on_commit_callbacks(execute=True):
        # Tenant A's key and secret, but an envelope naming tenant B's phone number.
        post(anon, mine, meta.inbound(meta.text_message("intrusion", wamid="wamid.X"), phone_number_id="222"))
    assert not Message.objects.for_tenant(two_tenants.b.tenant).exists()
    assert not Message.objects.for_tenant(two_tenants.a.tenant).exists()


def test_free_form_reply_after_24_hours_is_refused_up_front(
    anon, two_tenants, fake_meta, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    account = whatsapp(two_tenants.a.tenant)
    with django_capture_on_commit_callbacks(execute=True):
        post(anon, account, meta.inbound(meta.text_message("Oi", wamid="wamid.OLD")))
    Message.objects.for_tenant(two_tenants.a.tenant).update(created_at=timezone.now() - timedelta(hours=25))
    conversation = Conversation.objects.for_tenant(two_tenants.a.tenant).get()
    sent_before = len(fake_meta.requests_to("/messages"))
    reply = two_tenants.a.api("agent").post(f"/api/v1/conversations/{conversation.id}/messages", {"body": "late"})
    assert (reply.status_code, reply.json()["code"]) == (400, "reply_window_closed")
    assert len(fake_meta.requests_to("/messages")) == sent_before
    note = two_tenants.a.api("agent").post(
        f"/api/v1/conversations/{conversation.id}/messages", {"body": "internal", "private": True}
    )
    assert note.status_code == 201  # private notes are not replies


def _store(account: ChannelAccount, wamid: str, sender: str) -> int:
    from atendo.connectors.services import inbound_event_store

    body, _headers = meta.signed_webhook(meta.inbound(meta.text_message(f"hi {wamid}", wamid=wamid, sender=sender)))
    event_id = inbound_event_store(
        tenant_id=account.tenant_id, connector_id=account.connector_id, event_key=wamid, body=body
    )
    assert event_id is not None
    return event_id


def test_a_batch_costs_the_same_queries_whatever_its_size(two_tenants, django_capture_on_commit_callbacks):
    """Claim, contacts, conversations, messages, events and the realtime frames: a constant
    number of queries per batch, not per message."""
    from django.test.utils import CaptureQueriesContext

    from atendo.messaging.ingestion import inbound_events_drain_once

    account = whatsapp(two_tenants.a.tenant)
    senders = [f"55119876543{n:02d}" for n in range(5)]
    for n, sender in enumerate(senders):  # first messages: the people and conversations exist after this
        _store(account, f"wamid.warm{n}", sender)
    with django_capture_on_commit_callbacks(execute=True):
        inbound_events_drain_once(limit=100)
    counts = []
    for size in (5, 40):
        for n in range(size):
            _store(account, f"wamid.s{size}.{n}", senders[n % len(senders)])
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
            result = inbound_events_drain_once(limit=100)
        assert (result.claimed, result.done) == (size, size)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts
    # The message frames are rendered from the inserted rows (not read back); the connector and
    # its accounts come from the per-process cache the warm-up filled.
    assert counts[0] <= 12, counts
    assert Message.objects.for_tenant(two_tenants.a.tenant).count() == 5 + 5 + 40


def test_an_event_whose_worker_kept_dying_is_dead_lettered(two_tenants, settings):
    """A claim counts an attempt before the work: an event that crashed its worker every time
    (claims handed back by the sweeper) ends as a dead letter instead of crashing forever."""
    from atendo.messaging.ingestion import inbound_events_drain_once

    settings.INBOUND_MAX_ATTEMPTS = 3
    account = whatsapp(two_tenants.a.tenant)
    event_id = _store(account, "wamid.POISON", meta.CUSTOMER_WA_ID)
    InboundEvent.objects.for_tenant(two_tenants.a.tenant).filter(id=event_id).update(attempts=3)
    inbound_events_drain_once(limit=100)
    event = InboundEvent.objects.for_tenant(two_tenants.a.tenant).get(id=event_id)
    assert (event.status, event.attempts) == ("dead", 4)
    assert "worker stopped" in DeadLetter.objects.for_tenant(two_tenants.a.tenant).get().error
    assert not Message.objects.for_tenant(two_tenants.a.tenant).exists()


@pytest.mark.django_db(transaction=True)
def test_a_batch_failing_in_the_database_never_keeps_the_claim_order_lock(two_tenants, monkeypatch):
    """Worker connections outlive their tasks: when the batch's transaction is aborted before
    the claim-order lock could be released, the session is ended so no other worker waits on it."""
    from atendo.messaging import ingestion

    account = whatsapp(two_tenants.a.tenant)
    event_id = _store(account, "wamid.ABORTED", meta.CUSTOMER_WA_ID)

    def failing_prepare(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")

    monkeypatch.setattr(ingestion._Batch, "prepare", failing_prepare)
    result = ingestion.inbound_events_drain_once(limit=10)
    assert (result.claimed, result.done) == (1, 0)
    assert InboundEvent.objects.for_tenant(two_tenants.a.tenant).get(id=event_id).status != "done"

    free: list[bool] = []

    def try_lock() -> None:  # another worker's session
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [ingestion.CLAIM_ORDER_LOCK])
                free.append(cursor.fetchone()[0])
                cursor.execute("SELECT pg_advisory_unlock_all()")
        finally:
            connection.close()

    thread = threading.Thread(target=try_lock)
    thread.start()
    thread.join()
    assert free == [True]


def test_connectors_and_accounts_are_cached_and_forgotten_on_change(two_tenants, settings):
    """The drain reads a connector and its accounts once per few seconds, not once per batch; a
    change made in this process (an account deleted, one added) counts at once."""
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from atendo.messaging.ingestion import inbound_events_drain_once

    settings.INGESTION_ROUTES_CACHE_SECONDS = 60
    account = whatsapp(two_tenants.a.tenant)

    def drain(wamid: str, phone_number_id: str = meta.PHONE_NUMBER_ID) -> list[str]:
        body, _headers = meta.signed_webhook(
            meta.inbound(meta.text_message(f"hi {wamid}", wamid=wamid), phone_number_id=phone_number_id)
        )
        from atendo.connectors.services import inbound_event_store

        inbound_event_store(tenant_id=account.tenant_id, connector_id=account.connector_id, event_key=wamid, body=body)
        with CaptureQueriesContext(connection) as queries:
            assert inbound_events_drain_once(limit=10).claimed == 1
        return [q["sql"] for q in queries.captured_queries if "connectors_channel" in q["sql"]]

    assert len(drain("wamid.C1")) == 2  # connector, accounts
    assert drain("wamid.C2") == []  # cached
    account.deleted_at = timezone.now()
    account.save(update_fields=["deleted_at"])
    assert len(drain("wamid.C3")) == 2  # forgotten: the deleted account takes no more messages
    assert not Message.objects.for_tenant(two_tenants.a.tenant).filter(provider_message_id="wamid.C3").exists()
    ChannelAccount.objects.create(
        tenant=account.tenant, connector=account.connector, kind="whatsapp", name="Filial", external_id="9911"
    )
    assert len(drain("wamid.C4", phone_number_id="9911")) == 2
    assert Message.objects.for_tenant(two_tenants.a.tenant).get(provider_message_id="wamid.C4").account.name == "Filial"
    settings.INGESTION_ROUTES_CACHE_SECONDS = 0  # off: read every batch
    assert len(drain("wamid.C5", phone_number_id="9911")) == 2
    assert len(drain("wamid.C6", phone_number_id="9911")) == 2
