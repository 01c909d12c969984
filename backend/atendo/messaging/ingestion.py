"""Processing of stored provider events (the `webhooks` queue): normalized messages become
contacts, conversations and messages; statuses move deliveries forward. Idempotent: the
provider message id is unique per account, so a replayed event changes nothing.

Events are processed in batches (`inbound_events_drain_once`): one claim statement, one
transaction and one commit per batch. The accounts, contacts and conversations a batch needs are
read (and the contacts locked, new ones created) once for the whole batch; its plain messages
are inserted with one statement; the conversations' previews and unread counts are written with
one more; the events are published together, so the realtime broadcaster reads and sends once
per batch. No savepoints in the common case: when an event fails, the batch is rolled back and
run again with a savepoint per event, so one bad event does not sink the others. Media are
downloaded after the commit: text is never held back.

Order within a conversation: a session advisory lock is held from the claim until the batch's
contacts are locked. Claims take the oldest events first, so when two workers' batches share a
contact, the earlier batch locks it first and the later one waits for its commit.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from atendo.connectors.adapters import get_adapter
from atendo.connectors.adapters.base import AdapterError, InboundMessage, StatusUpdate
from atendo.connectors.models import ChannelAccount, ChannelConnector
from atendo.connectors.selectors import ingestion_routes
from atendo.connectors.services import (
    ClaimedEvent,
    inbound_event_dead_letter,
    inbound_event_retry_later,
    inbound_events_claim,
    inbound_events_mark_done,
)
from atendo.contacts.identities import normalize_identity
from atendo.contacts.services import contacts_upsert_by_identities
from atendo.core.errors import ApplicationError
from atendo.core.events import Event, publish, publish_all
from atendo.core.models import Tenant, TenantUser
from atendo.core.storage import store_upload
from atendo.core.tasks import backoff_seconds
from atendo.messaging.events import ConversationUpdated, MessageCreated, MessageUpdated
from atendo.messaging.listeners import fresh_inbound_messages
from atendo.messaging.models import Conversation, Message, MessageAttachment
from atendo.messaging.services.conversations import (
    InboundTouch,
    conversation_for_inbound,
    conversation_id_from_reply_token,
    conversations_for_inbound,
    conversations_touch_inbound,
)
from atendo.messaging.services.messages import (
    attachments_add,
    inbound_message_build,
    message_preview,
    message_update_delivery,
    messages_store_inbound,
)

logger = logging.getLogger(__name__)

# pg_advisory_lock key of the claim order (any constant; "ingest" in ASCII).
CLAIM_ORDER_LOCK = 0x696E67657374


class PermanentIngestionError(Exception):
    """Retrying cannot help (a malformed stored body): dead-letter at once."""


# --- single items (statuses, edits, reactions, media, e-mail threads) --------------------------
def _message_by_provider_id(account: ChannelAccount, provider_id: str) -> Message | None:
    return (
        Message.objects.for_tenant(account.tenant_id).filter(account=account, provider_message_id=provider_id).first()
    )


def _apply_status(account: ChannelAccount, status: StatusUpdate) -> None:
    message = _message_by_provider_id(account, status.provider_message_id)
    if message is None:
        logger.info("status for unknown message %s on %s", status.provider_message_id, account.id)
        return
    message_update_delivery(
        message=message, status=status.status, error_code=status.error_code, error_message=status.error_message
    )


def _apply_edit(account: ChannelAccount, item: InboundMessage) -> bool:
    original = _message_by_provider_id(account, item.edit_of or "")
    if original is None:
        return False
    with transaction.atomic():
        original.metadata = {**original.metadata, "edited_at": item.sent_at.isoformat(), "original_body": original.body}
        original.body = item.text
        original.save(update_fields=["body", "metadata"])
        publish(
            MessageUpdated(
                tenant_id=original.tenant_id, conversation_id=original.conversation_id, message_id=original.id
            )
        )
    return True


def _apply_reaction(account: ChannelAccount, item: InboundMessage) -> None:
    target = _message_by_provider_id(account, str(item.metadata.get("message_id", "")))
    if target is None:
        return
    reactions = dict(target.metadata.get("reactions", {}))
    reactions[item.sender_id] = item.metadata.get("emoji", "")
    target.metadata = {**target.metadata, "reactions": reactions}
    target.save(update_fields=["metadata"])
    publish(MessageUpdated(tenant_id=target.tenant_id, conversation_id=target.conversation_id, message_id=target.id))


def _thread_of(account: ChannelAccount, item: InboundMessage) -> Conversation | None:
    """The conversation an e-mail answers: by In-Reply-To, then References (newest first),
    then the reply token of our Reply-To address."""
    email = item.metadata.get("email") or {}
    keys = [k for k in email.get("thread_keys") or [] if isinstance(k, str)]
    token = email.get("reply_token")
    if not keys and not isinstance(token, str):
        return None  # not an e-mail: no lookup at all
    conversations = Conversation.objects.for_tenant(account.tenant_id).filter(account=account)
    if keys:
        found = dict(
            Message.objects.for_tenant(account.tenant_id)
            .filter(account=account, provider_message_id__in=keys)
            .values_list("provider_message_id", "conversation_id")
        )
        for key in keys:  # best key first
            if key in found:
                return conversations.filter(id=found[key]).first()
    conversation_id = conversation_id_from_reply_token(token) if isinstance(token, str) else None
    return conversations.filter(id=conversation_id).first() if conversation_id else None


def _download_media(
    account: ChannelAccount, message: Message, item: InboundMessage, credentials: dict[str, str]
) -> None:
    """Media arrive after the message (the text is never held back by a slow download). A retry
    of the event downloads what is still missing."""
    if not item.media:
        return
    have = MessageAttachment.objects.for_tenant(account.tenant_id).filter(message=message).count()
    adapter = get_adapter(account.kind)
    for media in item.media[have:]:
        downloaded = adapter.download_media(credentials, media)
        stored = store_upload(
            tenant_id=account.tenant_id,
            fileobj=downloaded.content,
            name=media.name or downloaded.name or "file",
            declared_mime=media.mime or downloaded.mime,
        )
        attachments_add(message, [stored])
    Message.objects.for_tenant(account.tenant_id).filter(id=message.id).update(kind="media")
    publish(MessageUpdated(tenant_id=account.tenant_id, conversation_id=message.conversation_id, message_id=message.id))


# --- a batch ---------------------------------------------------------------------------------
@dataclass
class _MediaToFetch:
    account: ChannelAccount
    message: Message
    item: InboundMessage
    credentials: dict[str, str]


@dataclass
class _Parsed:
    event: ClaimedEvent
    connector: ChannelConnector
    items: list[tuple[ChannelAccount, InboundMessage | StatusUpdate]]


@dataclass
class _EventEffects:
    """What one event did; merged into the batch once the event has gone through."""

    created: list[Message] = field(default_factory=list)
    touches: list[tuple[Conversation, str, Any]] = field(default_factory=list)
    media: list[_MediaToFetch] = field(default_factory=list)


@dataclass
class _Buffered:
    """A plain inbound message waiting for the batch's one INSERT."""

    message: Message
    preview: str
    effects: _EventEffects
    media: _MediaToFetch | None


