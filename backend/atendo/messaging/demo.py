"""Demo data of the messaging app (run by `manage.py load_demo`): the demo shop's web chat."""

from __future__ import annotations

from atendo.connectors.models import ChannelAccount, ChannelConnector, ChannelKind
from atendo.connectors.services import WEBCHAT_DEFAULTS
from atendo.core.models import Tenant

DEMO_WEBCHAT_NAME = "Padaria Pão Quente — site"


def load(tenant: Tenant) -> None:
    if ChannelAccount.objects.for_tenant(tenant).filter(kind=ChannelKind.WEBCHAT, name=DEMO_WEBCHAT_NAME).exists():
        return
    import secrets

    connector = ChannelConnector.objects.create(tenant=tenant, kind=ChannelKind.WEBCHAT, name=DEMO_WEBCHAT_NAME)
    ChannelAccount.objects.create(
        tenant=tenant,
        connector=connector,
        kind=ChannelKind.WEBCHAT,
        name=DEMO_WEBCHAT_NAME,
        external_id=secrets.token_urlsafe(18),
        status=ChannelAccount.Status.ACTIVE,
        secret=secrets.token_urlsafe(32),
        settings={
            **WEBCHAT_DEFAULTS,
            "greeting": "Olá! 👋 Como podemos ajudar?",
            "prechat_fields": [
                {"name": "name", "label": "Nome", "type": "text", "required": True},
                {"name": "email", "label": "E-mail", "type": "email", "required": False},
            ],
        },
    )
