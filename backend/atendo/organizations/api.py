"""Departments, teams (with members) and SLA policies: CRUD under /api/v1."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from atendo.core.api.base import ApiView, StrictSerializer, TenantPermission
from atendo.core.api.fields import TenantRowField
from atendo.core.api.schema import page_of
from atendo.core.models import TenantUser
from atendo.organizations import selectors, services
from atendo.organizations.models import Department, SlaPolicy, Team

PRIORITIES = ["", "low", "normal", "high", "urgent"]


def _validate_calendar(value: dict[str, Any]) -> None:
    """Every problem where it is (`business_hours.weekly.mon.1`), in the request's language."""
    from atendo.organizations.business_hours import BusinessCalendar
    from atendo.organizations.business_hours_input import business_hours_errors

    errors = business_hours_errors(value)
    if errors:
        raise serializers.ValidationError(errors, code="invalid_business_hours")
    try:
        calendar = BusinessCalendar.from_json(value)
    except ValueError as exc:  # a case the walk above missed: still a 400, never a 500
        raise serializers.ValidationError(
            _("These business hours are not valid."), code="invalid_business_hours"
        ) from exc
    if not any(calendar.weekly):
        raise serializers.ValidationError(_("Open the department on at least one day."), code="never_open")


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = (
            "id",
            "name",
            "description",
            "business_hours",
            "default_sla_policy",
            "active",
            "created_at",
            "updated_at",
        )


class DepartmentInputSerializer(StrictSerializer):
    name = serializers.CharField(max_length=80)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    business_hours = serializers.DictField(
        required=False,
        validators=[_validate_calendar],
        help_text="Errors come back where they are: fields.business_hours.weekly.<day>.<position>, "
        "…timezone, …holidays.<position>. Stored normalised (every weekday, intervals sorted).",
    )
    default_sla_policy = TenantRowField(SlaPolicy, required=False, allow_null=True)
    active = serializers.BooleanField(required=False)

    def validate_business_hours(self, value: dict[str, Any]) -> dict[str, Any]:
        from atendo.organizations.business_hours import BusinessCalendar

        # Validated above; stored in one shape whatever order the editor sent the rows in.
        return BusinessCalendar.from_json(value).to_json()


class DepartmentPatchSerializer(DepartmentInputSerializer):
    name = serializers.CharField(max_length=80, required=False)


class TeamMemberOutSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="member.id")
    display_name = serializers.CharField(source="member.display_name")


class TeamSerializer(serializers.ModelSerializer):
    members = TeamMemberOutSerializer(source="memberships", many=True, read_only=True)

    class Meta:
        model = Team
        fields = ("id", "name", "department", "auto_assign", "max_open_per_agent", "members", "created_at")


class TeamInputSerializer(StrictSerializer):
    name = serializers.CharField(max_length=80)
    department = TenantRowField(Department)
    auto_assign = serializers.BooleanField(required=False)
    max_open_per_agent = serializers.IntegerField(min_value=1, max_value=500, required=False)


class TeamPatchSerializer(TeamInputSerializer):
    name = serializers.CharField(max_length=80, required=False)
    department = TenantRowField(Department, required=False)


class TeamMemberInputSerializer(StrictSerializer):
    member = TenantRowField(TenantUser)


class SlaPolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = SlaPolicy
        fields = (
            "id",
            "name",
            "department",
            "priority",
            "first_response_minutes",
            "next_response_minutes",
            "resolution_minutes",
            "calendar_minutes",
            "warning_percent",
            "active",
            "created_at",
        )


class SlaPolicyInputSerializer(StrictSerializer):
    name = serializers.CharField(max_length=80)
    department = TenantRowField(Department, required=False, allow_null=True)
    priority = serializers.ChoiceField(choices=PRIORITIES, required=False)
    first_response_minutes = serializers.IntegerField(min_value=1, max_value=525_600, required=False, allow_null=True)
    next_response_minutes = serializers.IntegerField(min_value=1, max_value=525_600, required=False, allow_null=True)
    resolution_minutes = serializers.IntegerField(min_value=1, max_value=525_600, required=False, allow_null=True)
    calendar_minutes = serializers.BooleanField(required=False)
    warning_percent = serializers.IntegerField(min_value=1, max_value=99, required=False)
    active = serializers.BooleanField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        targets = ("first_response_minutes", "next_response_minutes", "resolution_minutes")
        if not self.partial and not any(attrs.get(t) for t in targets):
            raise serializers.ValidationError(_("Set at least one target."), code="no_targets")
        return attrs


