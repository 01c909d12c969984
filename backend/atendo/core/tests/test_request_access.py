"""The access of a tenant-scoped request read in one query (`access.load_request_access`, used by
`TenantJWTAuthentication` and `TenantPermission`): same answers as reading user, tenant,
membership and grants one by one, nothing cached (revocation shows on the very next request),
and a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from atendo.core.access import load_request_access
from atendo.core.models import Role, RoleAssignment, Tenant, TenantDomain, TenantUser
from atendo.messaging.tests.factories import conversation, department

pytestmark = pytest.mark.django_db

INBOX = "/api/v1/conversations"


def code(response):
    return response.status_code, response.json().get("code")


def test_loaded_membership_carries_user_tenant_and_grants(two_tenants):
    world = two_tenants.a
    agent = world.member("agent")
    scope = department(world.tenant, "Vendas")
    owner_role = Role.objects.for_tenant(world.tenant).get(slug="owner")
    RoleAssignment.objects.create(
        tenant=world.tenant, member=agent, role=owner_role, scope_type="department", scope_id=scope.id
    )
    loaded = load_request_access(agent.user_id, tenant_slug=world.slug)
    assert loaded.user == agent.user and loaded.tenant == world.tenant and loaded.member == agent
    member = loaded.member
    assert member.user is loaded.user and member.tenant is loaded.tenant
    grants = member._grants
    assert "agent" in grants.role_slugs
    assert grants.allows("conversation.view")
    assert grants.allows("member.manage", ("department", scope.id))  # the scoped owner role
    assert not grants.allows("member.manage")
    by_id = load_request_access(str(agent.user_id), tenant_id=str(world.tenant.id))
    assert by_id.member == agent and by_id.member._grants == grants


def test_loader_answers_none_for_what_does_not_match(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    user = a.user("agent")
    assert load_request_access(user.id, tenant_slug=b.slug).member is None  # not a member there
    assert load_request_access(user.id, tenant_slug=b.slug).tenant == b.tenant
    assert load_request_access(user.id, tenant_slug="nowhere").tenant is None
    assert load_request_access("not-a-uuid", tenant_slug=a.slug).user is None
    assert load_request_access("00000000-0000-0000-0000-000000000000", tenant_slug=a.slug).user is None


def test_disabled_member_loses_access_on_the_next_request(two_tenants):
    world = two_tenants.a
    api = world.api("agent")
    assert api.get(INBOX).status_code == 200
    TenantUser.objects.for_tenant(world.tenant).filter(id=world.member("agent").id).update(status="disabled")
    assert code(api.get(INBOX)) == (404, "tenant_not_found")


def test_removed_member_loses_access_on_the_next_request(two_tenants):
    world = two_tenants.a
    api = world.api("agent")
    assert api.get(INBOX).status_code == 200
    member = world.member("agent")
    RoleAssignment.objects.for_tenant(world.tenant).filter(member=member).delete()
    TenantUser.objects.for_tenant(world.tenant).filter(id=member.id).delete()
    assert code(api.get(INBOX)) == (404, "tenant_not_found")


def test_revoked_role_is_denied_on_the_next_request(two_tenants):
    world = two_tenants.a
    api = world.api("agent")
    assert api.get(INBOX).status_code == 200
    RoleAssignment.objects.for_tenant(world.tenant).filter(member=world.member("agent")).delete()
    assert api.get(INBOX).status_code == 403


def test_narrowed_role_scope_applies_on_the_next_request(two_tenants):
    world = two_tenants.a
    sales, support = department(world.tenant, "Vendas"), department(world.tenant, "Suporte")
    in_sales, in_support = conversation(world.tenant, department=sales), conversation(world.tenant, department=support)
    api = world.api("agent")
    ids = {row["id"] for row in api.get(INBOX, {"status": "all"}).json()["results"]}
    assert {str(in_sales.id), str(in_support.id)} <= ids
    RoleAssignment.objects.for_tenant(world.tenant).filter(member=world.member("agent")).update(
        scope_type="department", scope_id=sales.id
    )
    ids = {row["id"] for row in api.get(INBOX, {"status": "all"}).json()["results"]}
    assert ids == {str(in_sales.id)}
    assert api.get(f"{INBOX}/{in_support.id}").status_code == 404


def test_deactivated_user_is_refused_on_the_next_request(two_tenants):
    world = two_tenants.a
    api = world.api("agent")
    assert api.get(INBOX).status_code == 200
    user = world.user("agent")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert api.get(INBOX).status_code == 401


def test_suspended_tenant_is_unreachable_on_the_next_request(two_tenants):
    world = two_tenants.a
    api = world.api("owner")
    assert api.get(INBOX).status_code == 200
    Tenant.objects.filter(id=world.tenant.id).update(status="suspended")
    assert code(api.get(INBOX)) == (404, "tenant_not_found")


def test_other_tenant_is_not_found(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    theirs = conversation(b.tenant)
    from conftest import Api

    stranger = Api(a.user("owner"), b.tenant)  # a's owner naming b
    assert code(stranger.get(INBOX)) == (404, "tenant_not_found")
    assert code(stranger.get(f"{INBOX}/{theirs.id}")) == (404, "tenant_not_found")
    assert a.api("owner").get(f"{INBOX}/{theirs.id}").status_code == 404  # b's row named in a
    assert code(Api(a.user("owner"), None, HTTP_X_TENANT="nowhere").get(INBOX)) == (404, "tenant_not_found")


def test_member_of_both_tenants_sees_each_tenant_by_its_header(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    b.add_member("agent", email="agent@acme.test")  # a's agent joins b
    mine, theirs = conversation(a.tenant), conversation(b.tenant)
    from conftest import Api

    user = a.user("agent")
    in_a = {row["id"] for row in Api(user, a.tenant).get(INBOX, {"status": "all"}).json()["results"]}
    in_b = {row["id"] for row in Api(user, b.tenant).get(INBOX, {"status": "all"}).json()["results"]}
    assert str(mine.id) in in_a and str(theirs.id) not in in_a
    assert str(theirs.id) in in_b and str(mine.id) not in in_b


def test_tenant_by_verified_domain_and_its_refusals(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    TenantDomain.objects.create(
        tenant=a.tenant, hostname="atende.acme.com", is_verified=True, verified_at=timezone.now()
    )
    own = a.api("agent", with_header=False)
    assert own.get(INBOX, HTTP_HOST="atende.acme.com").status_code == 200
    # The host wins over a header naming another tenant (as before: the header is not a fallback).
    assert own.get(INBOX, HTTP_HOST="atende.acme.com", HTTP_X_TENANT=b.slug).status_code == 200
    assert code(b.api("agent", with_header=False).get(INBOX, HTTP_HOST="atende.acme.com")) == (404, "tenant_not_found")


def test_url_addressed_tenant_still_resolves(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    assert a.api("admin").get(f"/api/v1/tenants/{a.slug}/members").status_code == 200
    assert code(a.api("admin").get(f"/api/v1/tenants/{b.slug}/members")) == (404, "tenant_not_found")


def test_missing_or_bad_credentials_are_refused_before_the_tenant(two_tenants):
    from conftest import Api

    assert Api(None, two_tenants.a.tenant).get(INBOX).status_code == 401
    assert Api(None, two_tenants.a.tenant, HTTP_AUTHORIZATION="Bearer nonsense").get(INBOX).status_code == 401


def test_inbox_list_queries_are_few_and_constant(two_tenants):
    world = two_tenants.a
    for _ in range(12):
        conversation(world.tenant, assignee=world.member("agent"), tags=["vip"])
    api = world.api("agent")
    counts = {}
    for size in (1, 5, 50):
        api.get(INBOX, {"status": "all", "page_size": size})  # warm
        with CaptureQueriesContext(connection) as queries:
            response = api.get(INBOX, {"status": "all", "page_size": size})
        assert response.status_code == 200
        counts[size] = len(queries.captured_queries)
    # The access (user, tenant, membership, grants) and the page.
    assert set(counts.values()) == {2}, counts


@pytest.mark.django_db(transaction=True)
def test_access_query_is_the_connection_health_check(two_tenants, monkeypatch):
    """With CONN_HEALTH_CHECKS Django would run `SELECT 1` (`is_usable`) before a request's first
    statement; the access statement takes its place. A persistent connection that died meanwhile
    is replaced and the statement run again."""
    import psycopg
    from django.db import connections

    world = two_tenants.a
    db = connections["default"]
    checks = []
    real_is_usable = db.is_usable
    monkeypatch.setattr(db, "is_usable", lambda: checks.append(1) or real_is_usable())
    db.ensure_connection()
    db.health_check_enabled, db.health_check_done = True, False
    assert load_request_access(world.user("agent").id, tenant_slug=world.slug).member == world.member("agent")
    assert checks == [] and db.health_check_done  # healthy: no extra round trip

    pid = db.connection.info.backend_pid
    params = db.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(autocommit=True, **params) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    db.health_check_done = False
    assert load_request_access(world.user("agent").id, tenant_slug=world.slug).member == world.member("agent")
    assert db.connection.info.backend_pid != pid
