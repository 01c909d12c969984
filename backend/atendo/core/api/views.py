"""Tenants, domains, members, profile and audit endpoints (thin: parse, call, render)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from atendo.core import selectors
from atendo.core.api.base import ApiView, Authenticated, StrictSerializer, TenantPermission
from atendo.core.api.schema import page_of
from atendo.core.api.serializers import (
    AuditLogFilterSerializer,
    AuditLogSerializer,
    DomainCreateSerializer,
    DomainSerializer,
    MemberInviteSerializer,
    MemberSerializer,
    MemberUpdateSerializer,
    MeSerializer,
    MeUpdateSerializer,
    PermissionSerializer,
    RoleCreateSerializer,
    RoleSerializer,
    RoleUpdateSerializer,
    TenantCreateSerializer,
    TenantSerializer,
    TenantUpdateSerializer,
    role_lookup,
)
from atendo.core.errors import ApplicationError
from atendo.core.models import Notification, Role, Tenant
from atendo.core.permissions import PERMISSIONS
from atendo.core.services import members as member_services
from atendo.core.services import notifications as notification_services
from atendo.core.services import roles as role_services
from atendo.core.services import tenants as tenant_services
from atendo.core.services.members import RoleGrant


def _role_grants(tenant: Tenant, items: list[dict[str, Any]]) -> list[RoleGrant]:
    roles = {role.slug: role for role in Role.objects.for_tenant(tenant)}
    return [
        RoleGrant(
            role=role_lookup(roles, item["role"]), scope_type=item.get("scope_type"), scope_id=item.get("scope_id")
        )
        for item in items
    ]


class TenantListApi(ApiView):
    access = Authenticated()
    schema_tags = ("tenants",)

    @extend_schema(operation_id="tenants_list", responses={200: page_of(TenantSerializer)})
    def get(self, request: Request) -> Response:
        return self.paginated(
            selectors.tenant_list_for_user(user=self.user), TenantSerializer, ordering=("-created_at", "-id")
        )

    @extend_schema(request=TenantCreateSerializer, responses={201: TenantSerializer})
    def post(self, request: Request) -> Response:
        data = self.validate(TenantCreateSerializer, request.data)
        tenant = tenant_services.tenant_create(
            creator=self.user,
            name=data["name"],
            slug=data["slug"],
            timezone_name=data["timezone"],
            locale=data["locale"],
            context=self.context(),
        )
        return Response(TenantSerializer(tenant).data, status=status.HTTP_201_CREATED)


class TenantDetailApi(ApiView):
    access = TenantPermission({"GET": "tenant.view", "PATCH": "tenant.manage"})
    schema_tags = ("tenants",)

    @extend_schema(responses={200: TenantSerializer})
    def get(self, request: Request, tenant_id: UUID) -> Response:
        return Response(TenantSerializer(self.tenant).data)

    @extend_schema(request=TenantUpdateSerializer, responses={200: TenantSerializer})
    def patch(self, request: Request, tenant_id: UUID) -> Response:
        data = self.validate(TenantUpdateSerializer, request.data)
        tenant = tenant_services.tenant_update(tenant=self.tenant, actor=self.member, data=data, context=self.context())
        return Response(TenantSerializer(tenant).data)


class DomainListApi(ApiView):
    access = TenantPermission({"GET": "tenant.view", "POST": "domain.manage"})
    schema_tags = ("tenants",)

    @extend_schema(operation_id="tenants_domains_list", responses={200: page_of(DomainSerializer)})
    def get(self, request: Request, tenant_id: UUID) -> Response:
        return self.paginated(
            selectors.domain_list(tenant=self.tenant), DomainSerializer, ordering=("-created_at", "-id")
        )

    @extend_schema(request=DomainCreateSerializer, responses={201: DomainSerializer})
    def post(self, request: Request, tenant_id: UUID) -> Response:
        data = self.validate(DomainCreateSerializer, request.data)
        domain = tenant_services.domain_add(tenant=self.tenant, actor=self.member, context=self.context(), **data)
        return Response(DomainSerializer(domain).data, status=status.HTTP_201_CREATED)


class DomainDetailApi(ApiView):
    access = TenantPermission("domain.manage")
    schema_tags = ("tenants",)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, tenant_id: UUID, domain_id: UUID) -> Response:
        tenant_services.domain_remove(
            tenant=self.tenant, actor=self.member, domain_id=domain_id, context=self.context()
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class DomainVerifyApi(ApiView):
    access = TenantPermission("domain.manage")
    schema_tags = ("tenants",)

    @extend_schema(request=None, responses={200: DomainSerializer})
    def post(self, request: Request, tenant_id: UUID, domain_id: UUID) -> Response:
        domain = tenant_services.domain_verify(
            tenant=self.tenant, actor=self.member, domain_id=domain_id, context=self.context()
        )
        return Response(DomainSerializer(domain).data)


class MeApi(ApiView):
    access = Authenticated()
    schema_tags = ("users",)

    def _render(self, request: Request) -> Response:
        user = self.user
        return Response(
            MeSerializer(
                {
                    "id": user.id,
                    "email": user.email,
                    "name": user.name,
                    "preferred_language": user.preferred_language,
                    "memberships": selectors.user_memberships(user=user),
                }
            ).data
        )

    @extend_schema(responses={200: MeSerializer})
    def get(self, request: Request) -> Response:
        return self._render(request)

    @extend_schema(request=MeUpdateSerializer, responses={200: MeSerializer})
    def patch(self, request: Request) -> Response:
        data = self.validate(MeUpdateSerializer, request.data)
        member_services.user_update_profile(user=self.user, context=self.context(), **data)
        return self._render(request)


class MemberListApi(ApiView):
    access = TenantPermission({"GET": "member.view", "POST": "member.invite"})
    schema_tags = ("members",)

    @extend_schema(
        operation_id="tenants_members_list",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=["invited", "active", "disabled"]),
            OpenApiParameter("search", OpenApiTypes.STR, description="E-mail or display name contains."),
        ],
        responses={200: page_of(MemberSerializer)},
    )
    def get(self, request: Request, tenant_slug: str) -> Response:
        status_filter = request.query_params.get("status", "")
        if status_filter not in ("", "invited", "active", "disabled"):
            raise ApplicationError(_("Unknown status."), code="invalid", fields={"status": [_("Unknown status.")]})
        members = selectors.member_list(
            tenant=self.tenant, status=status_filter, search=request.query_params.get("search", "")[:100]
        )
        return self.paginated(members, MemberSerializer, ordering=("-created_at", "-id"))

    @extend_schema(request=MemberInviteSerializer, responses={201: MemberSerializer})
    def post(self, request: Request, tenant_slug: str) -> Response:
        data = self.validate(MemberInviteSerializer, request.data)
        member = member_services.member_invite(
            tenant=self.tenant,
            actor=self.member,
            email=data["email"],
            display_name=data["display_name"],
            grants=_role_grants(self.tenant, data["roles"]),
            context=self.context(),
        )
        return Response(
            MemberSerializer(selectors.get_member_for(tenant=self.tenant, member_id=member.id)).data,
            status=status.HTTP_201_CREATED,
        )


class MemberDetailApi(ApiView):
    access = TenantPermission({"GET": "member.view", "PATCH": "member.manage", "DELETE": "member.manage"})
    schema_tags = ("members",)

    @extend_schema(responses={200: MemberSerializer})
    def get(self, request: Request, tenant_slug: str, member_id: UUID) -> Response:
        return Response(MemberSerializer(selectors.get_member_for(tenant=self.tenant, member_id=member_id)).data)

    @extend_schema(request=MemberUpdateSerializer, responses={200: MemberSerializer})
    def patch(self, request: Request, tenant_slug: str, member_id: UUID) -> Response:
        member = selectors.get_member_for(tenant=self.tenant, member_id=member_id)
        data = self.validate(MemberUpdateSerializer, request.data)
        grants = _role_grants(self.tenant, data["roles"]) if "roles" in data else None
        member_services.member_update(
            tenant=self.tenant,
            actor=self.member,
            member=member,
            display_name=data.get("display_name"),
            status=data.get("status"),
            grants=grants,
            context=self.context(),
        )
        return Response(MemberSerializer(selectors.get_member_for(tenant=self.tenant, member_id=member_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, tenant_slug: str, member_id: UUID) -> Response:
        member = selectors.get_member_for(tenant=self.tenant, member_id=member_id)
        member_services.member_remove(tenant=self.tenant, actor=self.member, member=member, context=self.context())
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberInvitationResendApi(ApiView):
    access = TenantPermission("member.invite")
    schema_tags = ("members",)

    @extend_schema(request=None, responses={202: None})
    def post(self, request: Request, tenant_slug: str, member_id: UUID) -> Response:
        member = selectors.get_member_for(tenant=self.tenant, member_id=member_id)
        member_services.member_resend_invitation(
            tenant=self.tenant, actor=self.member, member=member, context=self.context()
        )
        return Response(status=status.HTTP_202_ACCEPTED)


class RoleListApi(ApiView):
    access = TenantPermission({"GET": "member.view", "POST": "role.manage"})
    schema_tags = ("roles",)

    @extend_schema(operation_id="tenants_roles_list", responses={200: page_of(RoleSerializer)})
    def get(self, request: Request, tenant_slug: str) -> Response:
        return self.paginated(selectors.role_list(tenant=self.tenant), RoleSerializer, ordering=("-created_at", "-id"))

    @extend_schema(request=RoleCreateSerializer, responses={201: RoleSerializer})
    def post(self, request: Request, tenant_slug: str) -> Response:
        data = self.validate(RoleCreateSerializer, request.data)
        role = role_services.role_create(tenant=self.tenant, actor=self.member, context=self.context(), **data)
        return Response(RoleSerializer(role).data, status=status.HTTP_201_CREATED)


class RoleDetailApi(ApiView):
    access = TenantPermission({"GET": "member.view", "PATCH": "role.manage", "DELETE": "role.manage"})
    schema_tags = ("roles",)

    @extend_schema(responses={200: RoleSerializer})
    def get(self, request: Request, tenant_slug: str, role_id: UUID) -> Response:
        return Response(RoleSerializer(selectors.get_role_for(tenant=self.tenant, role_id=role_id)).data)

    @extend_schema(request=RoleUpdateSerializer, responses={200: RoleSerializer})
    def patch(self, request: Request, tenant_slug: str, role_id: UUID) -> Response:
        role = selectors.get_role_for(tenant=self.tenant, role_id=role_id)
        data = self.validate(RoleUpdateSerializer, request.data)
        role = role_services.role_update(
            tenant=self.tenant, actor=self.member, role=role, data=data, context=self.context()
        )
        return Response(RoleSerializer(role).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, tenant_slug: str, role_id: UUID) -> Response:
        role = selectors.get_role_for(tenant=self.tenant, role_id=role_id)
        role_services.role_delete(tenant=self.tenant, actor=self.member, role=role, context=self.context())
        return Response(status=status.HTTP_204_NO_CONTENT)


class PermissionListApi(ApiView):
    access = Authenticated()
    schema_tags = ("roles",)

    @extend_schema(responses={200: PermissionSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response([{"name": name, "description": str(text)} for name, text in PERMISSIONS.items()])


class AuditLogListApi(ApiView):
    access = TenantPermission("audit.view")
    schema_tags = ("audit",)

    @extend_schema(
        operation_id="audit_logs_list",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATETIME, description="Inclusive start (ISO 8601)."),
            OpenApiParameter("to", OpenApiTypes.DATETIME, description="Exclusive end (ISO 8601)."),
            OpenApiParameter("action", OpenApiTypes.STR, description="Exact action, or a prefix ending in '.'"),
            OpenApiParameter("actor", OpenApiTypes.UUID, description="User id of the actor."),
            OpenApiParameter("target_type", OpenApiTypes.STR),
            OpenApiParameter("target_id", OpenApiTypes.STR),
            OpenApiParameter("cursor", OpenApiTypes.STR),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses={200: page_of(AuditLogSerializer)},
    )
    def get(self, request: Request) -> Response:
        filters = self.validate(AuditLogFilterSerializer, request.query_params)
        filters.pop("cursor", None)
        filters.pop("page_size", None)
        logs = selectors.audit_log_list(tenant=self.tenant, **filters)
        return self.paginated(logs, AuditLogSerializer, ordering=("-created_at", "-id"))


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ("id", "kind", "title", "body", "data", "read_at", "created_at")


class NotificationReadSerializer(StrictSerializer):
    ids = serializers.ListField(
        child=serializers.UUIDField(),
        max_length=500,
        required=False,
        allow_null=True,
        default=None,
        help_text="Omit to mark every notification read.",
    )


class NotificationCountSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class NotificationListApi(ApiView):
    access = TenantPermission("tenant.view")
    schema_tags = ("notifications",)

    @extend_schema(
        operation_id="notifications_list",
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL), OpenApiParameter("cursor", OpenApiTypes.STR)],
        responses={200: page_of(NotificationSerializer)},
    )
    def get(self, request: Request) -> Response:
        rows = Notification.objects.for_tenant(self.tenant).filter(recipient=self.member)
        if request.query_params.get("unread", "").lower() in ("1", "true"):
            rows = rows.filter(read_at__isnull=True)
        return self.paginated(rows, NotificationSerializer, ordering=("-created_at", "-id"))


class NotificationReadApi(ApiView):
    access = TenantPermission("tenant.view")
    schema_tags = ("notifications",)

    @extend_schema(request=NotificationReadSerializer, responses={200: NotificationCountSerializer})
    def post(self, request: Request) -> Response:
        data = self.validate(NotificationReadSerializer, request.data)
        marked = notification_services.notification_mark_read(member=self.member, notification_ids=data["ids"])
        return Response({"marked": marked})