class DepartmentListApi(ApiView):
    access = TenantPermission({"GET": "tenant.view", "POST": "department.manage"})
    schema_tags = ("organizations",)

    @extend_schema(
        operation_id="departments_list",
        parameters=[OpenApiParameter("active", OpenApiTypes.BOOL)],
        responses={200: page_of(DepartmentSerializer)},
    )
    def get(self, request: Request) -> Response:
        active = request.query_params.get("active")
        rows = selectors.department_list(
            member=self.member, active=None if active is None else active.lower() in ("1", "true")
        )
        return self.paginated(rows, DepartmentSerializer, ordering=("-created_at", "-id"))

    @extend_schema(request=DepartmentInputSerializer, responses={201: DepartmentSerializer})
    def post(self, request: Request) -> Response:
        data = self.validate(DepartmentInputSerializer, request.data)
        row = services.department_create(tenant=self.tenant, actor=self.member, data=data, context=self.context())
        return Response(DepartmentSerializer(row).data, status=status.HTTP_201_CREATED)


class DepartmentDetailApi(ApiView):
    access = TenantPermission({"GET": "tenant.view", "PATCH": "department.manage", "DELETE": "department.manage"})
    schema_tags = ("organizations",)

    @extend_schema(responses={200: DepartmentSerializer})
    def get(self, request: Request, department_id: UUID) -> Response:
        return Response(DepartmentSerializer(selectors.get_department_for(self.member, department_id)).data)

    @extend_schema(request=DepartmentPatchSerializer, responses={200: DepartmentSerializer})
    def patch(self, request: Request, department_id: UUID) -> Response:
        row = selectors.get_department_for(self.member, department_id)
        data = self.validate(DepartmentPatchSerializer, request.data)
        row = services.department_update(
            tenant=self.tenant, actor=self.member, department=row, data=data, context=self.context()
        )
        return Response(DepartmentSerializer(row).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, department_id: UUID) -> Response:
        row = selectors.get_department_for(self.member, department_id)
        services.org_unit_delete(tenant=self.tenant, actor=self.member, row=row, context=self.context())
        return Response(status=status.HTTP_204_NO_CONTENT)


class TeamListApi(ApiView):
    access = TenantPermission({"GET": "tenant.view", "POST": "department.manage"})
    schema_tags = ("organizations",)

    @extend_schema(
        operation_id="teams_list",
        parameters=[OpenApiParameter("department", OpenApiTypes.UUID)],
        responses={200: page_of(TeamSerializer)},
    )
    def get(self, request: Request) -> Response:
        department = self.validate(TeamFilterSerializer, request.query_params).get("department")
        return self.paginated(
            selectors.team_list(member=self.member, department_id=department),
            TeamSerializer,
            ordering=("-created_at", "-id"),
        )

    @extend_schema(request=TeamInputSerializer, responses={201: TeamSerializer})
    def post(self, request: Request) -> Response:
        data = self.validate(TeamInputSerializer, request.data)
        row = services.team_create(tenant=self.tenant, actor=self.member, data=data, context=self.context())
        return Response(
            TeamSerializer(selectors.get_team_for(self.member, row.id)).data, status=status.HTTP_201_CREATED
        )


class TeamFilterSerializer(StrictSerializer):
    department = serializers.UUIDField(required=False)
    cursor = serializers.CharField(max_length=500, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=200, required=False)


