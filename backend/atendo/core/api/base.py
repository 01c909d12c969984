"""The bases every API view inherits: declared access, tenant resolution, strict input.

Each concrete view MUST declare `access` in its own class body (a test enumerates every route
and fails otherwise): `Public()`, `Authenticated()` or `TenantPermission(...)`. The tenant of a
tenant-scoped request is resolved here and nowhere else; `request.tenant` and `request.member`
are set before the handler runs.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import aware_utcnow, get_md5_hash_password

from atendo.core.access import RequestAccess, can_somewhere, ensure_can, load_request_access
from atendo.core.errors import ApplicationError, NotFoundError
from atendo.core.models import Tenant, TenantUser, User
from atendo.core.services.audit import RequestContext
from atendo.core.tenancy import normalize_hostname, resolve_tenant_from_request

S = TypeVar("S", bound=serializers.Serializer)


class Access:
    """How a view may be reached. Subclasses decide in `check`, raising DRF/app errors."""

    requires_user: ClassVar[bool] = True

    def check(self, request: Request, view: ApiView) -> None:
        raise NotImplementedError

    def describe(self) -> str:
        return type(self).__name__


class Public(Access):
    """Reachable without credentials, by design (login, health, provider webhooks)."""

    requires_user = False

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def check(self, request: Request, view: ApiView) -> None:
        return None


class Authenticated(Access):
    """Any signed-in user; no tenant involved (their own profile, their tenant list)."""

    def check(self, request: Request, view: ApiView) -> None:
        from rest_framework.exceptions import NotAuthenticated

        if not (request.user and request.user.is_authenticated):
            raise NotAuthenticated()


class TenantPermission(Authenticated):
    """A signed-in, active member of the resolved tenant holding `permission` (by method)."""

    def __init__(self, permission: str | Mapping[str, str]) -> None:
        self.permission = permission

    def permission_for(self, method: str) -> str:
        if isinstance(self.permission, str):
            return self.permission
        if method == "HEAD":
            method = "GET"
        return self.permission[method]

    def check(self, request: Request, view: ApiView) -> None:
        super().check(request, view)
        # Read with the user by the authentication (TenantJWTAuthentication) when the request
        # names its tenant by host or header; otherwise (URL-addressed tenant, an unknown one)
        # resolved here, with the same answers.
        loaded: RequestAccess | None = getattr(view, "_request_access", None)
        if loaded is not None and loaded.tenant is not None and loaded.user is request.user:
            tenant, member = loaded.tenant, loaded.member
        else:
            tenant = _resolve_request_tenant(request, view)
            member = load_request_access(request.user.pk, tenant_id=tenant.id).member
        if member is None:
            # Same answer as an unknown tenant: membership elsewhere is not disclosed.
            raise NotFoundError(_("Workspace not found."), code="tenant_not_found")
        view.tenant = tenant
        view.member = member
        permission = self.permission_for(request.method or "GET")
        # Scoped grants (a department, a team) pass here; selectors and services narrow to them.
        # The tenant row is the object: guardian grants on it count too.
        if not can_somewhere(member, permission):
            ensure_can(member, permission, tenant)

    def describe(self) -> str:
        return f"TenantPermission({self.permission!r})"


def _resolve_request_tenant(request: Request, view: ApiView) -> Tenant:
    """URL-addressed tenant (`/tenants/{tenant_id}` or `/tenants/{slug}/…`) wins; otherwise the
    host's verified domain, else `X-Tenant`. A host/header naming another tenant is refused."""
    kwargs = view.kwargs
    from_request = resolve_tenant_from_request(request)
    url_tenant: Tenant | None = None
    if "tenant_id" in kwargs or "tenant_slug" in kwargs:
        lookup = {"id": kwargs["tenant_id"]} if "tenant_id" in kwargs else {"slug": kwargs["tenant_slug"]}
        url_tenant = Tenant.objects.filter(status=Tenant.Status.ACTIVE, **lookup).first()
        if url_tenant is None or (from_request is not None and from_request.id != url_tenant.id):
            raise NotFoundError(_("Workspace not found."), code="tenant_not_found")
        return url_tenant
    if from_request is None:
        if request.headers.get("X-Tenant"):
            raise NotFoundError(_("Workspace not found."), code="tenant_not_found")
        raise ApplicationError(
            _("Say which workspace: send the X-Tenant header or use the workspace's domain."),
            code="tenant_required",
        )
    return from_request


