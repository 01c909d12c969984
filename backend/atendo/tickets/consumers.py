from __future__ import annotations

from atendo.core.access import unit_groups
from atendo.core.models import TenantUser
from atendo.core.realtime import groups
from atendo.core.realtime.consumers import TenantConsumer


class TicketBoardConsumer(TenantConsumer):
    """`ws/{tenant_slug}/tickets`: the kanban's live feed, within the member's scope."""

    permission = "ticket.view"

    def groups_for(self, member: TenantUser) -> list[str]:
        return [
            groups.member(member.tenant_id, member.id),
            *unit_groups(
                member,
                "ticket.view",
                groups.board(member.tenant_id),
                lambda kind, unit_id: groups.board_unit(member.tenant_id, kind, unit_id),
            ),
        ]
