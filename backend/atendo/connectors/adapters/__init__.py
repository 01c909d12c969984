"""Channel adapters behind one registry keyed by kind (no `if kind == ...` chains elsewhere)."""

from __future__ import annotations

from atendo.connectors.adapters.base import ChannelAdapter, OutboundMessage, SendResult
from atendo.connectors.adapters.webchat import WebChatAdapter

_REGISTRY: dict[str, ChannelAdapter] = {adapter.kind: adapter for adapter in (WebChatAdapter(),)}


def get_adapter(kind: str) -> ChannelAdapter:
    try:
        return _REGISTRY[kind]
    except KeyError as exc:
        raise LookupError(f"no adapter for channel kind {kind!r}") from exc


__all__ = ["ChannelAdapter", "OutboundMessage", "SendResult", "get_adapter"]
