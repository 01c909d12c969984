"""Idempotent demo data: tenant `demo` with an owner and an agent (later apps extend it)."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from atendo.core.models import Locale, RoleAssignment, Tenant, TenantDomain, TenantUser, User
from atendo.core.services.tenants import builtin_roles_ensure

DEMO_SLUG = "demo"
DEMO_PEOPLE = (
    ("owner@demo.atendo.local", "Olivia Owner", "owner"),
    ("agent@demo.atendo.local", "Arthur Agent", "agent"),
)


class Command(BaseCommand):
    help = "Create or refresh the demo tenant (safe to run many times)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        tenant, created = Tenant.objects.get_or_create(
            slug=DEMO_SLUG,
            defaults={"name": "Demo", "timezone": "America/Sao_Paulo", "locale": Locale.PT_BR},
        )
        roles = builtin_roles_ensure(tenant=tenant)
        # Loopback is the demo's "own domain", so http://localhost:8000 resolves to it.
        TenantDomain.objects.for_tenant(tenant).get_or_create(
            tenant=tenant,
            hostname="localhost",
            defaults={"is_verified": True, "is_primary": True, "verified_at": timezone.now()},
        )
        for email, name, role_slug in DEMO_PEOPLE:
            user, _ = User.objects.get_or_create(email=email, defaults={"name": name})
            member, _ = TenantUser.objects.for_tenant(tenant).get_or_create(
                tenant=tenant,
                user=user,
                defaults={"display_name": name, "status": TenantUser.Status.ACTIVE, "joined_at": timezone.now()},
            )
            RoleAssignment.objects.for_tenant(tenant).get_or_create(
                tenant=tenant, member=member, role=roles[role_slug], scope_type=None, scope_id=None
            )
        # Each app may ship `atendo.<app>.demo.load(tenant)`; imported by name so core does not
        # depend on the apps above it.
        for app in apps.get_app_configs():
            if app.name.startswith("atendo.") and importlib.util.find_spec(f"{app.name}.demo") is not None:
                importlib.import_module(f"{app.name}.demo").load(tenant)
        verb = "created" if created else "refreshed"
        self.stdout.write(f"Demo tenant {verb}: sign in as {DEMO_PEOPLE[0][0]} or {DEMO_PEOPLE[1][0]}.")