@dataclass
class BatchOutcome:
    done: list[int] = field(default_factory=list)
    failed: list[tuple[ClaimedEvent, BaseException]] = field(default_factory=list)
    dead: list[tuple[ClaimedEvent, str]] = field(default_factory=list)
    media: dict[int, list[_MediaToFetch]] = field(default_factory=dict)


class _RetryIsolated(Exception):
    """An event failed in a batch without savepoints: run the batch again, a savepoint each."""


def _wants_contact(item: InboundMessage | StatusUpdate) -> bool:
    """Items that become a message of their sender (an edit may, when its original is unknown)."""
    return isinstance(item, InboundMessage) and item.kind != "reaction"


def _threaded(item: InboundMessage) -> bool:
    """An e-mail that may answer a thread: its conversation is found item by item."""
    email = item.metadata.get("email") or {}
    return bool(email.get("thread_keys") or email.get("reply_token"))


def _needs_order(item: InboundMessage | StatusUpdate) -> bool:
    """Items that read stored messages: the buffered inserts must be written before them."""
    return isinstance(item, StatusUpdate) or bool(item.edit_of) or item.kind == "reaction" or _threaded(item)


class _Batch:
    def __init__(self, events: Sequence[ClaimedEvent], *, isolated: bool) -> None:
        self.events = events
        self.isolated = isolated  # a savepoint per event (after a failure), else none at all
        self.outcome = BatchOutcome()
        self.parsed: list[_Parsed] = []
        self.senders: dict[int, tuple[UUID, str, str]] = {}  # id(item) -> (tenant, kind, identity)
        self.contacts: dict[tuple[UUID, str, str], Any] = {}
        self.conversations: dict[tuple[UUID, UUID], Conversation] = {}
        self.credentials: dict[UUID, dict[str, str]] = {}
        self.buffer: list[_Buffered] = []
        self.touches: dict[UUID, InboundTouch] = {}
        self.touched: dict[UUID, Conversation] = {}
        self.created: list[Message] = []
        self.effects: list[tuple[ClaimedEvent, _EventEffects]] = []

    # Phase 1, under the claim-order lock: parse, resolve accounts and contacts, lock contacts,
    # find or open the conversations.
    def prepare(self) -> None:
        connectors, accounts = ingestion_routes({e.connector_id for e in self.events})  # cached per process
        for event in self.events:
            connector = connectors.get(event.connector_id)
            if connector is None:
                self.outcome.dead.append((event, "the connector no longer exists"))
                continue
            try:
                raw_items = get_adapter(connector.kind).parse(event.body)
            except ValueError as exc:
                self.outcome.dead.append((event, f"unparseable envelope: {exc}"))
                continue
            items: list[tuple[ChannelAccount, InboundMessage | StatusUpdate]] = []
            for item in raw_items:
                account = self._account(event, accounts.get(event.connector_id, []), item.account_external_id)
                if account is not None:
                    items.append((account, item))
            self.parsed.append(_Parsed(event=event, connector=connector, items=items))
        self._resolve_contacts()

    @staticmethod
    def _account(event: ClaimedEvent, candidates: list[ChannelAccount], external_id: str) -> ChannelAccount | None:
        # Tenant checked again: an envelope only ever reaches its own tenant's accounts.
        own = [a for a in candidates if a.tenant_id == event.tenant_id]
        if external_id:
            account = next((a for a in own if a.external_id == external_id), None)
        else:
            account = own[0] if own else None  # providers whose envelope names no account (Telegram)
        if account is None:
            logger.warning("event %s names account %r not connected here", event.id, external_id)
        return account

    def _resolve_contacts(self) -> None:
        wanted: dict[tuple[UUID, str], dict[str, str]] = {}
        tenants: dict[UUID, Tenant] = {}
        accounts: dict[UUID, ChannelAccount] = {}
        normalized: dict[tuple[str, str], str] = {}
        keep: list[_Parsed] = []
        for parsed in self.parsed:
            try:
                for account, item in parsed.items:
                    if _wants_contact(item):
                        assert isinstance(item, InboundMessage)
                        raw = (account.kind, item.sender_id)
                        if raw not in normalized:  # the same people write many messages of a batch
                            normalized[raw] = normalize_identity(*raw)
                        key = (account.tenant_id, account.kind, normalized[raw])
                        self.senders[id(item)] = key
                        names = wanted.setdefault(key[:2], {})
                        names[key[2]] = names.get(key[2]) or item.sender_name
                        tenants[account.tenant_id] = account.tenant
                        accounts[account.id] = account
            except ApplicationError as exc:  # a sender id no channel could have sent
                self.outcome.dead.append((parsed.event, f"invalid sender: {exc}"))
                continue
            keep.append(parsed)
        self.parsed = keep
        for (tenant_id, kind), names in wanted.items():
            for value, contact in contacts_upsert_by_identities(
                tenant=tenants[tenant_id], kind=kind, names=names
            ).items():
                self.contacts[(tenant_id, kind, value)] = contact
        pairs: dict[UUID, set[tuple[UUID, UUID]]] = {}
        for parsed in self.parsed:
            for account, item in parsed.items:
                if _wants_contact(item) and not _threaded(item):  # type: ignore[arg-type]
                    pair = (account.id, self.contacts[self.senders[id(item)]].id)
                    pairs.setdefault(account.tenant_id, set()).add(pair)
        for tenant_id, tenant_pairs in pairs.items():
            self.conversations.update(
                conversations_for_inbound(tenant=tenants[tenant_id], accounts=accounts, account_contacts=tenant_pairs)
            )

    # Phase 2: the items in order. Plain messages wait in a buffer for one INSERT; anything that
    # reads stored messages (receipts, edits, reactions, e-mail threads) writes the buffer first.
    def process(self) -> None:
        for parsed in self.parsed:
            effects = _EventEffects()
            if not self.isolated:
                try:
                    self._apply(parsed, effects)
                except Exception as exc:
                    raise _RetryIsolated from exc
                self._merge(parsed.event, effects)
                continue
            try:
                with transaction.atomic():
                    self._apply(parsed, effects)
                    self._flush()
            except PermanentIngestionError as exc:
                self.buffer.clear()
                self.outcome.dead.append((parsed.event, str(exc)))
                continue
            except Exception as exc:
                self.buffer.clear()
                self.outcome.failed.append((parsed.event, exc))
                continue
            self._merge(parsed.event, effects)
        try:
            self._flush()
        except Exception as exc:
            raise _RetryIsolated from exc

    def _apply(self, parsed: _Parsed, effects: _EventEffects) -> None:
        credentials = self.credentials.get(parsed.connector.id)
        if credentials is None:
            credentials = self.credentials[parsed.connector.id] = json.loads(parsed.connector.credentials or "{}")
        for account, item in parsed.items:
            if _needs_order(item):
                self._flush()
            if isinstance(item, StatusUpdate):
                _apply_status(account, item)
            else:
                self._receive(account, item, credentials, effects)

    def _receive(
        self, account: ChannelAccount, item: InboundMessage, credentials: dict[str, str], effects: _EventEffects
    ) -> None:
        if item.edit_of and _apply_edit(account, item):
            return
        if item.kind == "reaction":
            _apply_reaction(account, item)
            return
        contact = self.contacts[self.senders[id(item)]]
        thread = _thread_of(account, item) if _threaded(item) else None
        conversation = self.conversations.get((account.id, contact.id))
        if thread is not None or conversation is None:
            # E-mail threads (and an edit whose original is unknown): the one-by-one way.
            conversation, _state = conversation_for_inbound(
                tenant=account.tenant, account=account, contact=contact, thread=thread
            )
        if conversation.account_id == account.id:
            conversation.account = account  # its message frames show the account: no read per conversation
        metadata: dict[str, Any] = {"kind": item.kind, **item.metadata}
        if item.reply_to_provider_id:
            metadata["reply_to"] = item.reply_to_provider_id
        if item.kind == "unknown":
            metadata["unsupported"] = True
        body = item.text or ("📎" if item.media else f"[{item.kind}]")
        message = inbound_message_build(
            conversation=conversation, body=body, provider_message_id=item.provider_message_id, metadata=metadata
        )
        media = (
            _MediaToFetch(account=account, message=message, item=item, credentials=credentials) if item.media else None
        )
        self.buffer.append(_Buffered(message=message, preview=message_preview(body), effects=effects, media=media))

    def _flush(self) -> None:
        if not self.buffer:
            return
        buffered, self.buffer = self.buffer, []
        for entry, (message, created) in zip(
            buffered, messages_store_inbound([b.message for b in buffered]), strict=True
        ):
            if created:
                entry.effects.created.append(message)
                entry.effects.touches.append((message.conversation, entry.preview, message.created_at))
            if entry.media is not None:
                entry.media.message = message  # the stored one when it was a redelivery
                entry.effects.media.append(entry.media)

    def _merge(self, event: ClaimedEvent, effects: _EventEffects) -> None:
        # Without savepoints this runs before the batch's last flush, which still fills in the
        # effects of the buffered messages: they are read in finish().
        self.effects.append((event, effects))

    # Phase 3: one write for the conversations, one for the events; publish on commit.
    def finish(self) -> None:
        for event, effects in self.effects:
            self.created.extend(effects.created)
            for conversation, preview, at in effects.touches:
                touch = self.touches.get(conversation.id)
                if touch is None:
                    self.touches[conversation.id] = InboundTouch(preview=preview, at=at, messages=1)
                    self.touched[conversation.id] = conversation
                else:
                    touch.preview, touch.at, touch.messages = preview, at, touch.messages + 1
            if effects.media:
                self.outcome.media[event.id] = effects.media
            else:
                self.outcome.done.append(event.id)
        by_tenant: dict[UUID, dict[UUID, InboundTouch]] = {}
        for conversation_id, touch in self.touches.items():
            by_tenant.setdefault(self.touched[conversation_id].tenant_id, {})[conversation_id] = touch
        written: list[Conversation] = []
        for tenant_id, touches in by_tenant.items():
            written += conversations_touch_inbound(tenant_id=tenant_id, touches=touches)
        inbound_events_mark_done(self.outcome.done)
        events: list[Event] = [
            MessageCreated(tenant_id=m.tenant_id, conversation_id=m.conversation_id, message_id=m.id, outbound=False)
            for m in self.created
        ]
        events += [
            ConversationUpdated(tenant_id=c.tenant_id, conversation_id=c.id, change="updated")
            for c in self.touched.values()
        ]
        # The messages as inserted and the conversations as touched: their frames need not be
        # read back after the commit.
        conversations = self._with_relations(written)
        for message in self.created:
            if (fresh := conversations.get(message.conversation_id)) is not None:
                message.conversation = fresh  # routed by the conversation as written
        publish_all(events, memo=fresh_inbound_messages(self.created, conversations.values()))

    def _with_relations(self, written: Sequence[Conversation]) -> dict[UUID, Conversation]:
        """The touched conversations (rows as the UPDATE returned them) with what their frames
        show: the batch's contacts and accounts, and their assignees (one query, only when some
        are assigned). One whose contact or account is not the batch's (merged, moved meanwhile)
        is left out: the broadcaster reads it after the commit."""
        contacts = {contact.id: contact for contact in self.contacts.values()}
        wanted: dict[UUID, set[UUID]] = {}
        for conversation in written:
            if conversation.assignee_id is not None:
                wanted.setdefault(conversation.tenant_id, set()).add(conversation.assignee_id)
        assignees: dict[UUID, TenantUser] = {}
        for tenant_id, ids in wanted.items():
            assignees.update((m.id, m) for m in TenantUser.objects.for_tenant(tenant_id).filter(id__in=ids))
        ready: dict[UUID, Conversation] = {}
        for conversation in written:
            before = self.touched.get(conversation.id)
            account = before.account if before is not None and Conversation.account.is_cached(before) else None
            contact = contacts.get(conversation.contact_id)
            assignee = assignees.get(conversation.assignee_id) if conversation.assignee_id is not None else None
            if account is None or account.id != conversation.account_id or contact is None:
                continue
            if conversation.assignee_id is not None and assignee is None:
                continue
            conversation.account, conversation.contact, conversation.assignee = account, contact, assignee
            ready[conversation.id] = conversation
        return ready


