"""Web chat: the visitor's widget is our own client, so "sending" is making the message
available; the realtime broadcaster pushes it to the visitor's socket and the widget's history
endpoint serves it after a reconnect."""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

from atendo.connectors.adapters.base import OutboundMessage, SendResult

if TYPE_CHECKING:
    from atendo.connectors.models import ChannelAccount


class WebChatAdapter:
    kind = "webchat"
    idempotent_sends = True  # the message is ours already; making it available twice is harmless

    def send(self, account: ChannelAccount, message: OutboundMessage) -> SendResult:
        return SendResult(status="sent")


def identity_hash(secret: str, identifier: str) -> str:
    """What the tenant's server computes so a signed-in customer is recognised by the widget."""
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


def identity_is_verified(secret: str, identifier: str, presented_hash: str) -> bool:
    return bool(secret) and hmac.compare_digest(identity_hash(secret, identifier), presented_hash.lower())
