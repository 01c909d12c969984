"""The audit log: append-only in the ORM and in SQL; filtered, paginated, admins only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from atendo.core.models import AuditLog
from atendo.core.services.audit import audit_record

pytestmark = pytest.mark.django_db
URL = "/api/v1/audit/logs"


def test_rows_cannot_be_changed_or_deleted_through_the_orm(two_tenants):
    row = audit_record(tenant=two_tenants.a.tenant, actor=None, action="x.done")
    row.action = "x.undone"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.for_tenant(two_tenants.a.tenant).update(action="y")
    with pytest.raises(PermissionError):
        AuditLog.objects.for_tenant(two_tenants.a.tenant).delete()


def test_rows_cannot_be_changed_or_deleted_in_sql(two_tenants):
    row = audit_record(tenant=two_tenants.a.tenant, actor=None, action="x.done")
    for statement in (
        "UPDATE core_auditlog SET action = 'tampered' WHERE id = %s",
        "DELETE FROM core_auditlog WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [row.id])
    assert AuditLog.objects.for_tenant(two_tenants.a.tenant).get(id=row.id).action == "x.done"


def _seed(world, count: int = 5):
    actor = world.user("admin")
    base = timezone.now() - timedelta(days=10)
    rows = []
    for i in range(count):
        rows.append(
            AuditLog(
                tenant=world.tenant,
                actor=actor,
                actor_email=actor.email,
                action="member.updated" if i % 2 else "domain.added",
                target_type="tenantuser",
                target_id=str(i),
                created_at=base + timedelta(days=i),
            )
        )
    AuditLog.objects.bulk_create(rows)
    return base


def test_admins_read_their_tenants_log_with_filters(two_tenants):
    base = _seed(two_tenants.a)
    _seed(two_tenants.b)
    api = two_tenants.a.api("admin")
    everything = api.get(URL).json()["results"]
    assert len(everything) == 5
    assert [r["target_id"] for r in everything] == ["4", "3", "2", "1", "0"]  # newest first
    only_domains = api.get(URL, {"action": "domain.added"}).json()["results"]
    assert {r["target_id"] for r in only_domains} == {"0", "2", "4"}
    prefix = api.get(URL, {"action": "member."}).json()["results"]
    assert {r["target_id"] for r in prefix} == {"1", "3"}
    window = api.get(
        URL, {"from": (base + timedelta(days=1)).isoformat(), "to": (base + timedelta(days=3)).isoformat()}
    ).json()["results"]
    assert {r["target_id"] for r in window} == {"1", "2"}
    by_actor = api.get(URL, {"actor": str(two_tenants.b.user("admin").id)}).json()["results"]
    assert by_actor == []
    target = api.get(URL, {"target_type": "tenantuser", "target_id": "3"}).json()["results"]
    assert [r["action"] for r in target] == ["member.updated"]


def test_cursor_pagination_is_stable_and_bounded(two_tenants, django_assert_max_num_queries):
    _seed(two_tenants.a, count=25)
    api = two_tenants.a.api("owner")
    seen: list[str] = []
    url, params = URL, {"page_size": 10}
    while url:
        with django_assert_max_num_queries(6):
            page = api.get(url, params).json()
        seen += [r["id"] for r in page["results"]]
        url, params = page["next"], None
    assert len(seen) == len(set(seen)) == 25


def test_agents_and_supervisors_cannot_read_the_log(two_tenants):
    for role in ("agent", "supervisor"):
        response = two_tenants.a.api(role).get(URL)
        assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_bad_filters_are_400(two_tenants):
    api = two_tenants.a.api("admin")
    for params in ({"from": "yesterday"}, {"actor": "not-a-uuid"}, {"page_size": "0"}, {"colour": "red"}):
        response = api.get(URL, params)
        assert response.status_code == 400, params


def test_other_tenants_log_needs_membership(two_tenants):
    response = two_tenants.a.api("owner").get(URL, HTTP_X_TENANT="globex")
    assert (response.status_code, response.json()["code"]) == (404, "tenant_not_found")