def _tenant_lookup(request: Request, view: Any) -> dict[str, Any] | None:
    """How `_resolve_request_tenant` finds the tenant when it is by host or `X-Tenant` (keyword
    arguments of `load_request_access`, which applies the same rule); None for a URL-addressed
    tenant."""
    kwargs = getattr(view, "kwargs", None) or {}
    if "tenant_id" in kwargs or "tenant_slug" in kwargs:
        return None
    slug = request.headers.get("X-Tenant", "").strip()
    return {"hostname": normalize_hostname(request.get_host()), "tenant_slug": slug[:63] or None}


# Access tokens this process validated, by their encoded form. A client sends the same token with
# every request of its lifetime (minutes), and checking its signature and decoding its claims cost
# a fifth of authenticating a request. A token's validity cannot change before it expires (access
# tokens are never revoked; the signing key is a setting): a cached one is used only until then.
# The user is still read, and `user_passes` checked, on every request.
_VALIDATED_TOKENS: dict[bytes, Token] = {}
_VALIDATED_TOKENS_MAX = 4096


class TenantJWTAuthentication(JWTAuthentication):
    """simplejwt's bearer-token authentication, same checks and answers. For a view declaring
    `TenantPermission`, the user is read in the one query that also reads the tenant, the active
    membership and its grants (`load_request_access`), which `TenantPermission.check` then uses."""

    def get_validated_token(self, raw_token: bytes) -> Token:
        """simplejwt's, remembered until the token expires (`_VALIDATED_TOKENS`)."""
        cached = _VALIDATED_TOKENS.get(raw_token)
        if cached is not None:
            try:
                cached.check_exp(current_time=aware_utcnow())
                return cached
            except TokenError:
                _VALIDATED_TOKENS.pop(raw_token, None)  # expired: simplejwt's own answer below
        token = super().get_validated_token(raw_token)
        if len(_VALIDATED_TOKENS) >= _VALIDATED_TOKENS_MAX:
            _VALIDATED_TOKENS.clear()
        _VALIDATED_TOKENS[raw_token] = token
        return token

    def authenticate(self, request: Request) -> tuple[Any, Token] | None:
        header = self.get_header(request)
        if header is None:
            return None
        raw_token = self.get_raw_token(header)
        if raw_token is None:
            return None
        token = self.get_validated_token(raw_token)
        view = (request.parser_context or {}).get("view")
        lookup = _tenant_lookup(request, view) if isinstance(getattr(view, "access", None), TenantPermission) else None
        user_id = token.get(jwt_settings.USER_ID_CLAIM)
        loaded = None if lookup is None or user_id is None else load_request_access(user_id, **lookup)
        if loaded is None or loaded.user is None or not self.user_passes(loaded.user, token):
            # simplejwt's own lookup: its answers (no such user, inactive, password changed) in its
            # own words, and the general path for a URL-addressed tenant.
            return self.get_user(token), token
        user = loaded.user
        view._request_access = loaded  # type: ignore[union-attr]
        return user, token

    @staticmethod
    def user_passes(user: User, token: Token) -> bool:
        """`JWTAuthentication.get_user`'s checks of a found user."""
        if jwt_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            return False
        return not jwt_settings.CHECK_REVOKE_TOKEN or token.get(
            jwt_settings.REVOKE_TOKEN_CLAIM
        ) == get_md5_hash_password(user.password)