class _ClaimOrder:
    """The session advisory lock held from a claim until the batch's contacts are locked."""

    def __init__(self) -> None:
        self.held = False

    def __enter__(self) -> _ClaimOrder:
        return self

    def claim(self, *, limit: int, event_id: int | None) -> list[ClaimedEvent]:
        """Take the lock and claim, in one round trip (see inbound_events_claim)."""
        self.held = True  # from here on released on the way out (unlocking a lock not held is harmless)
        return inbound_events_claim(limit=limit, event_id=event_id, lock_first=CLAIM_ORDER_LOCK)

    def release(self) -> None:
        if self.held:
            self.held = False
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [CLAIM_ORDER_LOCK])
            except DatabaseError:  # an aborted transaction, or the session is gone
                logger.warning("could not release the claim-order lock", exc_info=True)
                # Connections outlive tasks (atendo.config.celery): end the session, and the lock
                # with it, or every other worker would wait for it forever.
                connection.close()

    def __exit__(self, *exc: object) -> None:
        self.release()


def inbound_events_process(
    events: Sequence[ClaimedEvent], *, locked: Callable[[], None] = lambda: None
) -> BatchOutcome:
    """Process claimed events in one transaction, then fetch their media. The common case uses
    no savepoint at all; when an event fails, the batch is rolled back and run again with a
    savepoint per event, so only the failing one is retried. `locked` runs once the batch's
    contacts are locked (the drain releases the claim order)."""
    outcome = _process_in_transaction(events, isolated=False, locked=locked)
    if outcome is None:
        outcome = _process_in_transaction(events, isolated=True, locked=lambda: None)
    assert outcome is not None
    for event_id, downloads in list(outcome.media.items()):
        event = next(e for e in events if e.id == event_id)
        try:
            for media in downloads:
                _download_media(media.account, media.message, media.item, media.credentials)
            inbound_events_mark_done([event_id])
        except Exception as exc:
            outcome.failed.append((event, exc))
            continue
        outcome.done.append(event_id)
    return outcome


