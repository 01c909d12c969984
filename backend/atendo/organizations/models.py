"""Departments, teams (with their agents) and SLA policies."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from atendo.core.models import UUIDModel
from atendo.core.tenancy import TenantOwnedModel


def default_business_hours() -> dict[str, object]:
    weekday = [["08:00", "18:00"]]
    return {
        "timezone": "America/Sao_Paulo",
        "weekly": {
            "mon": weekday,
            "tue": weekday,
            "wed": weekday,
            "thu": weekday,
            "fri": weekday,
            "sat": [],
            "sun": [],
        },
        "holidays": [],
    }


class Department(UUIDModel, TenantOwnedModel):
    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=500, blank=True, default="")
    # A business calendar (see organizations.business_hours.BusinessCalendar.from_json).
    business_hours = models.JSONField(default=default_business_hours)
    default_sla_policy = models.ForeignKey(
        "organizations.SlaPolicy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["tenant", "name"], name="department_name_unique")]

    def __str__(self) -> str:
        return self.name


class Team(UUIDModel, TenantOwnedModel):
    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=80)
    auto_assign = models.BooleanField(default=False)
    max_open_per_agent = models.PositiveIntegerField(default=10)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "department", "name"], name="team_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(UUIDModel, TenantOwnedModel):
    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey("core.TenantUser", on_delete=models.CASCADE, related_name="+")
    # Round robin hands the next item to whoever waited longest.
    last_assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["team", "member"], name="team_member_unique")]
        indexes: ClassVar = [models.Index(fields=["team", "last_assigned_at"], name="team_round_robin")]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.team_id}"


class SlaPolicy(UUIDModel, TenantOwnedModel):
    """Targets for tickets of a department and/or priority; minutes are business minutes of the
    department's calendar unless `calendar_minutes` is set."""

    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    priority = models.CharField(max_length=8, blank=True, default="")  # "" = any priority
    first_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    next_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)
    calendar_minutes = models.BooleanField(default=False)
    warning_percent = models.PositiveSmallIntegerField(default=80)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["tenant", "name"], name="sla_policy_name_unique")]

    def __str__(self) -> str:
        return self.name
