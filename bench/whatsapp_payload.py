"""The WhatsApp-shaped webhook the benchmarks load Atendo with (shared by webhook_ack.py and
processing.py so both measure the same payload)."""

from __future__ import annotations

import json
import time


def template(phone_number_id: str) -> str:
    """A WhatsApp Cloud API `messages` webhook; {{WAMID}}, {{FROM}} and {{TEXT}} are
    placeholders the caller fills (the Lua script, or SQL)."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": phone_number_id},
        "contacts": [{"profile": {"name": "Bench Customer"}, "wa_id": "{{FROM}}"}],
        "messages": [
            {
                "from": "{{FROM}}",
                "id": "{{WAMID}}",
                "timestamp": str(int(time.time())),
                "type": "text",
                "text": {"body": "{{TEXT}}"},
            }
        ],
    }
    envelope = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}],
    }
    return json.dumps(envelope)
