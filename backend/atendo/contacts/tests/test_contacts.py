"""Contacts: normalised identities, race-safe upsert, CRUD, search and merges."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from atendo.contacts.identities import normalize_identity
from atendo.contacts.models import Contact, ContactIdentity
from atendo.contacts.services import contact_upsert_by_identity
from atendo.core.errors import ApplicationError
from atendo.core.models import AuditLog
from atendo.messaging.models import Conversation
from atendo.messaging.tests.factories import conversation, webchat_account

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "raw", "normalized"),
    [
        ("phone", "(11) 98765-4321", "+5511987654321"),
        ("whatsapp", "5511987654321", "+5511987654321"),
        ("phone", "+1 415 555 2671", "+14155552671"),
        ("email", "  Maria@Example.TEST ", "maria@example.test"),
        ("telegram", "123456789", "123456789"),
    ],
)
def test_identities_are_normalised(kind, raw, normalized):
    assert normalize_identity(kind, raw) == normalized


@pytest.mark.parametrize(("kind", "raw"), [("phone", "12"), ("email", "not-an-email"), ("email", "")])
def test_bad_identities_are_refused(kind, raw):
    with pytest.raises(ApplicationError):
        normalize_identity(kind, raw)


def test_upsert_finds_the_same_person_however_the_number_is_written(two_tenants):
    tenant = two_tenants.a.tenant
    first, created = contact_upsert_by_identity(tenant=tenant, kind="whatsapp", value="5511987654321", name="Ana")
    again, created_again = contact_upsert_by_identity(tenant=tenant, kind="whatsapp", value="+55 (11) 98765-4321")
    assert (created, created_again, again.id) == (True, False, first.id)
    other_tenant, _ = contact_upsert_by_identity(tenant=two_tenants.b.tenant, kind="whatsapp", value="5511987654321")
    assert other_tenant.id != first.id


@pytest.mark.django_db(transaction=True)
def test_concurrent_upserts_make_one_contact(two_tenants):
    tenant = two_tenants.a.tenant
    barrier = threading.Barrier(12)
    found: list = []

    def upsert() -> None:
        barrier.wait()
        try:
            found.append(contact_upsert_by_identity(tenant=tenant, kind="email", value="race@example.test")[0].id)
        finally:
            connection.close()

    threads = [threading.Thread(target=upsert) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(found)) == 1 and len(found) == 12
    assert Contact.objects.for_tenant(tenant).count() == 1


def test_create_search_and_edit(two_tenants):
    api = two_tenants.a.api("agent")
    created = api.post(
        "/api/v1/contacts",
        {
            "name": "João Silva",
            "tags": ["vip"],
            "identities": [
                {"kind": "phone", "value": "(21) 99999-1234"},
                {"kind": "email", "value": "Joao@Example.test"},
            ],
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert {(i["kind"], i["value"]) for i in body["identities"]} == {
        ("phone", "+5521999991234"),
        ("email", "joao@example.test"),
    }
    for q in ("joão", "99999", "joao@exa"):
        results = api.get("/api/v1/contacts", {"q": q}).json()["results"]
        assert [c["id"] for c in results] == [body["id"]], q
    edited = api.patch(f"/api/v1/contacts/{body['id']}", {"custom_attributes": {"plan": "gold"}, "blocked": True})
    assert (edited.status_code, edited.json()["custom_attributes"]) == (200, {"plan": "gold"})
    duplicate = api.post(
        "/api/v1/contacts", {"name": "Outro", "identities": [{"kind": "email", "value": "joao@example.test"}]}
    )
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "identity_taken")
    bad = api.patch(f"/api/v1/contacts/{body['id']}", {"custom_attributes": {"nested": {"no": 1}}})
    assert bad.status_code == 400


def test_merge_moves_identities_and_conversations(two_tenants):
    tenant = two_tenants.a.tenant
    account = webchat_account(tenant)
    keep, _ = contact_upsert_by_identity(tenant=tenant, kind="email", value="keep@example.test", name="Keep")
    dup, _ = contact_upsert_by_identity(tenant=tenant, kind="phone", value="+5511911112222", name="Dup")
    open_keep = conversation(tenant, account, contact=keep)
    open_dup = conversation(tenant, account, contact=dup)
    old_dup = conversation(tenant, webchat_account(tenant), contact=dup, status="resolved")
    api = two_tenants.a.api("admin")
    response = api.post(f"/api/v1/contacts/{keep.id}/merge", {"duplicate": str(dup.id)})
    assert response.status_code == 200, response.json()
    assert {i["kind"] for i in response.json()["identities"]} == {"email", "phone"}
    moved = Conversation.objects.for_tenant(tenant)
    assert set(moved.filter(contact=keep).values_list("id", flat=True)) == {open_keep.id, open_dup.id, old_dup.id}
    assert moved.get(id=open_dup.id).status == "resolved"  # one unresolved conversation per account
    assert api.get(f"/api/v1/contacts/{dup.id}").status_code == 404  # merged contacts are hidden
    assert AuditLog.objects.for_tenant(tenant).filter(action="contact.merged").exists()
    agent = two_tenants.a.api("agent")
    assert agent.post(f"/api/v1/contacts/{keep.id}/merge", {"duplicate": str(keep.id)}).status_code == 403


def test_contacts_of_another_tenant_are_invisible(two_tenants):
    theirs, _ = contact_upsert_by_identity(tenant=two_tenants.b.tenant, kind="email", value="t@example.test")
    api = two_tenants.a.api("owner")
    assert api.get(f"/api/v1/contacts/{theirs.id}").status_code == 404
    mine, _ = contact_upsert_by_identity(tenant=two_tenants.a.tenant, kind="email", value="m@example.test")
    merged = api.post(f"/api/v1/contacts/{mine.id}/merge", {"duplicate": str(theirs.id)})
    assert merged.status_code == 404
    assert ContactIdentity.objects.for_tenant(two_tenants.b.tenant).filter(contact=theirs).count() == 1


def test_contact_list_is_constant_in_queries(two_tenants, django_assert_max_num_queries):
    for i in range(25):
        contact_upsert_by_identity(tenant=two_tenants.a.tenant, kind="email", value=f"c{i}@example.test", name=f"C{i}")
    # auth user, tenant, membership, grants, page, identities (+ a cursor probe): not per row
    with django_assert_max_num_queries(8):
        page = two_tenants.a.api("agent").get("/api/v1/contacts", {"page_size": 20}).json()
    assert len(page["results"]) == 20
