"""Quick replies through the API: who sees which, who may change which, and bad input."""

from __future__ import annotations

import pytest

from atendo.core.models import AuditLog
from atendo.knowledge.models import QuickReply
from atendo.knowledge.selectors import can_manage_quick_reply, quick_reply_list
from atendo.organizations.models import Department, Team

pytestmark = pytest.mark.django_db

URL = "/api/v1/quick-replies"


def _reply(world, shortcut, *, owner=None, department=None, title=None, body="Olá!"):
    return QuickReply.objects.create(
        tenant=world.tenant,
        shortcut=shortcut,
        title=title or shortcut.title(),
        body=body,
        owner=owner,
        department=department,
    )


def _shortcuts(response):
    assert response.status_code == 200, response.content
    return [row["shortcut"] for row in response.json()["results"]]


def test_supervisor_creates_edits_and_deletes_a_shared_reply_with_audit(two_tenants):
    api = two_tenants.a.api("supervisor")
    created = api.post(URL, {"shortcut": " /Ola ", "title": "Saudação", "body": "Olá, {{contact.name}}!"})
    assert created.status_code == 201, created.json()
    row = created.json()
    assert row["shortcut"] == "ola"  # the slash and the case are how it is typed, not stored
    assert (row["personal"], row["can_edit"], row["department"], row["use_count"]) == (False, True, None, 0)
    assert row["created_by"]["id"] == str(two_tenants.a.member("supervisor").id)

    patched = api.patch(f"{URL}/{row['id']}", {"title": "Boas-vindas", "body": "Oi, {{contact.first_name}}!"})
    assert patched.status_code == 200, patched.json()
    assert (patched.json()["title"], patched.json()["body"]) == ("Boas-vindas", "Oi, {{contact.first_name}}!")
    assert api.get(f"{URL}/{row['id']}").json()["title"] == "Boas-vindas"
    # The agent uses it like everyone else.
    assert _shortcuts(two_tenants.a.api("agent").get(URL)) == ["ola"]

    assert api.delete(f"{URL}/{row['id']}").status_code == 204
    assert api.get(f"{URL}/{row['id']}").status_code == 404
    audit = list(
        AuditLog.objects.for_tenant(two_tenants.a.tenant)
        .filter(action__startswith="quick_reply.")
        .order_by("created_at")
        .values_list("action", "target_id", "changes")
    )
    assert [a for a, _id, _c in audit] == ["quick_reply.created", "quick_reply.updated", "quick_reply.deleted"]
    assert {target for _a, target, _c in audit} == {row["id"]}
    assert audit[1][2]["title"] == {"from": "Saudação", "to": "Boas-vindas"}


def test_every_member_keeps_personal_replies_that_nobody_else_sees(two_tenants):
    agent = two_tenants.a.api("agent")
    mine = agent.post(URL, {"shortcut": "meu-pix", "title": "Meu Pix", "body": "chave", "personal": True})
    assert mine.status_code == 201, mine.json()
    assert (mine.json()["personal"], mine.json()["can_edit"]) == (True, True)
    reply_id = mine.json()["id"]
    assert agent.patch(f"{URL}/{reply_id}", {"body": "nova chave"}).json()["body"] == "nova chave"
    # Not even the owner of the workspace sees or touches someone's personal reply.
    owner = two_tenants.a.api("owner")
    assert _shortcuts(owner.get(URL)) == []
    assert owner.get(f"{URL}/{reply_id}").status_code == 404
    assert owner.patch(f"{URL}/{reply_id}", {"body": "x"}).status_code == 404
    assert owner.delete(f"{URL}/{reply_id}").status_code == 404
    # The same shortcut may be personal for two people and shared once.
    assert owner.post(URL, {"shortcut": "meu-pix", "title": "x", "body": "y", "personal": True}).status_code == 201
    assert owner.post(URL, {"shortcut": "meu-pix", "title": "x", "body": "y"}).status_code == 201
    assert _shortcuts(agent.get(URL)) == ["meu-pix", "meu-pix"]
    assert agent.delete(f"{URL}/{reply_id}").status_code == 204


