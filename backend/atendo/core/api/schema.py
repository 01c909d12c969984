"""OpenAPI generation: every operation documents the shared error shape."""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from atendo.core.api.errors import ErrorSerializer


class AtendoAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        access = getattr(self.view, "access", None)
        codes = ["400", "429"] if self.method in ("POST", "PUT", "PATCH") else []
        if access is not None and getattr(access, "requires_user", True):
            codes += ["401", "403", "404"]
        if "{" in self.path:
            codes.append("404")
        for code in dict.fromkeys(codes):
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
        return responses

    def get_tags(self) -> list[str]:
        tags = getattr(self.view, "schema_tags", None)
        return list(tags) if tags else super().get_tags()


@cache
def page_of(serializer_class: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """Schema for a cursor page of `serializer_class` items."""
    name = serializer_class.__name__.removesuffix("Serializer")
    return type(
        f"Paginated{name}List",
        (serializers.Serializer,),
        {
            "next": serializers.URLField(allow_null=True, help_text="Cursor URL of the next page."),
            "previous": serializers.URLField(allow_null=True, help_text="Cursor URL of the previous page."),
            "results": serializer_class(many=True),
        },
    )
