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


def test_business_hours_errors_name_the_day_and_row_in_the_members_language(two_tenants):
    api = two_tenants.a.api("admin")
    hours = {
        "timezone": "Mars/Base",
        "weekly": {
            "mon": [["08:00", "12:00"], ["13:00", "18:00"], ["11:00", "14:00"]],
            "tue": [["18:00", "08:00"]],
            "wed": [["8h", "24:00"], ["24:00", "24:00"]],
            "thu": "all day",
            "funday": [],
        },
        "holidays": ["2026-12-25", "2026-02-30"],
        "color": "red",
    }
    response = api.post("/api/v1/departments", {"name": "X", "business_hours": hours}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    errors = response.json()["fields"]["business_hours"]
    assert errors == {
        "color": ["Unknown field."],
        "timezone": ["Unknown time zone."],
        "weekly": {
            "mon": {
                "0": ["This interval overlaps 11:00–14:00."],
                "1": ["This interval overlaps 11:00–14:00."],
                "2": ["This interval overlaps 08:00–12:00.", "This interval overlaps 13:00–18:00."],
            },
            "tue": {"0": ["The opening time must be before the closing time."]},
            "wed": {"0": ["Use a time like 08:00."], "1": ["24:00 can only close an interval."]},
            "thu": ["Give this day's hours as a list of [opening, closing] pairs."],
            "funday": ["Unknown weekday: use mon, tue, wed, thu, fri, sat or sun."],
        },
        "holidays": {"1": ["Use a date like 2026-12-25."]},
    }
    translated = api.post(
        "/api/v1/departments",
        {"name": "X", "business_hours": {"timezone": "UTC", "weekly": {"fri": [["18:00", "08:00"]]}}},
        HTTP_ACCEPT_LANGUAGE="pt-br",
    )
    assert translated.json()["fields"]["business_hours"] == {
        "weekly": {"fri": {"0": ["O horário de abertura precisa ser antes do de fechamento."]}}
    }
    spanish = api.post(
        "/api/v1/departments",
        {
            "name": "X",
            "business_hours": {"timezone": "UTC", "weekly": {"fri": [["09:00", "12:00"], ["10:00", "11:00"]]}},
        },
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert spanish.json()["fields"]["business_hours"]["weekly"]["fri"]["1"] == [
        "Este intervalo se superpone a 09:00–12:00."
    ]


@pytest.mark.parametrize(
    "hours",
    [
        {"timezone": "UTC", "weekly": {"mon": [["08:00", "12:00"], ["12:00", "24:00"]], "sun": [["00:00", "00:00"]]}},
        {"timezone": "America/Sao_Paulo", "weekly": {"sat": [["09:00:30", "12:00"]]}, "holidays": []},
    ],
)
def test_valid_business_hours_have_no_errors(hours):
    from atendo.organizations.business_hours import BusinessCalendar
    from atendo.organizations.business_hours_input import business_hours_errors

    assert business_hours_errors(hours) == {}
    BusinessCalendar.from_json(hours)  # and the calendar itself agrees


def test_business_hours_are_stored_in_one_shape(two_tenants):
    api = two_tenants.a.api("admin")
    hours = {"timezone": "UTC", "weekly": {"mon": [["13:00", "00:00"], ["08:00", "12:00"]]}, "holidays": ["2026-12-25"]}
    created = api.post("/api/v1/departments", {"name": "Ordem", "business_hours": hours})
    assert created.status_code == 201, created.json()
    stored = created.json()["business_hours"]
    assert stored["weekly"]["mon"] == [["08:00", "12:00"], ["13:00", "24:00"]]
    assert stored["weekly"]["sun"] == [] and stored["holidays"] == ["2026-12-25"]
