"""The agents' messaging API: the inbox, a conversation and its timeline, replies and notes,
assignment and transfer, status, read marks, typing, participants."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from atendo.core.api.base import ApiView, StrictSerializer, TenantPermission
from atendo.core.api.fields import TenantRowField
from atendo.core.api.schema import page_of
from atendo.core.errors import ApplicationError
from atendo.core.events import publish
from atendo.core.models import TenantUser
from atendo.messaging import selectors
from atendo.messaging.events import TypingChanged
from atendo.messaging.frames import conversation_row_data, datetime_writer, message_data, message_row_data
from atendo.messaging.models import ConversationParticipant, ConversationStatus
from atendo.messaging.serializers import (
    ConversationDetailSerializer,
    ConversationSerializer,
    MessagePageSerializer,
    MessageSerializer,
)
from atendo.messaging.services import conversations as conversation_services
from atendo.messaging.services import messages as message_services
from atendo.messaging.uploads import stored_files_from_request
from atendo.organizations.models import Department, Team


class TenantMemberField(serializers.UUIDField):
    """A member id resolved inside the request's tenant: another tenant's id is a 400."""

    def to_internal_value(self, data: Any) -> TenantUser:  # type: ignore[override]
        member_id = super().to_internal_value(data)
        view = self.context["view"]
        member = TenantUser.objects.for_tenant(view.tenant).filter(id=member_id).select_related("user").first()
        if member is None:
            raise serializers.ValidationError(_("No such member in this workspace."), code="unknown_member")
        return member


INBOX_PARAMETERS = [
    OpenApiParameter("view", OpenApiTypes.STR, enum=["mine", "unassigned", "all"]),
    OpenApiParameter("status", OpenApiTypes.STR, enum=["open", "pending", "snoozed", "resolved", "all"]),
    OpenApiParameter("account", OpenApiTypes.UUID),
    OpenApiParameter("channel", OpenApiTypes.STR, enum=["whatsapp", "telegram", "email", "webchat"]),
    OpenApiParameter("department", OpenApiTypes.UUID),
    OpenApiParameter("team", OpenApiTypes.UUID),
    OpenApiParameter("tag", OpenApiTypes.STR),
    OpenApiParameter("q", OpenApiTypes.STR, description="Contact name, phone digits or e-mail contains."),
    OpenApiParameter("contact", OpenApiTypes.UUID, description="Only this contact's conversations (within scope)."),
    OpenApiParameter("cursor", OpenApiTypes.STR),
    OpenApiParameter("page_size", OpenApiTypes.INT),
]


class InboxFilterSerializer(StrictSerializer):
    view = serializers.ChoiceField(choices=["mine", "unassigned", "all"], default="all")
    status = serializers.ChoiceField(choices=["open", "pending", "snoozed", "resolved", "all"], default="open")
    account = serializers.UUIDField(required=False, allow_null=True, default=None)
    channel = serializers.ChoiceField(choices=["", "whatsapp", "telegram", "email", "webchat"], default="")
    department = serializers.UUIDField(required=False, allow_null=True, default=None)
    team = serializers.UUIDField(required=False, allow_null=True, default=None)
    tag = serializers.CharField(max_length=50, required=False, default="")
    q = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    contact = serializers.UUIDField(required=False, allow_null=True, default=None)
    cursor = serializers.CharField(max_length=500, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=200, required=False)


class TimelineQuerySerializer(StrictSerializer):
    before = serializers.UUIDField(required=False, allow_null=True, default=None)
    limit = serializers.IntegerField(min_value=1, max_value=100, default=50)


class ReplySerializer(StrictSerializer):
    body = serializers.CharField(
        max_length=message_services.MAX_BODY_CHARS, required=False, default="", allow_blank=True, trim_whitespace=False
    )
    private = serializers.BooleanField(default=False, help_text="A private note: never sent to the contact.")
    client_id = serializers.CharField(max_length=64, required=False, allow_null=True, default=None)
    file = serializers.FileField(required=False, help_text="Multipart uploads only; may repeat.")


class AssignSerializer(StrictSerializer):
    assignee = TenantMemberField(required=False, allow_null=True)
    department = TenantRowField(Department, required=False, allow_null=True)
    team = TenantRowField(Team, required=False, allow_null=True)
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not {"assignee", "department", "team"} & set(attrs):
            raise serializers.ValidationError(_("Give an assignee, a department or a team."), code="nothing_to_assign")
        team, department = attrs.get("team"), attrs.get("department")
        if team is not None:
            if department is not None and department.id != team.department_id:
                raise serializers.ValidationError(
                    {"team": [_("This team belongs to another department.")]}, code="team_outside_department"
                )
            attrs["department"] = team.department
        elif "department" in attrs:
            attrs["team"] = None  # moving to a department leaves the old department's team
        return attrs


class StatusSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=ConversationStatus.choices)
    snoozed_until = serializers.DateTimeField(required=False, allow_null=True, default=None)


class TypingSerializer(StrictSerializer):
    typing = serializers.BooleanField()


class ParticipantSerializer(StrictSerializer):
    member = TenantMemberField()
    role = serializers.ChoiceField(choices=ConversationParticipant.Role.choices, default="follower")


class ConversationListApi(ApiView):
    access = TenantPermission("conversation.view")
    schema_tags = ("conversations",)

    @extend_schema(
        operation_id="conversations_list", parameters=INBOX_PARAMETERS, responses={200: page_of(ConversationSerializer)}
    )
    def get(self, request: Request) -> Response:
        data = self.validate(InboxFilterSerializer, request.query_params)
        filters = selectors.InboxFilters(
            view=data["view"],
            status=data["status"],
            account_id=data["account"],
            channel=data["channel"],
            department_id=data["department"],
            team_id=data["team"],
            tag=data["tag"],
            q=data["q"],
            contact_id=data["contact"],
        )
        conversations = selectors.conversation_list(member=self.member, filters=filters)
        when = datetime_writer(for_api=True)
        return self.paginated(
            conversations,
            ConversationSerializer,
            ordering=("-last_activity_at", "-id"),
            render=lambda row: conversation_row_data(row, when),
        )


class ConversationDetailApi(ApiView):
    access = TenantPermission("conversation.view")
    schema_tags = ("conversations",)

    @extend_schema(
        parameters=[OpenApiParameter("before", OpenApiTypes.UUID), OpenApiParameter("limit", OpenApiTypes.INT)],
        responses={200: ConversationDetailSerializer},
    )
    def get(self, request: Request, conversation_id: UUID) -> Response:
        row = selectors.conversation_row_for(self.member, conversation_id)
        query = self.validate(TimelineQuerySerializer, request.query_params)
        messages, attachments, has_more = selectors.message_timeline_rows(
            conversation=selectors.ConversationRef(id=conversation_id, tenant_id=self.tenant.id),
            before=query["before"],
            limit=query["limit"],
        )
        # ConversationDetailSerializer's shape, rendered from rows by the tested plain functions
        # (a fraction of the serializers' cost on 50 messages).
        when = datetime_writer(for_api=True)
        data = conversation_row_data(row, when)
        results = [message_row_data(m, attachments.get(str(m["id"]), ()), when) for m in messages]
        data["messages"] = {"results": results, "has_more": has_more}
        return Response(data)


class ConversationMessagesApi(ApiView):
    access = TenantPermission({"GET": "conversation.view", "POST": "conversation.reply"})
    schema_tags = ("conversations",)
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        operation_id="conversations_messages_list",
        parameters=[OpenApiParameter("before", OpenApiTypes.UUID), OpenApiParameter("limit", OpenApiTypes.INT)],
        responses={200: MessagePageSerializer},
    )
    def get(self, request: Request, conversation_id: UUID) -> Response:
        conversation = selectors.get_conversation_for(self.member, conversation_id)
        query = self.validate(TimelineQuerySerializer, request.query_params)
        messages, has_more = selectors.message_timeline(
            conversation=conversation, before=query["before"], limit=query["limit"]
        )
        return Response({"results": [message_data(message) for message in messages], "has_more": has_more})

    @extend_schema(
        request={"application/json": ReplySerializer, "multipart/form-data": ReplySerializer},
        responses={201: MessageSerializer},
    )
    def post(self, request: Request, conversation_id: UUID) -> Response:
        conversation = selectors.get_conversation_for(self.member, conversation_id)
        data = self.validate(ReplySerializer, _form_fields(request))
        files = stored_files_from_request(request, tenant_id=self.tenant.id)
        message = message_services.message_send(
            tenant=self.tenant,
            actor=self.member,
            conversation=conversation,
            body=data["body"],
            private=data["private"],
            files=files,
            client_id=data["client_id"],
        )
        return Response(
            MessageSerializer(selectors.get_message(conversation=conversation, message_id=message.id)).data,
            status=status.HTTP_201_CREATED,
        )


def _form_fields(request: Request) -> Any:
    """Request data without uploaded files (validated separately, streamed to storage)."""
    if hasattr(request.data, "getlist") and request.FILES:
        return {key: request.data.get(key) for key in request.data if key not in request.FILES}  # type: ignore[union-attr]
    return request.data


class ConversationAssignApi(ApiView):
    access = TenantPermission("conversation.assign")
    schema_tags = ("conversations",)

    @extend_schema(request=AssignSerializer, responses={200: ConversationSerializer})
    def post(self, request: Request, conversation_id: UUID) -> Response:
        conversation = selectors.get_conversation_for(self.member, conversation_id)
        data = self.validate(AssignSerializer, request.data)
        change_unit = "department" in data or "team" in data
        conversation = conversation_services.conversation_assign(
            tenant=self.tenant,
            actor=self.member,
            conversation=conversation,
            assignee=data.get("assignee", conversation.assignee),
            department=data.get("department", conversation.department),
            team=data.get("team", conversation.team),
            change_unit=change_unit,
            note=data["note"],
            context=self.context(),
        )
        return Response(ConversationSerializer(selectors.get_conversation_for(self.member, conversation.id)).data)


class ConversationStatusApi(ApiView):
    access = TenantPermission("conversation.reply")
    schema_tags = ("conversations",)

    @extend_schema(request=StatusSerializer, responses={200: ConversationSerializer})
    def post(self, request: Request, conversation_id: UUID) -> Response:
        conversation = selectors.get_conversation_for(self.member, conversation_id)
        data = self.validate(StatusSerializer, request.data)
        conversation_services.conversation_set_status(
            tenant=self.tenant,
            actor=self.member,
            conversation=conversation,
            status=data["status"],
            snoozed_until=data["snoozed_until"],
            context=self.context(),
        )
        return Response(ConversationSerializer(selectors.get_conversation_for(self.member, conversation_id)).data)


class MessageRetryApi(ApiView):
    access = TenantPermission("conversation.reply")
    schema_tags = ("conversations",)

    @extend_schema(request=None, responses={200: MessageSerializer})
    def post(self, request: Request, conversation_id: UUID, message_id: UUID) -> Response:
        conversation = selectors.get_conversation_for(self.member, conversation_id)
        message = selectors.get_message(conversation=conversation, message_id=message_id)
        message_services.message_retry(tenant=self.tenant, actor=self.member, message=message)
        return Response(MessageSerializer(selectors.get_message(conversation=conversation, message_id=message_id)).data)


class ConversationReadApi(ApiView):
    access = TenantPermission("conversation.view")
    schema_tags = ("conversations",)

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, conversation_id: UUID) -> Response:
        conversation = selectors.get_conversation_for(self.member, conversation_id)
        conversation_services.conversation_mark_read(tenant=self.tenant, actor=self.member, conversation=conversation)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConversationTypingApi(ApiView):
    access = TenantPermission("conversation.reply")
    schema_tags = ("conversations",)

    @extend_schema(request=TypingSerializer, responses={204: None})
    def post(self, request: Request, conversation_id: UUID) -> Response:
        conversation = selectors.get_conversation_for(self.member, conversation_id)
        data = self.validate(TypingSerializer, request.data)
        publish(
            TypingChanged(
                tenant_id=self.tenant.id,
                conversation_id=conversation.id,
                by_contact=False,
                author_name=self.member.display_name,
                typing=data["typing"],
                member_id=self.member.id,
            )
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConversationParticipantsApi(ApiView):
    access = TenantPermission("conversation.reply")
    schema_tags = ("conversations",)

    @extend_schema(request=ParticipantSerializer, responses={204: None})
    def post(self, request: Request, conversation_id: UUID) -> Response:
        conversation = selectors.get_conversation_for(self.member, conversation_id)
        data = self.validate(ParticipantSerializer, request.data)
        conversation_services.participant_add(
            tenant=self.tenant, actor=self.member, conversation=conversation, member=data["member"], role=data["role"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConversationParticipantDetailApi(ApiView):
    access = TenantPermission("conversation.reply")
    schema_tags = ("conversations",)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, conversation_id: UUID, member_id: UUID) -> Response:
        conversation = selectors.get_conversation_for(self.member, conversation_id)
        member = TenantUser.objects.for_tenant(self.tenant).filter(id=member_id).first()
        if member is None:
            raise ApplicationError(_("No such member in this workspace."), code="unknown_member")
        conversation_services.participant_remove(
            tenant=self.tenant, actor=self.member, conversation=conversation, member=member
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
