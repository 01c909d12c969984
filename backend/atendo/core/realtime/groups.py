"""Channel-layer group names, in one place, always prefixed by the tenant id."""

from uuid import UUID


def tenant(tenant_id: UUID | str) -> str:
    return f"t.{tenant_id}"


def member(tenant_id: UUID | str, member_id: UUID | str) -> str:
    return f"t.{tenant_id}.m.{member_id}"


def presence(tenant_id: UUID | str) -> str:
    return f"t.{tenant_id}.presence"


def inbox(tenant_id: UUID | str) -> str:
    """Conversation list updates for members who see every conversation of the tenant."""
    return f"t.{tenant_id}.inbox"


def inbox_unit(tenant_id: UUID | str, scope_type: str, scope_id: UUID | str) -> str:
    """Conversation list updates for members scoped to one department or team."""
    return f"t.{tenant_id}.inbox.{scope_type}.{scope_id}"


def conversation(tenant_id: UUID | str, conversation_id: UUID | str) -> str:
    return f"t.{tenant_id}.c.{conversation_id}"


def visitor(tenant_id: UUID | str, contact_id: UUID | str) -> str:
    """A web chat visitor's sockets (all their tabs)."""
    return f"t.{tenant_id}.v.{contact_id}"


def board(tenant_id: UUID | str) -> str:
    """Ticket board updates for members who see every ticket of the tenant."""
    return f"t.{tenant_id}.board"


def board_unit(tenant_id: UUID | str, scope_type: str, scope_id: UUID | str) -> str:
    return f"t.{tenant_id}.board.{scope_type}.{scope_id}"
