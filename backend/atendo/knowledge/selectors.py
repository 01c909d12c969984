"""Reads of quick replies: what a member may see, search folded for case and accents."""

from __future__ import annotations

import unicodedata
from uuid import UUID

from django.db.models import BooleanField, Case, F, Func, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Lower

from atendo.core.access import can_in_units, member_grants
from atendo.core.errors import NotFoundError
from atendo.core.models import ScopeType, TenantUser
from atendo.knowledge.models import QuickReply
from atendo.organizations.models import Team

# Members holding one of these tenant-wide work in every department (see all department replies).
TENANT_WIDE_WORK = ("conversation.view", "knowledge.manage")

# translate() is core PostgreSQL: no `unaccent` extension to install. Upper-case accented
# letters map straight to lower-case ASCII because lower() leaves them alone under a C locale.
_ACCENTED = "áàâãäåéèêëíìîïóòôõöúùûüçñýÿÁÀÂÃÄÅÉÈÊËÍÌÎÏÓÒÔÕÖÚÙÛÜÇÑÝ"
_PLAIN = "aaaaaaeeeeiiiiooooouuuucnyyaaaaaaeeeeiiiiooooouuuucny"
assert len(_ACCENTED) == len(_PLAIN)


def fold(text: str) -> str:
    """Lower case without accents: what the SQL side (`_Folded`) computes for a column."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class _Folded(Func):
    function = "translate"
    output_field = TextField()

    def __init__(self, field: str) -> None:
        super().__init__(Lower(F(field)), Value(_ACCENTED), Value(_PLAIN))


def _departments_in_scope(member: TenantUser) -> Q | None:
    """None when the member works tenant-wide; else the departments their scoped roles name,
    directly or through one of their teams."""
    grants = member_grants(member)
    if any(grants.allows(permission) for permission in TENANT_WIDE_WORK):
        return None
    departments = [scope_id for kind, scope_id in grants.scoped if kind == ScopeType.DEPARTMENT]
    teams = [scope_id for kind, scope_id in grants.scoped if kind == ScopeType.TEAM]
    condition = Q(department_id__in=departments)
    if teams:
        condition |= Q(
            department_id__in=Team.objects.for_tenant(member.tenant_id).filter(id__in=teams).values("department_id")
        )
    return condition


def visible_quick_replies(member: TenantUser) -> QuerySet[QuickReply]:
    """The member's personal replies, shared tenant-wide ones, and shared ones of their departments."""
    shared = Q(owner__isnull=True)
    departments = _departments_in_scope(member)
    if departments is not None:
        shared &= Q(department__isnull=True) | departments
    return QuickReply.objects.for_tenant(member.tenant_id).filter(shared | Q(owner=member))


def _manageable(member: TenantUser) -> Q:
    """The rows `can_manage_quick_reply` allows, as a condition (for the `can_edit` column)."""
    grants = member_grants(member)
    condition = Q(owner=member)
    if grants.allows("knowledge.manage"):
        return condition | Q(owner__isnull=True)
    departments = [
        scope_id for kind, scope_id in grants.scopes_with("knowledge.manage") if kind == ScopeType.DEPARTMENT
    ]
    if departments:
        condition |= Q(owner__isnull=True, department_id__in=departments)
    return condition


def quick_reply_list(*, member: TenantUser, search: str = "") -> QuerySet[QuickReply]:
    """Visible replies with `can_edit` (may this member change it) computed in the same query."""
    qs = (
        visible_quick_replies(member)
        .select_related("created_by")
        # CASE, not a bare condition: `owner = …` is NULL (not false) on shared rows.
        .annotate(
            can_edit=Case(
                When(_manageable(member), then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
    )
    # "/ola" finds the reply typed as /ola: the slash is how agents think of shortcuts.
    needle = fold(search.strip()).lstrip("/")
    if needle:
        qs = qs.annotate(
            folded_shortcut=_Folded("shortcut"), folded_title=_Folded("title"), folded_body=_Folded("body")
        ).filter(
            Q(folded_shortcut__contains=needle) | Q(folded_title__contains=needle) | Q(folded_body__contains=needle)
        )
    return qs


def get_quick_reply_for(member: TenantUser, quick_reply_id: UUID) -> QuickReply:
    """404 for other tenants, others' personal replies and departments out of scope alike."""
    row = quick_reply_list(member=member).filter(id=quick_reply_id).first()
    if row is None:
        raise NotFoundError()
    return row


def can_manage_quick_reply(member: TenantUser, *, personal_owner_id: UUID | None, department_id: UUID | None) -> bool:
    """Personal replies belong to their owner. Shared ones need `knowledge.manage`: tenant-wide
    for tenant-wide replies, tenant-wide or in the department for a department's replies."""
    if not member.is_active:
        return False
    if personal_owner_id is not None:
        return personal_owner_id == member.id
    if department_id is None:
        return member_grants(member).allows("knowledge.manage")
    return can_in_units(member, "knowledge.manage", [(ScopeType.DEPARTMENT, department_id)])