class TeamDetailApi(ApiView):
    access = TenantPermission({"GET": "tenant.view", "PATCH": "department.manage", "DELETE": "department.manage"})
    schema_tags = ("organizations",)

    @extend_schema(responses={200: TeamSerializer})
    def get(self, request: Request, team_id: UUID) -> Response:
        return Response(TeamSerializer(selectors.get_team_for(self.member, team_id)).data)

    @extend_schema(request=TeamPatchSerializer, responses={200: TeamSerializer})
    def patch(self, request: Request, team_id: UUID) -> Response:
        row = selectors.get_team_for(self.member, team_id)
        data = self.validate(TeamPatchSerializer, request.data)
        services.team_update(tenant=self.tenant, actor=self.member, team=row, data=data, context=self.context())
        return Response(TeamSerializer(selectors.get_team_for(self.member, team_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, team_id: UUID) -> Response:
        row = selectors.get_team_for(self.member, team_id)
        services.org_unit_delete(tenant=self.tenant, actor=self.member, row=row, context=self.context())
        return Response(status=status.HTTP_204_NO_CONTENT)


class TeamMembersApi(ApiView):
    access = TenantPermission("department.manage")
    schema_tags = ("organizations",)

    @extend_schema(request=TeamMemberInputSerializer, responses={200: TeamSerializer})
    def post(self, request: Request, team_id: UUID) -> Response:
        team = selectors.get_team_for(self.member, team_id)
        data = self.validate(TeamMemberInputSerializer, request.data)
        services.team_member_add(
            tenant=self.tenant, actor=self.member, team=team, member=data["member"], context=self.context()
        )
        return Response(TeamSerializer(selectors.get_team_for(self.member, team_id)).data)


class TeamMemberDetailApi(ApiView):
    access = TenantPermission("department.manage")
    schema_tags = ("organizations",)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, team_id: UUID, member_id: UUID) -> Response:
        team = selectors.get_team_for(self.member, team_id)
        member = TenantUser.objects.for_tenant(self.tenant).filter(id=member_id).first()
        if member is not None:
            services.team_member_remove(
                tenant=self.tenant, actor=self.member, team=team, member=member, context=self.context()
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class SlaPolicyListApi(ApiView):
    access = TenantPermission({"GET": "tenant.view", "POST": "department.manage"})
    schema_tags = ("organizations",)

    @extend_schema(operation_id="sla_policies_list", responses={200: page_of(SlaPolicySerializer)})
    def get(self, request: Request) -> Response:
        return self.paginated(
            selectors.sla_policy_list(member=self.member), SlaPolicySerializer, ordering=("-created_at", "-id")
        )

    @extend_schema(request=SlaPolicyInputSerializer, responses={201: SlaPolicySerializer})
    def post(self, request: Request) -> Response:
        data = self.validate(SlaPolicyInputSerializer, request.data)
        row = services.sla_policy_create(tenant=self.tenant, actor=self.member, data=data, context=self.context())
        return Response(SlaPolicySerializer(row).data, status=status.HTTP_201_CREATED)


class SlaPolicyDetailApi(ApiView):
    access = TenantPermission({"GET": "tenant.view", "PATCH": "department.manage", "DELETE": "department.manage"})
    schema_tags = ("organizations",)

    @extend_schema(responses={200: SlaPolicySerializer})
    def get(self, request: Request, policy_id: UUID) -> Response:
        return Response(SlaPolicySerializer(selectors.get_sla_policy_for(self.member, policy_id)).data)

    @extend_schema(request=SlaPolicyInputSerializer, responses={200: SlaPolicySerializer})
    def patch(self, request: Request, policy_id: UUID) -> Response:
        row = selectors.get_sla_policy_for(self.member, policy_id)
        data = self.validate(SlaPolicyInputSerializer, request.data, partial=True)
        row = services.sla_policy_update(
            tenant=self.tenant, actor=self.member, policy=row, data=data, context=self.context()
        )
        return Response(SlaPolicySerializer(row).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, policy_id: UUID) -> Response:
        row = selectors.get_sla_policy_for(self.member, policy_id)
        services.org_unit_delete(tenant=self.tenant, actor=self.member, row=row, context=self.context())
        return Response(status=status.HTTP_204_NO_CONTENT)
