"""Core event listeners (registered by CoreConfig.ready)."""

from atendo.core.events import listens_to
from atendo.core.realtime import groups
from atendo.core.realtime.broadcast import send_to_groups
from atendo.core.services.events import MemberChanged


@listens_to(MemberChanged)
def broadcast_member_change(event: MemberChanged) -> None:
    if event.tenant_id is not None:
        send_to_groups(event, groups.tenant(event.tenant_id))
