"""Web chat account management (admins with channel.manage)."""

from __future__ import annotations

import json
from typing import Any, ClassVar
from urllib.parse import urlsplit
from uuid import UUID

from django.conf import settings as django_settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from atendo.connectors import selectors, services
from atendo.connectors.models import ChannelAccount, ChannelConnector, ChannelKind, DeadLetter
from atendo.core.api.base import ApiView, StrictSerializer, TenantPermission
from atendo.core.api.fields import TenantRowField
from atendo.core.api.schema import page_of
from atendo.core.errors import NotFoundError
from atendo.organizations.models import Department, Team


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
        fields = (
            "id",
            "name",
            "status",
            "widget_token",
            "settings",
            "identity_secret",
            "embed_code",
            "default_department",
            "default_team",
            "created_at",
        )
        extra_kwargs: ClassVar = {
            "default_department": {"help_text": "New conversations start in this department (null: none)."},
            "default_team": {"help_text": "New conversations start with this team of the department (null: none)."},
        }

    def get_embed_code(self, account: ChannelAccount) -> str:
        return f'<script src="{django_settings.APP_URL}/widget/{account.external_id}.js" async></script>'


class WebChatCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120)
    settings = WebChatSettingsSerializer(required=False, default=dict)
    default_department = TenantRowField(Department, required=False, allow_null=True, default=None)
    default_team = TenantRowField(Team, required=False, allow_null=True, default=None)


class WebChatUpdateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120, required=False)
    settings = WebChatSettingsSerializer(required=False)
    status = serializers.ChoiceField(
        choices=[ChannelAccount.Status.ACTIVE, ChannelAccount.Status.DISABLED], required=False
    )
    rotate_secret = serializers.BooleanField(required=False, default=False)
    default_department = TenantRowField(Department, required=False, allow_null=True)
    default_team = TenantRowField(Team, required=False, allow_null=True)


def _routing_input(data: dict[str, Any], account: ChannelAccount) -> tuple[Department | None, Team | None] | None:
    """The routing an update asks for: None when it names neither field. A new department
    without a team drops the account's team (it belonged to the old department)."""
    if "default_department" not in data and "default_team" not in data:
        return None
    if "default_department" not in data:
        team = data.pop("default_team")
        return (team.department if team is not None else account.default_department), team
    department = data.pop("default_department")
    team = data.pop("default_team", account.default_team if department == account.default_department else None)
    return department, team


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
        account = services.webchat_account_create(tenant=self.tenant, actor=self.member, context=self.context(), **data)
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
        routing = _routing_input(data, account)
        account = services.webchat_account_update(
            tenant=self.tenant, actor=self.member, account=account, routing=routing, context=self.context(), **data
        )
        return Response(WebChatAccountSerializer(account).data)

    @extend_schema(
        responses={204: None},
        description="Only a switched-off web chat (409 `account_active` otherwise); its widget token stops "
        "working. Conversations keep their history: a web chat they point at is kept hidden, one that never "
        "received anything is removed.",
    )
    def delete(self, request: Request, account_id: UUID) -> Response:
        account = selectors.get_webchat_account_for(tenant=self.tenant, account_id=account_id)
        services.account_delete(tenant=self.tenant, actor=self.member, account=account, context=self.context())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConnectorSerializer(serializers.ModelSerializer):
    webhook_url = serializers.SerializerMethodField()
    credential_keys = serializers.SerializerMethodField(help_text="Which credentials are set (never their values).")

    class Meta:
        model = ChannelConnector
        fields = ("id", "kind", "name", "webhook_url", "credential_keys", "created_at", "updated_at")

    def get_webhook_url(self, connector: ChannelConnector) -> str:
        return webhook_url_for(connector)

    def get_credential_keys(self, connector: ChannelConnector) -> list[str]:
        return sorted(json.loads(connector.credentials or "{}"))


def webhook_url_for(connector: ChannelConnector) -> str:
    """Where the provider posts events; "" for e-mail, which Atendo fetches over IMAP."""
    if connector.kind == ChannelKind.EMAIL:
        return ""
    return f"{django_settings.APP_URL}/webhooks/{connector.webhook_key}"


