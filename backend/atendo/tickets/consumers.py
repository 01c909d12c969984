from __future__ import annotations

from atendo.core.access import member_grants
from atendo.core.models import ScopeType, TenantUser
from atendo.core.realtime import groups
from atendo.core.realtime.consumers import TenantConsumer


class TicketBoardConsumer(TenantConsumer):
    """`ws/{tenant_slug}/tickets`: the kanban's live feed, within the member's scope."""

    permission = "ticket.view"

    def groups_for(self, member: TenantUser) -> list[str]:
        grants = member_grants(member)
        names = [groups.member(member.tenant_id, member.id)]
        if grants.allows("ticket.view"):
            names.append(groups.board(member.tenant_id))
        for kind, scope_id in grants.scopes_with("ticket.view"):
            if kind in (ScopeType.DEPARTMENT, ScopeType.TEAM):
                names.append(groups.board_unit(member.tenant_id, kind, scope_id))
        return names
