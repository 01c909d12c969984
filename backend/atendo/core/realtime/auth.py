"""Websocket authentication: a JWT access token, given as `?token=` or as the subprotocol pair
`["bearer", "<token>"]` (browsers cannot set headers on websockets)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError


def _token_from_scope(scope: dict[str, Any]) -> str | None:
    subprotocols = scope.get("subprotocols") or []
    if len(subprotocols) >= 2 and subprotocols[0].lower() == "bearer":
        return str(subprotocols[1])
    query = parse_qs(scope.get("query_string", b"").decode())
    tokens = query.get("token")
    return tokens[0] if tokens else None


@database_sync_to_async
def _user_for_token(raw: str) -> Any:
    authenticator = JWTAuthentication()
    try:
        validated = authenticator.get_validated_token(raw.encode())
        return authenticator.get_user(validated)
    except (InvalidToken, TokenError, Exception):  # any failure means anonymous
        return AnonymousUser()


class JwtAuthMiddleware:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        raw = _token_from_scope(scope)
        scope = dict(scope)
        scope["user"] = await _user_for_token(raw) if raw else AnonymousUser()
        scope["uses_bearer_subprotocol"] = bool(scope.get("subprotocols")) and raw is not None
        return await self.app(scope, receive, send)
