"""What the inbox's contact panel edits: phone numbers and e-mail addresses typed by agents,
custom attributes (flat, bounded), and the read-only identities channels gave the contact."""

from __future__ import annotations

import pytest

from atendo.contacts.events import ContactChanged
from atendo.contacts.models import Contact, ContactIdentity
from atendo.contacts.services import contact_upsert_by_identity
from atendo.core.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def maria(two_tenants) -> Contact:
    person, _ = contact_upsert_by_identity(
        tenant=two_tenants.a.tenant, kind="whatsapp", value="5511987654321", name="Maria"
    )
    return person


def identities(response) -> set[tuple[str, str]]:
    return {(i["kind"], i["value"]) for i in response.json()["identities"]}


def test_agent_adds_a_phone_and_an_email_normalised(
    two_tenants, maria, captured_events, django_capture_on_commit_callbacks
):
    api = two_tenants.a.api("agent")
    with django_capture_on_commit_callbacks(execute=True):
        phone = api.post(f"/api/v1/contacts/{maria.id}/identities", {"kind": "phone", "value": "(21) 99999-1234"})
    assert phone.status_code == 201, phone.json()
    email = api.post(f"/api/v1/contacts/{maria.id}/identities", {"kind": "email", "value": " Maria@Example.TEST "})
    assert identities(email) == {
        ("whatsapp", "+5511987654321"),
        ("phone", "+5521999991234"),
        ("email", "maria@example.test"),
    }
    assert AuditLog.objects.for_tenant(two_tenants.a.tenant).filter(action="contact.identity_added").count() == 2
    assert [e for e in captured_events if isinstance(e, ContactChanged)] == [
        ContactChanged(tenant_id=two_tenants.a.tenant.id, contact_id=maria.id, change="updated")
    ]


def test_an_address_of_another_contact_is_a_conflict(two_tenants, maria):
    contact_upsert_by_identity(tenant=two_tenants.a.tenant, kind="email", value="taken@example.test")
    api = two_tenants.a.api("agent")
    response = api.post(f"/api/v1/contacts/{maria.id}/identities", {"kind": "email", "value": "TAKEN@example.test"})
    assert (response.status_code, response.json()["code"]) == (409, "identity_taken")
    assert "value" in response.json()["fields"]
    # Another tenant's contact with the same address is no conflict: tenants never meet.
    contact_upsert_by_identity(tenant=two_tenants.b.tenant, kind="email", value="other@example.test")
    ok = api.post(f"/api/v1/contacts/{maria.id}/identities", {"kind": "email", "value": "other@example.test"})
    assert ok.status_code == 201


@pytest.mark.parametrize(
    ("kind", "value"), [("phone", "12"), ("email", "nope"), ("webchat", "v-1"), ("whatsapp", "5511")]
)
def test_bad_or_channel_identities_are_refused(two_tenants, maria, kind, value):
    response = two_tenants.a.api("agent").post(
        f"/api/v1/contacts/{maria.id}/identities", {"kind": kind, "value": value}
    )
    assert response.status_code == 400
    assert response.json()["code"] in ("invalid_identity", "identity_read_only")
    assert ContactIdentity.objects.for_tenant(two_tenants.a.tenant).filter(contact=maria).count() == 1


def test_agent_corrects_and_removes_a_phone(two_tenants, maria):
    api = two_tenants.a.api("agent")
    added = api.post(f"/api/v1/contacts/{maria.id}/identities", {"kind": "phone", "value": "+55 21 99999-1234"}).json()
    phone_id = next(i["id"] for i in added["identities"] if i["kind"] == "phone")
    changed = api.patch(f"/api/v1/contacts/{maria.id}/identities/{phone_id}", {"value": "(21) 98888-7777"})
    assert changed.status_code == 200, changed.json()
    assert ("phone", "+5521988887777") in identities(changed)
    assert api.delete(f"/api/v1/contacts/{maria.id}/identities/{phone_id}").status_code == 204
    assert identities(api.get(f"/api/v1/contacts/{maria.id}")) == {("whatsapp", "+5511987654321")}
    actions = set(AuditLog.objects.for_tenant(two_tenants.a.tenant).values_list("action", flat=True))
    assert {"contact.identity_changed", "contact.identity_removed"} <= actions


