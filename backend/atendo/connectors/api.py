"""Web chat account management (admins with channel.manage)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from django.conf import settings as django_settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from atendo.connectors import selectors, services
from atendo.connectors.models import ChannelAccount
from atendo.core.api.base import ApiView, StrictSerializer, TenantPermission
from atendo.core.api.schema import page_of


def _origin(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") or parts.query:
        raise serializers.ValidationError(_("Give an origin like https://www.example.com."))
    return f"{parts.scheme}://{parts.netloc.lower()}"


class PrechatFieldSerializer(StrictSerializer):
    name = serializers.RegexField(r"^[a-z][a-z0-9_]{0,39}$")
    label = serializers.CharField(max_length=80)  # type: ignore[assignment]  # a declared field
    type = serializers.ChoiceField(choices=["text", "email", "tel"], default="text")
    required = serializers.BooleanField(default=False)  # type: ignore[assignment]  # a declared field


class WebChatSettingsSerializer(StrictSerializer):
    allowed_origins = serializers.ListField(child=serializers.CharField(max_length=200), max_length=20, required=False)
    primary_color = serializers.RegexField(r"^#[0-9A-Fa-f]{6}$", required=False)
    greeting = serializers.CharField(max_length=500, required=False, allow_blank=True)
    prechat_fields = PrechatFieldSerializer(many=True, required=False, max_length=10)  # type: ignore[call-arg]
    require_identity = serializers.BooleanField(required=False)

    def validate_allowed_origins(self, value: list[str]) -> list[str]:
        return sorted({_origin(v) for v in value})


class WebChatAccountSerializer(serializers.ModelSerializer):
    widget_token = serializers.CharField(source="external_id", read_only=True)
    embed_code = serializers.SerializerMethodField()
    identity_secret = serializers.CharField(
        source="secret", read_only=True, help_text="HMAC-SHA256 key for signing visitor identifiers."
    )

    class Meta:
        model = ChannelAccount
        fields = ("id", "name", "status", "widget_token", "settings", "identity_secret", "embed_code", "created_at")

    def get_embed_code(self, account: ChannelAccount) -> str:
        return f'<script src="{django_settings.APP_URL}/widget/{account.external_id}.js" async></script>'


class WebChatCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120)
    settings = WebChatSettingsSerializer(required=False, default=dict)


class WebChatUpdateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120, required=False)
    settings = WebChatSettingsSerializer(required=False)
    status = serializers.ChoiceField(
        choices=[ChannelAccount.Status.ACTIVE, ChannelAccount.Status.DISABLED], required=False
    )
    rotate_secret = serializers.BooleanField(required=False, default=False)


class WebChatAccountListApi(ApiView):
    access = TenantPermission("channel.manage")
    schema_tags = ("channels",)

    @extend_schema(operation_id="channels_webchat_list", responses={200: page_of(WebChatAccountSerializer)})
    def get(self, request: Request) -> Response:
        return self.paginated(
            selectors.webchat_account_list(tenant=self.tenant),
            WebChatAccountSerializer,
            ordering=("-created_at", "-id"),
        )

    @extend_schema(request=WebChatCreateSerializer, responses={201: WebChatAccountSerializer})
    def post(self, request: Request) -> Response:
        data = self.validate(WebChatCreateSerializer, request.data)
        account = services.webchat_account_create(
            tenant=self.tenant, actor=self.member, name=data["name"], settings=data["settings"], context=self.context()
        )
        return Response(WebChatAccountSerializer(account).data, status=status.HTTP_201_CREATED)


class WebChatAccountDetailApi(ApiView):
    access = TenantPermission("channel.manage")
    schema_tags = ("channels",)

    @extend_schema(responses={200: WebChatAccountSerializer})
    def get(self, request: Request, account_id: UUID) -> Response:
        account = selectors.get_webchat_account_for(tenant=self.tenant, account_id=account_id)
        return Response(WebChatAccountSerializer(account).data)

    @extend_schema(request=WebChatUpdateSerializer, responses={200: WebChatAccountSerializer})
    def patch(self, request: Request, account_id: UUID) -> Response:
        account = selectors.get_webchat_account_for(tenant=self.tenant, account_id=account_id)
        data: dict[str, Any] = self.validate(WebChatUpdateSerializer, request.data)
        account = services.webchat_account_update(
            tenant=self.tenant, actor=self.member, account=account, context=self.context(), **data
        )
        return Response(WebChatAccountSerializer(account).data)
