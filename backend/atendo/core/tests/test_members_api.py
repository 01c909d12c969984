"""Members: invitations by magic link, role changes with scope, owner protections."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core import mail

from atendo.core.models import AuditLog, RoleAssignment, TenantUser

pytestmark = pytest.mark.django_db


def members_url(slug: str) -> str:
    return f"/api/v1/tenants/{slug}/members"


def test_invite_creates_an_invited_member_and_mails_a_magic_link(two_tenants, django_capture_on_commit_callbacks, anon):
    api = two_tenants.a.api("admin")
    scope_id = str(uuid.uuid4())
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            members_url("acme"),
            {
                "email": "New.Agent@Example.test",
                "roles": [{"role": "agent", "scope_type": "department", "scope_id": scope_id}],
            },
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["email"], body["status"]) == ("new.agent@example.test", "invited")
    assert body["roles"] == [
        {
            "id": body["roles"][0]["id"],
            "slug": "agent",
            "name": "Agent",
            "scope_type": "department",
            "scope_id": scope_id,
        }
    ]
    assert mail.outbox[-1].to == ["new.agent@example.test"]
    assert "Acme" in mail.outbox[-1].subject
    secret = re.search(r"token=([\w-]+)", mail.outbox[-1].body).group(1)
    assert anon.post("/api/v1/auth/token", {"token": secret}).status_code == 200
    assert TenantUser.objects.for_tenant(two_tenants.a.tenant).get(id=body["id"]).status == "active"
    assert AuditLog.objects.for_tenant(two_tenants.a.tenant).filter(action="member.invited").exists()


def test_existing_member_cannot_be_invited_twice(two_tenants):
    response = two_tenants.a.api("admin").post(
        members_url("acme"), {"email": "agent@acme.test", "roles": [{"role": "agent"}]}
    )
    assert (response.status_code, response.json()["code"]) == (409, "already_member")


def test_unknown_role_and_empty_roles_are_refused(two_tenants):
    api = two_tenants.a.api("admin")
    unknown = api.post(members_url("acme"), {"email": "x@y.test", "roles": [{"role": "emperor"}]})
    assert unknown.status_code == 400
    assert "roles" in unknown.json()["fields"]
    empty = api.post(members_url("acme"), {"email": "x@y.test", "roles": []})
    assert empty.status_code == 400


def test_supervisor_invites_agents_but_not_admins_or_owners(two_tenants):
    api = two_tenants.a.api("supervisor")
    assert api.post(members_url("acme"), {"email": "a1@y.test", "roles": [{"role": "agent"}]}).status_code == 201
    for role in ("admin", "owner"):
        response = api.post(members_url("acme"), {"email": f"{role}2@y.test", "roles": [{"role": role}]})
        assert response.status_code == 403, role


def test_only_owners_grant_owner(two_tenants):
    admin = two_tenants.a.api("admin")
    agent_id = two_tenants.a.member("agent").id
    response = admin.patch(f"{members_url('acme')}/{agent_id}", {"roles": [{"role": "owner"}]})
    assert (response.status_code, response.json()["code"]) == (403, "owner_required")
    owner = two_tenants.a.api("owner")
    assert owner.patch(f"{members_url('acme')}/{agent_id}", {"roles": [{"role": "owner"}]}).status_code == 200


def test_the_last_owner_cannot_leave_or_be_demoted(two_tenants):
    owner = two_tenants.a.api("owner")
    owner_id = two_tenants.a.member("owner").id
    demote = owner.patch(f"{members_url('acme')}/{owner_id}", {"roles": [{"role": "agent"}]})
    assert (demote.status_code, demote.json()["code"]) == (409, "last_owner")
    disable = owner.patch(f"{members_url('acme')}/{owner_id}", {"status": "disabled"})
    assert disable.status_code == 409
    remove = owner.delete(f"{members_url('acme')}/{owner_id}")
    assert remove.status_code == 409
    assert (
        RoleAssignment.objects.for_tenant(two_tenants.a.tenant).filter(member_id=owner_id, role__slug="owner").exists()
    )


def test_disable_and_remove_member(two_tenants):
    admin = two_tenants.a.api("admin")
    agent = two_tenants.a.member("agent")
    response = admin.patch(f"{members_url('acme')}/{agent.id}", {"status": "disabled", "display_name": "Ex"})
    assert (response.status_code, response.json()["status"]) == (200, "disabled")
    # A disabled member is locked out of the tenant at once.
    assert two_tenants.a.api("agent").get(members_url("acme")).status_code == 404
    assert admin.delete(f"{members_url('acme')}/{agent.id}").status_code == 204
    assert not TenantUser.objects.for_tenant(two_tenants.a.tenant).filter(id=agent.id).exists()
    actions = set(AuditLog.objects.for_tenant(two_tenants.a.tenant).values_list("action", flat=True))
    assert {"member.updated", "member.removed"} <= actions


def test_agent_lists_members_but_cannot_manage_them(two_tenants):
    agent = two_tenants.a.api("agent")
    listed = agent.get(members_url("acme"))
    assert listed.status_code == 200
    assert len(listed.json()["results"]) == 4
    target = two_tenants.a.member("supervisor").id
    assert agent.patch(f"{members_url('acme')}/{target}", {"display_name": "x"}).status_code == 403
    assert agent.delete(f"{members_url('acme')}/{target}").status_code == 403
    assert agent.post(members_url("acme"), {"email": "z@z.test", "roles": [{"role": "agent"}]}).status_code == 403


def test_members_of_another_tenant_are_unreachable(two_tenants):
    api = two_tenants.a.api("owner")
    theirs = two_tenants.b.member("agent").id
    assert api.get(members_url("globex")).status_code == 404
    assert api.get(f"{members_url('acme')}/{theirs}").status_code == 404
    assert api.patch(f"{members_url('acme')}/{theirs}", {"display_name": "x"}).status_code == 404
    assert api.delete(f"{members_url('acme')}/{theirs}").status_code == 404
    assert TenantUser.objects.for_tenant(two_tenants.b.tenant).filter(id=theirs).exists()


def test_member_list_filters_and_paginates_in_constant_queries(two_tenants, django_assert_max_num_queries):
    for i in range(30):
        two_tenants.a.add_member("agent", email=f"bulk{i}@acme.test")
    api = two_tenants.a.api("admin")
    with django_assert_max_num_queries(8):
        page = api.get(members_url("acme"), {"page_size": 10}).json()
    assert len(page["results"]) == 10
    assert page["next"]
    with django_assert_max_num_queries(8):
        second = api.get(page["next"]).json()
    assert not {m["id"] for m in page["results"]} & {m["id"] for m in second["results"]}
    assert [m["email"] for m in api.get(members_url("acme"), {"search": "bulk7@"}).json()["results"]] == [
        "bulk7@acme.test"
    ]
    assert api.get(members_url("acme"), {"status": "weird"}).status_code == 400


def test_member_changes_publish_events_only_after_commit(
    two_tenants, captured_events, django_capture_on_commit_callbacks
):
    admin = two_tenants.a.api("admin")
    with django_capture_on_commit_callbacks(execute=False) as pending:
        admin.post(members_url("acme"), {"email": "evt@example.test", "roles": [{"role": "agent"}]})
    assert captured_events == []  # nothing is delivered while the transaction is open
    for callback in pending:
        callback()
    assert [(e.name, e.change) for e in captured_events] == [("member.changed", "invited")]
    assert captured_events[0].tenant_id == two_tenants.a.tenant.id


def test_invitation_can_be_resent_until_joined(two_tenants, django_capture_on_commit_callbacks, anon):
    admin = two_tenants.a.api("admin")
    with django_capture_on_commit_callbacks(execute=True):
        member = admin.post(members_url("acme"), {"email": "late@example.test", "roles": [{"role": "agent"}]}).json()
    resend = f"{members_url('acme')}/{member['id']}/resend-invitation"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(resend).status_code == 202
    assert [m.to for m in mail.outbox] == [["late@example.test"], ["late@example.test"]]
    secret = re.search(r"token=([\w-]+)", mail.outbox[-1].body).group(1)
    assert anon.post("/api/v1/auth/token", {"token": secret}).status_code == 200
    joined = admin.post(resend)
    assert (joined.status_code, joined.json()["code"]) == (409, "not_invited")
    assert two_tenants.a.api("agent").post(resend).status_code == 403