def test_channel_identities_are_read_only(two_tenants, maria):
    api = two_tenants.a.api("agent")
    whatsapp = ContactIdentity.objects.for_tenant(two_tenants.a.tenant).get(contact=maria)
    path = f"/api/v1/contacts/{maria.id}/identities/{whatsapp.id}"
    assert api.patch(path, {"value": "+5511900000000"}).json()["code"] == "identity_read_only"
    assert api.delete(path).json()["code"] == "identity_read_only"
    assert ContactIdentity.objects.for_tenant(two_tenants.a.tenant).get(id=whatsapp.id).value == "+5511987654321"


def test_a_nameless_contact_keeps_its_last_identity(two_tenants):
    person, _ = contact_upsert_by_identity(tenant=two_tenants.a.tenant, kind="email", value="only@example.test")
    identity = ContactIdentity.objects.for_tenant(two_tenants.a.tenant).get(contact=person)
    response = two_tenants.a.api("agent").delete(f"/api/v1/contacts/{person.id}/identities/{identity.id}")
    assert (response.status_code, response.json()["code"]) == (400, "contact_empty")
    assert ContactIdentity.objects.for_tenant(two_tenants.a.tenant).filter(id=identity.id).exists()


def test_identity_of_another_contact_or_tenant_is_404(two_tenants, maria):
    api = two_tenants.a.api("agent")
    other, _ = contact_upsert_by_identity(tenant=two_tenants.a.tenant, kind="phone", value="+5511933334444")
    theirs, _ = contact_upsert_by_identity(tenant=two_tenants.b.tenant, kind="phone", value="+5511955556666")
    for owner in (other, theirs):
        identity = ContactIdentity.objects.for_tenant(owner.tenant_id).filter(contact=owner).first()
        assert identity is not None
        path = f"/api/v1/contacts/{maria.id}/identities/{identity.id}"
        assert api.patch(path, {"value": "+5511977778888"}).status_code == 404
        assert api.delete(path).status_code == 404
    assert ContactIdentity.objects.for_tenant(two_tenants.b.tenant).get(contact=theirs).value == "+5511955556666"
    b_path = f"/api/v1/contacts/{theirs.id}/identities"
    assert api.post(b_path, {"kind": "email", "value": "x@example.test"}).status_code == 404


def test_only_members_who_edit_contacts_may_change_identities(two_tenants, maria):
    from atendo.core.models import Role, RoleAssignment
    from conftest import Api

    tenant = two_tenants.a.tenant
    viewer = two_tenants.a.add_member("agent")
    read_only = Role.objects.create(
        tenant=tenant, slug="viewer", name="Viewer", permissions=["contact.view", "conversation.view"]
    )
    RoleAssignment.objects.for_tenant(tenant).filter(member=viewer).update(role=read_only)
    api = Api(viewer.user, tenant)
    assert api.get(f"/api/v1/contacts/{maria.id}").status_code == 200
    response = api.post(f"/api/v1/contacts/{maria.id}/identities", {"kind": "email", "value": "v@example.test"})
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


@pytest.mark.parametrize(
    ("attributes", "code"),
    [
        ({"x" * 65: "long name"}, "invalid_attribute_name"),
        ({"  ": "blank name"}, "invalid_attribute_name"),
        ({"plan": {"nested": 1}}, "invalid_attribute_value"),
        ({"plan": ["a", "b"]}, "invalid_attribute_value"),
        ({"notes": "n" * 1001}, "invalid_attribute_value"),
        ({f"k{i}": i for i in range(51)}, "too_many_attributes"),
    ],
)
def test_custom_attributes_are_flat_and_bounded(two_tenants, maria, attributes, code):
    response = two_tenants.a.api("agent").patch(f"/api/v1/contacts/{maria.id}", {"custom_attributes": attributes})
    assert response.status_code == 400, response.json()
    assert "custom_attributes" in response.json()["fields"]
    assert Contact.objects.for_tenant(two_tenants.a.tenant).get(id=maria.id).custom_attributes == {}


def test_custom_attributes_accept_scalars_and_explain_in_portuguese(two_tenants, maria):
    api = two_tenants.a.api("agent")
    attributes = {"plano": "ouro", "pedidos": 3, "ticket_medio": 129.9, "vip": True, "cupom": None, "x" * 64: "ok"}
    response = api.patch(f"/api/v1/contacts/{maria.id}", {"custom_attributes": attributes})
    assert (response.status_code, response.json()["custom_attributes"]) == (200, attributes)
    refused = api.patch(f"/api/v1/contacts/{maria.id}", {"custom_attributes": {"a": [1]}}, HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert "Atributos aceitam" in str(refused.json()["fields"]["custom_attributes"]), refused.json()
