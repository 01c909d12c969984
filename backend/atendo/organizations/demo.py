"""Demo departments (Vendas, Suporte) with business hours, a team each, SLA policies, and one
agent scoped to each department (to try transfers between departments)."""

from __future__ import annotations

from django.utils import timezone

from atendo.core.models import Role, RoleAssignment, Tenant, TenantUser, User
from atendo.organizations.models import Department, SlaPolicy, Team, TeamMember, default_business_hours

# (e-mail, name, department): agents who see only their department's conversations and tickets.
DEPARTMENT_AGENTS = (
    ("vendas@demo.atendo.local", "Valéria Vendas", "Vendas"),
    ("suporte@demo.atendo.local", "Sérgio Suporte", "Suporte"),
)


def _department_agent(tenant: Tenant, email: str, name: str, department: Department) -> TenantUser:
    user, _ = User.objects.get_or_create(email=email, defaults={"name": name})
    member, _ = TenantUser.objects.for_tenant(tenant).get_or_create(
        tenant=tenant,
        user=user,
        defaults={"display_name": name, "status": TenantUser.Status.ACTIVE, "joined_at": timezone.now()},
    )
    RoleAssignment.objects.for_tenant(tenant).get_or_create(
        tenant=tenant,
        member=member,
        role=Role.objects.for_tenant(tenant).get(slug="agent"),
        scope_type="department",
        scope_id=department.id,
    )
    return member


def load(tenant: Tenant) -> None:
    scoped_emails = {email for email, _name, _department in DEPARTMENT_AGENTS}
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
        unscoped = TenantUser.objects.for_tenant(tenant).filter(status=TenantUser.Status.ACTIVE)
        for member in unscoped.exclude(user__email__in=scoped_emails):
            TeamMember.objects.for_tenant(tenant).get_or_create(tenant=tenant, team=team, member=member)
        for email, agent_name, department_name in DEPARTMENT_AGENTS:
            if department_name == name:
                agent = _department_agent(tenant, email, agent_name, department)
                TeamMember.objects.for_tenant(tenant).get_or_create(tenant=tenant, team=team, member=agent)
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
