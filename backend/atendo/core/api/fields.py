"""Serializer fields that resolve ids from a request body inside the request's tenant.

DESIGN 6.3: every id in a body is checked, not only the URL's tenant. An id of another tenant
(or of nothing) is a 400 with a stable code and never reaches a service.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from rest_framework import serializers


class TenantRowField(serializers.UUIDField):
    """A UUID resolved to a row of `model` within the view's tenant."""

    def __init__(self, model: type[models.Model], **kwargs: Any) -> None:
        self.model = model
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:  # returns a model instance
        row_id = super().to_internal_value(data)
        tenant = self.context["view"].tenant
        row = self.model.objects.for_tenant(tenant).filter(id=row_id).first()  # type: ignore[attr-defined]
        if row is None:
            raise serializers.ValidationError(_("Nothing with this id in this workspace."), code="unknown_reference")
        return row

    def to_representation(self, value: Any) -> Any:
        return super().to_representation(getattr(value, "pk", value))
