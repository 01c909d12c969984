"""Demo quick replies (shared, in Portuguese like the demo tenant). Existing ones are left as
the demo's users edited them."""

from __future__ import annotations

from atendo.core.models import Tenant, TenantUser
from atendo.knowledge.models import QuickReply
from atendo.organizations.models import Department

# (shortcut, title, body, department name or None for the whole tenant)
DEMO_QUICK_REPLIES = (
    (
        "ola",
        "Saudação",
        "Olá, {{contact.first_name}}! Aqui é {{agent.first_name}}, da Demo. Como posso ajudar?",
        None,
    ),
    (
        "horario",
        "Horário de atendimento",
        "Nosso atendimento funciona de segunda a sexta, das 8h às 18h (horário de Brasília). "
        "Fora desse horário, deixe sua mensagem que respondemos assim que voltarmos.",
        None,
    ),
    (
        "aguarde",
        "Pedir um momento",
        "Só um momento, {{contact.first_name}}, por favor: estou verificando para você.",
        None,
    ),
    (
        "obrigado",
        "Agradecimento e encerramento",
        "Obrigado pelo contato, {{contact.first_name}}! Se precisar de algo mais, é só chamar por aqui.",
        None,
    ),
    (
        "pix",
        "Pagamento por Pix",
        "Você pode pagar por Pix usando a chave CNPJ 12.345.678/0001-90 (Demo Ltda.). "
        "Depois do pagamento, envie o comprovante aqui na conversa.",
        None,
    ),
    (
        "garantia",
        "Garantia e troca",
        "Todos os produtos têm garantia de 90 dias. Para solicitar a troca, envie o número do pedido "
        "e uma foto do produto, por favor.",
        "Suporte",
    ),
)


def load(tenant: Tenant) -> None:
    author = TenantUser.objects.for_tenant(tenant).filter(user__email="owner@demo.atendo.local").first()
    departments = {d.name: d for d in Department.objects.for_tenant(tenant)}
    for shortcut, title, body, department in DEMO_QUICK_REPLIES:
        QuickReply.objects.for_tenant(tenant).get_or_create(
            tenant=tenant,
            shortcut=shortcut,
            owner=None,
            defaults={
                "title": title,
                "body": body,
                "department": departments.get(department) if department else None,
                "created_by": author,
            },
        )
