"""A tenant with a busy inbox, seeded in bulk SQL (INSERT … SELECT generate_series).

Used by `inbox_scale.py` (100,000 conversations / 1,000,000 messages; 1/20 with BENCH_QUICK=1)
and by `inbox_page_load.mjs` (10,000 conversations), which runs it as a command:

    python bench/inbox_seed.py --slug bench-pageload --conversations 10000

on the database of DATABASE_URL (already migrated) and reads one JSON line from stdout: the
tenant, its owner and a department-scoped agent, with a JWT pair for each.

The data looks like a real help desk's: 5 departments with 10 agents each (the agent role scoped
to their department), an owner, one account per channel (WhatsApp, Telegram, e-mail, web chat),
contacts with names from common Brazilian first names and surnames and an identity on every
channel they wrote from (E.164 phones, e-mails, Telegram ids, web chat visitor ids), and
conversations spread over statuses (open 20 %, pending 10 %, snoozed 4 %, resolved 66 %),
departments, assignees (a third of the open ones unassigned), priorities, tags, unread counts and
last-message fields; open and pending ones are recent, resolved ones span a year. Each
conversation has 1 to 17 messages (1 in 100 has 120), alternating contact and agent, the last one
from the contact, timestamps ending at the conversation's last activity.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHANNELS = ("whatsapp", "telegram", "email", "webchat")
DEPARTMENTS = ("Vendas", "Suporte", "Financeiro", "Logística", "Pós-venda")
AGENTS_PER_DEPARTMENT = 10
BULK_TABLES = ("contacts_contact", "contacts_contactidentity", "messaging_conversation", "messaging_message")
LONG_CONVERSATION_MESSAGES = 120  # one conversation in 100: a long thread (the detail's 50 are a page)

FIRST_NAMES = (
    "Ana", "Maria", "João", "José", "Pedro", "Lucas", "Gabriel", "Rafael", "Mariana", "Juliana",
    "Fernanda", "Camila", "Beatriz", "Larissa", "Amanda", "Bruna", "Carlos", "Paulo", "Marcos", "Luiz",
    "Felipe", "Gustavo", "Rodrigo", "Thiago", "Bruno", "Eduardo", "Diego", "Leonardo", "Matheus", "Vinícius",
    "Patrícia", "Aline", "Vanessa", "Letícia", "Gabriela", "Isabela", "Laura", "Sofia", "Helena", "Alice",
    "Valentina", "Heloísa", "Lorena", "Cecília", "Antônio", "Francisco", "Raimundo", "Sebastião", "Daniel", "André",
    "Ricardo", "Fábio", "Sérgio", "Renata", "Cristina", "Adriana", "Simone", "Luana", "Débora", "Tatiane",
)  # fmt: skip
SURNAMES = (
    "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes",
    "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Fernandes", "Vieira", "Barbosa",
    "Rocha", "Dias", "Nascimento", "Andrade", "Moreira", "Nunes", "Marques", "Machado", "Mendes", "Freitas",
    "Cardoso", "Ramos", "Gonçalves", "Santana", "Teixeira", "Araújo", "Pinto", "Cavalcanti", "Monteiro", "Moura",
)  # fmt: skip
CONTACT_MESSAGES = (
    "Olá, boa tarde! Gostaria de saber o status do meu pedido.",
    "Vocês entregam no sábado?",
    "Meu boleto venceu ontem, consigo pagar ainda hoje?",
    "O produto chegou com defeito, como faço a troca?",
    "Qual o prazo de entrega para Campinas?",
    "Preciso da segunda via da nota fiscal, por favor.",
    "Obrigado pelo retorno!",
    "Ainda não recebi o código de rastreio.",
    "Vocês têm esse modelo na cor azul?",
    "Consigo parcelar em 10 vezes sem juros?",
    "Bom dia, meu pedido consta como entregue mas não recebi.",
    "Perfeito, aguardo então.",
)
AGENT_MESSAGES = (
    "Olá! Sou da equipe de atendimento, vou verificar para você.",
    "Seu pedido já saiu para entrega e deve chegar amanhã.",
    "Sim, entregamos aos sábados das 9h às 13h.",
    "Enviei a segunda via para o seu e-mail cadastrado.",
    "Já abri a solicitação de troca; a coleta será agendada.",
    "O código de rastreio é BR123456789, pode acompanhar pelo site.",
    "Posso ajudar em mais alguma coisa?",
    "Sim, parcelamos em até 10 vezes sem juros no cartão.",
    "Consegue me enviar uma foto do produto, por favor?",
    "Temos sim, vou te mandar o link.",
)


@dataclass
class Seeded:
    tenant_id: str
    slug: str
    conversations: int
    messages: int
    contacts: int
    identities: int
    agents: int
    departments: int
    owner_user_id: str
    owner_member_id: str
    owner_email: str
    agent_user_id: str
    agent_member_id: str
    agent_email: str
    agent_department_id: str
    seconds: float


def _setup(slug: str) -> dict[str, Any]:
    """Tenant, built-in roles, owner, departments, agents and channel accounts through the ORM
    (a few dozen rows, the way the product creates them)."""
    from django.db import transaction
    from django.utils import timezone

    from atendo.connectors.models import ChannelAccount, ChannelConnector
    from atendo.core.models import RoleAssignment, ScopeType, Tenant, TenantUser, User
    from atendo.core.services.tenants import builtin_roles_ensure
    from atendo.organizations.models import Department

    now = timezone.now()
    with transaction.atomic():
        tenant = Tenant.objects.create(name=f"Bench {slug}", slug=slug, timezone="America/Sao_Paulo", locale="pt-BR")
        roles = builtin_roles_ensure(tenant=tenant)
        owner_user = User.objects.create(email=f"owner@{slug}.bench.local", name="Olga Owner")
        owner = TenantUser.objects.create(
            tenant=tenant, user=owner_user, display_name="Olga Owner", status=TenantUser.Status.ACTIVE, joined_at=now
        )
        RoleAssignment.objects.create(tenant=tenant, member=owner, role=roles["owner"])
        departments = [Department.objects.create(tenant=tenant, name=name) for name in DEPARTMENTS]
        agents: list[list[TenantUser]] = []
        for d, department in enumerate(departments):
            users = User.objects.bulk_create(
                User(email=f"agent{d}-{i}@{slug}.bench.local", name=f"{FIRST_NAMES[d * 7 + i]} {SURNAMES[i]}")
                for i in range(AGENTS_PER_DEPARTMENT)
            )
            members = TenantUser.objects.bulk_create(
                TenantUser(tenant=tenant, user=u, display_name=u.name, status=TenantUser.Status.ACTIVE, joined_at=now)
                for u in users
            )
            RoleAssignment.objects.bulk_create(
                RoleAssignment(
                    tenant=tenant,
                    member=m,
                    role=roles["agent"],
                    scope_type=ScopeType.DEPARTMENT,
                    scope_id=department.id,
                )
                for m in members
            )
            agents.append(members)
        accounts = []
        for n, kind in enumerate(CHANNELS):
            connector = ChannelConnector.objects.create(
                tenant=tenant, kind=kind, name=f"Bench {kind}", credentials=json.dumps({"bench": True})
            )
            accounts.append(
                ChannelAccount.objects.create(
                    tenant=tenant,
                    connector=connector,
                    kind=kind,
                    name=f"{kind.capitalize()} {slug}",
                    external_id=f"{slug}-{kind}-{n}",
                    status=ChannelAccount.Status.ACTIVE,
                )
            )
    return {"tenant": tenant, "owner": owner, "departments": departments, "agents": agents, "accounts": accounts}


def _later_columns(model: Any, given: str, params: dict[str, Any]) -> tuple[str, str]:
    """Columns of `model` the statements below do not name (added by later migrations), with
    their model defaults: `(", col, …", ", %(param)s, …")` to append to an INSERT … SELECT."""
    from django.db import connection

    named = {name.strip() for name in given.split(",")}
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in named:
            continue
        key = f"later_{model._meta.db_table}_{field.column}"
        params[key] = field.get_db_prep_save(field.get_default(), connection)
        columns.append(field.column)
        values.append(f"%({key})s")
    return "".join(f", {c}" for c in columns), "".join(f", {v}" for v in values)


def _insert(cursor: Any, model: Any, statement: str, params: dict[str, Any]) -> None:
    """Run `INSERT INTO <table> (<columns>/*later*/) SELECT <values>/*later*/ FROM …` with the
    columns later migrations added put in at the two markers."""
    head = statement[statement.index("(") + 1 : statement.index("/*later*/")]
    columns, values = _later_columns(model, head, params)
    statement = statement.replace("/*later*/", columns, 1).replace("/*later*/", values, 1)
    started = time.perf_counter()
    cursor.execute(statement, params)
    if os.environ.get("BENCH_SEED_VERBOSE"):
        print(f"  seed {model._meta.db_table}: {time.perf_counter() - started:.1f} s", file=sys.stderr)


def _bulk(cursor: Any, setup: dict[str, Any], conversations: int) -> dict[str, int]:
    from atendo.contacts.models import Contact, ContactIdentity
    from atendo.messaging.models import Conversation, Message

    tenant = setup["tenant"]
    contacts = max(1, conversations * 3 // 5)  # many contacts came back: 1.67 conversations each
    params: dict[str, Any] = {
        "tenant": tenant.id,
        "contacts": contacts,
        "conversations": conversations,
        "first": list(FIRST_NAMES),
        "last": list(SURNAMES),
        "accounts": [a.id for a in setup["accounts"]],
        "kinds": list(CHANNELS),
        "departments": [d.id for d in setup["departments"]],
        # agents[d * 10 + i]: the i-th agent of department d
        "agents": [m.id for members in setup["agents"] for m in members],
        "per_department": AGENTS_PER_DEPARTMENT,
        "contact_messages": list(CONTACT_MESSAGES),
        "agent_messages": list(AGENT_MESSAGES),
        "long": LONG_CONVERSATION_MESSAGES,
    }
    # Every foreign key below points at a row made just above or in _setup: skipping the
    # per-row FK triggers (superuser only; the embedded and the local PostgreSQL run as postgres)
    # makes the load several times faster. Reset when the transaction ends.
    cursor.execute("SET LOCAL session_replication_role = replica")
    cursor.execute("SELECT setseed(0.42)")  # the same data on every run
    cursor.execute(
        """CREATE TEMP TABLE seed_contact ON COMMIT DROP AS
           SELECT c, gen_random_uuid() AS id,
                  f.first || ' ' || l1.last || ' ' || l2.last AS name,
                  f.first AS first_name, l1.last AS surname,
                  now() - random() * interval '365 days' AS updated_at
           FROM generate_series(0, %(contacts)s - 1) AS c
           CROSS JOIN LATERAL (SELECT (%(first)s::text[])[1 + c %% cardinality(%(first)s::text[])] AS first) f
           CROSS JOIN LATERAL (SELECT (%(last)s::text[])[1 + (c / cardinality(%(first)s::text[]))
                                      %% cardinality(%(last)s::text[])] AS last) l1
           CROSS JOIN LATERAL (SELECT (%(last)s::text[])[1 + (c / 7 + c)
                                      %% cardinality(%(last)s::text[])] AS last) l2""",
        params,
    )
    _insert(
        cursor,
        Contact,
        """INSERT INTO contacts_contact (id, created_at, tenant_id, name, avatar_url, language, custom_attributes,
               tags, blocked, merged_into_id, updated_at/*later*/)
           SELECT id, updated_at - interval '30 days', %(tenant)s, name, '', '', '{}',
                  CASE WHEN c %% 11 = 0 THEN ARRAY['cliente-vip'] ELSE '{}' END, false, NULL, updated_at/*later*/
           FROM seed_contact""",
        params,
    )
    # Conversation n belongs to contact n % contacts; its round (n / contacts) moves it to another
    # account, so (account, contact) pairs never repeat (one unresolved conversation per pair).
    cursor.execute(
        """CREATE TEMP TABLE seed_conversation ON COMMIT DROP AS
           SELECT r.*,
                  (%(accounts)s::uuid[])[1 + r.channel] AS account_id,
                  (%(departments)s::uuid[])[1 + r.department] AS department_id,
                  CASE WHEN r.status = 'open' AND r.unassigned < 0.35 THEN NULL
                       WHEN r.status <> 'open' AND r.unassigned < 0.05 THEN NULL
                       ELSE (%(agents)s::uuid[])[1 + coalesce(r.department, 0) * %(per_department)s
                                                 + floor(r.agent * %(per_department)s)::int] END AS assignee_id,
                  now() - CASE WHEN r.status = 'resolved' THEN r.activity * interval '365 days'
                               ELSE r.activity * interval '30 days' END AS last_activity_at
           FROM (SELECT n, gen_random_uuid() AS id, k.id AS contact_id, k.c, k.first_name, k.surname,
                        (k.c + n / %(contacts)s) %% 4 AS channel,
                        CASE WHEN x.status < 0.20 THEN 'open' WHEN x.status < 0.30 THEN 'pending'
                             WHEN x.status < 0.34 THEN 'snoozed' ELSE 'resolved' END AS status,
                        CASE WHEN x.department < 0.04 THEN NULL ELSE floor((x.department - 0.04) / 0.96 * 5)::int
                        END AS department,
                        x.unassigned, x.agent, x.activity, x.priority, x.tag, x.unread,
                        CASE WHEN n %% 100 = 7 THEN %(long)s ELSE 1 + floor(x.messages * 17)::int END AS messages
                 FROM generate_series(0, %(conversations)s - 1) AS n
                 JOIN seed_contact k ON k.c = n %% %(contacts)s
                 CROSS JOIN LATERAL (SELECT n AS seq, random() AS status, random() AS department,
                                            random() AS unassigned, random() AS agent, random() AS activity,
                                            random() AS priority, random() AS tag, random() AS unread,
                                            random() AS messages) x) r""",
        params,
    )
    _insert(
        cursor,
        ContactIdentity,
        """INSERT INTO contacts_contactidentity (id, created_at, tenant_id, contact_id, kind, value/*later*/)
           SELECT gen_random_uuid(), now(), %(tenant)s, contact_id, (%(kinds)s::text[])[1 + channel],
                  CASE channel
                      WHEN 0 THEN '+55' || (11 + c %% 89) || '9' || lpad((c * 37 %% 100000000)::text, 8, '0')
                      WHEN 1 THEN (700000000 + c)::text
                      WHEN 2 THEN lower(translate(first_name || '.' || surname,
                                                  'áâãàéêíóôõúçÁÂÃÀÉÊÍÓÔÕÚÇ', 'aaaaeeiooouc' || 'AAAAEEIOOOUC'))
                                  || c || '@' || (ARRAY['gmail.com', 'hotmail.com', 'yahoo.com.br',
                                                        'outlook.com', 'uol.com.br'])[1 + c %% 5]
                      ELSE 'visitor-' || md5(c::text)
                  END/*later*/
           FROM seed_conversation""",
        params,
    )
    # Contact.identity_text, which the triggers of contacts.0003 keep (off here: replica role),
    # by the function they use.
    cursor.execute(
        "UPDATE contacts_contact SET identity_text = contacts_identity_text_of(id) WHERE tenant_id = %(tenant)s",
        params,
    )
    _insert(
        cursor,
        Conversation,
        """INSERT INTO messaging_conversation (id, created_at, tenant_id, account_id, contact_id, status, priority,
               assignee_id, department_id, team_id, tags, last_message_preview, last_message_at, last_activity_at,
               unread_count, contact_unread_count, snoozed_until, resolved_at, updated_at/*later*/)
           SELECT id, last_activity_at - messages * interval '3 minutes', %(tenant)s, account_id, contact_id, status,
                  CASE WHEN priority < 0.05 THEN 'urgent' WHEN priority < 0.15 THEN 'high'
                       WHEN priority < 0.90 THEN 'normal' ELSE 'low' END,
                  assignee_id, department_id, NULL,
                  CASE WHEN tag < 0.08 THEN ARRAY['orçamento'] WHEN tag < 0.12 THEN ARRAY['reclamação', 'urgente']
                       ELSE '{}' END,
                  left((%(contact_messages)s::text[])[1 + (n + messages) %% cardinality(%(contact_messages)s::text[])],
                       200),
                  last_activity_at, last_activity_at,
                  CASE WHEN status = 'open' THEN floor(unread * 6)::int ELSE 0 END, 0,
                  CASE WHEN status = 'snoozed' THEN now() + interval '1 day' END,
                  CASE WHEN status = 'resolved' THEN last_activity_at END,
                  last_activity_at/*later*/
           FROM seed_conversation""",
        params,
    )
    # Message g of m: from the contact when m - g is even (so the last one is), else the assignee's reply.
    _insert(
        cursor,
        Message,
        """INSERT INTO messaging_message (id, created_at, tenant_id, conversation_id, account_id, direction, kind,
               author_id, body, provider_message_id, client_id, delivery_status, error_code, error_message,
               metadata, sent_at, delivered_at, read_at/*later*/)
           SELECT gen_random_uuid(), t.at, %(tenant)s, s.id, s.account_id, t.direction, 'text',
                  CASE WHEN t.direction = 'out' THEN s.assignee_id END,
                  CASE WHEN t.direction = 'in'
                       THEN (%(contact_messages)s::text[])[1 + (s.n + g) %% cardinality(%(contact_messages)s::text[])]
                       ELSE (%(agent_messages)s::text[])[1 + (s.n + g) %% cardinality(%(agent_messages)s::text[])] END,
                  'bench.' || s.n || '.' || g, NULL,
                  CASE WHEN t.direction = 'out' THEN 'read' END, '', '', '{}',
                  CASE WHEN t.direction = 'out' THEN t.at END,
                  CASE WHEN t.direction = 'out' THEN t.at + interval '2 seconds' END,
                  CASE WHEN t.direction = 'out' THEN t.at + interval '1 minute' END/*later*/
           FROM seed_conversation s
           CROSS JOIN LATERAL generate_series(1, s.messages) AS g
           CROSS JOIN LATERAL (SELECT s.last_activity_at - (s.messages - g) * interval '3 minutes' AS at,
                                      CASE WHEN (s.messages - g) %% 2 = 0 THEN 'in' ELSE 'out' END AS direction) t""",
        params,
    )
    cursor.execute("SELECT coalesce(sum(messages), 0) FROM seed_conversation")
    messages = int(cursor.fetchone()[0])
    return {"contacts": contacts, "identities": conversations, "messages": messages}


def _people(owner: Any, agent: Any, agent_department_id: Any) -> dict[str, str]:
    """`Seeded`'s fields naming the owner and the department-scoped agent (memberships with their
    users loaded)."""
    return {
        "owner_user_id": str(owner.user_id),
        "owner_member_id": str(owner.id),
        "owner_email": owner.user.email,
        "agent_user_id": str(agent.user_id),
        "agent_member_id": str(agent.id),
        "agent_email": agent.user.email,
        "agent_department_id": str(agent_department_id),
    }


def seed(*, slug: str, conversations: int, vacuum: bool = True) -> Seeded:
    """Seed a new tenant `slug` (Django set up, database migrated). `vacuum`: VACUUM ANALYZE the
    bulk-loaded tables afterwards, as autovacuum would have done on a live database."""
    from django.db import connection, transaction

    started = time.perf_counter()
    setup = _setup(slug)
    with transaction.atomic(), connection.cursor() as cursor:
        counts = _bulk(cursor, setup, conversations)
    if vacuum:
        with connection.cursor() as cursor:
            for table in (
                "contacts_contact",
                "contacts_contactidentity",
                "messaging_conversation",
                "messaging_message",
            ):
                step = time.perf_counter()
                cursor.execute(f"VACUUM (ANALYZE) {table}")
                if os.environ.get("BENCH_SEED_VERBOSE"):
                    print(f"  vacuum {table}: {time.perf_counter() - step:.1f} s", file=sys.stderr)
    owner, agent = setup["owner"], setup["agents"][0][0]
    return Seeded(
        tenant_id=str(setup["tenant"].id),
        slug=slug,
        conversations=conversations,
        messages=counts["messages"],
        contacts=counts["contacts"],
        identities=counts["identities"],
        agents=sum(len(members) for members in setup["agents"]),
        departments=len(setup["departments"]),
        **_people(owner, agent, setup["departments"][0].id),
        seconds=round(time.perf_counter() - started, 1),
    )


def seeded_again(*, slug: str) -> Seeded:
    """The `Seeded` of a tenant `seed` made earlier in this database (a kept bench database,
    reused): the same figures, read back."""
    from atendo.contacts.models import Contact, ContactIdentity
    from atendo.core.models import RoleAssignment, Tenant, TenantUser
    from atendo.messaging.models import Conversation, Message
    from atendo.organizations.models import Department

    tenant = Tenant.objects.get(slug=slug)
    members = TenantUser.objects.for_tenant(tenant).select_related("user")
    owner = members.get(user__email=f"owner@{slug}.bench.local")
    agent = members.get(user__email=f"agent0-0@{slug}.bench.local")
    department = RoleAssignment.objects.for_tenant(tenant).get(member=agent).scope_id
    return Seeded(
        tenant_id=str(tenant.id),
        slug=slug,
        conversations=Conversation.objects.for_tenant(tenant).count(),
        messages=Message.objects.for_tenant(tenant).count(),
        contacts=Contact.objects.for_tenant(tenant).count(),
        identities=ContactIdentity.objects.for_tenant(tenant).count(),
        agents=TenantUser.objects.for_tenant(tenant).count() - 1,
        departments=Department.objects.for_tenant(tenant).count(),
        **_people(owner, agent, department),
        seconds=0.0,
    )


def tokens_for(user_id: str) -> dict[str, str]:
    """A real JWT pair for a user, the one a magic-link sign-in issues."""
    from rest_framework_simplejwt.tokens import RefreshToken

    from atendo.core.models import User

    refresh = RefreshToken.for_user(User.objects.get(id=user_id))
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slug", required=True)
    parser.add_argument("--conversations", type=int, required=True)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "backend"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atendo.config.settings")
    import django

    django.setup()
    seeded = seed(slug=args.slug, conversations=args.conversations)
    out = asdict(seeded)
    out["owner_tokens"] = tokens_for(seeded.owner_user_id)
    out["agent_tokens"] = tokens_for(seeded.agent_user_id)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
