from __future__ import annotations

import pytest

from atendo.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_me_shows_profile_and_memberships_with_roles(two_tenants, django_assert_max_num_queries):
    two_tenants.b.add_member("supervisor", email="agent@acme.test")
    api = two_tenants.a.api("agent", with_header=False)
    with django_assert_max_num_queries(4):
        body = api.get("/api/v1/users/me").json()
    assert body["email"] == "agent@acme.test"
    roles = {m["tenant"]["slug"]: [r["slug"] for r in m["roles"]] for m in body["memberships"]}
    assert roles == {"acme": ["agent"], "globex": ["supervisor"]}


def test_patch_profile_and_language(two_tenants):
    api = two_tenants.a.api("agent", with_header=False)
    response = api.patch("/api/v1/users/me", {"name": "Ana", "preferred_language": "es"})
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["preferred_language"]) == ("Ana", "es")
    assert AuditLog.objects.unscoped().filter(action="user.profile_updated").count() == 1
    bad = api.patch("/api/v1/users/me", {"preferred_language": "fr", "email": "steal@x.test"})
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"preferred_language", "email"}


def test_me_requires_authentication(anon):
    response = anon.get("/api/v1/users/me")
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


def test_me_lists_effective_permissions_per_membership_as_access_checks_see_them(
    two_tenants, django_assert_max_num_queries
):
    from atendo.core.access import can, can_in_units, forget_grants
    from atendo.core.models import RoleAssignment, TenantUser
    from atendo.core.services.tenants import builtin_roles_ensure
    from atendo.organizations.models import Department

    tenant = two_tenants.a.tenant
    support = Department.objects.create(tenant=tenant, name="Suporte")
    member = two_tenants.a.member("agent")
    supervisor = builtin_roles_ensure(tenant=tenant)["supervisor"]
    RoleAssignment.objects.create(
        tenant=tenant, member=member, role=supervisor, scope_type="department", scope_id=support.id
    )
    two_tenants.b.add_member("owner", email="agent@acme.test", status=TenantUser.Status.DISABLED)

    api = two_tenants.a.api("agent", with_header=False)
    with django_assert_max_num_queries(4):  # the roles are prefetched: no query per membership
        body = api.get("/api/v1/users/me").json()
    by_slug = {m["tenant"]["slug"]: m["permissions"] for m in body["memberships"]}

    acme = by_slug["acme"]
    assert "ticket.manage" in acme["tenant_wide"] and "analytics.view" not in acme["tenant_wide"]
    assert acme["scoped"] == [
        {"scope_type": "department", "scope_id": str(support.id), "permissions": sorted(supervisor.permissions)}
    ]
    # The same answers as the server's own checks, permission by permission.
    forget_grants(member)
    for permission in [*sorted(supervisor.permissions), "channel.manage"]:
        assert (permission in acme["tenant_wide"]) == can(member, permission), permission
        in_support = permission in acme["tenant_wide"] or permission in acme["scoped"][0]["permissions"]
        assert in_support == can_in_units(member, permission, [("department", support.id)]), permission
    # A disabled membership elsewhere (globex: owner!) grants nothing there.
    assert by_slug["globex"] == {"tenant_wide": [], "scoped": []}
