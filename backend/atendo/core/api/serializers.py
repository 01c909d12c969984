"""Output and shared input serializers of the core API."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from atendo.core.access import effective_grants
from atendo.core.api.base import StrictSerializer
from atendo.core.models import AuditLog, Locale, Role, RoleAssignment, ScopeType, Tenant, TenantDomain, TenantUser


def validate_timezone_name(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise serializers.ValidationError(_("Unknown time zone."), code="invalid_timezone")


class TenantSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Tenant
        fields = ("id", "slug", "name", "timezone", "locale")  # dates show in the tenant's time zone


class TenantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tenant
        fields = ("id", "slug", "name", "timezone", "locale", "status", "reopen_window_hours", "created_at")


class TenantCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120)
    slug = serializers.SlugField(max_length=63, min_length=2)
    timezone = serializers.CharField(max_length=64, default="America/Sao_Paulo", validators=[validate_timezone_name])
    locale = serializers.ChoiceField(choices=Locale.choices, default=Locale.PT_BR)

    def validate_slug(self, value: str) -> str:
        return value.lower()


class TenantUpdateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120, required=False)
    timezone = serializers.CharField(max_length=64, required=False, validators=[validate_timezone_name])
    locale = serializers.ChoiceField(choices=Locale.choices, required=False)
    reopen_window_hours = serializers.IntegerField(min_value=0, max_value=24 * 90, required=False)


class DnsRecordSerializer(serializers.Serializer):
    type = serializers.CharField()
    name = serializers.CharField()
    value = serializers.CharField()


class DomainSerializer(serializers.ModelSerializer):
    verification_record = serializers.SerializerMethodField(
        help_text="The TXT record to publish before asking for verification."
    )

    class Meta:
        model = TenantDomain
        fields = ("id", "hostname", "is_verified", "is_primary", "verification_record", "verified_at", "created_at")

    @extend_schema_field(DnsRecordSerializer)
    def get_verification_record(self, domain: TenantDomain) -> dict[str, str]:
        from atendo.core.services.tenants import domain_verification_record

        name, value = domain_verification_record(domain)
        return {"type": "TXT", "name": name, "value": value}


class DomainCreateSerializer(StrictSerializer):
    hostname = serializers.RegexField(
        r"^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))+$",
        max_length=253,
        error_messages={"invalid": _("Enter a valid host name, like atendimento.example.com.")},
    )
    is_primary = serializers.BooleanField(default=False)


class RoleAssignmentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="role.id", read_only=True)
    slug = serializers.CharField(source="role.slug", read_only=True)
    name = serializers.CharField(source="role.name", read_only=True)

    class Meta:
        model = RoleAssignment
        fields = ("id", "slug", "name", "scope_type", "scope_id")


class ScopedPermissionsSerializer(serializers.Serializer):
    scope_type = serializers.ChoiceField(choices=ScopeType.choices)
    scope_id = serializers.UUIDField()
    permissions = serializers.ListField(child=serializers.CharField())


class EffectivePermissionsSerializer(serializers.Serializer):
    tenant_wide = serializers.ListField(
        child=serializers.CharField(), help_text="Permissions held everywhere in the workspace."
    )
    scoped = ScopedPermissionsSerializer(
        many=True,
        help_text="Permissions granted in one department or team (they apply to its rows, on top of the "
        "tenant-wide ones).",
    )


class MembershipSerializer(serializers.ModelSerializer):
    tenant = TenantSummarySerializer(read_only=True)
    roles = RoleAssignmentSerializer(source="role_assignments", many=True, read_only=True)
    permissions = serializers.SerializerMethodField(
        help_text="What the member may do, as the server's access checks compute it from their roles "
        "(none while the membership is not active). Object-level grants on single rows are not listed."
    )

    class Meta:
        model = TenantUser
        fields = ("id", "tenant", "display_name", "status", "roles", "permissions")

    @extend_schema_field(EffectivePermissionsSerializer)
    def get_permissions(self, member: TenantUser) -> dict[str, Any]:
        grants = effective_grants(member, member.role_assignments.all())
        return {
            "tenant_wide": sorted(grants.tenant_wide),
            "scoped": [
                {"scope_type": scope_type, "scope_id": scope_id, "permissions": sorted(permissions)}
                for (scope_type, scope_id), permissions in sorted(grants.scoped.items(), key=lambda item: str(item[0]))
            ],
        }


class MemberSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    user_id = serializers.UUIDField(source="user.id", read_only=True)
    roles = RoleAssignmentSerializer(source="role_assignments", many=True, read_only=True)

    class Meta:
        model = TenantUser
        fields = ("id", "user_id", "email", "display_name", "status", "roles", "joined_at", "created_at")


class RoleGrantInputSerializer(StrictSerializer):
    role = serializers.SlugField(max_length=63, help_text="Role slug, e.g. agent, supervisor, admin, owner.")
    scope_type = serializers.ChoiceField(choices=ScopeType.choices, required=False, allow_null=True, default=None)
    scope_id = serializers.UUIDField(required=False, allow_null=True, default=None)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("scope_type") is None) != (attrs.get("scope_id") is None):
            raise serializers.ValidationError(
                {"scope_id": [_("Give both scope_type and scope_id, or neither.")]}, code="scope_incomplete"
            )
        return attrs


class MemberInviteSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    display_name = serializers.CharField(max_length=150, required=False, default="", allow_blank=True)
    roles = RoleGrantInputSerializer(many=True, allow_empty=False)


class MemberUpdateSerializer(StrictSerializer):
    display_name = serializers.CharField(max_length=150, required=False)
    status = serializers.ChoiceField(choices=[TenantUser.Status.ACTIVE, TenantUser.Status.DISABLED], required=False)
    roles = RoleGrantInputSerializer(many=True, required=False, allow_empty=False)


class MeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    name = serializers.CharField()
    preferred_language = serializers.ChoiceField(choices=Locale.choices)
    memberships = MembershipSerializer(many=True)


class MeUpdateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    preferred_language = serializers.ChoiceField(choices=Locale.choices, required=False)


class RoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Role
        fields = ("id", "slug", "name", "description", "permissions", "is_builtin", "created_at")


class RoleCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=80)
    description = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    permissions = serializers.ListField(child=serializers.CharField(max_length=64), max_length=100)


class RoleUpdateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=80, required=False)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    permissions = serializers.ListField(child=serializers.CharField(max_length=64), max_length=100, required=False)


class PermissionSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField()


class AuditLogSerializer(serializers.ModelSerializer):
    actor = serializers.UUIDField(source="actor_id", allow_null=True, read_only=True)

    class Meta:
        model = AuditLog
        fields = (
            "id",
            "action",
            "actor",
            "actor_email",
            "target_type",
            "target_id",
            "changes",
            "ip",
            "user_agent",
            "created_at",
        )


class AuditLogFilterSerializer(StrictSerializer):
    # `from`/`to` are reserved words in Python: declared under other names, renamed on input.
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)
    action = serializers.CharField(max_length=64, required=False, default="")
    actor = serializers.UUIDField(required=False, allow_null=True, default=None)
    target_type = serializers.CharField(max_length=64, required=False, default="")
    target_id = serializers.CharField(max_length=64, required=False, default="")
    cursor = serializers.CharField(required=False, max_length=500)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200)

    def to_internal_value(self, data: Any) -> Any:
        data = {key: value for key, value in data.items()}
        for public, internal in (("from", "since"), ("to", "until")):
            if public in data:
                data[internal] = data.pop(public)
        return super().to_internal_value(data)


def role_lookup(roles: dict[str, Role], slug: str) -> Role:
    role = roles.get(slug)
    if role is None:
        raise serializers.ValidationError(
            {"roles": [_("Unknown role: %(slug)s.") % {"slug": slug}]}, code="unknown_role"
        )
    return role
