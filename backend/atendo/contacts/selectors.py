"""Contact reads: tenant first, merged contacts hidden, search by name, phone or e-mail."""

from __future__ import annotations

import re
from uuid import UUID

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from atendo.contacts.models import Contact, ContactIdentity
from atendo.core.errors import NotFoundError
from atendo.core.models import Tenant


def contact_list(*, tenant: Tenant, search: str = "", tag: str = "") -> QuerySet[Contact]:
    qs = (
        Contact.objects.for_tenant(tenant)
        .filter(merged_into__isnull=True)
        .prefetch_related(Prefetch("identities", queryset=ContactIdentity.objects.for_tenant(tenant).order_by("kind")))
    )
    if tag:
        qs = qs.filter(tags__contains=[tag])
    if search.strip():
        qs = qs.filter(contact_search(tenant=tenant, search=search))
    return qs


# A term with this many matches (names plus identities, counted up to it: a contact found by name
# and e-mail counts twice) is common: walking the list in its own order meets a page of matches
# sooner than gathering every match and sorting them. Tuned with bench/inbox_scale.py (100,000
# conversations of 60,000 contacts: the two plans cost the same near 1,500 matching contacts).
COMMON_TERM_MATCHES = 3000


def contact_search(*, tenant: Tenant | UUID, search: str, contact: str = "") -> Q:
    """A filter for rows whose contact (the row itself with `contact=""`, else the one at that
    path, e.g. "contact" for conversations) has `search` in its name or in any identity (phone,
    e-mail, channel id), any case; 4+ digits also match a phone however it was typed
    ("(11) 98765-4321"). Both lookups read trigram indexes (contacts.0002).

    Costs one query, which picks the plan by how common the term is: a rare one (a phone, an
    e-mail, a full name) filters by the ids of its few matches, whatever the number of contacts;
    a common one ("ana") is checked row by row along the list's order, which stops at a page."""
    term = search.strip()
    digits = re.sub(r"\D", "", term)
    identity_match = Q(value__icontains=term)
    if len(digits) >= 4 and digits != term:
        identity_match |= Q(value__icontains=digits)
    names = Contact.objects.for_tenant(tenant).filter(name__icontains=term).values("id")
    identities = ContactIdentity.objects.for_tenant(tenant).filter(identity_match)
    contact_id = f"{contact}_id" if contact else "pk"
    common = names.union(identities.values("contact_id"), all=True)[:COMMON_TERM_MATCHES].count()
    if common < COMMON_TERM_MATCHES:
        return Q(**{f"{contact_id}__in": names.union(identities.values("contact_id"))})
    name = f"{contact}__name__icontains" if contact else "name__icontains"
    return Q(**{name: term}) | Q(Exists(identities.filter(contact=OuterRef(contact_id))))


def get_contact_for(*, tenant: Tenant, contact_id: UUID) -> Contact:
    contact = contact_list(tenant=tenant).filter(id=contact_id).first()
    if contact is None:
        raise NotFoundError()
    return contact


def get_identity_for(*, tenant: Tenant, contact: Contact, identity_id: UUID) -> ContactIdentity:
    """One identity of `contact` (already resolved inside `tenant`): 404 for any other id."""
    identity = ContactIdentity.objects.for_tenant(tenant).filter(contact=contact, id=identity_id).first()
    if identity is None:
        raise NotFoundError()
    identity.contact = contact
    return identity