def test_agent_cannot_create_edit_or_delete_shared_replies(two_tenants):
    world = two_tenants.a
    shared = _reply(world, "horario")
    agent = world.api("agent")
    row = agent.get(f"{URL}/{shared.id}").json()
    assert (row["personal"], row["can_edit"]) == (False, False)
    before = QuickReply.objects.for_tenant(world.tenant).values_list("shortcut", "title", "body").get()
    for response in (
        agent.post(URL, {"shortcut": "novo", "title": "x", "body": "y"}),
        agent.patch(f"{URL}/{shared.id}", {"body": "hacked"}),
        agent.patch(f"{URL}/{shared.id}", {"personal": True}),  # taking it over is an edit too
        agent.delete(f"{URL}/{shared.id}"),
    ):
        assert (response.status_code, response.json()["code"]) == (403, "permission_denied"), response.content
    assert list(QuickReply.objects.for_tenant(world.tenant).values_list("shortcut", "title", "body")) == [before]
    # Nor may an agent turn a personal reply into a shared one.
    mine = agent.post(URL, {"shortcut": "meu", "title": "x", "body": "y", "personal": True}).json()
    assert agent.patch(f"{URL}/{mine['id']}", {"personal": False}).status_code == 403
    assert QuickReply.objects.for_tenant(world.tenant).get(id=mine["id"]).owner == world.member("agent")


def test_duplicate_shortcut_is_a_400_on_the_field(two_tenants):
    api = two_tenants.a.api("admin")
    assert api.post(URL, {"shortcut": "pix", "title": "Pix", "body": "chave"}).status_code == 201
    response = api.post(URL, {"shortcut": "PIX", "title": "Outro", "body": "outra"})
    assert (response.status_code, response.json()["code"]) == (400, "shortcut_taken")
    assert list(response.json()["fields"]) == ["shortcut"]
    other = api.post(URL, {"shortcut": "aguarde", "title": "x", "body": "y"}).json()
    response = api.patch(f"{URL}/{other['id']}", {"shortcut": "pix"})
    assert (response.status_code, list(response.json()["fields"])) == (400, ["shortcut"])
    api.post(URL, {"shortcut": "pessoal", "title": "x", "body": "y", "personal": True})
    response = api.post(URL, {"shortcut": "pessoal", "title": "x", "body": "y", "personal": True})
    assert (response.status_code, response.json()["code"]) == (400, "shortcut_taken")
    # Another tenant's shortcuts are none of our business.
    assert two_tenants.b.api("admin").post(URL, {"shortcut": "pix", "title": "x", "body": "y"}).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"shortcut": "olá", "title": "x", "body": "y"}, "shortcut"),
        ({"shortcut": "bom dia", "title": "x", "body": "y"}, "shortcut"),
        ({"shortcut": "-ola", "title": "x", "body": "y"}, "shortcut"),
        ({"shortcut": "/", "title": "x", "body": "y"}, "shortcut"),
        ({"shortcut": "a" * 33, "title": "x", "body": "y"}, "shortcut"),
        ({"shortcut": "ok", "title": "t" * 121, "body": "y"}, "title"),
        ({"shortcut": "ok", "title": "x", "body": "b" * 4001}, "body"),
        ({"shortcut": "ok", "title": "x", "body": "   "}, "body"),
        ({"shortcut": "ok", "title": "", "body": "y"}, "title"),
        ({"title": "x", "body": "y"}, "shortcut"),
        (
            {"shortcut": "ok", "title": "x", "body": "y", "department": "00000000-0000-0000-0000-000000000000"},
            "department",
        ),
        ({"shortcut": "ok", "title": "x", "body": "y", "owner": "00000000-0000-0000-0000-000000000000"}, "owner"),
    ],
)
def test_bad_input_names_the_field(two_tenants, body, field):
    response = two_tenants.a.api("admin").post(URL, body)
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"], response.json()
    assert not QuickReply.objects.for_tenant(two_tenants.a.tenant).exists()


def test_longest_shortcut_and_body_are_accepted(two_tenants):
    response = two_tenants.a.api("admin").post(URL, {"shortcut": "a" * 32, "title": "t" * 120, "body": "b" * 4000})
    assert response.status_code == 201, response.json()


