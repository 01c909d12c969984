"""Public web chat endpoints for the embeddable widget.

Unauthenticated by design: the widget token names the tenant's account and the visitor
session token (header X-Visitor-Session) names the visitor. CORS is answered per account
(its allowed origins), every endpoint is rate limited and bodies are size limited.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from atendo.connectors.models import ChannelAccount
from atendo.connectors.selectors import webchat_account_by_token
from atendo.core.api.base import ApiView, Public, StrictSerializer
from atendo.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from atendo.core.models import Locale
from atendo.core.ratelimit import rate_limit_hit
from atendo.messaging import selectors
from atendo.messaging.models import WidgetSession
from atendo.messaging.serializers import VisitorMessageSerializer
from atendo.messaging.services import webchat as webchat_services
from atendo.messaging.services.messages import MAX_BODY_CHARS
from atendo.messaging.uploads import stored_files_from_request

WIDGET_ACCESS = Public(
    "Web chat visitors are anonymous by design: the widget token names the account, "
    "the visitor session token the visitor."
)
SESSION_HEADER = "X-Visitor-Session"
CORS_ALLOWED_HEADERS = "Content-Type, X-Visitor-Session"


def _origin_allowed(account: ChannelAccount, origin: str | None) -> bool:
    """No Origin header means no browser cross-site call. An empty list admits any site."""
    allowed: list[str] = account.settings.get("allowed_origins") or []
    return origin is None or not allowed or origin.lower().rstrip("/") in allowed


class WidgetApi(ApiView):
    """Resolves the account from the token, answers CORS, and checks the visitor session."""

    authentication_classes = []
    account: ChannelAccount

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        account = webchat_account_by_token(kwargs.get("token", ""))
        if account is None or account.status != ChannelAccount.Status.ACTIVE:
            raise NotFoundError(_("This chat is not available."), code="widget_not_found")
        if not _origin_allowed(account, request.headers.get("Origin")):
            raise PermissionDeniedError(_("This site may not use this chat."), code="origin_not_allowed")
        self.account = account

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        origin = request.headers.get("Origin")
        account = getattr(self, "account", None)
        if origin and account is not None and _origin_allowed(account, origin):
            response["Access-Control-Allow-Origin"] = origin
            response["Access-Control-Allow-Headers"] = CORS_ALLOWED_HEADERS
            response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response["Access-Control-Max-Age"] = "600"
            response["Access-Control-Expose-Headers"] = "Retry-After"
        response["Vary"] = "Origin"
        return response

    def options(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        return Response(status=status.HTTP_204_NO_CONTENT)

    def visitor_session(self) -> WidgetSession:
        token = self.request.headers.get(SESSION_HEADER, "")
        if not token:
            raise webchat_services.VisitorSessionInvalid()
        return webchat_services.session_for_token(account=self.account, token=token)

    def limit(self, scope: str, key: str, per_minute: int) -> None:
        rate_limit_hit(key=f"widget:{scope}:{self.account.id}:{key}", limit=per_minute, window=timedelta(minutes=1))

    def client_ip(self) -> str:
        return str(self.request.META.get("REMOTE_ADDR", ""))


class PrechatFieldOutSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label
    type = serializers.CharField()
    required = serializers.BooleanField()  # type: ignore[assignment]  # a declared field


class WidgetConfigSerializer(serializers.Serializer):
    name = serializers.CharField()
    greeting = serializers.CharField()
    primary_color = serializers.CharField()
    prechat_fields = PrechatFieldOutSerializer(many=True)
    websocket_url = serializers.CharField()
    max_upload_bytes = serializers.IntegerField()


class WidgetConfigApi(WidgetApi):
    access = WIDGET_ACCESS
    schema_tags = ("widget",)

    @extend_schema(operation_id="widget_config", responses={200: WidgetConfigSerializer})
    def get(self, request: Request, token: str) -> Response:
        self.limit("config", self.client_ip(), 120)
        config = self.account.settings
        return Response(
            {
                "name": self.account.name,
                "greeting": config.get("greeting", ""),
                "primary_color": config.get("primary_color", "#128C7E"),
                "prechat_fields": config.get("prechat_fields", []),
                "websocket_url": settings.WEBSOCKET_URL,
                "max_upload_bytes": getattr(settings, "ATTACHMENT_MAX_BYTES", 25 * 1024 * 1024),
            }
        )


class SessionStartSerializer(StrictSerializer):
    session_token = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    prechat = serializers.DictField(
        child=serializers.CharField(max_length=500, allow_blank=True), required=False, default=dict
    )
    identifier = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    identifier_hash = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(choices=Locale.choices, required=False, default=Locale.PT_BR)

    def validate_prechat(self, value: dict[str, str]) -> dict[str, str]:
        if len(value) > 20:
            raise serializers.ValidationError(_("Too many fields."))
        return value


class SessionContactSerializer(serializers.Serializer):
    name = serializers.CharField()


class SessionSerializer(serializers.Serializer):
    session_token = serializers.CharField()
    contact = SessionContactSerializer()
    conversation_id = serializers.UUIDField(allow_null=True)


class WidgetSessionApi(WidgetApi):
    access = WIDGET_ACCESS
    schema_tags = ("widget",)

    @extend_schema(
        operation_id="widget_session_start",
        request=SessionStartSerializer,
        responses={200: SessionSerializer, 201: SessionSerializer},
    )
    def post(self, request: Request, token: str) -> Response:
        self.limit("session", self.client_ip(), 20)
        data = self.validate(SessionStartSerializer, request.data)
        started = webchat_services.widget_session_start(
            account=self.account,
            session_token=data["session_token"] or None,
            prechat=data["prechat"],
            identifier=data["identifier"] or None,
            identifier_hash=data["identifier_hash"] or None,
            language=data["language"],
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        conversation = webchat_services.visitor_conversation(started.session)
        body = {
            "session_token": started.token,
            "contact": {"name": started.session.contact.name},
            "conversation_id": str(conversation.id) if conversation else None,
        }
        return Response(body, status=status.HTTP_201_CREATED if started.created else status.HTTP_200_OK)


class VisitorMessageInSerializer(StrictSerializer):
    body = serializers.CharField(
        max_length=MAX_BODY_CHARS, required=False, default="", allow_blank=True, trim_whitespace=False
    )
    client_id = serializers.CharField(max_length=64, required=False, allow_null=True, default=None)
    file = serializers.FileField(required=False, help_text="Multipart uploads only.")


class VisitorHistorySerializer(serializers.Serializer):
    results = VisitorMessageSerializer(many=True)
    has_more = serializers.BooleanField()


class VisitorHistoryQuerySerializer(StrictSerializer):
    before = serializers.UUIDField(required=False, allow_null=True, default=None)
    limit = serializers.IntegerField(min_value=1, max_value=100, default=50)


SESSION_PARAMETER = OpenApiParameter(SESSION_HEADER, OpenApiTypes.STR, location=OpenApiParameter.HEADER, required=True)


class WidgetMessagesApi(WidgetApi):
    access = WIDGET_ACCESS
    schema_tags = ("widget",)
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        operation_id="widget_messages_list",
        parameters=[
            SESSION_PARAMETER,
            OpenApiParameter("before", OpenApiTypes.UUID),
            OpenApiParameter("limit", OpenApiTypes.INT),
        ],
        responses={200: VisitorHistorySerializer},
    )
    def get(self, request: Request, token: str) -> Response:
        session = self.visitor_session()
        self.limit("history", str(session.id), 120)
        query = self.validate(VisitorHistoryQuerySerializer, request.query_params)
        conversation = webchat_services.visitor_conversation(session)
        if conversation is None:
            return Response({"results": [], "has_more": False})
        messages, has_more = selectors.message_timeline(
            conversation=conversation, before=query["before"], limit=query["limit"], for_visitor=True
        )
        return Response({"results": VisitorMessageSerializer(messages, many=True).data, "has_more": has_more})

    @extend_schema(
        operation_id="widget_message_send",
        parameters=[SESSION_PARAMETER],
        request={"application/json": VisitorMessageInSerializer, "multipart/form-data": VisitorMessageInSerializer},
        responses={201: VisitorMessageSerializer},
    )
    def post(self, request: Request, token: str) -> Response:
        session = self.visitor_session()
        self.limit("message", str(session.id), settings.WIDGET_MESSAGES_PER_MINUTE)
        fields = {k: request.data.get(k) for k in request.data if k not in request.FILES}  # type: ignore[union-attr]
        data = self.validate(VisitorMessageInSerializer, fields)
        files = stored_files_from_request(request, tenant_id=self.account.tenant_id)
        if not data["body"].strip() and not files:
            raise ApplicationError(
                _("A message needs text or a file."),
                code="empty_message",
                fields={"body": [_("This field is required.")]},
            )
        message = webchat_services.visitor_message_send(
            account=self.account, session=session, body=data["body"], client_id=data["client_id"], files=files
        )
        message = selectors.get_message(conversation=message.conversation, message_id=message.id)
        return Response(VisitorMessageSerializer(message).data, status=status.HTTP_201_CREATED)


class VisitorTypingSerializer(StrictSerializer):
    typing = serializers.BooleanField()


class WidgetTypingApi(WidgetApi):
    access = WIDGET_ACCESS
    schema_tags = ("widget",)

    @extend_schema(
        operation_id="widget_typing",
        parameters=[SESSION_PARAMETER],
        request=VisitorTypingSerializer,
        responses={204: None},
    )
    def post(self, request: Request, token: str) -> Response:
        session = self.visitor_session()
        self.limit("typing", str(session.id), 120)
        data = self.validate(VisitorTypingSerializer, request.data)
        webchat_services.visitor_typing(session=session, typing=data["typing"])
        return Response(status=status.HTTP_204_NO_CONTENT)
