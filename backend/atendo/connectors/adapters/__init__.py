"""Channel adapters behind one registry keyed by kind (no `if kind == ...` chains elsewhere)."""

from __future__ import annotations

import importlib
from typing import Any

from atendo.connectors.adapters.base import (
    AdapterError,
    ChannelAdapter,
    InboundMessage,
    OutboundMessage,
    SendResult,
    StatusUpdate,
    WebhookAdapter,
)

# kind -> "module:Class"; modules import lazily so one provider's dependencies never load for another.
_ADAPTERS = {
    "webchat": "atendo.connectors.adapters.webchat:WebChatAdapter",
    "whatsapp": "atendo.connectors.adapters.whatsapp:WhatsAppAdapter",
    "telegram": "atendo.connectors.adapters.telegram:TelegramAdapter",
    "email": "atendo.connectors.adapters.email:EmailAdapter",
}
_instances: dict[str, Any] = {}


def get_adapter(kind: str) -> Any:
    if kind not in _instances:
        try:
            module_name, class_name = _ADAPTERS[kind].split(":")
        except KeyError as exc:
            raise LookupError(f"no adapter for channel kind {kind!r}") from exc
        _instances[kind] = getattr(importlib.import_module(module_name), class_name)()
    return _instances[kind]


def preload_adapters() -> None:
    """Import every adapter module now: a worker's main process does it before forking its
    children, which would each pay for it (httpx for WhatsApp, ~0.1 s) in their first batch."""
    for path in _ADAPTERS.values():
        importlib.import_module(path.split(":")[0])


__all__ = [
    "AdapterError",
    "ChannelAdapter",
    "InboundMessage",
    "OutboundMessage",
    "SendResult",
    "StatusUpdate",
    "WebhookAdapter",
    "get_adapter",
    "preload_adapters",
]
