"""Quick replies API: list/search what the member may use, create, read, edit, delete, count a use."""

from __future__ import annotations

import re
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
from atendo.knowledge import selectors, services
from atendo.knowledge.models import (
    BODY_MAX_LENGTH,
    PLACEHOLDERS,
    SHORTCUT_MAX_LENGTH,
    SHORTCUT_PATTERN,
    TITLE_MAX_LENGTH,
    QuickReply,
)
from atendo.organizations.models import Department


class QuickReplyAuthorSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    display_name = serializers.CharField()


class QuickReplySerializer(serializers.ModelSerializer):
    personal = serializers.BooleanField(read_only=True, help_text="Visible to its owner (you) only.")
    can_edit = serializers.BooleanField(read_only=True, help_text="Whether you may change or delete it.")
    created_by = QuickReplyAuthorSerializer(read_only=True, allow_null=True)
    body = serializers.CharField(
        read_only=True,
        help_text="Text inserted in the composer. The web app fills in " + ", ".join(PLACEHOLDERS) + ".",
    )

    class Meta:
        model = QuickReply
        fields = (
            "id",
            "shortcut",
            "title",
            "body",
            "department",
            "personal",
            "can_edit",
            "use_count",
            "last_used_at",
            "created_by",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


def _normalize_shortcut(value: str) -> str:
    """ " /Ola " -> "ola": the slash is how the shortcut is typed, not part of it."""
    shortcut = value.strip().removeprefix("/").lower()
    if not shortcut:
        raise serializers.ValidationError(_("Give the quick reply a shortcut."), code="blank")
    if len(shortcut) > SHORTCUT_MAX_LENGTH:
        raise serializers.ValidationError(
            _("At most %(count)d characters.") % {"count": SHORTCUT_MAX_LENGTH}, code="max_length"
        )
    if not re.match(SHORTCUT_PATTERN, shortcut):
        raise serializers.ValidationError(
            _("Use only letters without accents, digits, - and _ (no spaces), starting with a letter or digit."),
            code="invalid_shortcut",
        )
    return shortcut


class QuickReplyInputSerializer(StrictSerializer):
    shortcut = serializers.CharField(
        max_length=200, help_text="Typed after `/` in the composer: a-z, 0-9, - and _ (stored in lower case)."
    )
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    body = serializers.CharField(
        max_length=BODY_MAX_LENGTH,
        help_text="May contain placeholders the web app fills in: " + ", ".join(PLACEHOLDERS) + ".",
    )
    department = TenantRowField(
        Department,
        required=False,
        allow_null=True,
        help_text="Shared replies only: offered to the members of this department (null: everyone).",
    )
    personal = serializers.BooleanField(required=False, help_text="Only you see it; no permission needed.")

    def validate_shortcut(self, value: str) -> str:
        return _normalize_shortcut(value)


class QuickReplyPatchSerializer(QuickReplyInputSerializer):
    shortcut = serializers.CharField(max_length=200, required=False)
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH, required=False)
    body = serializers.CharField(max_length=BODY_MAX_LENGTH, required=False)


class QuickReplyFilterSerializer(StrictSerializer):
    q = serializers.CharField(max_length=100, required=False, allow_blank=True)
    cursor = serializers.CharField(max_length=500, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=200, required=False)


class QuickReplyListApi(ApiView):
    # Every member uses quick replies and keeps personal ones; the service checks shared writes.
    access = TenantPermission("tenant.view")
    schema_tags = ("knowledge",)

    @extend_schema(
        operation_id="quick_replies_list",
        parameters=[
            OpenApiParameter(
                "q", OpenApiTypes.STR, description="Shortcut, title or body contains (ignores case and accents)."
            ),
            OpenApiParameter("cursor", OpenApiTypes.STR),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses={200: page_of(QuickReplySerializer)},
    )
    def get(self, request: Request) -> Response:
        filters = self.validate(QuickReplyFilterSerializer, request.query_params)
        rows = selectors.quick_reply_list(member=self.member, search=filters.get("q", ""))
        return self.paginated(rows, QuickReplySerializer, ordering=("shortcut", "id"))

    @extend_schema(request=QuickReplyInputSerializer, responses={201: QuickReplySerializer})
    def post(self, request: Request) -> Response:
        data = self.validate(QuickReplyInputSerializer, request.data)
        row = services.quick_reply_create(tenant=self.tenant, actor=self.member, data=data, context=self.context())
        return Response(
            QuickReplySerializer(selectors.get_quick_reply_for(self.member, row.id)).data,
            status=status.HTTP_201_CREATED,
        )


class QuickReplyDetailApi(ApiView):
    # Reads and writes alike: whose reply it is and where it applies are checked per row.
    access = TenantPermission("tenant.view")
    schema_tags = ("knowledge",)

    @extend_schema(responses={200: QuickReplySerializer})
    def get(self, request: Request, quick_reply_id: UUID) -> Response:
        return Response(QuickReplySerializer(selectors.get_quick_reply_for(self.member, quick_reply_id)).data)

    @extend_schema(request=QuickReplyPatchSerializer, responses={200: QuickReplySerializer})
    def patch(self, request: Request, quick_reply_id: UUID) -> Response:
        row = selectors.get_quick_reply_for(self.member, quick_reply_id)
        data: dict[str, Any] = self.validate(QuickReplyPatchSerializer, request.data)
        services.quick_reply_update(
            tenant=self.tenant, actor=self.member, quick_reply=row, data=data, context=self.context()
        )
        return Response(QuickReplySerializer(selectors.get_quick_reply_for(self.member, quick_reply_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, quick_reply_id: UUID) -> Response:
        row = selectors.get_quick_reply_for(self.member, quick_reply_id)
        services.quick_reply_delete(tenant=self.tenant, actor=self.member, quick_reply=row, context=self.context())
        return Response(status=status.HTTP_204_NO_CONTENT)


class QuickReplyUseApi(ApiView):
    access = TenantPermission("conversation.reply")
    schema_tags = ("knowledge",)

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, quick_reply_id: UUID) -> Response:
        """The agent inserted this reply into a message: ranks it higher in suggestions."""
        row = selectors.get_quick_reply_for(self.member, quick_reply_id)
        services.quick_reply_record_use(tenant=self.tenant, quick_reply=row)
        return Response(status=status.HTTP_204_NO_CONTENT)
