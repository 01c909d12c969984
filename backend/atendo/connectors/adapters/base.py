"""The adapter protocol: raw provider traffic in, normalized dataclasses out; normalized
outbound messages in, provider results out. Adapters know nothing of conversations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from atendo.connectors.models import ChannelAccount


class AdapterError(Exception):
    """A provider refused or failed. `retryable` for 5xx/429/network; `retry_after` seconds
    when the provider said so; `code` is the provider's error code (e.g. WhatsApp 131047).
    `fields`: the credential keys (or "external_id", the account's provider id) the refusal is
    about, when the adapter can tell, so the form shows it on those inputs."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "",
        retryable: bool = False,
        retry_after: int | None = None,
        fields: tuple[str, ...] = (),
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.retryable = retryable
        self.retry_after = retry_after
        self.fields = fields


@dataclass(frozen=True)
class WebhookRequest:
    method: str
    headers: Mapping[str, str]  # lower-case names
    query: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class Verification:
    """ok=False: refuse with `status` (401/403) and store nothing. A handshake (WhatsApp GET)
    answers `status` with `body` directly."""

    ok: bool
    status: int = 200
    body: bytes | None = None
    reason: str = ""


@dataclass(frozen=True)
class InboundMedia:
    provider_media_id: str | None = None
    url: str | None = None
    mime: str = ""
    name: str = ""
    sha256: str | None = None  # hex or base64 as the provider gives it; the adapter normalises to hex
    size: int | None = None
    # Channels that carry the bytes inside the event (e-mail MIME parts) instead of a download.
    content: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class InboundMessage:
    account_external_id: str  # WhatsApp phone_number_id, Telegram bot id, mailbox address
    provider_message_id: str
    sender_id: str  # the identity value on this channel (WhatsApp wa_id, Telegram user id)
    sender_name: str
    sent_at: datetime
    # text | image | document | audio | video | sticker | location | contacts | interactive | reaction | unknown
    kind: str
    text: str = ""
    media: list[InboundMedia] = field(default_factory=list)
    reply_to_provider_id: str | None = None
    edit_of: str | None = None  # an edit of an earlier message (Telegram edited_message)
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StatusUpdate:
    account_external_id: str
    provider_message_id: str
    status: str  # sent | delivered | read | failed
    at: datetime
    error_code: str = ""
    error_message: str = ""


@dataclass(frozen=True)
class OutboundAttachment:
    name: str
    mime: str
    url: str  # absolute, short-lived (providers fetch it), or use `open` to upload
    open: Any = None  # callable returning IO[bytes] for providers that need an upload


@dataclass(frozen=True)
class OutboundMessage:
    recipient: str  # the contact's identity value on this channel
    body: str
    attachments: list[OutboundAttachment] = field(default_factory=list)
    reply_to_provider_id: str | None = None
    idempotency_key: str = ""  # our message id: a retried task never sends twice
    # Threading for channels that have it (e-mail): the subject, the earlier message ids of the
    # thread (oldest first), and the token that routes a reply back to this conversation.
    subject: str = ""
    references: list[str] = field(default_factory=list)
    reply_token: str = ""
    sender_name: str = ""  # the agent (or the workspace) the contact sees as the sender
    automatic: bool = False  # sent by Atendo itself, not by an agent (Auto-Submitted on e-mail)


@dataclass(frozen=True)
class SendResult:
    status: str  # sent | delivered | failed
    provider_message_id: str | None = None
    error_code: str = ""
    error_message: str = ""
    retryable: bool = False


@dataclass(frozen=True)
class DownloadedMedia:
    content: IO[bytes]
    mime: str
    name: str
    size: int | None = None


class ChannelAdapter(Protocol):
    kind: str

    def send(self, account: ChannelAccount, message: OutboundMessage) -> SendResult: ...


class WebhookAdapter(ChannelAdapter, Protocol):
    """Providers that push events to `/webhooks/{connector}`."""

    def verify(self, request: WebhookRequest, credentials: Mapping[str, str]) -> Verification: ...

    def event_key(self, body: bytes) -> str:
        """A stable unique key of the envelope (the same delivery retried gives the same key).
        Raises ValueError for a body that is not a valid envelope."""
        ...

    def parse(self, body: bytes) -> list[InboundMessage | StatusUpdate]:
        """Every message and status of the envelope; unknown types become kind="unknown"."""
        ...

    def download_media(self, credentials: Mapping[str, str], media: InboundMedia) -> DownloadedMedia: ...

    def check_credentials(self, credentials: Mapping[str, str], external_id: str, webhook_url: str) -> None:
        """Validate against the provider (and register the webhook where the provider needs it).
        Raises AdapterError with a clear message."""
        ...
