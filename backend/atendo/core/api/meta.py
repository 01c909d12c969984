"""Service endpoints: health (for load balancers and `make run`) and public client config."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from atendo.core.api.base import ApiView, Public


class HealthSerializer(serializers.Serializer):
    status = serializers.CharField()


class ClientConfigSerializer(serializers.Serializer):
    websocket_url = serializers.CharField(help_text="Base URL for websockets; empty means same origin.")
    signup_enabled = serializers.BooleanField()
    languages = serializers.ListField(child=serializers.CharField())


class HealthApi(ApiView):
    access = Public("Liveness probe for load balancers and the dev supervisor.")
    authentication_classes = []
    schema_tags = ("meta",)

    @extend_schema(responses={200: HealthSerializer})
    def get(self, request: Request) -> Response:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return Response({"status": "ok"})


class ClientConfigApi(ApiView):
    access = Public("The web app reads it before sign-in.")
    authentication_classes = []
    schema_tags = ("meta",)

    @extend_schema(responses={200: ClientConfigSerializer})
    def get(self, request: Request) -> Response:
        return Response(
            {
                "websocket_url": settings.WEBSOCKET_URL,
                "signup_enabled": settings.SIGNUP_ENABLED,
                "languages": ["pt-BR", "en", "es"],
            }
        )
