"""Demo departments (Vendas, Suporte) with business hours, a team each and SLA policies."""

from __future__ import annotations

from atendo.core.models import Tenant, TenantUser
from atendo.organizations.models import Department, SlaPolicy, Team, TeamMember, default_business_hours


def load(tenant: Tenant) -> None:
    hours = default_business_hours()
    hours["holidays"] = ["2026-12-25", "2027-01-01"]
    for name, first_response, resolution in (("Vendas", 30, 8 * 60), ("Suporte", 60, 16 * 60)):
        department, _ = Department.objects.for_tenant(tenant).get_or_create(
            tenant=tenant, name=name, defaults={"business_hours": hours, "description": f"Equipe de {name.lower()}"}
        )
        SlaPolicy.objects.for_tenant(tenant).get_or_create(
            tenant=tenant,
            name=f"{name} — padrão",
            defaults={
                "department": department,
                "first_response_minutes": first_response,
                "next_response_minutes": first_response * 2,
                "resolution_minutes": resolution,
            },
        )
        team, _ = Team.objects.for_tenant(tenant).get_or_create(
            tenant=tenant, department=department, name=f"{name} N1", defaults={"auto_assign": True}
        )
        for member in TenantUser.objects.for_tenant(tenant).filter(status=TenantUser.Status.ACTIVE):
            TeamMember.objects.for_tenant(tenant).get_or_create(tenant=tenant, team=team, member=member)
    SlaPolicy.objects.for_tenant(tenant).get_or_create(
        tenant=tenant,
        name="Urgente (qualquer departamento)",
        defaults={
            "priority": "urgent",
            "first_response_minutes": 15,
            "resolution_minutes": 4 * 60,
            "calendar_minutes": True,
        },
    )
