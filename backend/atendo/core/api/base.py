"""The bases every API view inherits: declared access, tenant resolution, strict input.

Each concrete view MUST declare `access` in its own class body (a test enumerates every route
and fails otherwise): `Public()`, `Authenticated()` or `TenantPermission(...)`. The tenant of a
tenant-scoped request is resolved here and nowhere else; `request.tenant` and `request.member`
are set before the handler runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTAuthentication

from atendo.core.access import can_somewhere, ensure_can
from atendo.core.errors import ApplicationError, NotFoundError
from atendo.core.models import Tenant, TenantUser, User
from atendo.core.services.audit import RequestContext
from atendo.core.tenancy import resolve_tenant_from_request

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
        tenant = _resolve_request_tenant(request, view)
        member = (
            TenantUser.objects.for_tenant(tenant)
            .filter(user=request.user, status=TenantUser.Status.ACTIVE)
            .select_related("user")
            .first()
        )
        if member is None:
            # Same answer as an unknown tenant: membership elsewhere is not disclosed.
            raise NotFoundError(_("Workspace not found."), code="tenant_not_found")
        member.tenant = tenant
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


class StrictSerializer(serializers.Serializer):
    """Input serializer that refuses fields it does not know (typos must not pass silently)."""

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
    authentication_classes = [JWTAuthentication]
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
