"""Channel accounts the connector tests start from."""

from __future__ import annotations

import json

from atendo.connectors.models import ChannelAccount, ChannelConnector
from atendo.connectors.tests import fake_meta as meta


def whatsapp(tenant, phone_number_id: str = meta.PHONE_NUMBER_ID) -> ChannelAccount:
    """An active WhatsApp Cloud account whose connector holds the fake Meta app's credentials."""
    connector = ChannelConnector.objects.create(
        tenant=tenant, kind="whatsapp", name="WhatsApp", credentials=json.dumps(meta.credentials())
    )
    return ChannelAccount.objects.create(
        tenant=tenant, connector=connector, kind="whatsapp", name="Loja", external_id=phone_number_id, status="active"
    )