class TenantJWTScheme(SimpleJWTScheme):
    """TenantJWTAuthentication's OpenAPI security scheme: simplejwt's own (`jwtAuth`)."""

    target_class = "atendo.core.api.base.TenantJWTAuthentication"


def declare_access(access: Access) -> Any:
    """Access declaration for a plain Django function view (the route test reads it)."""

    def decorate(view: Any) -> Any:
        view.access = access
        return view

    return decorate


class DeclaredAccess(BasePermission):
    """Fails closed: a view without an `access` declaration answers nobody."""

    def has_permission(self, request: Request, view: Any) -> bool:
        access: Access | None = getattr(view, "access", None)
        if access is None:
            return False
        access.check(request, view)
        return True


# Fields holding other fields (a nested serializer, a list's or dict's child, a many-relation):
# bound to their parent at creation, so only DRF's deep copy gives each serializer its own.
_PARENT_FIELDS = (
    serializers.BaseSerializer,
    serializers.ListField,
    serializers.DictField,
    serializers.ManyRelatedField,
)
_LEAF_ONLY: dict[type, bool] = {}


class StrictSerializer(serializers.Serializer):
    """Input serializer that refuses fields it does not know (typos must not pass silently)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        """DRF's fields: each serializer its own copies, bound to it. When none holds other fields
        (most of ours), shallow copies: `bind` then sets each copy's own name, parent and source,
        and the rest (choices, validators, messages) is only read. DRF's deep copy re-ran every
        field's constructor, more than half the cost of validating a list's query string."""
        declared = self._declared_fields
        cls = type(self)
        leaf_only = _LEAF_ONLY.get(cls)
        if leaf_only is None:
            leaf_only = _LEAF_ONLY[cls] = not any(isinstance(f, _PARENT_FIELDS) for f in declared.values())
        if not leaf_only:
            return super().get_fields()
        return {name: copy.copy(field) for name, field in declared.items()}

    def to_internal_value(self, data: Any) -> Any:
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, Mapping) else []
        errors = {name: [serializers.ErrorDetail(_("Unknown field."), code="unknown_field")] for name in unknown}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if isinstance(exc.detail, dict):
                errors = {**exc.detail, **errors}  # type: ignore[dict-item]
            else:
                raise
        if errors:
            raise serializers.ValidationError(errors)
        return value


class Cursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-created_at"


class ApiView(APIView):
    authentication_classes = [TenantJWTAuthentication]
    permission_classes = [DeclaredAccess]
    access: ClassVar[Access | None] = None
    # Set by TenantPermission before the handler runs (tenant-scoped views only).
    tenant: Tenant
    member: TenantUser

    @property
    def user(self) -> User:
        """The signed-in user (views declaring Authenticated or TenantPermission access)."""
        user = self.request.user
        assert isinstance(user, User)
        return user

    def validate(self, serializer_class: type[S], data: Any, **kwargs: Any) -> dict[str, Any]:
        serializer = serializer_class(data=data, context={"request": self.request, "view": self}, **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def context(self) -> RequestContext:
        return RequestContext.from_request(self.request)

    def paginated(
        self,
        queryset: QuerySet[Any],
        serializer_class: type[serializers.Serializer],
        ordering: str | tuple[str, ...] = "-created_at",
        context: Mapping[str, Any] | None = None,
        render: Callable[[Any], dict[str, Any]] | None = None,
    ) -> Response:
        """`context`: extra serializer context (e.g. the member whose rights a field reflects).
        `render`: a plain function giving exactly `serializer_class`'s output for one row (a hot
        list's renderer, tested against the serializer); `serializer_class` still documents it."""
        paginator = Cursor()
        paginator.ordering = ordering  # type: ignore[assignment]
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        if render is not None:
            return paginator.get_paginated_response([render(row) for row in page or []])
        return paginator.get_paginated_response(
            serializer_class(page, many=True, context={"request": self.request, **(context or {})}).data
        )

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
