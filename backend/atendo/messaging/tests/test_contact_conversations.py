"""The inbox filtered to one contact (the contact panel's history): all statuses when asked,
only inside the member's scope, never another tenant's, in a constant number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from atendo.messaging.models import Conversation
from atendo.messaging.tests.factories import contact, conversation, department, inbound, webchat_account

pytestmark = pytest.mark.django_db


def ids(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [c["id"] for c in response.json()["results"]]


@pytest.fixture
def history(two_tenants):
    """Maria wrote to Vendas (resolved, oldest), then to Suporte (open); Pedro wrote too."""
    tenant = two_tenants.a.tenant
    sales, support = department(tenant, "Vendas"), department(tenant, "Suporte")
    maria, pedro = contact(tenant, "Maria"), contact(tenant, "Pedro")
    old = conversation(tenant, webchat_account(tenant), contact=maria, status="resolved", department=sales)
    current = conversation(tenant, webchat_account(tenant), contact=maria, department=support)
    conversation(tenant, contact=pedro, department=support)
    for age, conv in ((60, old), (5, current)):
        inbound(conv, f"{age} minutes ago")
        Conversation.objects.for_tenant(tenant).filter(id=conv.id).update(
            last_activity_at=timezone.now() - timedelta(minutes=age)
        )
    return {"maria": maria, "old": old, "current": current, "sales": sales, "support": support}


def test_all_of_a_contacts_conversations_newest_first(two_tenants, history):
    api = two_tenants.a.api("agent")
    path = "/api/v1/conversations"
    everything = ids(api.get(path, {"contact": str(history["maria"].id), "status": "all"}))
    assert everything == [str(history["current"].id), str(history["old"].id)]
    # The other filters still apply on top (the default is the open ones).
    assert ids(api.get(path, {"contact": str(history["maria"].id)})) == [str(history["current"].id)]
    assert api.get(path, {"contact": "not-a-uuid"}).status_code == 400


def test_scoped_agent_sees_only_the_conversations_of_their_department(two_tenants, history):
    from conftest import Api

    scoped = two_tenants.a.add_member("agent", scope=("department", history["support"].id))
    api = Api(scoped.user, two_tenants.a.tenant)
    response = api.get("/api/v1/conversations", {"contact": str(history["maria"].id), "status": "all"})
    assert ids(response) == [str(history["current"].id)]


def test_another_tenants_contact_lists_nothing(two_tenants, history):
    theirs = conversation(two_tenants.b.tenant, status="resolved")
    api = two_tenants.a.api("owner")
    assert ids(api.get("/api/v1/conversations", {"contact": str(theirs.contact_id), "status": "all"})) == []
    # Their own owner, with tenant A's contact id, sees nothing of tenant A either.
    b_owner = two_tenants.b.api("owner")
    assert ids(b_owner.get("/api/v1/conversations", {"contact": str(history["maria"].id), "status": "all"})) == []


def test_contact_history_is_constant_in_queries(two_tenants, django_assert_max_num_queries):
    tenant = two_tenants.a.tenant
    maria = contact(tenant, "Maria")
    for _ in range(12):
        conversation(tenant, webchat_account(tenant), contact=maria, status="resolved")
    api = two_tenants.a.api("agent")
    with django_assert_max_num_queries(7):
        page = api.get("/api/v1/conversations", {"contact": str(maria.id), "status": "all", "page_size": 10}).json()
    assert len(page["results"]) == 10 and page["next"]
