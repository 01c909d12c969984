"""Every route declares who may call it, and every endpoint is tried against strangers,
other tenants and bad input. A new route fails here until it is declared and catalogued."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from atendo.core.api.base import Access, Authenticated, Public, TenantPermission

pytestmark = pytest.mark.django_db


def _walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.append((prefix + str(pattern.pattern), pattern.callback))
    return found


def _declared_access(callback: Any) -> Access | None:
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None:
        return view_class.__dict__.get("access")  # declared on the class itself, not inherited
    return getattr(callback, "access", None)


ROUTES = _walk(get_resolver().url_patterns)


@pytest.mark.parametrize(("route", "callback"), ROUTES, ids=[r for r, _ in ROUTES])
def test_every_route_declares_its_access(route, callback):
    access = _declared_access(callback)
    assert isinstance(access, Access), f"{route} declares no access policy"
    if isinstance(access, Public):
        assert access.reason, f"{route} is public without saying why"


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {tenant_id}, {slug}, {member_id}, {domain_id} are filled per tenant
    body: dict[str, Any] | None = None


# Every tenant-scoped operation. test_catalogue_covers_every_tenant_route keeps it complete.
TENANT_ENDPOINTS = [
    Endpoint("GET", "/api/v1/tenants/{tenant_id}"),
    Endpoint("PATCH", "/api/v1/tenants/{tenant_id}", {"name": "Taken over"}),
    Endpoint("GET", "/api/v1/tenants/{tenant_id}/domains"),
    Endpoint("POST", "/api/v1/tenants/{tenant_id}/domains", {"hostname": "evil.example.com"}),
    Endpoint("DELETE", "/api/v1/tenants/{tenant_id}/domains/{domain_id}"),
    Endpoint("POST", "/api/v1/tenants/{tenant_id}/domains/{domain_id}/verify"),
    Endpoint("GET", "/api/v1/tenants/{slug}/members"),
    Endpoint("POST", "/api/v1/tenants/{slug}/members", {"email": "spy@evil.test", "roles": [{"role": "owner"}]}),
    Endpoint("GET", "/api/v1/tenants/{slug}/members/{member_id}"),
    Endpoint("PATCH", "/api/v1/tenants/{slug}/members/{member_id}", {"status": "disabled"}),
    Endpoint("DELETE", "/api/v1/tenants/{slug}/members/{member_id}"),
    Endpoint("POST", "/api/v1/tenants/{slug}/members/{member_id}/resend-invitation"),
    Endpoint("GET", "/api/v1/tenants/{slug}/roles"),
    Endpoint("POST", "/api/v1/tenants/{slug}/roles", {"name": "Spy", "permissions": ["audit.view"]}),
    Endpoint("GET", "/api/v1/tenants/{slug}/roles/{role_id}"),
    Endpoint("PATCH", "/api/v1/tenants/{slug}/roles/{role_id}", {"permissions": ["audit.view"]}),
    Endpoint("DELETE", "/api/v1/tenants/{slug}/roles/{role_id}"),
    Endpoint("GET", "/api/v1/audit/logs"),
    Endpoint("GET", "/api/v1/contacts"),
    Endpoint("POST", "/api/v1/contacts", {"name": "Planted", "identities": [{"kind": "email", "value": "p@x.test"}]}),
    Endpoint("GET", "/api/v1/contacts/{contact_id}"),
    Endpoint("PATCH", "/api/v1/contacts/{contact_id}", {"name": "Renamed", "tags": ["x"]}),
    Endpoint("POST", "/api/v1/contacts/{contact_id}/merge", {"duplicate": "00000000-0000-0000-0000-000000000000"}),
    Endpoint("POST", "/api/v1/contacts/{contact_id}/identities", {"kind": "email", "value": "planted@x.test"}),
    Endpoint("PATCH", "/api/v1/contacts/{contact_id}/identities/{identity_id}", {"value": "+5511912340000"}),
    Endpoint("DELETE", "/api/v1/contacts/{contact_id}/identities/{identity_id}"),
    Endpoint("GET", "/api/v1/channels/webchat"),
    Endpoint("POST", "/api/v1/channels/webchat", {"name": "Planted chat"}),
    Endpoint("GET", "/api/v1/channels/webchat/{account_id}"),
    Endpoint("PATCH", "/api/v1/channels/webchat/{account_id}", {"status": "disabled"}),
    Endpoint("GET", "/api/v1/conversations"),
    Endpoint("GET", "/api/v1/conversations/{conversation_id}"),
    Endpoint("GET", "/api/v1/conversations/{conversation_id}/messages"),
    Endpoint("POST", "/api/v1/conversations/{conversation_id}/messages", {"body": "spoofed reply"}),
    Endpoint("POST", "/api/v1/conversations/{conversation_id}/assign", {"assignee": None, "department": None}),
    Endpoint("POST", "/api/v1/conversations/{conversation_id}/status", {"status": "resolved"}),
    Endpoint("POST", "/api/v1/conversations/{conversation_id}/messages/{message_id}/retry"),
    Endpoint("POST", "/api/v1/conversations/{conversation_id}/read"),
    Endpoint("POST", "/api/v1/conversations/{conversation_id}/typing", {"typing": True}),
    Endpoint(
        "POST",
        "/api/v1/conversations/{conversation_id}/participants",
        {"member": "00000000-0000-0000-0000-000000000000"},
    ),
    Endpoint("DELETE", "/api/v1/conversations/{conversation_id}/participants/{member_id}"),
    Endpoint("GET", "/api/v1/departments"),
    Endpoint("POST", "/api/v1/departments", {"name": "Planted"}),
    Endpoint("GET", "/api/v1/departments/{department_id}"),
    Endpoint("PATCH", "/api/v1/departments/{department_id}", {"name": "Renamed"}),
    Endpoint("DELETE", "/api/v1/departments/{department_id}"),
    Endpoint("GET", "/api/v1/teams"),
    Endpoint("POST", "/api/v1/teams", {"name": "Planted", "department": "00000000-0000-0000-0000-000000000000"}),
    Endpoint("GET", "/api/v1/teams/{team_id}"),
    Endpoint("PATCH", "/api/v1/teams/{team_id}", {"auto_assign": True}),
    Endpoint("DELETE", "/api/v1/teams/{team_id}"),
    Endpoint("POST", "/api/v1/teams/{team_id}/members", {"member": "00000000-0000-0000-0000-000000000000"}),
    Endpoint("DELETE", "/api/v1/teams/{team_id}/members/{member_id}"),
    Endpoint("GET", "/api/v1/sla-policies"),
    Endpoint("POST", "/api/v1/sla-policies", {"name": "Planted", "first_response_minutes": 1}),
    Endpoint("GET", "/api/v1/sla-policies/{policy_id}"),
    Endpoint("PATCH", "/api/v1/sla-policies/{policy_id}", {"first_response_minutes": 1}),
    Endpoint("DELETE", "/api/v1/sla-policies/{policy_id}"),
    Endpoint("GET", "/api/v1/tickets"),
    Endpoint("GET", "/api/v1/tickets/counts"),
    Endpoint("POST", "/api/v1/tickets", {"subject": "Planted"}),
    Endpoint("GET", "/api/v1/tickets/{ticket_id}"),
    Endpoint("PATCH", "/api/v1/tickets/{ticket_id}", {"subject": "Renamed"}),
    Endpoint("PATCH", "/api/v1/tickets/{ticket_id}/status", {"status": "solved"}),
    Endpoint(
        "POST",
        "/api/v1/tickets/{ticket_id}/transfer",
        {"reason": "x", "assignee": None, "department": "00000000-0000-0000-0000-000000000000"},
    ),
    Endpoint("GET", "/api/v1/tickets/{ticket_id}/comments"),
    Endpoint("POST", "/api/v1/tickets/{ticket_id}/comments", {"body": "planted"}),
    Endpoint("GET", "/api/v1/tickets/{ticket_id}/sla"),
    Endpoint("GET", "/api/v1/channels/connectors"),
    Endpoint(
        "POST",
        "/api/v1/channels/connectors",
        {"kind": "telegram", "name": "Planted", "credentials": {"bot_token": "1:x"}},
    ),
    Endpoint("GET", "/api/v1/channels/connectors/{connector_id}"),
    Endpoint("PATCH", "/api/v1/channels/connectors/{connector_id}", {"name": "Renamed"}),
    Endpoint("DELETE", "/api/v1/channels/connectors/{connector_id}"),
    Endpoint("GET", "/api/v1/channels/accounts"),
    Endpoint(
        "POST",
        "/api/v1/channels/accounts",
        {"connector": "00000000-0000-0000-0000-000000000000", "name": "x", "external_id": "1"},
    ),
    Endpoint("GET", "/api/v1/channels/accounts/{provider_account_id}"),
    Endpoint("PATCH", "/api/v1/channels/accounts/{provider_account_id}", {"name": "Renamed"}),
    Endpoint("DELETE", "/api/v1/channels/accounts/{provider_account_id}"),
    Endpoint("POST", "/api/v1/channels/accounts/{provider_account_id}/activate"),
    Endpoint("POST", "/api/v1/channels/accounts/{provider_account_id}/deactivate"),
    Endpoint("GET", "/api/v1/channels/dead-letters"),
    Endpoint("POST", "/api/v1/channels/dead-letters/{dead_letter_id}/replay"),
    Endpoint("GET", "/api/v1/notifications"),
    Endpoint("GET", "/api/v1/quick-replies"),
    Endpoint("POST", "/api/v1/quick-replies", {"shortcut": "planted", "title": "x", "body": "y"}),
    Endpoint("GET", "/api/v1/quick-replies/{quick_reply_id}"),
    Endpoint("PATCH", "/api/v1/quick-replies/{quick_reply_id}", {"body": "hijacked"}),
    Endpoint("DELETE", "/api/v1/quick-replies/{quick_reply_id}"),
    Endpoint("POST", "/api/v1/quick-replies/{quick_reply_id}/use"),
    Endpoint("POST", "/api/v1/notifications/read", {}),
]


def test_catalogue_covers_every_tenant_route():
    tenant_routes = {route for route, cb in ROUTES if isinstance(_declared_access(cb), TenantPermission)}
    catalogued = {
        e.path.replace("{tenant_id}", "<uuid:tenant_id>")
        .replace("{slug}", "<slug:tenant_slug>")
        .replace("{member_id}", "<uuid:member_id>")
        .replace("{domain_id}", "<uuid:domain_id>")
        .replace("{role_id}", "<uuid:role_id>")
        .replace("{contact_id}", "<uuid:contact_id>")
        .replace("{identity_id}", "<uuid:identity_id>")
        .replace("{account_id}", "<uuid:account_id>")
        .replace("{conversation_id}", "<uuid:conversation_id>")
        .replace("{department_id}", "<uuid:department_id>")
        .replace("{team_id}", "<uuid:team_id>")
        .replace("{policy_id}", "<uuid:policy_id>")
        .replace("{ticket_id}", "<uuid:ticket_id>")
        .replace("{connector_id}", "<uuid:connector_id>")
        .replace("{provider_account_id}", "<uuid:account_id>")
        .replace("{dead_letter_id}", "<uuid:dead_letter_id>")
        .replace("{message_id}", "<uuid:message_id>")
        .replace("{quick_reply_id}", "<uuid:quick_reply_id>")
        .removeprefix("/")
        for e in TENANT_ENDPOINTS
    }
    assert tenant_routes == catalogued


def _custom_role(world):
    from atendo.core.models import Role

    return Role.objects.for_tenant(world.tenant).get_or_create(
        tenant=world.tenant, slug="night-shift", defaults={"name": "Night shift", "permissions": ["tenant.view"]}
    )[0]


def _rows(world) -> dict[str, Any]:
    """One row of each kind the endpoints address, created once per tenant."""
    from atendo.connectors.models import ChannelAccount, ChannelConnector, DeadLetter, InboundEvent
    from atendo.contacts.models import ContactIdentity
    from atendo.knowledge.models import QuickReply
    from atendo.messaging.models import Conversation, Message
    from atendo.messaging.tests.factories import conversation, inbound
    from atendo.organizations.models import Department, SlaPolicy, Team
    from atendo.tickets.models import Ticket

    existing = Conversation.objects.for_tenant(world.tenant).select_related("account", "contact").first()
    if existing is None:
        existing = conversation(world.tenant)
        inbound(existing)
        dept = Department.objects.create(tenant=world.tenant, name="Suporte")
        Team.objects.create(tenant=world.tenant, department=dept, name="N1")
        SlaPolicy.objects.create(tenant=world.tenant, name="Padrão", first_response_minutes=60)
        Ticket.objects.create(tenant=world.tenant, number=1, subject="Existing", department=dept)
        connector = ChannelConnector.objects.create(
            tenant=world.tenant, kind="telegram", name="TG", credentials='{"bot_token": "1:x", "secret_token": "s"}'
        )
        ChannelAccount.objects.create(
            tenant=world.tenant, connector=connector, kind="telegram", name="TG", external_id=f"bot-{world.slug}"
        )
        event = InboundEvent.objects.create(
            tenant=world.tenant, connector=connector, event_key="1", body=b"{}", status="dead"
        )
        DeadLetter.objects.create(tenant=world.tenant, event=event, error="boom", attempts=8)
    identity = ContactIdentity.objects.for_tenant(world.tenant).filter(contact_id=existing.contact_id).first()
    if identity is None:
        identity = ContactIdentity.objects.create(
            tenant=world.tenant, contact_id=existing.contact_id, kind="phone", value="+5511987650000"
        )
        QuickReply.objects.create(tenant=world.tenant, shortcut="ola", title="Olá", body="Olá!")
    return {
        "role_id": _custom_role(world).id,
        "conversation_id": existing.id,
        "message_id": Message.objects.for_tenant(world.tenant)
        .filter(conversation=existing)
        .values_list("id", flat=True)[0],
        "contact_id": existing.contact_id,
        "identity_id": identity.id,
        "account_id": existing.account_id,
        "department_id": Department.objects.for_tenant(world.tenant).get().id,
        "team_id": Team.objects.for_tenant(world.tenant).get().id,
        "policy_id": SlaPolicy.objects.for_tenant(world.tenant).get().id,
        "ticket_id": Ticket.objects.for_tenant(world.tenant).get().id,
        "connector_id": ChannelConnector.objects.for_tenant(world.tenant).get(kind="telegram").id,
        "provider_account_id": ChannelAccount.objects.for_tenant(world.tenant).get(kind="telegram").id,
        "dead_letter_id": DeadLetter.objects.for_tenant(world.tenant).get().id,
        "quick_reply_id": QuickReply.objects.for_tenant(world.tenant).get(shortcut="ola").id,
    }


def _fill(endpoint: Endpoint, world, domain_id: uuid.UUID) -> str:
    return endpoint.path.format(
        tenant_id=world.tenant.id,
        slug=world.slug,
        member_id=world.member("agent").id,
        domain_id=domain_id,
        **_rows(world),
    )


@pytest.fixture
def victim_domain(two_tenants):
    from atendo.core.models import TenantDomain

    for world in (two_tenants.a, two_tenants.b):
        _rows(world)  # rows the endpoints address exist before any snapshot
    return TenantDomain.objects.create(tenant=two_tenants.b.tenant, hostname="globex.example.com")


def _snapshot(tenant) -> tuple[Any, ...]:
    from atendo.connectors.models import ChannelAccount, ChannelConnector, DeadLetter
    from atendo.contacts.models import Contact, ContactIdentity
    from atendo.core.models import AuditLog, Role, RoleAssignment, TenantDomain, TenantUser
    from atendo.knowledge.models import QuickReply
    from atendo.messaging.models import Conversation, ConversationParticipant, Message
    from atendo.organizations.models import Department, SlaPolicy, Team, TeamMember
    from atendo.tickets.models import Ticket, TicketComment

    return (
        sorted(TenantUser.objects.for_tenant(tenant).values_list("id", "status", "display_name")),
        sorted(TenantDomain.objects.for_tenant(tenant).values_list("id", "hostname")),
        sorted(RoleAssignment.objects.for_tenant(tenant).values_list("id", "role_id")),
        sorted(Role.objects.for_tenant(tenant).values_list("id", "name", "permissions")),
        AuditLog.objects.for_tenant(tenant).count(),
        tenant.__class__.objects.get(id=tenant.id).name,
        sorted(Contact.objects.for_tenant(tenant).values_list("id", "name", "tags", "merged_into")),
        sorted(ContactIdentity.objects.for_tenant(tenant).values_list("id", "contact_id", "kind", "value")),
        sorted(ChannelAccount.objects.for_tenant(tenant).values_list("id", "name", "status", "settings")),
        sorted(
            Conversation.objects.for_tenant(tenant).values_list(
                "id", "status", "assignee", "unread_count", "department_id"
            )
        ),
        Message.objects.for_tenant(tenant).count(),
        ConversationParticipant.objects.for_tenant(tenant).count(),
        sorted(Department.objects.for_tenant(tenant).values_list("id", "name", "active")),
        sorted(Team.objects.for_tenant(tenant).values_list("id", "name", "auto_assign")),
        TeamMember.objects.for_tenant(tenant).count(),
        sorted(SlaPolicy.objects.for_tenant(tenant).values_list("id", "name", "first_response_minutes")),
        sorted(Ticket.objects.for_tenant(tenant).values_list("id", "subject", "status", "department")),
        sorted(ChannelConnector.objects.for_tenant(tenant).values_list("id", "name", "webhook_key", "credentials")),
        sorted(DeadLetter.objects.for_tenant(tenant).values_list("id", "replayed_at")),
        TicketComment.objects.for_tenant(tenant).count(),
        sorted(QuickReply.objects.for_tenant(tenant).values_list("id", "shortcut", "body", "use_count")),
    )


@pytest.mark.parametrize("endpoint", TENANT_ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_owner_of_tenant_a_cannot_touch_tenant_b(endpoint, two_tenants, victim_domain):
    before = _snapshot(two_tenants.b.tenant)
    path = _fill(endpoint, two_tenants.b, victim_domain.id)
    attacker = two_tenants.a.api("owner", with_header=False)
    names_tenant_in_url = "{tenant_id}" in endpoint.path or "{slug}" in endpoint.path
    if not names_tenant_in_url and "{" in endpoint.path:
        # Tenant A's own header with tenant B's object ids: the object must be invisible.
        response = attacker.request(endpoint.method, path, endpoint.body, HTTP_X_TENANT="acme")
        assert response.status_code == 404, response.content
    # With no tenant in the URL, "X-Tenant: acme" is the attacker's own tenant: not an attack.
    attempts = ({}, {"HTTP_X_TENANT": "globex"}) + (({"HTTP_X_TENANT": "acme"},) if names_tenant_in_url else ())
    for headers in attempts:
        response = attacker.request(endpoint.method, path, endpoint.body, **headers)
        if not headers and not names_tenant_in_url:
            # No tenant named anywhere (neither URL nor header): asked to say which, nothing leaks.
            assert response.json()["code"] == "tenant_required", response.content
            continue
        assert response.status_code == 404, (headers, response.content)
        assert response.json()["code"] in ("tenant_not_found", "not_found")
    assert _snapshot(two_tenants.b.tenant) == before


@pytest.mark.parametrize("endpoint", TENANT_ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_strangers_get_401(endpoint, two_tenants, victim_domain, anon):
    before = _snapshot(two_tenants.b.tenant)
    response = anon.request(
        endpoint.method, _fill(endpoint, two_tenants.b, victim_domain.id), endpoint.body, HTTP_X_TENANT="globex"
    )
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    assert _snapshot(two_tenants.b.tenant) == before


ADMIN_ONLY = {
    ("PATCH", "/api/v1/tenants/{tenant_id}"),
    ("POST", "/api/v1/tenants/{tenant_id}/domains"),
    ("DELETE", "/api/v1/tenants/{tenant_id}/domains/{domain_id}"),
    ("POST", "/api/v1/tenants/{slug}/members"),
    ("PATCH", "/api/v1/tenants/{slug}/members/{member_id}"),
    ("DELETE", "/api/v1/tenants/{slug}/members/{member_id}"),
    ("GET", "/api/v1/audit/logs"),
    ("PATCH", "/api/v1/channels/accounts/{provider_account_id}"),
    ("DELETE", "/api/v1/channels/accounts/{provider_account_id}"),
}


@pytest.mark.parametrize(
    "endpoint", [e for e in TENANT_ENDPOINTS if (e.method, e.path) in ADMIN_ONLY], ids=lambda e: f"{e.method} {e.path}"
)
def test_agents_cannot_call_admin_endpoints(endpoint, two_tenants, victim_domain):
    from atendo.core.models import TenantDomain

    own_domain = TenantDomain.objects.create(tenant=two_tenants.a.tenant, hostname="acme.example.com")
    before = _snapshot(two_tenants.a.tenant)
    agent = two_tenants.a.api("agent")
    response = agent.request(endpoint.method, _fill(endpoint, two_tenants.a, own_domain.id), endpoint.body)
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert _snapshot(two_tenants.a.tenant) == before


WRITE_ENDPOINTS = [
    ("POST", "/api/v1/auth/magic-link", None),
    ("POST", "/api/v1/auth/token", None),
    ("POST", "/api/v1/auth/token/refresh", None),
    ("POST", "/api/v1/auth/logout", "agent"),
    ("POST", "/api/v1/tenants", "agent"),
    ("PATCH", "/api/v1/tenants/{tenant_id}", "owner"),
    ("POST", "/api/v1/tenants/{tenant_id}/domains", "owner"),
    ("POST", "/api/v1/tenants/{slug}/members", "owner"),
    ("PATCH", "/api/v1/tenants/{slug}/members/{member_id}", "owner"),
    ("PATCH", "/api/v1/users/me", "agent"),
    ("POST", "/api/v1/tenants/{slug}/roles", "owner"),
    ("PATCH", "/api/v1/tenants/{slug}/roles/{role_id}", "owner"),
    ("POST", "/api/v1/contacts", "agent"),
    ("PATCH", "/api/v1/contacts/{contact_id}", "agent"),
    ("POST", "/api/v1/contacts/{contact_id}/merge", "owner"),
    ("POST", "/api/v1/contacts/{contact_id}/identities", "agent"),
    ("PATCH", "/api/v1/contacts/{contact_id}/identities/{identity_id}", "agent"),
    ("POST", "/api/v1/channels/webchat", "owner"),
    ("PATCH", "/api/v1/channels/webchat/{account_id}", "owner"),
    ("POST", "/api/v1/conversations/{conversation_id}/messages", "agent"),
    ("POST", "/api/v1/conversations/{conversation_id}/assign", "agent"),
    ("POST", "/api/v1/conversations/{conversation_id}/status", "agent"),
    ("POST", "/api/v1/conversations/{conversation_id}/typing", "agent"),
    ("POST", "/api/v1/conversations/{conversation_id}/participants", "agent"),
    ("POST", "/api/v1/departments", "owner"),
    ("PATCH", "/api/v1/departments/{department_id}", "owner"),
    ("POST", "/api/v1/teams", "owner"),
    ("PATCH", "/api/v1/teams/{team_id}", "owner"),
    ("POST", "/api/v1/teams/{team_id}/members", "owner"),
    ("POST", "/api/v1/sla-policies", "owner"),
    ("PATCH", "/api/v1/sla-policies/{policy_id}", "owner"),
    ("POST", "/api/v1/tickets", "agent"),
    ("PATCH", "/api/v1/tickets/{ticket_id}", "agent"),
    ("PATCH", "/api/v1/tickets/{ticket_id}/status", "agent"),
    ("POST", "/api/v1/tickets/{ticket_id}/transfer", "agent"),
    ("POST", "/api/v1/tickets/{ticket_id}/comments", "agent"),
    ("POST", "/api/v1/channels/connectors", "owner"),
    ("PATCH", "/api/v1/channels/connectors/{connector_id}", "owner"),
    ("POST", "/api/v1/channels/accounts", "owner"),
    ("PATCH", "/api/v1/channels/accounts/{provider_account_id}", "owner"),
    ("POST", "/api/v1/quick-replies", "agent"),
    ("PATCH", "/api/v1/quick-replies/{quick_reply_id}", "owner"),
]
BAD_BODIES = [
    ("malformed json", "{not json"),
    ("json array", "[1, 2]"),
    ("json string", '"hello"'),
    (
        "wrong types",
        '{"email": 12, "token": [], "refresh": {}, "name": false, "hostname": 1, "roles": "x", '
        '"status": 3, "slug": null, "preferred_language": 7, "display_name": []}',
    ),
    (
        "over-long strings",
        '{"email": "'
        + "a" * 300
        + '@x.test", "token": "'
        + "t" * 5000
        + '", "refresh": "'
        + "r" * 5000
        + '", "name": "'
        + "n" * 5000
        + '", "hostname": "'
        + "h" * 300
        + '.com", "slug": "'
        + "s" * 100
        + '", "display_name": "'
        + "d" * 500
        + '"}',
    ),
    ("unknown fields", '{"is_superuser": true, "tenant": "globex"}'),
    ("empty object", "{}"),
]


@pytest.mark.parametrize(("method", "path", "role"), WRITE_ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in WRITE_ENDPOINTS])
@pytest.mark.parametrize(("label", "raw"), BAD_BODIES, ids=[label for label, _ in BAD_BODIES])
def test_bad_input_is_a_clear_4xx_and_changes_nothing(method, path, role, label, raw, two_tenants, anon, victim_domain):
    from conftest import Api

    world = two_tenants.a
    api = world.api(role) if role else anon
    url = path.format(tenant_id=world.tenant.id, slug=world.slug, member_id=world.member("agent").id, **_rows(world))
    before = _snapshot(world.tenant)
    response = Api.request(api, method, url, raw=raw)
    if label == "empty object" and method == "PATCH" and not path.endswith("/status"):
        assert response.status_code == 200  # a PATCH that changes nothing is valid
        assert _snapshot(world.tenant) == before
        return
    assert 400 <= response.status_code < 500, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"} and body["code"], body
    if label == "unknown fields" and path not in ("/api/v1/auth/token", "/api/v1/auth/token/refresh"):
        assert "is_superuser" in body["fields"] or body["code"] != "invalid"
    assert _snapshot(world.tenant) == before


def test_unknown_api_path_is_json_404(anon):
    response = anon.get("/api/v1/nope")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_wrong_method_is_405(two_tenants):
    response = two_tenants.a.api("owner").request("PUT", "/api/v1/users/me", {})
    assert (response.status_code, response.json()["code"]) == (405, "method_not_allowed")


def test_oversized_body_is_413(anon, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = anon.post("/api/v1/auth/magic-link", raw='{"email": "' + "a" * 5000 + '@x.test"}')
    assert (response.status_code, response.json()["code"]) == (413, "payload_too_large")


def test_access_kinds_are_the_expected_ones():
    kinds = {route: type(_declared_access(cb)) for route, cb in ROUTES}
    assert kinds["api/v1/users/me"] is Authenticated
    assert kinds["api/v1/auth/magic-link"] is Public