def test_personal_replies_have_no_department(two_tenants):
    world = two_tenants.a
    suporte = Department.objects.create(tenant=world.tenant, name="Suporte")
    api = world.api("admin")
    response = api.post(
        URL, {"shortcut": "x", "title": "x", "body": "y", "personal": True, "department": str(suporte.id)}
    )
    assert (response.status_code, response.json()["code"], list(response.json()["fields"])) == (
        400,
        "personal_with_department",
        ["department"],
    )
    # Making a department's reply personal drops the department.
    shared = api.post(URL, {"shortcut": "x", "title": "x", "body": "y", "department": str(suporte.id)}).json()
    assert shared["department"] == str(suporte.id)
    mine = api.patch(f"{URL}/{shared['id']}", {"personal": True}).json()
    assert (mine["personal"], mine["department"]) == (True, None)
    back = api.patch(f"{URL}/{shared['id']}", {"personal": False, "department": str(suporte.id)}).json()
    assert (back["personal"], back["department"]) == (False, str(suporte.id))


def test_department_replies_reach_only_members_working_there(two_tenants):
    world = two_tenants.a
    vendas = Department.objects.create(tenant=world.tenant, name="Vendas")
    suporte = Department.objects.create(tenant=world.tenant, name="Suporte")
    suporte_team = Team.objects.create(tenant=world.tenant, department=suporte, name="N1")
    _reply(world, "todos")
    _reply(world, "vendas", department=vendas)
    _reply(world, "suporte", department=suporte)
    seller = world.add_member("agent", scope=("department", vendas.id))
    support_agent = world.add_member("agent", scope=("team", suporte_team.id))
    from conftest import Api

    assert _shortcuts(Api(seller.user, world.tenant).get(URL)) == ["todos", "vendas"]
    assert _shortcuts(Api(support_agent.user, world.tenant).get(URL)) == ["suporte", "todos"]
    # Members working tenant-wide see every department's replies.
    assert _shortcuts(world.api("agent").get(URL)) == ["suporte", "todos", "vendas"]
    hidden = QuickReply.objects.for_tenant(world.tenant).get(shortcut="suporte")
    assert Api(seller.user, world.tenant).get(f"{URL}/{hidden.id}").status_code == 404


def test_department_supervisor_manages_their_department_replies_only(two_tenants):
    world = two_tenants.a
    vendas = Department.objects.create(tenant=world.tenant, name="Vendas")
    suporte = Department.objects.create(tenant=world.tenant, name="Suporte")
    from conftest import Api

    lead = world.add_member("supervisor", scope=("department", vendas.id))
    api = Api(lead.user, world.tenant)
    created = api.post(URL, {"shortcut": "frete", "title": "Frete", "body": "Grátis", "department": str(vendas.id)})
    assert created.status_code == 201, created.json()
    assert created.json()["can_edit"] is True
    for body in (
        {"shortcut": "geral", "title": "x", "body": "y"},
        {"shortcut": "geral", "title": "x", "body": "y", "department": str(suporte.id)},
    ):
        assert api.post(URL, body).status_code == 403
    # Moving it out of their department would leave their reach.
    assert api.patch(f"{URL}/{created.json()['id']}", {"department": None}).status_code == 403
    shared = _reply(world, "geral")
    assert api.get(f"{URL}/{shared.id}").json()["can_edit"] is False
    # The database's can_edit column and the service's check agree, row by row.
    rows = list(quick_reply_list(member=lead))
    assert {r.shortcut: r.can_edit for r in rows} == {
        r.shortcut: can_manage_quick_reply(lead, personal_owner_id=r.owner_id, department_id=r.department_id)
        for r in rows
    }


