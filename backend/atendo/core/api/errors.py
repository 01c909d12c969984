"""One DRF exception handler: every error is `{"code", "message", "fields"}` with a stable code."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework_simplejwt.exceptions import InvalidToken

from atendo.core.errors import ApplicationError, RateLimitedError


class ErrorSerializer(serializers.Serializer):
    """The shape of every error response."""

    code = serializers.CharField(help_text="Stable machine-readable error code.")
    message = serializers.CharField(help_text="Human-readable message in the request's language.")
    fields = serializers.DictField(  # type: ignore[assignment]  # a declared field named "fields"
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Per-field messages for validation errors; empty otherwise.",
    )


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": str(message), "fields": fields or {}}


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {str(k): _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        if all(not isinstance(i, (dict, list)) for i in detail):
            return [str(i) for i in detail]
        return [_flatten(i) for i in detail]
    return [str(detail)]


def _validation_code(exc: exceptions.ValidationError) -> str:
    codes = exc.get_codes()
    flat: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        else:
            flat.append(str(node))

    walk(codes)
    return "unknown_field" if "unknown_field" in flat else "invalid"


_SIMPLE_CODES: list[tuple[type[Exception], int, str]] = [
    (exceptions.ParseError, 400, "malformed_request"),
    (exceptions.UnsupportedMediaType, 415, "unsupported_media_type"),
    (exceptions.NotAuthenticated, 401, "not_authenticated"),
    (exceptions.AuthenticationFailed, 401, "token_invalid"),
    (exceptions.PermissionDenied, 403, "permission_denied"),
    (exceptions.NotFound, 404, "not_found"),
    (exceptions.MethodNotAllowed, 405, "method_not_allowed"),
    (exceptions.NotAcceptable, 406, "not_acceptable"),
]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    headers: dict[str, str] = {}
    if isinstance(exc, ApplicationError):
        if isinstance(exc, RateLimitedError):
            headers["Retry-After"] = str(exc.retry_after)
        return Response(
            error_body(exc.code, exc.message, _flatten(exc.fields)), status=exc.status_code, headers=headers
        )
    if isinstance(exc, exceptions.ValidationError):
        return Response(
            error_body(
                _validation_code(exc),
                _("Some fields are not valid."),
                _flatten(exc.detail) if isinstance(exc.detail, dict) else {"non_field_errors": _flatten(exc.detail)},
            ),
            status=400,
        )
    if isinstance(exc, InvalidToken):
        return Response(
            error_body("token_invalid", _("The access token is not valid or has expired.")),
            status=401,
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        )
    if isinstance(exc, exceptions.Throttled):
        wait = getattr(exc, "wait", None)
        if wait:
            headers["Retry-After"] = str(int(wait))
        return Response(error_body("throttled", _("Too many requests. Please slow down.")), status=429, headers=headers)
    if isinstance(exc, RequestDataTooBig):
        return Response(error_body("payload_too_large", _("The request body is too large.")), status=413)
    if isinstance(exc, Http404):
        return Response(error_body("not_found", _("Not found.")), status=404)
    if isinstance(exc, DjangoPermissionDenied):
        return Response(error_body("permission_denied", _("You may not do this.")), status=403)
    for exc_type, status, code in _SIMPLE_CODES:
        if isinstance(exc, exc_type):
            detail = getattr(exc, "detail", str(exc))
            if status == 401:
                headers["WWW-Authenticate"] = 'Bearer realm="api"'
            return Response(error_body(code, str(detail)), status=status, headers=headers)
    return None


def json_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("not_found", _("Not found.")), status=404)


def json_server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse(error_body("server_error", _("Something went wrong on our side.")), status=500)


def json_bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("bad_request", _("The request could not be understood.")), status=400)


def json_permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("permission_denied", _("You may not do this.")), status=403)