def _process_in_transaction(
    events: Sequence[ClaimedEvent], *, isolated: bool, locked: Callable[[], None]
) -> BatchOutcome | None:
    batch = _Batch(events, isolated=isolated)
    try:
        with transaction.atomic():
            try:
                batch.prepare()
            finally:
                locked()
            batch.process()
            batch.finish()
    except _RetryIsolated as exc:
        logger.info("inbound batch of %s events: an event failed (%s); again, one savepoint each", len(events), exc)
        return None
    except Exception as exc:  # the batch as a whole (the database, a bug): every event retries
        logger.warning("inbound batch of %s events failed: %s", len(events), exc, exc_info=True)
        dead = {event.id for event, _error in batch.outcome.dead}
        return BatchOutcome(dead=batch.outcome.dead, failed=[(e, exc) for e in events if e.id not in dead])
    return batch.outcome


@dataclass(frozen=True)
class DrainResult:
    claimed: int = 0
    done: int = 0
    retry_in: float | None = None  # the soonest retry this drain scheduled


def _settle(outcome: BatchOutcome) -> float | None:
    """Failed events wait 2^n s (capped, jittered) and end in a dead letter."""
    soonest: float | None = None
    for event, error in outcome.dead:
        inbound_event_dead_letter(event=event, error=error)
    for event, exc in outcome.failed:
        message = f"{type(exc).__name__}: {exc}"
        logger.warning("inbound event %s failed (attempt %s): %s", event.id, event.attempts, message)
        if event.attempts >= settings.INBOUND_MAX_ATTEMPTS:
            inbound_event_dead_letter(event=event, error=message)
            continue
        delay = backoff_seconds(event.attempts - 1)
        inbound_event_retry_later(event_id=event.id, error=message, delay_seconds=delay)
        soonest = delay if soonest is None else min(soonest, delay)
    return soonest


