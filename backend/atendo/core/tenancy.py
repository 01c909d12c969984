"""Tenant scoping and tenant resolution, in one place.

* `TenantQuerySet` refuses to run a query on a tenant-owned model unless that query is filtered
  by tenant (through `for_tenant()`, a `tenant=` filter or a tenant's related manager).
  Cross-tenant system work (sweepers, admin) must say so with `.unscoped()`. A missing filter is
  therefore an exception in tests, not a data leak in production.
* `resolve_tenant_from_request` maps a request to a tenant: a verified `TenantDomain` matching
  the host first, else the `X-Tenant` slug header.
* `HostValidationMiddleware` replaces Django's static ALLOWED_HOSTS with the configured hosts
  plus every verified tenant domain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models.lookups import Exact, In
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from atendo.core.models import Tenant


class UnscopedQueryError(RuntimeError):
    """A tenant-owned model was queried without a tenant filter."""


def _where_filters_tenant(node: Any) -> bool:
    """True when an AND-ed condition of the WHERE tree pins the `tenant` foreign key."""
    if node.connector != "AND" or node.negated:
        return False
    for child in node.children:
        if isinstance(child, (Exact, In)):
            target = getattr(child.lhs, "target", None)
            if target is not None and target.name == "tenant":
                return True
        elif hasattr(child, "children") and _where_filters_tenant(child):
            return True
    return False


class TenantQuerySet(models.QuerySet):
    _tenant_scope_checked: bool = False

    def for_tenant(self, tenant: Tenant) -> Self:
        return self.filter(tenant=tenant)

    def unscoped(self) -> Self:
        """Explicit opt-out for cross-tenant system work (sweepers, admin, migrations)."""
        clone = self._chain()
        clone._tenant_scope_checked = True
        return clone

    def _chain(self) -> Self:
        clone = super()._chain()  # type: ignore[misc]
        clone._tenant_scope_checked = self._tenant_scope_checked
        return clone

    def _ensure_scoped(self) -> None:
        if self._tenant_scope_checked or _where_filters_tenant(self.query.where):
            return
        raise UnscopedQueryError(
            f"{self.model.__name__} is tenant-owned: filter with .for_tenant(tenant) "
            "or state cross-tenant intent with .unscoped()."
        )

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._ensure_scoped()
        super()._fetch_all()

    def iterator(self, *args: Any, **kwargs: Any) -> Any:
        self._ensure_scoped()
        return super().iterator(*args, **kwargs)

    def count(self) -> int:
        if self._result_cache is None:
            self._ensure_scoped()
        return super().count()

    def exists(self) -> bool:
        if self._result_cache is None:
            self._ensure_scoped()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._ensure_scoped()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._ensure_scoped()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._ensure_scoped()
        return super().delete()


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):  # type: ignore[misc]
    pass


class TenantOwnedModel(models.Model):
    """Base for every row that belongs to one tenant."""

    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+")

    objects = TenantManager()

    class Meta:
        abstract = True


# --- Resolution ---------------------------------------------------------------------------

DOMAIN_CACHE_SECONDS = 60


def _domain_cache_key(hostname: str) -> str:
    return f"tenant-domain:{hostname}"


def normalize_hostname(host: str) -> str:
    """Lowercase, strip the port and a trailing dot."""
    host = host.strip().lower()
    if host.startswith("["):  # IPv6 literal
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0].rstrip(".") if ":" in host else host.rstrip(".")


def tenant_id_for_hostname(hostname: str) -> str | None:
    """The tenant id owning a verified domain, cached (Redis) because every request asks."""
    from atendo.core.models import TenantDomain

    key = _domain_cache_key(hostname)
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    row = (
        TenantDomain.objects.unscoped()
        .filter(hostname=hostname, is_verified=True, tenant__status="active")
        .values_list("tenant_id", flat=True)
        .first()
    )
    cache.set(key, str(row) if row else "", DOMAIN_CACHE_SECONDS)
    return str(row) if row else None


def forget_hostname(hostname: str) -> None:
    cache.delete(_domain_cache_key(hostname))


def resolve_tenant_from_request(request: HttpRequest) -> Tenant | None:
    """Host first (a verified TenantDomain), else the `X-Tenant: <slug>` header; else None.

    Tenant-scoped API requests apply this same rule inside one SQL statement with their access
    (`access.load_request_access`); a change here must be made there too (tests cover both)."""
    from atendo.core.models import Tenant

    hostname = normalize_hostname(request.get_host())
    tenant_id = tenant_id_for_hostname(hostname)
    if tenant_id:
        return Tenant.objects.filter(id=tenant_id, status=Tenant.Status.ACTIVE).first()
    slug = request.headers.get("X-Tenant", "").strip()
    if not slug:
        return None
    return Tenant.objects.filter(slug=slug[:63], status=Tenant.Status.ACTIVE).first()


class HostValidationMiddleware:
    """Accept configured hosts and verified tenant domains; refuse others with a JSON 400."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw_host = request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", "")
        hostname = normalize_hostname(raw_host)
        configured = {normalize_hostname(h) for h in settings.ATENDO_ALLOWED_HOSTS}
        allowed = (
            "*" in configured
            or hostname in configured
            or any(h.startswith(".") and hostname.endswith(h) for h in configured)
            or tenant_id_for_hostname(hostname) is not None
        )
        if not allowed:
            return JsonResponse(
                {"code": "host_not_allowed", "message": _("This host is not served here."), "fields": {}},
                status=400,
            )
        return self.get_response(request)
