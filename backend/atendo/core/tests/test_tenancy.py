"""Tenant scoping and resolution live in one place and cannot be bypassed by accident."""

from __future__ import annotations

import pytest
from django.utils import timezone

from atendo.core.models import Role, TenantDomain, TenantUser
from atendo.core.tenancy import UnscopedQueryError

pytestmark = pytest.mark.django_db


def test_tenant_owned_rows_cannot_be_queried_without_a_tenant(two_tenants):
    with pytest.raises(UnscopedQueryError):
        list(TenantUser.objects.all())
    with pytest.raises(UnscopedQueryError):
        TenantUser.objects.filter(status="active").count()
    with pytest.raises(UnscopedQueryError):
        Role.objects.filter(slug="owner").exists()
    with pytest.raises(UnscopedQueryError):
        TenantUser.objects.filter(status="x").update(display_name="y")
    # An OR that could reach other tenants is not a tenant filter.
    from django.db.models import Q

    with pytest.raises(UnscopedQueryError):
        list(TenantUser.objects.filter(Q(tenant=two_tenants.a.tenant) | Q(status="active")))


def test_scoped_queries_only_see_their_tenant(two_tenants):
    a = TenantUser.objects.for_tenant(two_tenants.a.tenant)
    assert a.count() == 4
    assert {m.tenant_id for m in a} == {two_tenants.a.tenant.id}
    assert two_tenants.a.tenant.members.count() == 4  # related managers carry the tenant filter
    assert TenantUser.objects.unscoped().count() == 8  # explicit cross-tenant intent


def _verified_domain(tenant, hostname):
    return TenantDomain.objects.create(tenant=tenant, hostname=hostname, is_verified=True, verified_at=timezone.now())


def test_verified_domain_resolves_the_tenant_without_a_header(two_tenants):
    _verified_domain(two_tenants.a.tenant, "atende.acme.com")
    api = two_tenants.a.api("admin", with_header=False)
    response = api.get("/api/v1/tenants/acme/members", HTTP_HOST="atende.acme.com")
    assert response.status_code == 200
    assert api.get("/api/v1/audit/logs", HTTP_HOST="atende.acme.com").status_code == 200


def test_host_of_one_tenant_with_header_of_another_is_refused(two_tenants):
    _verified_domain(two_tenants.a.tenant, "atende.acme.com")
    two_tenants.b.add_member("admin", email="admin@acme.test")  # a member of both
    api = two_tenants.a.api("admin", with_header=False)
    response = api.get("/api/v1/tenants/globex/members", HTTP_HOST="atende.acme.com")
    assert (response.status_code, response.json()["code"]) == (404, "tenant_not_found")


def test_unverified_or_unknown_hosts_are_refused(two_tenants):
    TenantDomain.objects.create(tenant=two_tenants.a.tenant, hostname="pending.acme.com")
    api = two_tenants.a.api("admin")
    for host in ("pending.acme.com", "evil.example.com"):
        response = api.get("/api/v1/audit/logs", HTTP_HOST=host)
        assert (response.status_code, response.json()["code"]) == (400, "host_not_allowed"), host


def test_tenant_header_is_required_for_tenant_endpoints(two_tenants):
    response = two_tenants.a.api("admin", with_header=False).get("/api/v1/audit/logs")
    assert (response.status_code, response.json()["code"]) == (400, "tenant_required")


def test_suspended_tenant_is_unreachable(two_tenants):
    two_tenants.a.tenant.status = "suspended"
    two_tenants.a.tenant.save()
    response = two_tenants.a.api("owner").get("/api/v1/audit/logs")
    assert response.status_code == 404


def test_invited_member_has_no_access_yet(two_tenants):
    invited = two_tenants.a.add_member("admin", status=TenantUser.Status.INVITED)
    from conftest import Api

    response = Api(invited.user, two_tenants.a.tenant).get("/api/v1/audit/logs")
    assert response.status_code == 404
