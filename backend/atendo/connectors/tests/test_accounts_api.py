"""Channel accounts after they are connected: rename, routing, deletion that keeps history;
web chat routing; provider refusals on the inputs they are about."""

from __future__ import annotations

import json

import pytest

from atendo.connectors.adapters.base import AdapterError
from atendo.connectors.models import ChannelAccount, ChannelConnector, ChannelKind
from atendo.connectors.services import provider_error_fields
from atendo.core.models import AuditLog
from atendo.messaging.models import Conversation
from atendo.messaging.tests.factories import conversation, department, webchat_account
from atendo.organizations.models import Team

pytestmark = pytest.mark.django_db


def whatsapp_account(tenant, *, status=ChannelAccount.Status.PENDING, external_id="5511999990000"):
    connector = ChannelConnector.objects.create(
        tenant=tenant,
        kind=ChannelKind.WHATSAPP,
        name="WhatsApp",
        credentials=json.dumps({"access_token": "t", "app_secret": "s", "verify_token": "v"}),
    )
    return ChannelAccount.objects.create(
        tenant=tenant,
        connector=connector,
        kind=ChannelKind.WHATSAPP,
        name="Vendas",
        external_id=external_id,
        status=status,
    )


def url(account) -> str:
    return f"/api/v1/channels/accounts/{account.id}"


def test_rename_and_route_an_account(two_tenants):
    tenant = two_tenants.a.tenant
    account = whatsapp_account(tenant)
    sales, support = department(tenant, "Vendas"), department(tenant, "Suporte")
    level1 = Team.objects.create(tenant=tenant, department=support, name="N1")
    api = two_tenants.a.api("admin")

    renamed = api.patch(url(account), {"name": "Vendas SP", "default_department": str(sales.id)})
    assert renamed.status_code == 200, renamed.json()
    assert (renamed.json()["name"], renamed.json()["default_department"]) == ("Vendas SP", str(sales.id))
    # A team alone brings its department along.
    routed = api.patch(url(account), {"default_team": str(level1.id)}).json()
    assert (routed["default_department"], routed["default_team"]) == (str(support.id), str(level1.id))
    # Another department drops the team of the old one; null clears the routing.
    moved = api.patch(url(account), {"default_department": str(sales.id)}).json()
    assert (moved["default_department"], moved["default_team"]) == (str(sales.id), None)
    cleared = api.patch(url(account), {"default_department": None}).json()
    assert (cleared["default_department"], cleared["default_team"]) == (None, None)

    mismatch = api.patch(url(account), {"default_department": str(sales.id), "default_team": str(level1.id)})
    assert (mismatch.status_code, mismatch.json()["code"], list(mismatch.json()["fields"])) == (
        400,
        "team_outside_department",
        ["default_team"],
    )
    foreign = department(two_tenants.b.tenant, "Vendas")
    other_tenants = api.patch(url(account), {"default_department": str(foreign.id)})
    assert (other_tenants.status_code, list(other_tenants.json()["fields"])) == (400, ["default_department"])
    # The provider identity is not editable: another number is another account.
    assert api.patch(url(account), {"external_id": "123"}).json()["code"] == "unknown_field"

    audits = AuditLog.objects.for_tenant(tenant).filter(action="channel.account_updated", target_id=str(account.id))
    assert audits.count() == 4
    assert audits.order_by("created_at").first().changes["name"] == {"from": "Vendas", "to": "Vendas SP"}


