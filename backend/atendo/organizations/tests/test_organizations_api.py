"""Departments, teams and SLA policies through the API."""

from __future__ import annotations

import pytest

from atendo.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_department_team_and_policy_crud(two_tenants):
    api = two_tenants.a.api("admin")
    hours = {"timezone": "America/Sao_Paulo", "weekly": {"mon": [["09:00", "17:00"]]}, "holidays": ["2026-12-25"]}
    dept = api.post("/api/v1/departments", {"name": "Vendas", "business_hours": hours})
    assert dept.status_code == 201, dept.json()
    dept_id = dept.json()["id"]
    assert api.post("/api/v1/departments", {"name": "Vendas"}).json()["code"] == "name_taken"
    team = api.post("/api/v1/teams", {"name": "N1", "department": dept_id, "auto_assign": True})
    assert team.status_code == 201, team.json()
    agent = two_tenants.a.member("agent")
    members = api.post(f"/api/v1/teams/{team.json()['id']}/members", {"member": str(agent.id)}).json()["members"]
    assert [m["id"] for m in members] == [str(agent.id)]
    policy = api.post("/api/v1/sla-policies", {"name": "Vendas", "department": dept_id, "first_response_minutes": 30})
    assert policy.status_code == 201, policy.json()
    assert api.patch(f"/api/v1/departments/{dept_id}", {"default_sla_policy": policy.json()["id"]}).status_code == 200
    assert api.get("/api/v1/teams", {"department": dept_id}).json()["results"][0]["name"] == "N1"
    actions = set(AuditLog.objects.for_tenant(two_tenants.a.tenant).values_list("action", flat=True))
    assert {"department.created", "team.created", "team.member_added", "sla_policy.created"} <= actions


def test_bad_calendars_and_foreign_ids_are_refused(two_tenants):
    api = two_tenants.a.api("admin")
    for hours in (
        {"timezone": "Mars/Base", "weekly": {}},
        {"timezone": "UTC", "weekly": {"mon": [["18:00", "08:00"]]}},
        {"timezone": "UTC", "weekly": {}},
    ):
        response = api.post("/api/v1/departments", {"name": "X", "business_hours": hours})
        assert (response.status_code, list(response.json()["fields"])) == (400, ["business_hours"]), hours
    foreign = two_tenants.b.api("admin").post("/api/v1/departments", {"name": "Theirs"}).json()["id"]
    response = api.post("/api/v1/teams", {"name": "T", "department": foreign})
    assert (response.status_code, list(response.json()["fields"])) == (400, ["department"])
    assert api.post("/api/v1/sla-policies", {"name": "Empty"}).json()["code"] == "invalid"


def test_agents_read_but_do_not_manage(two_tenants):
    agent = two_tenants.a.api("agent")
    assert agent.get("/api/v1/departments").status_code == 200
    assert agent.post("/api/v1/departments", {"name": "Mine"}).status_code == 403
