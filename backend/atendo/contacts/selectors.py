"""Contact reads: tenant first, merged contacts hidden, search by name, phone or e-mail."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from django.contrib.postgres.fields import ArrayField
from django.db import connections
from django.db.models import BooleanField, F, Func, Prefetch, Q, QuerySet, Subquery, UUIDField, Value

from atendo.contacts.models import IDENTITY_TEXT_SEPARATOR, Contact, ContactIdentity
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


# How common a term is, in contacts matching it, picks the plan (tuned with bench/inbox_scale.py:
# 100,000 conversations of 60,000 contacts, an agent seeing a fifth of them):
# - under COMMON_TERM_CONTACTS, the rows of those contacts, by their ids, sorted (a few index
#   probes each);
# - under VERY_COMMON_TERM_CONTACTS, the list walked in its own order, each row's contact looked up
#   in a hash of the matching ids (built once: its cost grows with the matches);
# - beyond, the list walked in its own order, each row's contact checked by its columns (a page
#   of matches comes soonest).
COMMON_TERM_CONTACTS = 1500
VERY_COMMON_TERM_CONTACTS = 6000


def contact_search(*, tenant: Tenant | UUID, search: str, contact: str = "") -> Q:
    """A filter for rows whose contact (the row itself with `contact=""`, else the one at that
    path, e.g. "contact" for conversations) has `search` in its name or in any identity (phone,
    e-mail, channel id), any case; 4+ digits also match a phone however it was typed
    ("(11) 98765-4321"). Both read the contact's own row: its name and its identities' values
    (`Contact.identity_text`), each with a trigram index (contacts.0002, 0003).

    Costs one query, which picks the plan by how common the term is (COMMON_TERM_CONTACTS): a
    rare one (a phone, an e-mail, a full name) filters by the ids of its few matches, whatever the
    number of contacts; a common one ("ana") is checked row by row along the list's order, which
    stops at a page."""
    term = search.strip()
    digits = re.sub(r"\D", "", term)
    if IDENTITY_TEXT_SEPARATOR in term:
        # It could match across two values of `identity_text`: the identities one by one.
        values = ContactIdentity.objects.for_tenant(tenant).filter(value__icontains=term).values("contact_id")
        identity_match = Q(pk__in=values)
    else:
        identity_match = Q(identity_text__icontains=term)
    if len(digits) >= 4 and digits != term:
        identity_match |= Q(identity_text__icontains=digits)
    match = Q(name__icontains=term) | identity_match
    matching = Contact.objects.for_tenant(tenant).filter(match).values("id")
    # (The contacts themselves have two plans only: counting beyond the first tier is waste.)
    ids, matches = _first_ids(matching, VERY_COMMON_TERM_CONTACTS if contact else COMMON_TERM_CONTACTS)
    column = F(f"{contact}_id" if contact else "pk")
    if matches < COMMON_TERM_CONTACTS:
        # The ids themselves, not the subquery: PostgreSQL cannot tell how many contacts a LIKE
        # matches (it guessed 600 for 25) and then walked the whole list to find the 25.
        return Q(_AnyOf(column, Value(ids, output_field=_UUIDS)))
    if not contact:  # the contacts themselves: their own columns
        return match
    if matches < VERY_COMMON_TERM_CONTACTS:
        return Q(_InHashed(column, Subquery(matching)))
    return _prefixed(match, contact)


def _first_ids(matching: QuerySet[Contact, dict[str, Any]], count_to: int) -> tuple[list[UUID], int]:
    """How many contacts `matching` has (counted up to `count_to`) and, fewer than
    COMMON_TERM_CONTACTS, their ids; in one query, one row (a common term's ids are not sent)."""
    sql, params = matching[:count_to].query.sql_with_params()
    with connections[matching.db].cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), CASE WHEN count(*) < %s THEN array_agg(id) END FROM ({sql}) AS matching",  # noqa: S608 (Django's SQL)
            (COMMON_TERM_CONTACTS, *params),
        )
        matches, ids = cursor.fetchone()
    return ids or [], matches


_UUIDS = ArrayField(UUIDField())


class _AnyOf(Func):
    """`expression = ANY(array)`: one parameter however many values (`__in` makes one each, and a
    statement per length)."""

    output_field = BooleanField()
    arg_joiner = " = ANY("
    template = "%(expressions)s)"


class _InHashed(Func):
    """`(expression IN (subquery)) IS TRUE`: the same rows as IN, but a filter PostgreSQL keeps
    on the walk along the list's order, with the subquery's rows hashed once ("hashed SubPlan").
    A plain IN becomes a join the planner costs by its guess of the matches, and for a LIKE that
    guess is far off (it walked the list in parallel workers, two to three times slower)."""

    output_field = BooleanField()
    arg_joiner = " IN "  # the subquery brings its parentheses
    template = "(%(expressions)s) IS TRUE"


def _prefixed(q: Q, path: str) -> Q:
    """`q` (lookups on a contact) for rows whose contact is at `path`."""
    children = [
        _prefixed(child, path) if isinstance(child, Q) else (f"{path}__{child[0]}", child[1])  # type: ignore[index]
        for child in q.children
    ]
    return Q(*children, _connector=q.connector, _negated=q.negated)


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
