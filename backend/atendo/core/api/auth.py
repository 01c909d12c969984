"""Authentication endpoints: magic link, token exchange, refresh rotation, logout."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from atendo.core.api.base import ApiView, Authenticated, Public, StrictSerializer
from atendo.core.services import auth as auth_services


class MagicLinkRequestSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)


class MagicLinkAcceptedSerializer(serializers.Serializer):
    detail = serializers.CharField()


class TokenExchangeSerializer(StrictSerializer):
    token = serializers.CharField(max_length=128)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class RefreshSerializer(StrictSerializer):
    refresh = serializers.CharField(max_length=2048)


class MagicLinkApi(ApiView):
    access = Public("Anyone may ask for a sign-in link; the answer never reveals if the address exists.")
    authentication_classes = []
    schema_tags = ("auth",)

    @extend_schema(request=MagicLinkRequestSerializer, responses={202: MagicLinkAcceptedSerializer})
    def post(self, request: Request) -> Response:
        data = self.validate(MagicLinkRequestSerializer, request.data)
        auth_services.magic_link_request(email=data["email"], language=get_language(), context=self.context())
        return Response(
            {"detail": _("If this address can sign in, a link is on its way. Check your inbox.")},
            status=status.HTTP_202_ACCEPTED,
        )


class TokenExchangeApi(ApiView):
    access = Public("Trades a magic-link secret for tokens; the secret is the credential.")
    authentication_classes = []
    schema_tags = ("auth",)

    @extend_schema(request=TokenExchangeSerializer, responses={200: TokenPairSerializer})
    def post(self, request: Request) -> Response:
        data = self.validate(TokenExchangeSerializer, request.data)
        _user, pair = auth_services.magic_link_exchange(secret=data["token"], context=self.context())
        return Response({"access": pair.access, "refresh": pair.refresh})


class TokenRefreshApi(ApiView):
    access = Public("The refresh token in the body is the credential.")
    authentication_classes = []
    schema_tags = ("auth",)

    @extend_schema(request=RefreshSerializer, responses={200: TokenPairSerializer})
    def post(self, request: Request) -> Response:
        data = self.validate(RefreshSerializer, request.data)
        pair = auth_services.token_refresh(refresh=data["refresh"], context=self.context())
        return Response({"access": pair.access, "refresh": pair.refresh})


class LogoutApi(ApiView):
    access = Authenticated()
    schema_tags = ("auth",)

    @extend_schema(request=RefreshSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        data = self.validate(RefreshSerializer, request.data)
        auth_services.logout(refresh=data["refresh"], user=self.user, context=self.context())
        return Response(status=status.HTTP_204_NO_CONTENT)
