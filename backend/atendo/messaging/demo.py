"""Demo data of the messaging app (run by `manage.py load_demo`): the demo shop's web chat,
whose new conversations start in the Vendas department."""

from __future__ import annotations

from atendo.connectors.models import ChannelAccount, ChannelKind
from atendo.connectors.services import webchat_account_build
from atendo.core.models import Tenant
from atendo.organizations.models import Department

DEMO_WEBCHAT_NAME = "Padaria Pão Quente — site"
DEMO_WEBCHAT_DEPARTMENT = "Vendas"


def load(tenant: Tenant) -> None:
    account = ChannelAccount.objects.for_tenant(tenant).filter(kind=ChannelKind.WEBCHAT, name=DEMO_WEBCHAT_NAME).first()
    if account is None:
        account = webchat_account_build(
            tenant=tenant,
            name=DEMO_WEBCHAT_NAME,
            settings={
                "greeting": "Olá! 👋 Como podemos ajudar?",
                "prechat_fields": [
                    {"name": "name", "label": "Nome", "type": "text", "required": True},
                    {"name": "email", "label": "E-mail", "type": "email", "required": False},
                ],
            },
        )
    if account.default_department_id is None:
        account.default_department = Department.objects.for_tenant(tenant).filter(name=DEMO_WEBCHAT_DEPARTMENT).first()
        account.save(update_fields=["default_department", "updated_at"])
