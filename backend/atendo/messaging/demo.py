"""Demo data of the messaging app (run by `manage.py load_demo`): the demo shop's web chat."""

from __future__ import annotations

from atendo.connectors.models import ChannelAccount, ChannelKind
from atendo.connectors.services import webchat_account_build
from atendo.core.models import Tenant

DEMO_WEBCHAT_NAME = "Padaria Pão Quente — site"


def load(tenant: Tenant) -> None:
    if ChannelAccount.objects.for_tenant(tenant).filter(kind=ChannelKind.WEBCHAT, name=DEMO_WEBCHAT_NAME).exists():
        return
    webchat_account_build(
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
