"""Shared fixtures. Every scenario has two tenants so cross-tenant denial is tested everywhere."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework_simplejwt.tokens import RefreshToken

from atendo.core import events as event_bus
from atendo.core.models import RoleAssignment, Tenant, TenantUser, User
from atendo.core.services.tenants import builtin_roles_ensure


@pytest.fixture(autouse=True)
def _isolated_cache(settings: Any) -> None:
    """A fresh cache namespace per test: rate-limit counters and lookups never leak between tests."""
    caches = dict(settings.CACHES)
    caches["default"] = {**caches["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    settings.CACHES = caches


class Api:
    """A JSON client bound to a user (or anonymous) and optionally to a tenant header."""

    def __init__(self, user: User | None = None, tenant: Tenant | None = None, **extra: str) -> None:
        self.client = Client()
        self.headers: dict[str, str] = dict(extra)
        if user is not None:
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {RefreshToken.for_user(user).access_token}"
        if tenant is not None:
            self.headers["HTTP_X_TENANT"] = tenant.slug

    def request(self, method: str, path: str, data: Any = None, raw: str | None = None, **extra: str) -> Any:
        headers = {**self.headers, **extra}
        body = raw if raw is not None else (json.dumps(data) if data is not None else None)
        call = getattr(self.client, method.lower())
        if method.upper() == "GET":
            return call(path, data or {}, **headers)
        kwargs: dict[str, Any] = {"content_type": "application/json", **headers}
        return call(path, body, **kwargs) if body is not None else call(path, **kwargs)

    def get(self, path: str, params: dict[str, Any] | None = None, **extra: str) -> Any:
        return self.request("GET", path, params, **extra)

    def post(self, path: str, data: Any = None, **extra: str) -> Any:
        return self.request("POST", path, data, **extra)

    def patch(self, path: str, data: Any = None, **extra: str) -> Any:
        return self.request("PATCH", path, data, **extra)

    def delete(self, path: str, **extra: str) -> Any:
        return self.request("DELETE", path, **extra)


@dataclass
class TenantWorld:
    tenant: Tenant
    members: dict[str, TenantUser] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.tenant.slug

    def member(self, role: str) -> TenantUser:
        return self.members[role]

    def user(self, role: str) -> User:
        return self.members[role].user

    def api(self, role: str, *, with_header: bool = True) -> Api:
        return Api(self.user(role), self.tenant if with_header else None)

    def add_member(
        self,
        role: str,
        *,
        email: str | None = None,
        status: str = TenantUser.Status.ACTIVE,
        scope: tuple[str, uuid.UUID] | None = None,
    ) -> TenantUser:
        roles = builtin_roles_ensure(tenant=self.tenant)
        email = email or f"{role}-{uuid.uuid4().hex[:6]}@{self.slug}.test"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, name=f"{role.title()} of {self.slug}"
        )
        member = TenantUser.objects.create(
            tenant=self.tenant, user=user, display_name=user.name, status=status, joined_at=timezone.now()
        )
        RoleAssignment.objects.create(
            tenant=self.tenant,
            member=member,
            role=roles[role],
            scope_type=scope[0] if scope else None,
            scope_id=scope[1] if scope else None,
        )
        return member


def make_tenant(slug: str) -> TenantWorld:
    tenant = Tenant.objects.create(name=slug.title(), slug=slug)
    world = TenantWorld(tenant=tenant)
    for role in ("owner", "admin", "supervisor", "agent"):
        world.members[role] = world.add_member(role, email=f"{role}@{slug}.test")
    return world


@dataclass
class TwoTenants:
    a: TenantWorld
    b: TenantWorld


@pytest.fixture
def two_tenants(db: None) -> TwoTenants:
    return TwoTenants(a=make_tenant("acme"), b=make_tenant("globex"))


@pytest.fixture
def anon() -> Api:
    return Api()


@pytest.fixture
def captured_events(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[event_bus.Event]]:
    """Events published by services, in order (delivered on commit, as in production)."""
    seen: list[event_bus.Event] = []
    original = event_bus._dispatch

    def record(event: event_bus.Event) -> None:
        seen.append(event)
        original(event)

    monkeypatch.setattr(event_bus, "_dispatch", record)
    return seen