def _email_credential_errors(credentials: dict[str, str]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for protocol in ("imap", "smtp"):
        port = credentials.get(f"{protocol}_port", "")
        if port and not (port.isdigit() and 0 < int(port) < 65536):
            errors[f"{protocol}_port"] = [_("Enter a port number from 1 to 65535.")]
        security = credentials.get(f"{protocol}_security", "")
        if security and security not in ("ssl", "starttls", "none"):
            errors[f"{protocol}_security"] = [_("Choose ssl, starttls or none.")]
    return errors


class ConnectorCreateSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=[ChannelKind.WHATSAPP, ChannelKind.TELEGRAM, ChannelKind.EMAIL])
    name = serializers.CharField(max_length=120)
    credentials = serializers.DictField(
        child=serializers.CharField(max_length=1000),
        write_only=True,
        help_text="Errors come back per credential: fields.credentials.<key>.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors = _credential_errors(attrs["kind"], attrs["credentials"], partial=False)
        if errors:
            raise serializers.ValidationError({"credentials": errors}, code="invalid_credentials")
        return attrs


def _credential_errors(kind: str, credentials: dict[str, str], *, partial: bool) -> dict[str, list[str]]:
    """Per credential key: the required ones a connector of `kind` lacks (unless `partial`),
    names it does not take, and for e-mail, ports and security modes that make no sense."""
    known = set(services.CREDENTIAL_KEYS[kind])
    missing = [] if partial else sorted(known - services.OPTIONAL_CREDENTIAL_KEYS - set(credentials))
    errors: dict[str, list[str]] = {key: [_("This credential is required.")] for key in missing}
    errors |= {key: [_("This connection does not take this credential.")] for key in sorted(set(credentials) - known)}
    if kind == ChannelKind.EMAIL:
        errors |= _email_credential_errors(credentials)
    return errors


class ConnectorUpdateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120, required=False)
    credentials = serializers.DictField(
        child=serializers.CharField(max_length=1000),
        required=False,
        write_only=True,
        help_text="Only the credentials to change; errors come back per key: fields.credentials.<key>.",
    )


class AccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChannelAccount
        fields = (
            "id",
            "connector",
            "kind",
            "name",
            "external_id",
            "status",
            "last_error",
            "default_department",
            "default_team",
            "created_at",
        )


class AccountCreateSerializer(StrictSerializer):
    connector = TenantRowField(ChannelConnector)
    name = serializers.CharField(max_length=120)
    external_id = serializers.CharField(
        max_length=200, help_text="WhatsApp phone number id, Telegram bot id, or the mailbox address for e-mail."
    )
    default_department = TenantRowField(Department, required=False, allow_null=True, default=None)
    default_team = TenantRowField(Team, required=False, allow_null=True, default=None)


class AccountUpdateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120, required=False)
    default_department = TenantRowField(Department, required=False, allow_null=True)
    default_team = TenantRowField(Team, required=False, allow_null=True)


class DeadLetterSerializer(serializers.ModelSerializer):
    connector = serializers.UUIDField(source="event.connector_id")
    event_key = serializers.CharField(source="event.event_key")
    received_at = serializers.DateTimeField(source="event.received_at")

    class Meta:
        model = DeadLetter
        fields = ("id", "connector", "event_key", "error", "attempts", "received_at", "created_at", "replayed_at")


class ConnectorListApi(ApiView):
    access = TenantPermission("channel.manage")
    schema_tags = ("channels",)

    @extend_schema(operation_id="channels_connectors_list", responses={200: page_of(ConnectorSerializer)})
    def get(self, request: Request) -> Response:
        rows = (
            ChannelConnector.objects.for_tenant(self.tenant)
            .exclude(kind=ChannelKind.WEBCHAT)
            .exclude(webhook_key__startswith="deleted-")
        )
        return self.paginated(rows, ConnectorSerializer, ordering=("-created_at", "-id"))

    @extend_schema(request=ConnectorCreateSerializer, responses={201: ConnectorSerializer})
    def post(self, request: Request) -> Response:
        data = self.validate(ConnectorCreateSerializer, request.data)
        row = services.connector_create(tenant=self.tenant, actor=self.member, context=self.context(), **data)
        return Response(ConnectorSerializer(row).data, status=status.HTTP_201_CREATED)


def _connector_for(view: ApiView, connector_id: UUID) -> ChannelConnector:
    row = (
        ChannelConnector.objects.for_tenant(view.tenant)
        .exclude(kind=ChannelKind.WEBCHAT)
        .exclude(webhook_key__startswith="deleted-")
        .filter(id=connector_id)
        .first()
    )
    if row is None:
        raise NotFoundError()
    return row


