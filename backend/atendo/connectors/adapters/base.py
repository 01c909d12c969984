"""The adapter protocol: normalized outbound messages in, provider results out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from atendo.connectors.models import ChannelAccount


@dataclass(frozen=True)
class OutboundAttachment:
    name: str
    mime: str
    url: str


@dataclass(frozen=True)
class OutboundMessage:
    recipient: str  # the contact's identity value on this channel
    body: str
    attachments: list[OutboundAttachment] = field(default_factory=list)
    reply_to_provider_id: str | None = None


@dataclass(frozen=True)
class SendResult:
    status: str  # sent | delivered | failed
    provider_message_id: str | None = None
    error_code: str = ""
    error_message: str = ""
    retryable: bool = False


class ChannelAdapter(Protocol):
    kind: str

    def send(self, account: ChannelAccount, message: OutboundMessage) -> SendResult: ...
