"""Channel-layer group names, in one place, always prefixed by the tenant id."""

from uuid import UUID


def tenant(tenant_id: UUID | str) -> str:
    return f"t.{tenant_id}"


def member(tenant_id: UUID | str, member_id: UUID | str) -> str:
    return f"t.{tenant_id}.m.{member_id}"


def presence(tenant_id: UUID | str) -> str:
    return f"t.{tenant_id}.presence"
