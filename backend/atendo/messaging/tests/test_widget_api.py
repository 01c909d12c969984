"""The public web chat endpoints: sessions, messages, CORS, limits, hostile input, races."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from atendo.connectors.adapters.webchat import identity_hash
from atendo.contacts.models import Contact, ContactIdentity
from atendo.messaging.models import Conversation, Message
from atendo.messaging.tests.factories import webchat_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def widget(two_tenants):
    return webchat_account(
        two_tenants.a.tenant,
        allowed_origins=["https://shop.acme.test"],
        prechat_fields=[{"name": "name", "label": "Nome", "type": "text", "required": True}],
    )


def url(widget, path: str) -> str:
    return f"/api/v1/widget/{widget.external_id}/{path}"


ORIGIN = {"HTTP_ORIGIN": "https://shop.acme.test"}


def start(anon, widget, **body):
    body.setdefault("prechat", {"name": "Maria"})
    return anon.post(url(widget, "sessions"), body, **ORIGIN)


def test_config_is_public_and_cors_is_per_account(anon, widget):
    response = anon.get(url(widget, "config"), **ORIGIN)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "https://shop.acme.test"
    assert response.json()["prechat_fields"][0]["name"] == "name"
    evil = anon.get(url(widget, "config"), HTTP_ORIGIN="https://evil.test")
    assert (evil.status_code, evil.json()["code"]) == (403, "origin_not_allowed")
    assert "Access-Control-Allow-Origin" not in evil
    preflight = anon.client.options(url(widget, "messages"), **ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert preflight.status_code == 204
    assert "X-Visitor-Session" in preflight["Access-Control-Allow-Headers"]


def test_unknown_or_disabled_widget_is_404(anon, widget):
    assert anon.get("/api/v1/widget/nope/config").json()["code"] == "widget_not_found"
    widget.status = "disabled"
    widget.save()
    assert anon.get(url(widget, "config"), **ORIGIN).status_code == 404


def test_session_send_and_history_survive_reloads(anon, widget):
    session = start(anon, widget)
    assert session.status_code == 201, session.json()
    token = session.json()["session_token"]
    headers = {**ORIGIN, "HTTP_X_VISITOR_SESSION": token}
    sent = anon.post(url(widget, "messages"), {"body": "Olá <script>alert(1)</script>", "client_id": "c1"}, **headers)
    assert sent.status_code == 201, sent.json()
    assert sent.json()["body"] == "Olá <script>alert(1)</script>"  # stored verbatim; clients render text
    again = anon.post(url(widget, "messages"), {"body": "Olá <script>alert(1)</script>", "client_id": "c1"}, **headers)
    assert again.json()["id"] == sent.json()["id"]  # a retried send is the same message
    resumed = start(anon, widget, session_token=token)
    assert resumed.status_code == 200
    assert resumed.json()["session_token"] == token
    assert resumed.json()["conversation_id"] == str(Conversation.objects.for_tenant(widget.tenant).get().id)
    history = anon.get(url(widget, "messages"), **headers).json()
    assert [m["body"] for m in history["results"]] == ["Olá <script>alert(1)</script>"]
    conversation = Conversation.objects.for_tenant(widget.tenant).get()
    assert (conversation.unread_count, conversation.last_message_preview) == (1, "Olá <script>alert(1)</script>")


def test_required_prechat_fields_and_bad_bodies(anon, widget):
    missing = anon.post(url(widget, "sessions"), {"prechat": {}}, **ORIGIN)
    assert (missing.status_code, list(missing.json()["fields"])) == (400, ["name"])
    token = start(anon, widget).json()["session_token"]
    headers = {**ORIGIN, "HTTP_X_VISITOR_SESSION": token}
    for body in ({"body": ""}, {"body": "x" * 10_001}, {"body": 5, "extra": 1}):
        response = anon.post(url(widget, "messages"), body, **headers)
        assert response.status_code == 400, body
    assert anon.post(url(widget, "messages"), raw="{nope", **headers).status_code == 400
    assert not Message.objects.for_tenant(widget.tenant).exists()


def test_session_of_another_widget_is_refused(anon, widget, two_tenants):
    other = webchat_account(two_tenants.b.tenant)
    foreign = anon.post(f"/api/v1/widget/{other.external_id}/sessions", {"prechat": {}}).json()["session_token"]
    response = anon.get(url(widget, "messages"), **ORIGIN, HTTP_X_VISITOR_SESSION=foreign)
    assert (response.status_code, response.json()["code"]) == (401, "visitor_session_invalid")
    assert anon.get(url(widget, "messages"), **ORIGIN).status_code == 401


def test_signed_identifier_recognises_a_customer_across_devices(anon, widget):
    digest = identity_hash(widget.secret, "customer-42")
    first = start(anon, widget, identifier="customer-42", identifier_hash=digest).json()
    second = start(anon, widget, identifier="customer-42", identifier_hash=digest).json()
    assert first["session_token"] != second["session_token"]
    assert Contact.objects.for_tenant(widget.tenant).count() == 1
    forged = start(anon, widget, identifier="customer-42", identifier_hash="0" * 64)
    assert (forged.status_code, forged.json()["code"]) == (400, "identity_not_verified")


def test_messages_are_rate_limited(anon, widget, settings):
    settings.WIDGET_MESSAGES_PER_MINUTE = 3
    token = start(anon, widget).json()["session_token"]
    headers = {**ORIGIN, "HTTP_X_VISITOR_SESSION": token}
    codes = [anon.post(url(widget, "messages"), {"body": f"m{i}"}, **headers).status_code for i in range(5)]
    assert codes == [201, 201, 201, 429, 429]
    assert Message.objects.for_tenant(widget.tenant).count() == 3


def test_huge_body_is_refused(anon, widget, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 50_000
    token = start(anon, widget).json()["session_token"]
    response = anon.post(
        url(widget, "messages"), raw='{"body": "' + "a" * 100_000 + '"}', **ORIGIN, HTTP_X_VISITOR_SESSION=token
    )
    assert response.status_code == 413


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_first_messages_make_one_conversation(anon, two_tenants):
    widget = webchat_account(two_tenants.a.tenant)
    token = anon.post(url(widget, "sessions"), {"prechat": {"email": "rush@example.test"}}).json()["session_token"]
    barrier = threading.Barrier(20)
    codes: list[int] = []

    def send(i: int) -> None:
        from conftest import Api

        client = Api()
        barrier.wait()
        try:
            codes.append(
                client.post(
                    url(widget, "messages"), {"body": f"msg {i}", "client_id": f"k{i}"}, HTTP_X_VISITOR_SESSION=token
                ).status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [201] * 20
    assert Conversation.objects.for_tenant(widget.tenant).count() == 1
    assert Message.objects.for_tenant(widget.tenant).count() == 20
    assert Contact.objects.for_tenant(widget.tenant).count() == 1
    assert Conversation.objects.for_tenant(widget.tenant).get().unread_count == 20


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_sessions_with_one_identity_make_one_contact(anon, two_tenants):
    widget = webchat_account(two_tenants.a.tenant)
    digest = identity_hash(widget.secret, "vip-7")
    barrier = threading.Barrier(20)
    codes: list[int] = []

    def start_session() -> None:
        from conftest import Api

        client = Api()
        barrier.wait()
        try:
            codes.append(
                client.post(
                    url(widget, "sessions"),
                    {"identifier": "vip-7", "identifier_hash": digest},
                    REMOTE_ADDR=f"10.0.0.{len(codes)}",
                ).status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=start_session) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes.count(201) == 20
    assert ContactIdentity.objects.for_tenant(widget.tenant).filter(kind="external", value="vip-7").count() == 1
    assert Contact.objects.for_tenant(widget.tenant).count() == 1


def test_a_visitor_writing_wakes_a_pending_conversation(anon, widget):
    token = start(anon, widget).json()["session_token"]
    headers = {**ORIGIN, "HTTP_X_VISITOR_SESSION": token}
    anon.post(url(widget, "messages"), {"body": "first"}, **headers)
    Conversation.objects.for_tenant(widget.tenant).update(status="pending")
    anon.post(url(widget, "messages"), {"body": "any news?"}, **headers)
    conversation = Conversation.objects.for_tenant(widget.tenant).get()
    assert (conversation.status, conversation.unread_count) == ("open", 2)


def test_new_conversations_start_in_the_accounts_department(anon, widget):
    from atendo.messaging.tests.factories import department

    sales = department(widget.tenant, "Vendas")
    widget.default_department = sales
    widget.save(update_fields=["default_department"])
    token = start(anon, widget).json()["session_token"]
    sent = anon.post(url(widget, "messages"), {"body": "Quero comprar"}, **ORIGIN, HTTP_X_VISITOR_SESSION=token)
    assert sent.status_code == 201
    assert Conversation.objects.for_tenant(widget.tenant).get().department_id == sales.id
