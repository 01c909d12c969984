"""Tickets API: list/create, detail/edit, status, transfer, comments, SLA view."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from atendo.contacts.models import Contact
from atendo.core.api.base import ApiView, StrictSerializer, TenantPermission
from atendo.core.api.fields import TenantRowField
from atendo.core.api.schema import page_of
from atendo.core.models import TenantUser
from atendo.messaging.selectors import get_conversation_for
from atendo.organizations.models import Department, Team
from atendo.tickets import selectors, services
from atendo.tickets.models import TicketPriority, TicketStatus
from atendo.tickets.serializers import (
    SlaClockSerializer,
    TicketCommentSerializer,
    TicketDetailSerializer,
    TicketSerializer,
)


class TicketCreateSerializer(StrictSerializer):
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20_000, required=False, default="", allow_blank=True)
    priority = serializers.ChoiceField(choices=TicketPriority.choices, default=TicketPriority.NORMAL)
    department = TenantRowField(Department, required=False, allow_null=True, default=None)
    team = TenantRowField(Team, required=False, allow_null=True, default=None)
    assignee = TenantRowField(TenantUser, required=False, allow_null=True, default=None)
    requester = TenantRowField(Contact, required=False, allow_null=True, default=None)
    conversation = serializers.UUIDField(required=False, allow_null=True, default=None)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), max_length=50, required=False, default=list
    )
    custom_fields = serializers.DictField(required=False, default=dict)


class TicketUpdateSerializer(StrictSerializer):
    subject = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    priority = serializers.ChoiceField(choices=TicketPriority.choices, required=False)
    requester = TenantRowField(Contact, required=False, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), max_length=50, required=False)
    custom_fields = serializers.DictField(required=False)


class TicketStatusSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=TicketStatus.choices)


class TicketTransferSerializer(StrictSerializer):
    department = TenantRowField(Department, required=False, allow_null=True, default=None)
    team = TenantRowField(Team, required=False, allow_null=True, default=None)
    assignee = TenantRowField(
        TenantUser,
        required=False,
        allow_null=True,
        help_text="An agent; null unassigns the ticket (it stays in its unit, nobody holds it); "
        "left out, the team's round robin picks one when it auto-assigns.",
    )
    reason = serializers.CharField(max_length=2000)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not (attrs["department"] or attrs["team"] or "assignee" in attrs):
            raise serializers.ValidationError(_("Give a department, a team or an agent."), code="nothing_to_transfer")
        return attrs


class TicketCommentInputSerializer(StrictSerializer):
    body = serializers.CharField(max_length=20_000)
    internal = serializers.BooleanField(default=False)


class TicketFilterSerializer(StrictSerializer):
    status = serializers.RegexField(r"^[a-z_]+(,[a-z_]+)*$", max_length=100, required=False, default="")
    priority = serializers.ChoiceField(choices=["", *TicketPriority.values], required=False, default="")
    department = serializers.UUIDField(required=False, allow_null=True, default=None)
    team = serializers.UUIDField(required=False, allow_null=True, default=None)
    assignee = serializers.CharField(max_length=36, required=False, default="", help_text="A member id or 'none'.")
    sla_state = serializers.ChoiceField(
        choices=["", "ok", "warning", "breached", "paused", "met"], required=False, default=""
    )
    q = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    cursor = serializers.CharField(max_length=500, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=200, required=False)

    def validate_assignee(self, value: str) -> str:
        if value and value != "none":
            serializers.UUIDField().to_internal_value(value)
        return value


class TicketSlaSerializer(serializers.Serializer):
    policy = serializers.CharField(allow_null=True)
    state = serializers.CharField()
    clocks = SlaClockSerializer(many=True)


FILTER_PARAMETERS = ("status", "priority", "department", "team", "assignee", "sla_state", "q")


def _filters(view: ApiView, request: Request) -> selectors.TicketFilters:
    data = view.validate(TicketFilterSerializer, request.query_params)
    statuses = [s for s in data["status"].split(",") if s]
    if any(s not in TicketStatus.values for s in statuses):
        raise serializers.ValidationError({"status": [_("Unknown status.")]})
    return selectors.TicketFilters(
        status=data["status"],
        priority=data["priority"],
        department_id=data["department"],
        team_id=data["team"],
        assignee_id=UUID(data["assignee"]) if data["assignee"] not in ("", "none") else None,
        unassigned=data["assignee"] == "none",
        sla_state=data["sla_state"],
        q=data["q"],
    )


class TicketApi(ApiView):
    def detail(self, ticket_id: UUID) -> Any:
        """The ticket as the member now sees it (404 when a write moved it out of their scope)."""
        return TicketDetailSerializer(
            selectors.get_ticket_for(self.member, ticket_id), context={"member": self.member}
        ).data


class TicketCountsSerializer(serializers.Serializer):
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Tickets per status (every status, 0 when none)."
    )
    total = serializers.IntegerField()


class TicketCountsApi(ApiView):
    """How many tickets each board column holds for this member, with the list's filters."""

    access = TenantPermission("ticket.view")
    schema_tags = ("tickets",)

    @extend_schema(
        parameters=[OpenApiParameter(name, OpenApiTypes.STR) for name in FILTER_PARAMETERS],
        responses={200: TicketCountsSerializer},
    )
    def get(self, request: Request) -> Response:
        counts = selectors.ticket_status_counts(member=self.member, filters=_filters(self, request))
        return Response({"counts": counts, "total": sum(counts.values())})


