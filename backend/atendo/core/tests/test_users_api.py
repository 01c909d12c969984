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
