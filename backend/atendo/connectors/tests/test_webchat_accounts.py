"""Web chat accounts: created whole, updated with merged settings, audited."""

from __future__ import annotations

import pytest

from atendo.connectors.models import ChannelAccount
from atendo.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_create_update_and_rotate(two_tenants):
    api = two_tenants.a.api("admin")
    created = api.post(
        "/api/v1/channels/webchat",
        {"name": "Site", "settings": {"allowed_origins": ["https://Shop.Acme.test/"], "greeting": "Oi"}},
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["settings"]["allowed_origins"] == ["https://shop.acme.test"]
    assert body["widget_token"] in body["embed_code"]
    url = f"/api/v1/channels/webchat/{body['id']}"
    updated = api.patch(url, {"settings": {"primary_color": "#112233"}, "status": "disabled", "rotate_secret": True})
    assert updated.status_code == 200, updated.json()
    after = updated.json()
    assert (after["settings"]["greeting"], after["settings"]["primary_color"], after["status"]) == (
        "Oi",
        "#112233",
        "disabled",
    )
    assert after["identity_secret"] != body["identity_secret"]
    row = AuditLog.objects.for_tenant(two_tenants.a.tenant).get(action="channel.webchat_updated")
    assert set(row.changes) == {"settings", "status", "secret"}
    assert api.patch(url, {"settings": {"primary_color": "red"}}).status_code == 400
    assert two_tenants.a.api("agent").patch(url, {"status": "active"}).status_code == 403


def test_delete_only_when_switched_off_and_the_token_stops_working(two_tenants, anon):
    api = two_tenants.a.api("admin")
    body = api.post("/api/v1/channels/webchat", {"name": "Landing page"}).json()
    url = f"/api/v1/channels/webchat/{body['id']}"
    refused = api.delete(url)
    assert (refused.status_code, refused.json()["code"]) == (409, "account_active")
    assert two_tenants.b.api("admin").delete(url).status_code == 404
    assert two_tenants.a.api("agent").delete(url).status_code == 403
    assert api.patch(url, {"status": "disabled"}).status_code == 200

    assert api.delete(url).status_code == 204
    # Never used: the row is gone, not just hidden.
    assert not ChannelAccount.objects.for_tenant(two_tenants.a.tenant).filter(id=body["id"]).exists()
    assert api.get(url).status_code == 404
    assert AuditLog.objects.for_tenant(two_tenants.a.tenant).filter(action="channel.account_deleted").count() == 1


def test_a_web_chat_with_conversations_is_hidden_and_its_history_kept(two_tenants, anon):
    api = two_tenants.a.api("admin")
    body = api.post("/api/v1/channels/webchat", {"name": "Loja"}).json()
    url = f"/api/v1/channels/webchat/{body['id']}"
    base = f"/api/v1/widget/{body['widget_token']}"
    session = anon.post(f"{base}/sessions", {}).json()["session_token"]
    sent = anon.client.post(f"{base}/messages", {"body": "Olá"}, HTTP_X_VISITOR_SESSION=session)
    assert sent.status_code == 201, sent.json()
    assert api.patch(url, {"status": "disabled"}).status_code == 200

    assert api.delete(url).status_code == 204
    row = ChannelAccount.objects.for_tenant(two_tenants.a.tenant).get(id=body["id"])
    assert row.deleted_at is not None
    assert api.get(url).status_code == 404
    listed = api.get("/api/v1/channels/webchat").json()["results"]
    assert body["id"] not in [item["id"] for item in listed]
    assert anon.client.get(f"{base}/config").status_code == 404
    [conversation] = api.get("/api/v1/conversations?status=all").json()["results"]
    assert api.get(f"/api/v1/conversations/{conversation['id']}").json()["messages"]["results"][0]["body"] == "Olá"
