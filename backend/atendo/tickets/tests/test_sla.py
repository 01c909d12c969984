"""The SLA engine through a ticket's life with a controlled clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest

from atendo.messaging.tests.factories import department
from atendo.organizations.models import SlaPolicy
from atendo.tickets import sla
from atendo.tickets.models import SlaClock, SlaEvent, Ticket

pytestmark = pytest.mark.django_db

# Monday 2026-03-02 10:00 in São Paulo (UTC-3, no DST since 2019) = 13:00 UTC.
MONDAY_10_LOCAL = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)


@pytest.fixture
def support(two_tenants):
    dept = department(two_tenants.a.tenant, "Suporte")  # default calendar: Mon-Fri 08-18 America/Sao_Paulo
    SlaPolicy.objects.create(
        tenant=two_tenants.a.tenant,
        name="Suporte",
        department=dept,
        first_response_minutes=60,
        resolution_minutes=8 * 60,
        warning_percent=80,
    )
    return dept


def at(moment: datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def clocks(ticket_id) -> dict[str, SlaClock]:
    return {c.target: c for c in SlaClock.objects.unscoped().filter(ticket_id=ticket_id)}


def test_first_response_pause_resume_and_breach(two_tenants, support):
    api = two_tenants.a.api("agent")
    with at(MONDAY_10_LOCAL):
        ticket = api.post("/api/v1/tickets", {"subject": "Help", "department": str(support.id)}).json()
    first = clocks(ticket["id"])["first_response"]
    assert first.due_at == MONDAY_10_LOCAL + timedelta(hours=1)
    assert first.warning_at == MONDAY_10_LOCAL + timedelta(minutes=48)

    with at(MONDAY_10_LOCAL + timedelta(minutes=50)):
        assert sla.sla_scan() == {"warnings": 1, "breaches": 0}
    # Only the first-response clock warned (48 min); the 8 h resolution clock did not.
    assert clocks(ticket["id"])["first_response"].warned
    assert not clocks(ticket["id"])["resolution"].warned

    with at(MONDAY_10_LOCAL + timedelta(minutes=55)):
        api.post(f"/api/v1/tickets/{ticket['id']}/comments", {"body": "On it"})
        api.patch(f"/api/v1/tickets/{ticket['id']}/status", {"status": "pending"})
    state = clocks(ticket["id"])
    assert state["first_response"].state == "met"
    assert state["resolution"].state == "paused" and state["resolution"].consumed_seconds == 55 * 60

    # The customer answers the next morning: resolution resumes with what was left (7 h 05).
    tuesday_9 = MONDAY_10_LOCAL + timedelta(hours=23)
    with at(tuesday_9):
        from atendo.tickets.services import ticket_comment

        ticket_row = Ticket.objects.unscoped().get(id=ticket["id"])
        ticket_comment(
            tenant=two_tenants.a.tenant, actor=None, ticket=ticket_row, body="Still broken", by_requester=True
        )
    resolution = clocks(ticket["id"])["resolution"]
    assert resolution.state == "running"
    # 09:00 + 7h05 of business time = 16:05 local = 19:05 UTC on Tuesday.
    assert resolution.due_at == datetime(2026, 3, 3, 19, 5, tzinfo=UTC)

    with at(datetime(2026, 3, 3, 19, 6, tzinfo=UTC)):
        result = sla.sla_scan()
        assert result["breaches"] == 1
        assert sla.sla_scan() == {"warnings": 0, "breaches": 0}  # idempotent
    assert Ticket.objects.unscoped().get(id=ticket["id"]).sla_state == "breached"
    kinds = list(
        SlaEvent.objects.unscoped()
        .filter(ticket_id=ticket["id"], target="resolution")
        .order_by("occurred_at")
        .values_list("kind", flat=True)
    )
    assert kinds == ["started", "paused", "resumed", "warning", "breached"]


def test_ticket_opened_before_hours_starts_counting_at_opening(two_tenants, support):
    monday_6 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 06:00 local
    with at(monday_6):
        ticket = (
            two_tenants.a.api("agent")
            .post("/api/v1/tickets", {"subject": "Early", "department": str(support.id)})
            .json()
        )
    assert clocks(ticket["id"])["first_response"].due_at == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # 09:00 local


def test_friday_evening_ticket_is_due_on_monday(two_tenants, support):
    friday_1730 = datetime(2026, 3, 6, 20, 30, tzinfo=UTC)
    with at(friday_1730):
        ticket = (
            two_tenants.a.api("agent")
            .post("/api/v1/tickets", {"subject": "Weekend", "department": str(support.id)})
            .json()
        )
    assert clocks(ticket["id"])["first_response"].due_at == datetime(2026, 3, 9, 11, 30, tzinfo=UTC)  # Mon 08:30


def test_priority_change_retargets_keeping_elapsed_time(two_tenants, support):
    SlaPolicy.objects.create(
        tenant=two_tenants.a.tenant,
        name="Urgent",
        department=support,
        priority="urgent",
        first_response_minutes=15,
        resolution_minutes=120,
    )
    api = two_tenants.a.api("agent")
    with at(MONDAY_10_LOCAL):
        ticket = api.post("/api/v1/tickets", {"subject": "x", "department": str(support.id)}).json()
    with at(MONDAY_10_LOCAL + timedelta(minutes=10)):
        api.patch(f"/api/v1/tickets/{ticket['id']}", {"priority": "urgent"})
    first = clocks(ticket["id"])["first_response"]
    assert first.target_seconds == 15 * 60 and first.consumed_seconds == 10 * 60
    assert first.due_at == MONDAY_10_LOCAL + timedelta(minutes=15)


def test_sla_view(two_tenants, support):
    api = two_tenants.a.api("agent")
    ticket = api.post("/api/v1/tickets", {"subject": "x", "department": str(support.id)}).json()
    view = api.get(f"/api/v1/tickets/{ticket['id']}/sla").json()
    assert view["policy"] == "Suporte"
    assert {c["target"] for c in view["clocks"]} == {"first_response", "resolution"}
    assert two_tenants.b.api("owner").get(f"/api/v1/tickets/{ticket['id']}/sla").status_code == 404


def test_breach_notifies_assignee_and_department_supervisors(
    two_tenants, support, mailoutbox, django_capture_on_commit_callbacks
):
    from atendo.core.models import Notification

    tenant = two_tenants.a.tenant
    scoped_supervisor = two_tenants.a.add_member("supervisor", scope=("department", support.id))
    other_dept = department(tenant, "Vendas")
    elsewhere = two_tenants.a.add_member("supervisor", scope=("department", other_dept.id))
    agent = two_tenants.a.member("agent")
    api = two_tenants.a.api("agent")
    with at(MONDAY_10_LOCAL):
        ticket = api.post(
            "/api/v1/tickets", {"subject": "Fire", "department": str(support.id), "assignee": str(agent.id)}
        ).json()
    with at(MONDAY_10_LOCAL + timedelta(hours=2)), django_capture_on_commit_callbacks(execute=True):
        sla.sla_scan()
    notes = Notification.objects.for_tenant(tenant).filter(kind="sla.breached")
    recipients = set(notes.values_list("recipient_id", flat=True))
    assert {agent.id, scoped_supervisor.id, two_tenants.a.member("supervisor").id} <= recipients
    assert elsewhere.id not in recipients
    assert any(f"#{ticket['number']}" in m.subject for m in mailoutbox)
    # The first-response clock passed its warning and its deadline between two scans: both are
    # logged, only the breach is announced (a "close to its deadline" beside it is noise).
    first_response = SlaEvent.objects.unscoped().filter(ticket_id=ticket["id"], target="first_response")
    assert set(first_response.values_list("kind", flat=True)) >= {"warning", "breached"}
    listed = api.get("/api/v1/notifications", {"unread": "true"}).json()["results"]
    assert {n["kind"] for n in listed} == {"sla.breached"}
    assert not any("close to its SLA deadline" in m.subject for m in mailoutbox)
    assert api.post("/api/v1/notifications/read", {}).json()["marked"] == len(listed)
    assert api.get("/api/v1/notifications", {"unread": "true"}).json()["results"] == []


def test_warning_notifies_while_the_deadline_is_ahead(two_tenants, support, django_capture_on_commit_callbacks):
    from atendo.core.models import Notification

    agent = two_tenants.a.member("agent")
    api = two_tenants.a.api("agent")
    with at(MONDAY_10_LOCAL):
        ticket = api.post(
            "/api/v1/tickets", {"subject": "Soon", "department": str(support.id), "assignee": str(agent.id)}
        ).json()
    with at(MONDAY_10_LOCAL + timedelta(minutes=50)), django_capture_on_commit_callbacks(execute=True):
        assert sla.sla_scan() == {"warnings": 1, "breaches": 0}
    notes = Notification.objects.for_tenant(two_tenants.a.tenant).filter(recipient=agent)
    assert list(notes.values_list("kind", flat=True)) == ["sla.warning"]
    assert notes.get().data["ticket_id"] == ticket["id"]


def test_holiday_is_skipped(two_tenants, support):
    support.business_hours = {**support.business_hours, "holidays": ["2026-03-03"]}
    support.save()
    monday_1730 = datetime(2026, 3, 2, 20, 30, tzinfo=UTC)
    with at(monday_1730):
        ticket = (
            two_tenants.a.api("agent")
            .post("/api/v1/tickets", {"subject": "Carnaval", "department": str(support.id)})
            .json()
        )
    # 30 min left on Monday, Tuesday is a holiday: due Wednesday 08:30 local = 11:30 UTC.
    assert clocks(ticket["id"])["first_response"].due_at == datetime(2026, 3, 4, 11, 30, tzinfo=UTC)


def test_daylight_saving_start_in_sao_paulo_2018(two_tenants, support):
    # Friday 2018-11-02 17:30 local (UTC-3). Clocks went forward on Sunday 4 Nov at 00:00, so
    # Monday 08:30 local is UTC-2 = 10:30 UTC.
    friday = datetime(2018, 11, 2, 20, 30, tzinfo=UTC)
    with at(friday):
        ticket = (
            two_tenants.a.api("agent").post("/api/v1/tickets", {"subject": "DST", "department": str(support.id)}).json()
        )
    assert clocks(ticket["id"])["first_response"].due_at == datetime(2018, 11, 5, 10, 30, tzinfo=UTC)


def test_transfer_to_another_department_retargets(two_tenants, support):
    sales = department(two_tenants.a.tenant, "Vendas")
    SlaPolicy.objects.create(
        tenant=two_tenants.a.tenant, name="Vendas", department=sales, first_response_minutes=20, resolution_minutes=60
    )
    api = two_tenants.a.api("supervisor")
    with at(MONDAY_10_LOCAL):
        ticket = api.post("/api/v1/tickets", {"subject": "x", "department": str(support.id)}).json()
    with at(MONDAY_10_LOCAL + timedelta(minutes=5)):
        api.post(f"/api/v1/tickets/{ticket['id']}/transfer", {"department": str(sales.id), "reason": "sales"})
    first = clocks(ticket["id"])["first_response"]
    assert (first.target_seconds, first.consumed_seconds) == (20 * 60, 5 * 60)
    assert first.due_at == MONDAY_10_LOCAL + timedelta(minutes=20)
    assert api.get(f"/api/v1/tickets/{ticket['id']}/sla").json()["policy"] == "Vendas"


def test_breach_fan_out_costs_the_same_queries_for_3_or_30_tickets(
    two_tenants, support, mailoutbox, django_capture_on_commit_callbacks
):
    """Board frames, notifications and e-mails for a scan batch are loaded and written in
    bulk: the query count does not grow with the number of tickets that breached."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    two_tenants.a.add_member("supervisor", scope=("department", support.id))
    api = two_tenants.a.api("agent")
    agent = str(two_tenants.a.member("agent").id)

    def scan_with(count: int, start: datetime) -> int:
        with at(start):
            for i in range(count):
                api.post("/api/v1/tickets", {"subject": f"T{i}", "department": str(support.id), "assignee": agent})
        with (
            at(start + timedelta(hours=2)),
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            counts = sla.sla_scan()
        assert counts["breaches"] >= count
        return len(queries)

    few = scan_with(3, MONDAY_10_LOCAL)
    many = scan_with(30, MONDAY_10_LOCAL + timedelta(days=1))
    assert many == few


def test_conversation_shows_the_most_urgent_sla_of_its_open_tickets(
    two_tenants, support, django_capture_on_commit_callbacks
):
    from atendo.messaging.tests.factories import conversation

    conv = conversation(two_tenants.a.tenant, department=support)
    api = two_tenants.a.api("agent")

    def inbox_row() -> dict:
        return api.get(f"/api/v1/conversations/{conv.id}").json()

    assert (inbox_row()["sla_state"], inbox_row()["sla_due_at"]) == ("", None)
    with at(MONDAY_10_LOCAL):
        first = api.post(
            "/api/v1/tickets", {"subject": "A", "department": str(support.id), "conversation": str(conv.id)}
        ).json()
    with at(MONDAY_10_LOCAL + timedelta(minutes=30)):
        api.post("/api/v1/tickets", {"subject": "B", "department": str(support.id), "conversation": str(conv.id)})
    # The earliest deadline of the two running first-response clocks.
    row = inbox_row()
    assert row["sla_state"] == "ok"
    assert row["sla_due_at"].startswith("2026-03-02T14:00:00")

    with at(MONDAY_10_LOCAL + timedelta(minutes=70)), django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert sla.sla_scan()["breaches"] == 1
    assert callbacks, "the inbox is told about the change"
    assert inbox_row()["sla_state"] == "breached"

    # Solving the breached ticket leaves the other one's clock (warning at 48 of 60 min) on the row.
    with at(MONDAY_10_LOCAL + timedelta(minutes=75)):
        api.patch(f"/api/v1/tickets/{first['id']}/status", {"status": "solved"})
    row = inbox_row()
    assert row["sla_state"] == "ok"
    assert row["sla_due_at"].startswith("2026-03-02T14:30:00")

    # Another tenant's conversation is never touched.
    theirs = conversation(two_tenants.b.tenant)
    assert two_tenants.b.api("agent").get(f"/api/v1/conversations/{theirs.id}").json()["sla_state"] == ""


def test_scan_queries_do_not_grow_with_due_tickets_and_their_conversations(
    two_tenants, support, mailoutbox, django_capture_on_commit_callbacks
):
    """A run that warns and breaches clocks, copies the SLA onto the tickets' conversations and
    fans out (board, inbox, notifications, e-mails) costs the same queries for 2 or 20 tickets."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from atendo.messaging.models import Conversation
    from atendo.messaging.tests.factories import conversation

    # First-response clocks only: the first round's resolution clocks stay out of the second.
    SlaPolicy.objects.for_tenant(two_tenants.a.tenant).filter(department=support).update(resolution_minutes=None)
    two_tenants.a.add_member("supervisor", scope=("department", support.id))
    api = two_tenants.a.api("agent")
    agent = str(two_tenants.a.member("agent").id)

    def scan_with(count: int, start: datetime) -> tuple[int, int, list[Conversation]]:
        convs = [conversation(two_tenants.a.tenant, department=support) for _ in range(count)]
        with at(start):
            for i, conv in enumerate(convs):
                api.post(
                    "/api/v1/tickets",
                    {
                        "subject": f"T{i}",
                        "department": str(support.id),
                        "assignee": agent,
                        "conversation": str(conv.id),
                    },
                )
        with (
            at(start + timedelta(minutes=50)),  # first response: past its warning (48 min)
            CaptureQueriesContext(connection) as warned,
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert sla.sla_scan() == {"warnings": count, "breaches": 0}
        assert {c.sla_state for c in Conversation.objects.unscoped().filter(id__in=[c.id for c in convs])} == {
            "warning"
        }
        with (
            at(start + timedelta(hours=2)),  # first response breached
            CaptureQueriesContext(connection) as breached,
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert sla.sla_scan() == {"warnings": 0, "breaches": count}
        return len(warned), len(breached), convs

    few = scan_with(2, MONDAY_10_LOCAL)
    many = scan_with(20, MONDAY_10_LOCAL + timedelta(days=1))
    assert many[:2] == few[:2]
    rows = Conversation.objects.unscoped().filter(id__in=[c.id for c in many[2]])
    assert {c.sla_state for c in rows} == {"breached"}
    assert SlaEvent.objects.unscoped().filter(kind="breached").count() == 22


def test_scan_in_batches_marks_every_due_clock_once(two_tenants, support):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = two_tenants.a.api("agent")
    with at(MONDAY_10_LOCAL):
        ids = [
            api.post("/api/v1/tickets", {"subject": f"T{i}", "department": str(support.id)}).json()["id"]
            for i in range(5)
        ]
    with (
        mock.patch.object(sla, "SCAN_BATCH", 2),
        at(MONDAY_10_LOCAL + timedelta(hours=2)),
        CaptureQueriesContext(connection) as queries,
    ):
        assert sla.sla_scan() == {"warnings": 5, "breaches": 5}
    # Batches of 2, 2 and 1 per pass; the short one was the last.
    assert sum(q["sql"].lstrip().startswith("WITH due") for q in queries) == 6
    with at(MONDAY_10_LOCAL + timedelta(hours=2)):
        assert sla.sla_scan() == {"warnings": 0, "breaches": 0}
    assert set(Ticket.objects.unscoped().filter(id__in=ids).values_list("sla_state", flat=True)) == {"breached"}
    events = SlaEvent.objects.unscoped().filter(ticket_id__in=ids, target="first_response")
    assert sorted(events.values_list("kind", flat=True)) == ["breached"] * 5 + ["started"] * 5 + ["warning"] * 5


def test_status_change_syncs_the_conversation_once(two_tenants, support):
    """Solving a pending ticket resumes, meets and cancels its clocks: the ticket's summary and
    its conversation's copy are written once for the operation."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from atendo.messaging.tests.factories import conversation

    conv = conversation(two_tenants.a.tenant, department=support)
    api = two_tenants.a.api("agent")
    with at(MONDAY_10_LOCAL):
        ticket = api.post(
            "/api/v1/tickets", {"subject": "A", "department": str(support.id), "conversation": str(conv.id)}
        ).json()
        api.patch(f"/api/v1/tickets/{ticket['id']}/status", {"status": "pending"})
        with CaptureQueriesContext(connection) as queries:
            api.patch(f"/api/v1/tickets/{ticket['id']}/status", {"status": "solved"})
    # One summary per operation: the ticket's open siblings are read once and the conversation's
    # copy written once (it was once per transition: resumed, met, cancelled).
    on_conversations = [q["sql"] for q in queries if "messaging_conversation" in q["sql"]]
    assert len(on_conversations) == 1, on_conversations
    kinds = list(
        SlaEvent.objects.unscoped()
        .filter(ticket_id=ticket["id"])
        .order_by("occurred_at", "kind")
        .values_list("kind", flat=True)
    )
    assert kinds.count("resumed") == 2 and "met" in kinds and "cancelled" in kinds
    assert Ticket.objects.unscoped().get(id=ticket["id"]).sla_state == "met"
    assert api.get(f"/api/v1/conversations/{conv.id}").json()["sla_state"] == ""