class TicketListApi(TicketApi):
    access = TenantPermission({"GET": "ticket.view", "POST": "ticket.manage"})
    schema_tags = ("tickets",)

    @extend_schema(
        operation_id="tickets_list",
        parameters=[OpenApiParameter(name, OpenApiTypes.STR) for name in (*FILTER_PARAMETERS, "cursor", "page_size")],
        responses={200: page_of(TicketSerializer)},
    )
    def get(self, request: Request) -> Response:
        return self.paginated(
            selectors.ticket_list(member=self.member, filters=_filters(self, request)),
            TicketSerializer,
            ordering=("-updated_at", "-id"),
            context={"member": self.member},
        )

    @extend_schema(request=TicketCreateSerializer, responses={201: TicketDetailSerializer})
    def post(self, request: Request) -> Response:
        data = self.validate(TicketCreateSerializer, request.data)
        conversation = get_conversation_for(self.member, data.pop("conversation")) if data["conversation"] else None
        data.pop("conversation", None)
        ticket = services.ticket_create(
            tenant=self.tenant, actor=self.member, conversation=conversation, context=self.context(), **data
        )
        return Response(
            self.detail(ticket.id),
            status=status.HTTP_201_CREATED,
        )


class TicketDetailApi(TicketApi):
    access = TenantPermission({"GET": "ticket.view", "PATCH": "ticket.manage"})
    schema_tags = ("tickets",)

    @extend_schema(responses={200: TicketDetailSerializer})
    def get(self, request: Request, ticket_id: UUID) -> Response:
        return Response(self.detail(ticket_id))

    @extend_schema(request=TicketUpdateSerializer, responses={200: TicketDetailSerializer})
    def patch(self, request: Request, ticket_id: UUID) -> Response:
        ticket = selectors.get_ticket_for(self.member, ticket_id)
        data = self.validate(TicketUpdateSerializer, request.data)
        services.ticket_update(tenant=self.tenant, actor=self.member, ticket=ticket, data=data, context=self.context())
        return Response(self.detail(ticket_id))


class TicketStatusApi(TicketApi):
    access = TenantPermission("ticket.manage")
    schema_tags = ("tickets",)

    @extend_schema(request=TicketStatusSerializer, responses={200: TicketDetailSerializer})
    def patch(self, request: Request, ticket_id: UUID) -> Response:
        ticket = selectors.get_ticket_for(self.member, ticket_id)
        data = self.validate(TicketStatusSerializer, request.data)
        services.ticket_set_status(
            tenant=self.tenant, actor=self.member, ticket=ticket, status=data["status"], context=self.context()
        )
        return Response(self.detail(ticket_id))


class TicketTransferApi(TicketApi):
    access = TenantPermission("ticket.manage")
    schema_tags = ("tickets",)

    @extend_schema(request=TicketTransferSerializer, responses={200: TicketDetailSerializer})
    def post(self, request: Request, ticket_id: UUID) -> Response:
        ticket = selectors.get_ticket_for(self.member, ticket_id)
        data = self.validate(TicketTransferSerializer, request.data)
        services.ticket_transfer(
            tenant=self.tenant,
            actor=self.member,
            ticket=ticket,
            department=data["department"],
            team=data["team"],
            assignee=data.get("assignee"),
            auto_assign="assignee" not in data,
            reason=data["reason"],
            context=self.context(),
        )
        return Response(self.detail(ticket_id))


class TicketCommentsApi(ApiView):
    access = TenantPermission({"GET": "ticket.view", "POST": "ticket.manage"})
    schema_tags = ("tickets",)

    @extend_schema(operation_id="tickets_comments_list", responses={200: page_of(TicketCommentSerializer)})
    def get(self, request: Request, ticket_id: UUID) -> Response:
        ticket = selectors.get_ticket_for(self.member, ticket_id)
        return self.paginated(selectors.ticket_comments(ticket), TicketCommentSerializer, ordering=("created_at", "id"))

    @extend_schema(request=TicketCommentInputSerializer, responses={201: TicketCommentSerializer})
    def post(self, request: Request, ticket_id: UUID) -> Response:
        ticket = selectors.get_ticket_for(self.member, ticket_id)
        data = self.validate(TicketCommentInputSerializer, request.data)
        comment = services.ticket_comment(
            tenant=self.tenant, actor=self.member, ticket=ticket, body=data["body"], internal=data["internal"]
        )
        return Response(TicketCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class TicketSlaApi(ApiView):
    access = TenantPermission("ticket.view")
    schema_tags = ("tickets",)

    @extend_schema(responses={200: TicketSlaSerializer})
    def get(self, request: Request, ticket_id: UUID) -> Response:
        ticket = selectors.get_ticket_for(self.member, ticket_id)
        return Response(
            {
                "policy": ticket.sla_policy.name if ticket.sla_policy else None,
                "state": ticket.sla_state,
                "clocks": SlaClockSerializer(selectors.ticket_clocks(ticket), many=True).data,
            }
        )
