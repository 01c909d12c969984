"""Contacts API: list/search, create, read, edit, merge."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from atendo.contacts import selectors, services
from atendo.contacts.models import Contact, ContactIdentity, IdentityKind
from atendo.core.api.base import ApiView, StrictSerializer, TenantPermission
from atendo.core.api.schema import page_of
from atendo.core.models import Locale


class ContactIdentitySerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactIdentity
        fields = ("id", "kind", "value")


class ContactSerializer(serializers.ModelSerializer):
    identities = ContactIdentitySerializer(many=True, read_only=True)

    class Meta:
        model = Contact
        fields = (
            "id",
            "name",
            "avatar_url",
            "language",
            "custom_attributes",
            "tags",
            "blocked",
            "identities",
            "created_at",
            "updated_at",
        )


class IdentityInputSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=IdentityKind.choices)
    value = serializers.CharField(max_length=320)


MAX_ATTRIBUTES = 50
MAX_ATTRIBUTE_NAME_CHARS = 64
MAX_ATTRIBUTE_VALUE_CHARS = 1000


def _validate_attributes(value: dict[str, Any]) -> None:
    if len(value) > MAX_ATTRIBUTES:
        raise serializers.ValidationError(
            _("At most %(count)d custom attributes.") % {"count": MAX_ATTRIBUTES}, code="too_many_attributes"
        )
    for key, item in value.items():
        if not str(key).strip() or len(str(key)) > MAX_ATTRIBUTE_NAME_CHARS:
            raise serializers.ValidationError(
                _("Attribute names have 1 to %(max)d characters.") % {"max": MAX_ATTRIBUTE_NAME_CHARS},
                code="invalid_attribute_name",
            )
        if not isinstance(item, (str, int, float, bool, type(None))) or len(str(item)) > MAX_ATTRIBUTE_VALUE_CHARS:
            raise serializers.ValidationError(
                _("Attribute values are text, numbers or yes/no, up to %(max)d characters.")
                % {"max": MAX_ATTRIBUTE_VALUE_CHARS},
                code="invalid_attribute_value",
            )


class ContactFieldsSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    avatar_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=[("", "—"), *Locale.choices], required=False)
    custom_attributes = serializers.DictField(required=False, validators=[_validate_attributes])
    tags = serializers.ListField(child=serializers.CharField(max_length=50), max_length=50, required=False)
    blocked = serializers.BooleanField(required=False)


class ContactCreateSerializer(ContactFieldsSerializer):
    identities = IdentityInputSerializer(many=True, required=False, default=list)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("name", "").strip() and not attrs.get("identities"):
            raise serializers.ValidationError(
                {"name": [_("Give the contact a name or at least one identity.")]}, code="contact_empty"
            )
        return attrs


class IdentityChangeSerializer(StrictSerializer):
    value = serializers.CharField(max_length=320, required=False)


class ContactMergeSerializer(StrictSerializer):
    duplicate = serializers.UUIDField(help_text="The duplicate contact merged into this one (and then hidden).")


class ContactListApi(ApiView):
    access = TenantPermission({"GET": "contact.view", "POST": "contact.edit"})
    schema_tags = ("contacts",)

    @extend_schema(
        operation_id="contacts_list",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Name, phone (digits) or e-mail contains."),
            OpenApiParameter("tag", OpenApiTypes.STR),
            OpenApiParameter("cursor", OpenApiTypes.STR),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses={200: page_of(ContactSerializer)},
    )
    def get(self, request: Request) -> Response:
        contacts = selectors.contact_list(
            tenant=self.tenant,
            search=request.query_params.get("q", "")[:100],
            tag=request.query_params.get("tag", "")[:50],
        )
        return self.paginated(contacts, ContactSerializer, ordering=("-updated_at", "-id"))

    @extend_schema(request=ContactCreateSerializer, responses={201: ContactSerializer})
    def post(self, request: Request) -> Response:
        data = self.validate(ContactCreateSerializer, request.data)
        identities = [(item["kind"], item["value"]) for item in data.pop("identities")]
        contact = services.contact_create(
            tenant=self.tenant, actor=self.member, data=data, identities=identities, context=self.context()
        )
        return Response(
            ContactSerializer(selectors.get_contact_for(tenant=self.tenant, contact_id=contact.id)).data,
            status=status.HTTP_201_CREATED,
        )


class ContactDetailApi(ApiView):
    access = TenantPermission({"GET": "contact.view", "PATCH": "contact.edit"})
    schema_tags = ("contacts",)

    @extend_schema(responses={200: ContactSerializer})
    def get(self, request: Request, contact_id: UUID) -> Response:
        return Response(ContactSerializer(selectors.get_contact_for(tenant=self.tenant, contact_id=contact_id)).data)

    @extend_schema(request=ContactFieldsSerializer, responses={200: ContactSerializer})
    def patch(self, request: Request, contact_id: UUID) -> Response:
        contact = selectors.get_contact_for(tenant=self.tenant, contact_id=contact_id)
        data = self.validate(ContactFieldsSerializer, request.data)
        services.contact_update(
            tenant=self.tenant, actor=self.member, contact=contact, data=data, context=self.context()
        )
        return Response(ContactSerializer(selectors.get_contact_for(tenant=self.tenant, contact_id=contact_id)).data)


class ContactMergeApi(ApiView):
    access = TenantPermission("contact.manage")
    schema_tags = ("contacts",)

    @extend_schema(request=ContactMergeSerializer, responses={200: ContactSerializer})
    def post(self, request: Request, contact_id: UUID) -> Response:
        target = selectors.get_contact_for(tenant=self.tenant, contact_id=contact_id)
        data = self.validate(ContactMergeSerializer, request.data)
        source = selectors.get_contact_for(tenant=self.tenant, contact_id=data["duplicate"])
        services.contact_merge(
            tenant=self.tenant, actor=self.member, source=source, target=target, context=self.context()
        )
        return Response(ContactSerializer(selectors.get_contact_for(tenant=self.tenant, contact_id=contact_id)).data)


class ContactIdentityListApi(ApiView):
    """Phone numbers and e-mail addresses an agent adds by hand (channel identities are read-only)."""

    access = TenantPermission("contact.edit")
    schema_tags = ("contacts",)

    @extend_schema(
        operation_id="contacts_identities_create",
        request=IdentityInputSerializer,
        responses={201: ContactSerializer},
    )
    def post(self, request: Request, contact_id: UUID) -> Response:
        contact = selectors.get_contact_for(tenant=self.tenant, contact_id=contact_id)
        data = self.validate(IdentityInputSerializer, request.data)
        services.contact_identity_add(
            tenant=self.tenant,
            actor=self.member,
            contact=contact,
            kind=data["kind"],
            value=data["value"],
            context=self.context(),
        )
        return Response(
            ContactSerializer(selectors.get_contact_for(tenant=self.tenant, contact_id=contact_id)).data,
            status=status.HTTP_201_CREATED,
        )


class ContactIdentityDetailApi(ApiView):
    access = TenantPermission("contact.edit")
    schema_tags = ("contacts",)

    @extend_schema(
        operation_id="contacts_identities_update",
        request=IdentityChangeSerializer,
        responses={200: ContactSerializer},
    )
    def patch(self, request: Request, contact_id: UUID, identity_id: UUID) -> Response:
        contact = selectors.get_contact_for(tenant=self.tenant, contact_id=contact_id)
        identity = selectors.get_identity_for(tenant=self.tenant, contact=contact, identity_id=identity_id)
        data = self.validate(IdentityChangeSerializer, request.data)
        if "value" in data:
            services.contact_identity_change(
                tenant=self.tenant, actor=self.member, identity=identity, value=data["value"], context=self.context()
            )
        return Response(ContactSerializer(selectors.get_contact_for(tenant=self.tenant, contact_id=contact_id)).data)

    @extend_schema(operation_id="contacts_identities_destroy", responses={204: None})
    def delete(self, request: Request, contact_id: UUID, identity_id: UUID) -> Response:
        contact = selectors.get_contact_for(tenant=self.tenant, contact_id=contact_id)
        identity = selectors.get_identity_for(tenant=self.tenant, contact=contact, identity_id=identity_id)
        services.contact_identity_remove(
            tenant=self.tenant, actor=self.member, identity=identity, context=self.context()
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