def inbound_events_drain_once(*, limit: int, event_id: int | None = None) -> DrainResult:
    """Claim one batch of due events (or the one `event_id`) and process it. Events claimed
    before (their worker died mid-attempt) are processed one per transaction, so that a poison
    event cannot take a batch down with it again, and they are given up once out of attempts."""
    with _ClaimOrder() as order:
        events = order.claim(limit=limit, event_id=event_id)
        if not events:
            return DrainResult()
        fresh = [e for e in events if e.attempts == 1]
        retried = [e for e in events if e.attempts > 1]
        outcome = BatchOutcome()
        exhausted = [e for e in retried if e.attempts > settings.INBOUND_MAX_ATTEMPTS]
        for event in exhausted:
            outcome.dead.append(
                (event, f"gave up after {event.attempts - 1} attempts (the worker stopped mid-attempt)")
            )
        retried = [e for e in retried if e.attempts <= settings.INBOUND_MAX_ATTEMPTS]
        batches = ([fresh] if fresh else []) + [[event] for event in retried]
        for index, batch in enumerate(batches):
            # The claim order only matters until the first batch's contacts are locked.
            part = inbound_events_process(batch, locked=order.release if index == 0 else lambda: None)
            outcome.done += part.done
            outcome.failed += part.failed
            outcome.dead += part.dead
    retry_in = _settle(outcome)
    return DrainResult(claimed=len(events), done=len(outcome.done), retry_in=retry_in)


__all__ = ["AdapterError", "PermanentIngestionError", "inbound_events_drain_once", "inbound_events_process"]
