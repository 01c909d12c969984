"""Custom roles: created by admins from the permission registry, assignable, protected."""

from __future__ import annotations

import pytest

from atendo.core.access import can
from atendo.core.models import AuditLog, Role, TenantUser

pytestmark = pytest.mark.django_db
ROLES = "/api/v1/tenants/acme/roles"


def test_admin_creates_a_custom_role_and_assigns_it(two_tenants):
    admin = two_tenants.a.api("admin")
    created = admin.post(ROLES, {"name": "Quality Reviewer", "permissions": ["audit.view", "conversation.view"]})
    assert created.status_code == 201, created.json()
    role = created.json()
    assert (role["slug"], role["is_builtin"]) == ("quality-reviewer", False)
    agent = two_tenants.a.member("agent")
    assigned = admin.patch(f"/api/v1/tenants/acme/members/{agent.id}", {"roles": [{"role": "quality-reviewer"}]})
    assert assigned.status_code == 200
    member = TenantUser.objects.for_tenant(two_tenants.a.tenant).get(id=agent.id)
    assert can(member, "audit.view") and not can(member, "conversation.reply")
    assert two_tenants.a.api("agent").get("/api/v1/audit/logs").status_code == 200
    assert AuditLog.objects.for_tenant(two_tenants.a.tenant).filter(action="role.created").exists()


def test_roles_list_includes_builtins_and_is_per_tenant(two_tenants):
    Role.objects.create(tenant=two_tenants.b.tenant, slug="secret", name="Secret", permissions=[])
    listed = two_tenants.a.api("agent").get(ROLES).json()["results"]
    assert sorted(r["slug"] for r in listed) == ["admin", "agent", "owner", "supervisor"]


def test_unknown_permissions_and_duplicate_names_are_refused(two_tenants):
    admin = two_tenants.a.api("admin")
    unknown = admin.post(ROLES, {"name": "X", "permissions": ["world.destroy"]})
    assert (unknown.status_code, unknown.json()["code"]) == (400, "unknown_permission")
    assert admin.post(ROLES, {"name": "Night shift", "permissions": []}).status_code == 201
    again = admin.post(ROLES, {"name": "Night Shift", "permissions": []})
    assert (again.status_code, again.json()["code"]) == (409, "role_exists")


def test_builtin_roles_are_read_only(two_tenants):
    owner_role = Role.objects.for_tenant(two_tenants.a.tenant).get(slug="owner")
    admin = two_tenants.a.api("owner")
    response = admin.patch(f"{ROLES}/{owner_role.id}", {"permissions": []})
    assert (response.status_code, response.json()["code"]) == (400, "builtin_role")
    assert admin.delete(f"{ROLES}/{owner_role.id}").status_code == 400


def test_role_in_use_cannot_be_deleted_until_released(two_tenants):
    admin = two_tenants.a.api("admin")
    role = admin.post(ROLES, {"name": "Temp", "permissions": ["tenant.view"]}).json()
    agent = two_tenants.a.member("agent")
    admin.patch(f"/api/v1/tenants/acme/members/{agent.id}", {"roles": [{"role": "temp"}]})
    blocked = admin.delete(f"{ROLES}/{role['id']}")
    assert (blocked.status_code, blocked.json()["code"]) == (409, "role_in_use")
    admin.patch(f"/api/v1/tenants/acme/members/{agent.id}", {"roles": [{"role": "agent"}]})
    assert admin.delete(f"{ROLES}/{role['id']}").status_code == 204


def test_update_role_permissions_takes_effect(two_tenants):
    admin = two_tenants.a.api("admin")
    role = admin.post(ROLES, {"name": "Auditor", "permissions": ["tenant.view"]}).json()
    admin.patch(f"/api/v1/tenants/acme/members/{two_tenants.a.member('agent').id}", {"roles": [{"role": "auditor"}]})
    assert two_tenants.a.api("agent").get("/api/v1/audit/logs").status_code == 403
    assert admin.patch(f"{ROLES}/{role['id']}", {"permissions": ["tenant.view", "audit.view"]}).status_code == 200
    assert two_tenants.a.api("agent").get("/api/v1/audit/logs").status_code == 200


def test_permission_registry_is_listed(two_tenants):
    names = {p["name"] for p in two_tenants.a.api("agent").get("/api/v1/permissions").json()}
    assert {"audit.view", "member.invite", "conversation.transfer"} - names == {"conversation.transfer"}