def test_search_ignores_case_and_accents_and_the_slash(two_tenants):
    world = two_tenants.a
    _reply(world, "horario", title="Horário de atendimento", body="Das 8h às 18h.")
    _reply(world, "pix", title="Pagamento", body="Chave PIX: CNPJ")
    _reply(world, "ola", title="Saudação", body="Olá, {{contact.name}}!")
    api = world.api("agent")
    assert _shortcuts(api.get(URL, {"q": "HORARIO"})) == ["horario"]
    assert _shortcuts(api.get(URL, {"q": "saudacao"})) == ["ola"]
    assert _shortcuts(api.get(URL, {"q": "ÀS 18"})) == ["horario"]
    assert _shortcuts(api.get(URL, {"q": "/pi"})) == ["pix"]
    assert _shortcuts(api.get(URL, {"q": "ola"})) == ["ola"]
    assert _shortcuts(api.get(URL, {"q": "50%"})) == []  # LIKE wildcards are literal
    assert _shortcuts(api.get(URL, {"q": ""})) == ["horario", "ola", "pix"]
    assert api.get(URL, {"q": "x" * 101}).status_code == 400
    assert api.get(URL, {"nope": "1"}).status_code == 400


def test_list_is_ordered_by_shortcut_and_paginated(two_tenants):
    world = two_tenants.a
    for shortcut in ("c", "a", "b", "e", "d"):
        _reply(world, shortcut)
    api = world.api("agent")
    first = api.get(URL, {"page_size": 2}).json()
    assert [r["shortcut"] for r in first["results"]] == ["a", "b"]
    second = api.get(first["next"]).json()
    assert [r["shortcut"] for r in second["results"]] == ["c", "d"]


def test_list_query_count_does_not_grow_with_rows(two_tenants, django_assert_max_num_queries):
    world = two_tenants.a
    vendas = Department.objects.create(tenant=world.tenant, name="Vendas")
    team = Team.objects.create(tenant=world.tenant, department=vendas, name="N1")
    from conftest import Api

    scoped = world.add_member("agent", scope=("team", team.id))
    for i in range(30):
        author = world.member("admin")
        row = _reply(world, f"r{i:02d}", department=vendas if i % 2 else None)
        row.created_by = author
        row.save()
        _reply(world, f"p{i:02d}", owner=scoped)
    for api in (world.api("agent"), Api(scoped.user, world.tenant)):
        with django_assert_max_num_queries(6):  # user, host, tenant, member, grants, page
            response = api.get(URL, {"page_size": 200, "q": "r"})
        assert response.status_code == 200
        assert len(response.json()["results"]) == 30


def test_use_counts_for_ranking_and_needs_the_reply_visible(two_tenants):
    world = two_tenants.a
    reply = _reply(world, "ola")
    api = world.api("agent")
    assert api.post(f"{URL}/{reply.id}/use").status_code == 204
    assert api.post(f"{URL}/{reply.id}/use").status_code == 204
    row = api.get(f"{URL}/{reply.id}").json()
    assert row["use_count"] == 2 and row["last_used_at"]
    other = _reply(two_tenants.b, "ola")
    assert api.post(f"{URL}/{other.id}/use").status_code == 404
    assert QuickReply.objects.for_tenant(two_tenants.b.tenant).get().use_count == 0


def test_tenants_never_see_each_others_replies(two_tenants):
    theirs = _reply(two_tenants.b, "segredo")
    api = two_tenants.a.api("owner")
    assert _shortcuts(api.get(URL)) == []
    assert api.get(f"{URL}/{theirs.id}").status_code == 404
    assert api.patch(f"{URL}/{theirs.id}", {"body": "x"}).status_code == 404
    assert api.delete(f"{URL}/{theirs.id}").status_code == 404
    foreign_department = Department.objects.create(tenant=two_tenants.b.tenant, name="Deles")
    response = api.post(URL, {"shortcut": "x", "title": "x", "body": "y", "department": str(foreign_department.id)})
    assert (response.status_code, list(response.json()["fields"])) == (400, ["department"])
    assert QuickReply.objects.for_tenant(two_tenants.b.tenant).get().body == "Olá!"


def test_demo_replies_load_twice_without_duplicates(db):
    from django.core.management import call_command

    call_command("load_demo")
    call_command("load_demo")
    from atendo.core.models import Tenant

    tenant = Tenant.objects.get(slug="demo")
    shortcuts = sorted(QuickReply.objects.for_tenant(tenant).values_list("shortcut", flat=True))
    assert shortcuts == ["aguarde", "garantia", "horario", "obrigado", "ola", "pix"]
    garantia = QuickReply.objects.for_tenant(tenant).select_related("department").get(shortcut="garantia")
    assert garantia.department.name == "Suporte"
