"""Tenants and domains: creation makes the caller owner; only members see a tenant."""

from __future__ import annotations

import pytest

from atendo.core.models import AuditLog, Role, TenantDomain, TenantUser

pytestmark = pytest.mark.django_db


def test_list_shows_only_my_active_tenants(two_tenants):
    two_tenants.b.add_member("agent", email="agent@acme.test", status=TenantUser.Status.INVITED)
    response = two_tenants.a.api("agent", with_header=False).get("/api/v1/tenants")
    assert response.status_code == 200
    assert [t["slug"] for t in response.json()["results"]] == ["acme"]


def test_create_tenant_makes_the_caller_owner_with_builtin_roles(two_tenants):
    api = two_tenants.a.api("agent", with_header=False)
    response = api.post(
        "/api/v1/tenants", {"name": "Padaria", "slug": "padaria", "locale": "es", "timezone": "America/Recife"}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["slug"], body["locale"], body["timezone"]) == ("padaria", "es", "America/Recife")
    tenant_roles = Role.objects.for_tenant(body["id"])
    assert sorted(tenant_roles.values_list("slug", flat=True)) == ["admin", "agent", "owner", "supervisor"]
    me = api.get("/api/v1/users/me").json()
    padaria = next(m for m in me["memberships"] if m["tenant"]["slug"] == "padaria")
    assert [r["slug"] for r in padaria["roles"]] == ["owner"]
    assert AuditLog.objects.for_tenant(body["id"]).filter(action="tenant.created").count() == 1


def test_slug_must_be_unique_and_valid(two_tenants):
    api = two_tenants.a.api("agent", with_header=False)
    taken = api.post("/api/v1/tenants", {"name": "X", "slug": "globex"})
    assert (taken.status_code, taken.json()["code"]) == (409, "slug_taken")
    bad = api.post("/api/v1/tenants", {"name": "X", "slug": "not a slug!", "timezone": "Mars/Olympus"})
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"slug", "timezone"}


def test_get_and_patch_tenant(two_tenants):
    tenant = two_tenants.a.tenant
    owner = two_tenants.a.api("owner", with_header=False)
    assert owner.get(f"/api/v1/tenants/{tenant.id}").json()["name"] == "Acme"
    response = owner.patch(f"/api/v1/tenants/{tenant.id}", {"name": "Acme Ltda", "locale": "en"})
    assert response.status_code == 200
    assert response.json()["name"] == "Acme Ltda"
    row = AuditLog.objects.for_tenant(tenant).get(action="tenant.updated")
    assert row.changes["name"] == {"from": "Acme", "to": "Acme Ltda"}


def test_agent_cannot_change_the_tenant(two_tenants):
    tenant = two_tenants.a.tenant
    response = two_tenants.a.api("agent").patch(f"/api/v1/tenants/{tenant.id}", {"name": "Hacked"})
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    tenant.refresh_from_db()
    assert tenant.name == "Acme"


def test_object_grant_through_guardian_lets_an_agent_edit_one_tenant(two_tenants):
    from guardian.shortcuts import assign_perm

    tenant = two_tenants.a.tenant
    assign_perm("core.change_tenant", two_tenants.a.user("agent"), tenant)
    response = two_tenants.a.api("agent").patch(f"/api/v1/tenants/{tenant.id}", {"name": "Granted"})
    assert response.status_code == 200
    other = two_tenants.b.tenant
    denied = two_tenants.b.api("agent").patch(f"/api/v1/tenants/{other.id}", {"name": "Nope"})
    assert denied.status_code == 403


def test_other_tenants_are_invisible(two_tenants):
    other = two_tenants.b.tenant
    api = two_tenants.a.api("owner", with_header=False)
    for method, path in [
        ("get", f"/api/v1/tenants/{other.id}"),
        ("patch", f"/api/v1/tenants/{other.id}"),
        ("get", f"/api/v1/tenants/{other.id}/domains"),
        ("post", f"/api/v1/tenants/{other.id}/domains"),
    ]:
        response = getattr(api, method)(
            path, {"name": "x", "hostname": "evil.example.com"} if method != "get" else None
        )
        assert (response.status_code, response.json()["code"]) == (404, "tenant_not_found"), path
    assert not TenantDomain.objects.unscoped().exists()


def test_domains_add_list_delete_and_primary_is_unique(two_tenants):
    tenant = two_tenants.a.tenant
    api = two_tenants.a.api("admin", with_header=False)
    base = f"/api/v1/tenants/{tenant.id}/domains"
    first = api.post(base, {"hostname": "Atende.Acme.com", "is_primary": True})
    assert first.status_code == 201
    assert first.json()["hostname"] == "atende.acme.com"
    assert first.json()["is_verified"] is False
    second = api.post(base, {"hostname": "help.acme.com", "is_primary": True}).json()
    listed = api.get(base).json()["results"]
    assert {d["hostname"]: d["is_primary"] for d in listed} == {"atende.acme.com": False, "help.acme.com": True}
    duplicate = two_tenants.b.api("owner", with_header=False).post(
        f"/api/v1/tenants/{two_tenants.b.tenant.id}/domains", {"hostname": "help.acme.com"}
    )
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "domain_taken")
    assert api.delete(f"{base}/{second['id']}").status_code == 204
    assert api.delete(f"{base}/{second['id']}").status_code == 404
    actions = list(AuditLog.objects.for_tenant(tenant).values_list("action", flat=True).order_by("created_at"))
    assert actions == ["domain.added", "domain.added", "domain.removed"]


