"""What the inbox-at-scale work changed (bench/inbox_scale.py): the list and the detail are
rendered by the plain frame functions, the list loads only the related columns a row shows, and
the searches (inbox `q`, contacts) read trigram-indexed matches. Same answers as before, in the
same number of queries whatever the page size, inside the tenant and the member's scope."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from atendo.contacts.models import Contact, ContactIdentity
from atendo.messaging.models import Conversation, Message, MessageAttachment
from atendo.messaging.serializers import ConversationSerializer, MessageSerializer
from atendo.messaging.tests.factories import contact, conversation, department, inbound, webchat_account

pytestmark = pytest.mark.django_db


def as_json(data):
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def person(tenant, name, **identities):
    someone = Contact.objects.create(tenant=tenant, name=name)
    for kind, value in identities.items():
        ContactIdentity.objects.create(tenant=tenant, contact=someone, kind=kind, value=value)
    return someone


def listed(api, **params):
    response = api.get("/api/v1/conversations", {"status": "all", **params})
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_list_rows_are_the_serializer_output(two_tenants):
    tenant = two_tenants.a.tenant
    agent = two_tenants.a.member("agent")
    conv = conversation(
        tenant,
        assignee=agent,
        department=department(tenant, "Vendas"),
        tags=["vip"],
        unread_count=2,
        last_message_preview="Oi",
        last_message_at=timezone.now(),
        snoozed_until=timezone.now() + timedelta(hours=1),
    )
    conversation(tenant)  # unassigned: "assignee": null
    body = two_tenants.a.api("owner").get("/api/v1/conversations", {"status": "all"}).json()
    expected = {
        str(c.id): as_json(ConversationSerializer(c).data)
        for c in Conversation.objects.for_tenant(tenant).select_related("contact", "assignee", "account")
    }
    assert len(body["results"]) == 2
    for row in body["results"]:
        assert row == expected[row["id"]]
    assert next(r for r in body["results"] if r["id"] == str(conv.id))["assignee"]["id"] == str(agent.id)


def test_detail_is_the_serializers_output(two_tenants):
    tenant = two_tenants.a.tenant
    conv = conversation(tenant, assignee=two_tenants.a.member("agent"))
    messages = [inbound(conv, f"m{i}") for i in range(3)]
    body = two_tenants.a.api("agent").get(f"/api/v1/conversations/{conv.id}", {"limit": 2}).json()
    conv = Conversation.objects.for_tenant(tenant).select_related("contact", "assignee", "account").get(id=conv.id)
    assert {k: v for k, v in body.items() if k != "messages"} == as_json(ConversationSerializer(conv).data)
    assert body["messages"]["has_more"] is True
    shown = (
        Message.objects.for_tenant(tenant)
        .filter(id__in=[m.id for m in messages[1:]])
        .prefetch_related(Prefetch("attachments", queryset=MessageAttachment.objects.for_tenant(tenant)))
        .order_by("created_at", "id")
    )
    assert body["messages"]["results"] == as_json(MessageSerializer(shown, many=True).data)


def test_list_queries_do_not_grow_with_the_page(two_tenants):
    tenant = two_tenants.a.tenant
    account = webchat_account(tenant)
    agent = two_tenants.a.member("agent")
    for i in range(25):
        conversation(tenant, account, assignee=agent if i % 2 else None, contact=contact(tenant, f"Pessoa {i}"))
    api = two_tenants.a.api("owner")
    counts = []
    for size in (1, 25):
        api.get("/api/v1/conversations", {"status": "all", "page_size": size})  # warm caches
        with CaptureQueriesContext(connection) as captured:
            page = api.get("/api/v1/conversations", {"status": "all", "page_size": size}).json()
        assert len(page["results"]) == size
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


@pytest.fixture(params=["rare", "common", "very common"])
def search_plan(request, monkeypatch):
    """The three plans of a search (contacts.selectors.contact_search): the ids of a rare term's
    matches, a common term's matching ids hashed, a very common term checked row by row. They
    must find the same rows."""
    if request.param != "rare":
        monkeypatch.setattr("atendo.contacts.selectors.COMMON_TERM_CONTACTS", 1)
    if request.param == "very common":
        monkeypatch.setattr("atendo.contacts.selectors.VERY_COMMON_TERM_CONTACTS", 1)
    return request.param


def test_inbox_search_by_name_phone_email_any_case(two_tenants, search_plan):
    tenant = two_tenants.a.tenant
    account = webchat_account(tenant)
    zelia = conversation(tenant, account, contact=person(tenant, "Zélia Quintino", email="zelia.q@example.test"))
    phone = conversation(tenant, account, contact=person(tenant, "Sem Nome", whatsapp="+5511987654321"))
    other = conversation(tenant, account, contact=person(tenant, "Outra Pessoa", email="outra@example.test"))
    api = two_tenants.a.api("owner")
    assert listed(api, q="quintino") == {str(zelia.id)}
    assert listed(api, q="ZÉLIA") == {str(zelia.id)}
    assert listed(api, q="Q@EXAMPLE") == {str(zelia.id)}
    assert listed(api, q="(11) 98765-4321") == {str(phone.id)}  # typed as people type it
    assert listed(api, q="98765") == {str(phone.id)}
    assert listed(api, q="example.test") == {str(zelia.id), str(other.id)}
    assert listed(api, q="100%_") == set()  # LIKE wildcards are text, not patterns


def test_a_search_costs_the_same_queries_whatever_the_page(two_tenants, search_plan):
    tenant = two_tenants.a.tenant
    account = webchat_account(tenant)
    for i in range(12):
        conversation(tenant, account, contact=person(tenant, f"Ana {i}", email=f"ana{i}@example.test"))
    api = two_tenants.a.api("owner")
    counts = []
    for size in (1, 12):
        api.get("/api/v1/conversations", {"status": "all", "q": "ana", "page_size": size})
        with CaptureQueriesContext(connection) as captured:
            page = api.get("/api/v1/conversations", {"status": "all", "q": "ana", "page_size": size}).json()
        assert len(page["results"]) == size
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_inbox_search_stays_in_the_tenant_and_the_scope(two_tenants, search_plan):
    tenant, elsewhere = two_tenants.a.tenant, two_tenants.b.tenant
    sales, support = department(tenant, "Vendas"), department(tenant, "Suporte")
    account = webchat_account(tenant)
    in_support = conversation(tenant, account, department=support, contact=person(tenant, "Joana Prado"))
    conversation(tenant, account, department=sales, contact=person(tenant, "Joana Prado Neto"))
    conversation(elsewhere, contact=person(elsewhere, "Joana Prado"))
    scoped = two_tenants.a.add_member("agent", scope=("department", support.id))
    from conftest import Api

    assert listed(Api(scoped.user, tenant), q="joana prado") == {str(in_support.id)}
    assert len(listed(two_tenants.a.api("owner"), q="joana prado")) == 2
    assert listed(two_tenants.b.api("owner"), q="Neto") == set()


def test_contact_search_uses_every_identity_and_hides_merged_and_other_tenants(two_tenants, search_plan):
    tenant, elsewhere = two_tenants.a.tenant, two_tenants.b.tenant
    found = person(tenant, "Caio Brandão", email="caio@loja.test", telegram="555000111")
    merged = person(tenant, "Caio Brandão (antigo)")
    Contact.objects.for_tenant(tenant).filter(id=merged.id).update(merged_into=found)
    person(elsewhere, "Caio Brandão", email="caio@outra.test")
    api = two_tenants.a.api("owner")

    def search(term):
        response = api.get("/api/v1/contacts", {"q": term})
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert search("brandão") == [str(found.id)]
    assert search("LOJA.TEST") == [str(found.id)]
    assert search("555000") == [str(found.id)]
    assert search("outra.test") == []
