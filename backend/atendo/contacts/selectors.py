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
    search = search.strip()
    if search:
        digits = re.sub(r"\D", "", search)
        identity_match = ContactIdentity.objects.for_tenant(tenant).filter(contact=OuterRef("pk"))
        condition = Q(name__icontains=search) | Q(Exists(identity_match.filter(value__icontains=search.lower())))
        if len(digits) >= 4:
            condition |= Q(Exists(identity_match.filter(value__contains=digits)))
        qs = qs.filter(condition)
    return qs


def get_contact_for(*, tenant: Tenant, contact_id: UUID) -> Contact:
    contact = contact_list(tenant=tenant).filter(id=contact_id).first()
    if contact is None:
        raise NotFoundError()
    return contact