class ConnectorDetailApi(ApiView):
    access = TenantPermission("channel.manage")
    schema_tags = ("channels",)

    @extend_schema(responses={200: ConnectorSerializer})
    def get(self, request: Request, connector_id: UUID) -> Response:
        return Response(ConnectorSerializer(_connector_for(self, connector_id)).data)

    @extend_schema(request=ConnectorUpdateSerializer, responses={200: ConnectorSerializer})
    def patch(self, request: Request, connector_id: UUID) -> Response:
        row = _connector_for(self, connector_id)
        data = self.validate(ConnectorUpdateSerializer, request.data)
        errors = _credential_errors(row.kind, data.get("credentials") or {}, partial=True)
        if errors:
            raise ValidationError({"credentials": errors}, code="invalid_credentials")
        row = services.connector_update(
            tenant=self.tenant, actor=self.member, connector=row, context=self.context(), **data
        )
        return Response(ConnectorSerializer(row).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, connector_id: UUID) -> Response:
        services.connector_delete(
            tenant=self.tenant, actor=self.member, connector=_connector_for(self, connector_id), context=self.context()
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class AccountListApi(ApiView):
    access = TenantPermission("channel.manage")
    schema_tags = ("channels",)

    @extend_schema(operation_id="channels_accounts_list", responses={200: page_of(AccountSerializer)})
    def get(self, request: Request) -> Response:
        return self.paginated(
            selectors.account_list(tenant=self.tenant), AccountSerializer, ordering=("-created_at", "-id")
        )

    @extend_schema(request=AccountCreateSerializer, responses={201: AccountSerializer})
    def post(self, request: Request) -> Response:
        data = self.validate(AccountCreateSerializer, request.data)
        if data["connector"].kind == ChannelKind.WEBCHAT:
            raise NotFoundError()
        row = services.account_create(tenant=self.tenant, actor=self.member, context=self.context(), **data)
        return Response(AccountSerializer(row).data, status=status.HTTP_201_CREATED)


def _account_for(view: ApiView, account_id: UUID) -> ChannelAccount:
    return selectors.get_account_for(tenant=view.tenant, account_id=account_id)


class AccountDetailApi(ApiView):
    access = TenantPermission("channel.manage")
    schema_tags = ("channels",)

    @extend_schema(responses={200: AccountSerializer})
    def get(self, request: Request, account_id: UUID) -> Response:
        return Response(AccountSerializer(_account_for(self, account_id)).data)

    @extend_schema(request=AccountUpdateSerializer, responses={200: AccountSerializer})
    def patch(self, request: Request, account_id: UUID) -> Response:
        account = _account_for(self, account_id)
        data = self.validate(AccountUpdateSerializer, request.data)
        routing = _routing_input(data, account)
        account = services.account_update(
            tenant=self.tenant, actor=self.member, account=account, routing=routing, context=self.context(), **data
        )
        return Response(AccountSerializer(account).data)

    @extend_schema(
        responses={204: None},
        description="Only a deactivated account (409 `account_active` otherwise). Its conversations keep "
        "their history: an account they point at is kept hidden, one that never received anything is removed.",
    )
    def delete(self, request: Request, account_id: UUID) -> Response:
        services.account_delete(
            tenant=self.tenant, actor=self.member, account=_account_for(self, account_id), context=self.context()
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class AccountActivateApi(ApiView):
    access = TenantPermission("channel.manage")
    schema_tags = ("channels",)

    @extend_schema(request=None, responses={200: AccountSerializer})
    def post(self, request: Request, account_id: UUID) -> Response:
        account = _account_for(self, account_id)
        account = services.account_activate(
            tenant=self.tenant,
            actor=self.member,
            account=account,
            webhook_url=webhook_url_for(account.connector),
            context=self.context(),
        )
        return Response(AccountSerializer(account).data)


class AccountDeactivateApi(ApiView):
    access = TenantPermission("channel.manage")
    schema_tags = ("channels",)

    @extend_schema(request=None, responses={200: AccountSerializer})
    def post(self, request: Request, account_id: UUID) -> Response:
        account = services.account_deactivate(
            tenant=self.tenant, actor=self.member, account=_account_for(self, account_id), context=self.context()
        )
        return Response(AccountSerializer(account).data)


class DeadLetterListApi(ApiView):
    access = TenantPermission("channel.manage")
    schema_tags = ("channels",)

    @extend_schema(operation_id="channels_dead_letters_list", responses={200: page_of(DeadLetterSerializer)})
    def get(self, request: Request) -> Response:
        rows = DeadLetter.objects.for_tenant(self.tenant).select_related("event")
        return self.paginated(rows, DeadLetterSerializer, ordering=("-created_at", "-id"))


class DeadLetterReplayApi(ApiView):
    access = TenantPermission("channel.manage")
    schema_tags = ("channels",)

    @extend_schema(request=None, responses={202: None})
    def post(self, request: Request, dead_letter_id: UUID) -> Response:
        row = DeadLetter.objects.for_tenant(self.tenant).filter(id=dead_letter_id).first()
        if row is None:
            raise NotFoundError()
        services.dead_letter_replay(tenant=self.tenant, actor=self.member, dead_letter=row, context=self.context())
        return Response(status=status.HTTP_202_ACCEPTED)
