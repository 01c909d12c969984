"""Web chat accounts: created whole, updated with merged settings, audited."""

from __future__ import annotations

import pytest

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
