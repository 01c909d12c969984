"""Renderings of conversations and messages, shared by the API and the realtime broadcaster so
a socket frame and a REST response never disagree."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from atendo.messaging.models import Conversation, Message, MessageAttachment


def attachment_url(attachment: MessageAttachment) -> str:
    from atendo.core.storage import download_url

    # Absolute: the widget runs on the customer's site, where a relative URL means their host.
    return download_url(key=attachment.storage_key, name=attachment.name, mime=attachment.mime, absolute=True)


SERVABLE = (MessageAttachment.Scan.NOT_SCANNED, MessageAttachment.Scan.CLEAN)


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text="Short-lived download URL; null until the antivirus clears the file (and for infected ones)."
    )

    class Meta:
        model = MessageAttachment
        fields = ("id", "name", "mime", "size", "scan_status", "scan_signature", "url")

    def get_url(self, attachment: MessageAttachment) -> str | None:
        return attachment_url(attachment) if attachment.scan_status in SERVABLE else None


class MessageAuthorSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    display_name = serializers.CharField()


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = (
            "id",
            "conversation_id",
            "client_id",
            "direction",
            "kind",
            "author",
            "body",
            "delivery_status",
            "error_code",
            "error_message",
            "metadata",
            "attachments",
            "created_at",
            "sent_at",
            "delivered_at",
            "read_at",
        )

    @extend_schema_field(MessageAuthorSerializer(allow_null=True))
    def get_author(self, message: Message) -> dict[str, Any] | None:
        if message.author is None:
            return None
        return {"id": str(message.author.id), "display_name": message.author.display_name}


class VisitorMessageSerializer(serializers.ModelSerializer):
    """What a web chat visitor may see of a message: no notes, no internal metadata."""

    author_name = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ("id", "client_id", "direction", "kind", "body", "author_name", "attachments", "created_at")

    def get_author_name(self, message: Message) -> str:
        return message.author.display_name if message.author else ""


class ConversationContactSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    avatar_url = serializers.CharField()


class ConversationAssigneeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    display_name = serializers.CharField()


class ConversationAccountSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    name = serializers.CharField()


class ConversationSerializer(serializers.ModelSerializer):
    contact = ConversationContactSerializer(read_only=True)
    assignee = ConversationAssigneeSerializer(read_only=True, allow_null=True)
    account = ConversationAccountSerializer(read_only=True)

    class Meta:
        model = Conversation
        fields = (
            "id",
            "status",
            "priority",
            "contact",
            "assignee",
            "account",
            "department_id",
            "team_id",
            "tags",
            "last_message_preview",
            "last_message_at",
            "last_activity_at",
            "unread_count",
            "snoozed_until",
            "resolved_at",
            "sla_state",
            "sla_due_at",
            "created_at",
            "updated_at",
        )


class MessagePageSerializer(serializers.Serializer):
    results = MessageSerializer(many=True)
    has_more = serializers.BooleanField()


class ConversationDetailSerializer(ConversationSerializer):
    messages = serializers.SerializerMethodField()

    class Meta(ConversationSerializer.Meta):
        fields = (*ConversationSerializer.Meta.fields, "messages")  # type: ignore[assignment]

    @extend_schema_field(MessagePageSerializer)
    def get_messages(self, conversation: Conversation) -> dict[str, Any]:
        page: tuple[list[Message], bool] = self.context["messages"]
        return {"results": MessageSerializer(page[0], many=True).data, "has_more": page[1]}