def test_account_edits_need_channel_manage_and_stay_in_the_tenant(two_tenants):
    mine, theirs = whatsapp_account(two_tenants.a.tenant), whatsapp_account(two_tenants.b.tenant, external_id="5521")
    assert two_tenants.a.api("agent").patch(url(mine), {"name": "x"}).status_code == 403
    assert two_tenants.a.api("agent").delete(url(mine)).status_code == 403
    admin = two_tenants.a.api("admin")
    for response in (admin.get(url(theirs)), admin.patch(url(theirs), {"name": "x"}), admin.delete(url(theirs))):
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    widget = webchat_account(two_tenants.a.tenant)  # web chats have their own endpoints
    assert admin.patch(url(widget), {"name": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Vendas" and ChannelAccount.objects.for_tenant(two_tenants.b.tenant).count() == 1


def test_an_active_account_must_be_deactivated_before_deletion(two_tenants):
    account = whatsapp_account(two_tenants.a.tenant, status=ChannelAccount.Status.ACTIVE)
    api = two_tenants.a.api("admin")
    refused = api.delete(url(account), HTTP_ACCEPT_LANGUAGE="pt-br")
    assert (refused.status_code, refused.json()["code"]) == (409, "account_active")
    assert refused.json()["message"] == "Desative esta conta antes de excluí-la."
    assert ChannelAccount.objects.for_tenant(two_tenants.a.tenant).filter(id=account.id, deleted_at=None).exists()
    assert api.post(f"{url(account)}/deactivate").status_code == 200
    assert api.delete(url(account)).status_code == 204


def test_deleting_an_account_without_conversations_removes_it(two_tenants):
    account = whatsapp_account(two_tenants.a.tenant)
    assert two_tenants.a.api("admin").delete(url(account)).status_code == 204
    assert not ChannelAccount.objects.for_tenant(two_tenants.a.tenant).filter(id=account.id).exists()
    assert AuditLog.objects.for_tenant(two_tenants.a.tenant).filter(action="channel.account_deleted").count() == 1


def test_deleting_an_account_with_conversations_keeps_their_history(two_tenants):
    tenant = two_tenants.a.tenant
    account = whatsapp_account(tenant, status=ChannelAccount.Status.DISABLED)
    talk = conversation(tenant, account=account)
    api = two_tenants.a.api("admin")
    assert api.delete(url(account)).status_code == 204

    kept = ChannelAccount.objects.for_tenant(tenant).get(id=account.id)
    assert kept.deleted_at is not None and kept.status == ChannelAccount.Status.DISABLED
    assert Conversation.objects.for_tenant(tenant).get(id=talk.id).account_id == account.id
    assert api.get(url(account)).status_code == 404
    assert api.delete(url(account)).status_code == 404
    assert api.post(f"{url(account)}/activate").status_code == 404
    assert account.id not in {row["id"] for row in api.get("/api/v1/channels/accounts").json()["results"]}
    # The number is free again: connecting it anew makes a new account.
    again = api.post(
        "/api/v1/channels/accounts",
        {"connector": str(account.connector_id), "name": "Vendas", "external_id": account.external_id},
    )
    assert again.status_code == 201, again.json()
    assert again.json()["id"] != str(account.id)


def test_webchat_routing_is_read_and_written_and_new_conversations_start_there(two_tenants, anon):
    tenant = two_tenants.a.tenant
    sales, support = department(tenant, "Vendas"), department(tenant, "Suporte")
    level1 = Team.objects.create(tenant=tenant, department=support, name="N1")
    api = two_tenants.a.api("admin")
    created = api.post("/api/v1/channels/webchat", {"name": "Site", "default_department": str(sales.id)})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["default_department"], body["default_team"]) == (str(sales.id), None)
    detail = f"/api/v1/channels/webchat/{body['id']}"
    updated = api.patch(detail, {"default_team": str(level1.id)}).json()
    assert (updated["default_department"], updated["default_team"]) == (str(support.id), str(level1.id))
    assert api.get(detail).json()["default_team"] == str(level1.id)
    row = AuditLog.objects.for_tenant(tenant).get(action="channel.webchat_updated")
    assert row.changes["default_team"] == {"from": None, "to": str(level1.id)}
    foreign = department(two_tenants.b.tenant, "Vendas")
    assert api.patch(detail, {"default_department": str(foreign.id)}).status_code == 400

    token = body["widget_token"]
    session = anon.post(f"/api/v1/widget/{token}/sessions", {})
    assert session.status_code == 201, session.json()
    sent = anon.post(
        f"/api/v1/widget/{token}/messages", {"body": "Oi"}, HTTP_X_VISITOR_SESSION=session.json()["session_token"]
    )
    assert sent.status_code == 201, sent.json()
    started = Conversation.objects.for_tenant(tenant).get()
    assert (started.department_id, started.team_id) == (support.id, level1.id)


@pytest.mark.parametrize(
    ("kind", "named", "expected"),
    [
        ("email", ("username", "password"), {"credentials": {"username": ["no"], "password": ["no"]}}),
        ("telegram", ("bot_token", "external_id"), {"credentials": {"bot_token": ["no"]}, "external_id": ["no"]}),
        ("whatsapp", ("external_id",), {"external_id": ["no"]}),
        ("whatsapp", (), {"credentials": {"non_field_errors": ["no"]}}),
        ("whatsapp", ("nonsense",), {"credentials": {"non_field_errors": ["no"]}}),
    ],
)
def test_a_provider_refusal_lands_on_the_inputs_it_names(kind, named, expected):
    assert provider_error_fields(kind, AdapterError("no", fields=named)) == expected
