"""`Contact.identity_text` (contacts.0003): the identities' values in the contact's row, kept by
the database whoever writes the identities, and what search reads."""

from __future__ import annotations

import pytest

from atendo.contacts.models import Contact, ContactIdentity
from atendo.contacts.selectors import contact_list
from atendo.contacts.services import contact_upsert_by_identity

pytestmark = pytest.mark.django_db


def text_of(contact):
    return Contact.objects.for_tenant(contact.tenant_id).values_list("identity_text", flat=True).get(id=contact.id)


def test_identity_writes_of_any_kind_keep_it(two_tenants):
    tenant = two_tenants.a.tenant
    someone, _ = contact_upsert_by_identity(tenant=tenant, kind="whatsapp", value="+5511987654321", name="Ana")
    assert text_of(someone) == "+5511987654321"
    ContactIdentity.objects.bulk_create(
        [
            ContactIdentity(tenant=tenant, contact=someone, kind="email", value="ana@example.test"),
            ContactIdentity(tenant=tenant, contact=someone, kind="telegram", value="555000111"),
        ]
    )
    assert text_of(someone) == "ana@example.test\n555000111\n+5511987654321"  # by kind, then value
    identities = ContactIdentity.objects.for_tenant(tenant)
    identities.filter(kind="email").update(value="ana.souza@example.test")
    assert text_of(someone) == "ana.souza@example.test\n555000111\n+5511987654321"
    identities.filter(kind="telegram").delete()
    assert text_of(someone) == "ana.souza@example.test\n+5511987654321"


def test_moving_identities_refreshes_both_contacts(two_tenants):
    tenant = two_tenants.a.tenant
    source = Contact.objects.create(tenant=tenant, name="Old")
    target = Contact.objects.create(tenant=tenant, name="New")
    ContactIdentity.objects.create(tenant=tenant, contact=source, kind="email", value="old@example.test")
    ContactIdentity.objects.for_tenant(tenant).filter(contact=source).update(contact=target)
    assert (text_of(source), text_of(target)) == ("", "old@example.test")


def test_a_stale_save_does_not_overwrite_it(two_tenants):
    tenant = two_tenants.a.tenant
    someone = Contact.objects.create(tenant=tenant, name="Bia")  # in memory: identity_text ""
    ContactIdentity.objects.create(tenant=tenant, contact=someone, kind="email", value="bia@example.test")
    someone.name = "Bia Souza"
    someone.save()  # every column, the stale identity_text too
    assert text_of(someone) == "bia@example.test"


@pytest.mark.parametrize("common", [False, True])
def test_a_term_never_matches_across_two_identities(two_tenants, monkeypatch, common):
    if common:  # the contacts' own columns, row by row
        monkeypatch.setattr("atendo.contacts.selectors.COMMON_TERM_CONTACTS", 1)
    tenant = two_tenants.a.tenant
    someone = Contact.objects.create(tenant=tenant, name="Caio")
    ContactIdentity.objects.create(tenant=tenant, contact=someone, kind="email", value="caio@example.test")
    ContactIdentity.objects.create(tenant=tenant, contact=someone, kind="telegram", value="123456")
    found = contact_list(tenant=tenant, search="123456")
    assert list(found) == [someone]
    assert list(contact_list(tenant=tenant, search="test\n123")) == []
    assert list(contact_list(tenant=tenant, search="TEST")) == [someone]