def test_domain_of_another_tenant_cannot_be_deleted_through_mine(two_tenants):
    theirs = TenantDomain.objects.create(tenant=two_tenants.b.tenant, hostname="globex.com")
    api = two_tenants.a.api("owner", with_header=False)
    response = api.delete(f"/api/v1/tenants/{two_tenants.a.tenant.id}/domains/{theirs.id}")
    assert response.status_code == 404
    assert TenantDomain.objects.for_tenant(two_tenants.b.tenant).filter(id=theirs.id).exists()


def test_invalid_hostname_is_refused(two_tenants):
    api = two_tenants.a.api("owner", with_header=False)
    response = api.post(f"/api/v1/tenants/{two_tenants.a.tenant.id}/domains", {"hostname": "-bad-.com"})
    assert (response.status_code, list(response.json()["fields"])) == (400, ["hostname"])


class TxtZone:
    """A tiny authoritative DNS server on loopback answering TXT queries from `records`."""

    def __init__(self) -> None:
        import socket
        import threading

        self.records: dict[str, list[str]] = {}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        import dns.message
        import dns.rcode
        import dns.rdataclass
        import dns.rdatatype
        import dns.rrset

        while self.running:
            try:
                wire, peer = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(wire)
            response = dns.message.make_response(query)
            question = query.question[0]
            name = question.name.to_text().rstrip(".")
            values = self.records.get(name)
            if values and question.rdtype == dns.rdatatype.TXT:
                response.answer.append(
                    dns.rrset.from_text(
                        question.name, 60, dns.rdataclass.IN, dns.rdatatype.TXT, *[f'"{v}"' for v in values]
                    )
                )
            else:
                response.set_rcode(dns.rcode.NXDOMAIN)
            self.sock.sendto(response.to_wire(), peer)

    def close(self) -> None:
        self.running = False
        self.thread.join(2)
        self.sock.close()


@pytest.fixture
def txt_zone(settings):
    zone = TxtZone()
    settings.DNS_NAMESERVERS, settings.DNS_PORT, settings.DNS_TIMEOUT_SECONDS = ["127.0.0.1"], zone.port, 2.0
    yield zone
    zone.close()


def test_domain_is_verified_by_its_dns_txt_record_and_then_serves_the_tenant(
    two_tenants, txt_zone, django_capture_on_commit_callbacks
):
    tenant = two_tenants.a.tenant
    admin = two_tenants.a.api("admin", with_header=False)
    domain = admin.post(f"/api/v1/tenants/{tenant.id}/domains", {"hostname": "help.acme.com"}).json()
    record = domain["verification_record"]
    assert record["type"] == "TXT" and record["name"] == "_atendo-challenge.help.acme.com"
    verify = f"/api/v1/tenants/{tenant.id}/domains/{domain['id']}/verify"

    # Before the record exists the host is refused and verification explains what to publish.
    assert admin.get("/api/v1/audit/logs", HTTP_HOST="help.acme.com").status_code == 400
    missing = admin.post(verify)
    assert (missing.status_code, missing.json()["code"]) == (400, "domain_not_verified")
    assert record["value"] in missing.json()["message"]

    txt_zone.records[record["name"]] = ["v=spf1 -all", record["value"]]
    with django_capture_on_commit_callbacks(execute=True):  # forgets the cached "unknown host"
        verified = admin.post(verify)
    assert verified.status_code == 200 and verified.json()["is_verified"] is True
    assert admin.get("/api/v1/audit/logs", HTTP_HOST="help.acme.com").status_code == 200
    assert AuditLog.objects.for_tenant(tenant).filter(action="domain.verified").exists()


def test_another_tenants_record_does_not_verify_my_domain(two_tenants, txt_zone):
    mine = (
        two_tenants.a.api("admin", with_header=False)
        .post(f"/api/v1/tenants/{two_tenants.a.tenant.id}/domains", {"hostname": "shared.example.com"})
        .json()
    )
    txt_zone.records[mine["verification_record"]["name"]] = ["atendo-verification=someone-elses-token"]
    response = two_tenants.a.api("admin", with_header=False).post(
        f"/api/v1/tenants/{two_tenants.a.tenant.id}/domains/{mine['id']}/verify"
    )
    assert response.status_code == 400
    assert not TenantDomain.objects.for_tenant(two_tenants.a.tenant).get(id=mine["id"]).is_verified
