from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from atendo.core.realtime.broadcast import jsonable
from atendo.messaging.frames import datetime_text
from atendo.tickets.models import SlaClock, Ticket, TicketAssignment, TicketComment, TicketStatus
from atendo.tickets.selectors import allowed_statuses


class PersonSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    display_name = serializers.CharField()


class NamedSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


def _person(member: Any) -> dict[str, Any] | None:
    return {"id": member.id, "display_name": member.display_name} if member else None


def _named(row: Any) -> dict[str, Any] | None:
    return {"id": row.id, "name": row.name} if row else None


class TicketSerializer(serializers.ModelSerializer):
    """A ticket. `allowed_statuses` answers for the member who asked (serializer context
    "member"); realtime frames, shared by many members, carry null."""

    assignee = serializers.SerializerMethodField()
    department = serializers.SerializerMethodField()
    team = serializers.SerializerMethodField()
    requester = serializers.SerializerMethodField()
    allowed_statuses = serializers.SerializerMethodField(
        help_text="Statuses the requesting member may move this ticket to now (the server's workflow and "
        "their rights); null in realtime frames, which are not addressed to one member."
    )

    class Meta:
        model = Ticket
        fields = (
            "id",
            "number",
            "subject",
            "description",
            "status",
            "priority",
            "department",
            "team",
            "assignee",
            "requester",
            "conversation_id",
            "tags",
            "custom_fields",
            "sla_state",
            "next_due_at",
            "first_responded_at",
            "solved_at",
            "created_at",
            "updated_at",
            "allowed_statuses",
        )

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_assignee(self, ticket: Ticket) -> dict[str, Any] | None:
        return _person(ticket.assignee)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(TicketStatus.choices), allow_null=True))
    def get_allowed_statuses(self, ticket: Ticket) -> list[str] | None:
        member = self.context.get("member")
        return allowed_statuses(member, ticket) if member is not None else None

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_department(self, ticket: Ticket) -> dict[str, Any] | None:
        return _named(ticket.department)

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_team(self, ticket: Ticket) -> dict[str, Any] | None:
        return _named(ticket.team)

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_requester(self, ticket: Ticket) -> dict[str, Any] | None:
        return _named(ticket.requester)


# The ticket columns `ticket_row_frames` renders (a values() row), besides its related rows.
TICKET_ROW_FIELDS = (
    "id",
    "tenant_id",
    "number",
    "subject",
    "description",
    "status",
    "priority",
    "department_id",
    "team_id",
    "assignee_id",
    "requester_id",
    "conversation_id",
    "tags",
    "custom_fields",
    "sla_state",
    "next_due_at",
    "first_responded_at",
    "solved_at",
    "created_at",
    "updated_at",
)


def ticket_row_frames(rows: list[dict[str, Any]], related: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """What `jsonable(TicketSerializer(tickets, many=True).data)` gives for realtime frames
    (no member, so allowed_statuses is null), built from ticket rows (TICKET_ROW_FIELDS, ids as
    UUIDs or text) and their related rows by id as text (`related["assignee" | "department" |
    "team" | "requester"]`): an SLA scan batch renders a thousand tickets, and DRF's per-field
    machinery, then the model instances, cost most of it. test_board checks both stay the same."""
    tz = timezone.get_current_timezone()  # once for the batch: the lookup costs more than a value's rendering
    assignees, departments, teams, requesters = (
        related["assignee"],
        related["department"],
        related["team"],
        related["requester"],
    )

    def person(member: Any) -> dict[str, Any] | None:
        return {"id": str(member.id), "display_name": member.display_name} if member else None

    def named(row: Any) -> dict[str, Any] | None:
        return {"id": str(row.id), "name": row.name} if row else None

    def one(rows: dict[str, Any], key: Any) -> Any:
        return None if key is None else rows.get(str(key))

    return [
        {
            "id": str(t["id"]),
            "number": t["number"],
            "subject": t["subject"],
            "description": t["description"],
            "status": t["status"],
            "priority": t["priority"],
            "department": named(one(departments, t["department_id"])),
            "team": named(one(teams, t["team_id"])),
            "assignee": person(one(assignees, t["assignee_id"])),
            "requester": named(one(requesters, t["requester_id"])),
            "conversation_id": None if t["conversation_id"] is None else str(t["conversation_id"]),
            "tags": list(t["tags"]),
            "custom_fields": jsonable({"value": t["custom_fields"]})["value"]
            if t["custom_fields"]
            else t["custom_fields"],
            "sla_state": t["sla_state"],
            "next_due_at": datetime_text(t["next_due_at"], tz),
            "first_responded_at": datetime_text(t["first_responded_at"], tz),
            "solved_at": datetime_text(t["solved_at"], tz),
            "created_at": datetime_text(t["created_at"], tz),
            "updated_at": datetime_text(t["updated_at"], tz),
            "allowed_statuses": None,
        }
        for t in rows
    ]


class TicketAssignmentSerializer(serializers.ModelSerializer):
    assignee = serializers.SerializerMethodField()
    assigned_by = serializers.SerializerMethodField()

    class Meta:
        model = TicketAssignment
        fields = ("id", "assignee", "department_id", "team_id", "assigned_by", "reason", "started_at", "ended_at")

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_assignee(self, row: TicketAssignment) -> dict[str, Any] | None:
        return _person(row.assignee)

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_assigned_by(self, row: TicketAssignment) -> dict[str, Any] | None:
        return _person(row.assigned_by)


class TicketDetailSerializer(TicketSerializer):
    assignments = TicketAssignmentSerializer(many=True, read_only=True)

    class Meta(TicketSerializer.Meta):
        fields = (*TicketSerializer.Meta.fields, "assignments")  # type: ignore[assignment]


class TicketCommentSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = TicketComment
        fields = ("id", "author", "by_requester", "internal", "system", "body", "created_at")

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_author(self, comment: TicketComment) -> dict[str, Any] | None:
        return _person(comment.author)


class SlaClockSerializer(serializers.ModelSerializer):
    remaining_seconds = serializers.SerializerMethodField(help_text="Wall-clock seconds until due (running only).")

    class Meta:
        model = SlaClock
        fields = (
            "target",
            "state",
            "target_seconds",
            "consumed_seconds",
            "running_since",
            "due_at",
            "warning_at",
            "warned",
            "breached",
            "remaining_seconds",
        )

    def get_remaining_seconds(self, clock: SlaClock) -> int | None:
        if clock.state != SlaClock.State.RUNNING or clock.due_at is None:
            return None
        return int((clock.due_at - timezone.now()).total_seconds())
