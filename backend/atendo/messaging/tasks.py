"""Celery entry points of messaging: outbound delivery through the channel adapter (ids in,
idempotent, retried with backoff), ingestion of stored provider events, attachment scans."""

from __future__ import annotations

import contextlib
import logging
import math
import os
import threading
import time
from collections.abc import Callable
from typing import Any

import redis
from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.utils.translation import gettext as _

from atendo.connectors.adapters import AdapterError, get_adapter
from atendo.core.events import publish
from atendo.core.tasks import backoff_seconds
from atendo.messaging.events import MessageUpdated
from atendo.messaging.models import DeliveryStatus, Message, MessageAttachment
from atendo.messaging.services.messages import message_claim_send, message_release_send, message_update_delivery
from atendo.messaging.services.outbound import AttachmentsNotReady, outbound_message_for

logger = logging.getLogger(__name__)


@shared_task(bind=True, queue="default", acks_late=True, max_retries=8)
def deliver_message(self, message_id: str) -> None:  # type: ignore[no-untyped-def]
    """Send a queued reply through its account's adapter. 5xx/429/network errors retry with
    backoff (or the provider's retry_after); 4xx refusals mark the message failed with the
    provider's reason for the agent to see."""
    message = (
        Message.objects.unscoped()
        .select_related("conversation__contact", "account__connector", "author")
        .filter(id=message_id)
        .first()
    )
    if message is None or message.delivery_status != DeliveryStatus.QUEUED:
        return  # gone, or already handled by an earlier delivery of this task
    account = message.account
    try:
        outbound = outbound_message_for(message)
    except AttachmentsNotReady as exc:
        raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc
    adapter = get_adapter(account.kind)
    if not message_claim_send(message) and not getattr(adapter, "idempotent_sends", False):
        # A worker died while handing this reply to the provider: it may or may not be with the
        # customer. Sending again could duplicate it, so the agent decides (retry action).
        message_update_delivery(
            message=message,
            status=DeliveryStatus.FAILED,
            error_code="delivery_unknown",
            error_message=_("Sending was interrupted; check with the customer before sending it again."),
        )
        return
    try:
        result = adapter.send(account, outbound)
    except AdapterError as exc:
        message_release_send(message)
        if exc.retryable and self.request.retries < self.max_retries:
            countdown = exc.retry_after if exc.retry_after is not None else backoff_seconds(self.request.retries)
            raise self.retry(exc=exc, countdown=countdown) from exc
        message_update_delivery(
            message=message,
            status=DeliveryStatus.FAILED,
            error_code=exc.code or "provider_error",
            error_message=exc.message,
        )
        return
    message_release_send(message)
    if result.status == DeliveryStatus.FAILED and result.retryable and self.request.retries < self.max_retries:
        raise self.retry(countdown=backoff_seconds(self.request.retries))
    message_update_delivery(
        message=message,
        status=result.status,
        provider_message_id=result.provider_message_id,
        error_code=result.error_code,
        error_message=result.error_message,
    )


# --- ingestion of stored provider events ------------------------------------------------------
# The event is stored before any of this runs and the sweeper wakes the workers for anything
# left pending, so a broker outage must cost an acknowledgement milliseconds, not Celery's
# default reconnect back-off (~0.6 s per webhook, measured).
FAST_FAIL_PUBLISH = {"max_retries": 1, "interval_start": 0, "interval_step": 0, "interval_max": 0}
# Set while a drain task is queued but not started: events stored meanwhile need no task of
# their own (the drain claims every due event when it starts). Expires so that a drain lost
# with a restarted broker blocks nothing for long.
WAKE_FLAG = "ingestion:drain-queued"
WAKE_FLAG_SECONDS = 1
_wake_redis: redis.Redis | None = None


def _wake_client() -> redis.Redis:
    """One client per process (its pool is thread-safe and fork-aware). Django's cache builds a
    client per call, which cost more than the webhook's INSERT (measured)."""
    global _wake_redis
    if _wake_redis is None:
        _wake_redis = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5)
    return _wake_redis


def _wake_key() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:{WAKE_FLAG}"


# A drain hands over to a fresh task after this long, so other tasks of the queue get a turn.
DRAIN_SECONDS = 5
# Under a steady stream each claim finds a few events, stored while the batch before ran: a drain
# keeps claiming until one finds none, for up to this long, rather than ending after every small
# batch (a task per batch cost the worker more CPU than the batch: dispatch, ack, wake-up, and the
# wait for a free child). Short, so that the tasks of the other queues wait little.
DRAIN_LINGER_SECONDS = 0.1


def _publish_drain(**options: Any) -> bool:
    from kombu.exceptions import OperationalError

    try:
        drain_inbound_events.apply_async(retry_policy=FAST_FAIL_PUBLISH, **options)
    except OperationalError as exc:
        logger.warning("broker unavailable; stored events wait for the sweeper: %s", exc)
        return False
    return True


def ingestion_wake() -> None:
    """Make sure a drain task will see the events stored so far: publish one unless one is
    already queued and not yet started. Costs a Redis SET NX on the webhook path; a Celery
    publish only when the workers are idle or busy with an earlier drain."""
    try:
        queued = not _wake_client().set(_wake_key(), 1, nx=True, px=WAKE_FLAG_SECONDS * 1000)
    except redis.RedisError as exc:  # Redis down: the broker likely too; try, then leave it to the sweeper
        logger.warning("wake flag unavailable: %s", exc)
        queued = False
    if not queued and not _publish_drain():
        with contextlib.suppress(redis.RedisError):
            _wake_client().delete(_wake_key())  # let the next stored event try again


class WakeThrottle:
    """Calls `wake` at most once per `interval` seconds in this process, and never leaves an
    event without a call after it: the first request of a quiet spell calls at once (leading
    edge); requests during the interval are covered by one more call when it ends (trailing
    edge, from a daemon thread). A wake covers every event stored before it runs, so each event
    is followed by a wake within `interval`. `interval` <= 0 calls every time, inline."""

    _start_lock = threading.Lock()

    def __init__(self, wake: Callable[[], None], interval: float) -> None:
        self.wake = wake
        self.interval = interval
        self._pid: int | None = None

    def _start(self) -> None:
        """State and thread of this process (threads and held locks do not survive a fork)."""
        with self._start_lock:
            if self._pid == os.getpid():
                return
            self._lock = threading.Lock()
            self._due = threading.Condition(self._lock)
            self._last = -math.inf
            self._pending = False
            threading.Thread(target=self._trailing, name="atendo-ingestion-wake", daemon=True).start()
            self._pid = os.getpid()

    def __call__(self) -> None:
        if self.interval <= 0:
            self.wake()
            return
        if self._pid != os.getpid():
            self._start()
        now = time.monotonic()
        with self._lock:
            if self._pending:
                return
            if now - self._last < self.interval:
                self._pending = True
                self._due.notify()
                return
            self._last = now
        self._call()

    def _trailing(self) -> None:
        while True:
            with self._lock:
                while not self._pending:
                    self._due.wait()
                delay = self._last + self.interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            with self._lock:
                # Cleared before the call: a request from now on needs (and schedules) another.
                self._pending = False
                self._last = time.monotonic()
            self._call()

    def _call(self) -> None:
        try:
            self.wake()
        except Exception:  # the sweeper is the safety net
            logger.exception("ingestion wake-up failed")


_throttled_wake: WakeThrottle | None = None


def ingestion_wake_soon() -> None:
    """What the webhook path calls after storing an event: `ingestion_wake`, throttled per
    process (INGESTION_WAKE_INTERVAL_MS), so a burst of webhooks costs a few Redis round trips
    instead of one each."""
    global _throttled_wake
    if _throttled_wake is None:
        _throttled_wake = WakeThrottle(ingestion_wake, settings.INGESTION_WAKE_INTERVAL_MS / 1000)
    _throttled_wake()


def _wake_started() -> None:
    """A drain starts: events stored from now on must queue another one."""
    try:
        _wake_client().delete(_wake_key())
    except redis.RedisError as exc:
        logger.warning("wake flag unavailable: %s", exc)


# A drain starting within this long of the previous one's end skips CONN_HEALTH_CHECKS' `SELECT 1`
# (a round trip, ~1/12 of a small batch's): its connection answered moments ago.
CONNECTION_PROVEN_SECONDS = 1.0
_connection_proven_at = -math.inf


def _skip_health_check_if_proven() -> bool:
    db: Any = connection
    if db.connection is None or time.monotonic() - _connection_proven_at > CONNECTION_PROVEN_SECONDS:
        return False
    db.health_check_done = True
    return True


@shared_task(bind=True, queue="webhooks", acks_late=True, reject_on_worker_lost=True, max_retries=None)
def drain_inbound_events(self) -> int:  # type: ignore[no-untyped-def]
    """Process due stored events in batches until none is left (or DRAIN_SECONDS passed: then
    a fresh task continues). A full batch wakes another drain, so idle workers join in; after a
    partial one the drain claims again while DRAIN_LINGER_SECONDS have not passed."""
    global _connection_proven_at
    from atendo.messaging.ingestion import inbound_events_drain_once

    _wake_started()
    unchecked = _skip_health_check_if_proven()
    limit = settings.INBOUND_BATCH_SIZE
    started = time.monotonic()
    processed = 0
    retry_in: float | None = None
    while True:
        try:
            result = inbound_events_drain_once(limit=limit)
        except (InterfaceError, OperationalError):
            if not unchecked:
                raise
            # The unchecked connection had died after all (a database restart): its first
            # statement failed before anything was claimed. Once more on a new connection.
            unchecked = False
            connection.close()
            continue
        unchecked = False
        processed += result.done
        if result.retry_in is not None:
            retry_in = result.retry_in if retry_in is None else min(retry_in, result.retry_in)
        if result.claimed < limit:
            if result.claimed == 0 or time.monotonic() - started >= DRAIN_LINGER_SECONDS:
                break
            # Claim again: nothing is lost when this drain ends instead, as the flag was let go when
            # it started (events stored since then woke, or found queued, a drain of their own).
            continue
        if time.monotonic() - started >= DRAIN_SECONDS:
            _publish_drain()  # more is waiting: continue in a fresh task
            break
        ingestion_wake()
    if retry_in is not None:
        _publish_drain(countdown=retry_in)  # the sweeper is the safety net if this one is lost
    _connection_proven_at = time.monotonic()
    return processed


@shared_task(bind=True, queue="webhooks", acks_late=True, reject_on_worker_lost=True, max_retries=None)
def process_inbound_event(self, event_id: int) -> None:  # type: ignore[no-untyped-def]
    """Process one stored event now if it is due (tasks queued by earlier releases). Attempts
    are counted in the row (a crash counts too); failures wait 2^n s and end in a dead letter."""
    from atendo.messaging.ingestion import inbound_events_drain_once

    result = inbound_events_drain_once(limit=1, event_id=event_id)
    if result.retry_in is not None:
        _publish_drain(countdown=result.retry_in)


@shared_task(queue="webhooks")
def sweep_inbound_events() -> int:
    """Every minute (beat): hand back the claims of workers that died mid-batch (kill -9, a
    lost host) and wake the workers when stored events have waited past the grace period (their
    wake-up was lost with a restarted broker). Returns how many events were overdue. Double
    wake-ups are harmless: claims are exclusive and processing is idempotent."""
    from atendo.connectors.services import inbound_events_overdue, inbound_events_release_stale

    grace = settings.INBOUND_SWEEP_GRACE_SECONDS
    inbound_events_release_stale(grace_seconds=grace)
    overdue = inbound_events_overdue(grace_seconds=grace)
    if overdue:
        _publish_drain()
    return overdue


@shared_task(bind=True, queue="default", acks_late=True, max_retries=20)
def scan_attachment(self, attachment_id: str) -> None:  # type: ignore[no-untyped-def]
    """clamd INSTREAM. Clean files become downloadable; infected ones are quarantined (the
    stored object is deleted, the row keeps the signature for the agent); with clamd down the
    file stays pending and the scan retries with backoff: never served unscanned."""
    from atendo.core.storage import delete_stored, open_stored
    from atendo.core.storage.antivirus import ScannerUnavailable, scan

    attachment = MessageAttachment.objects.unscoped().select_related("message").filter(id=attachment_id).first()
    if attachment is None or attachment.scan_status != MessageAttachment.Scan.PENDING:
        return
    try:
        with open_stored(attachment.storage_key) as stream:
            result = scan(stream)
    except ScannerUnavailable as exc:
        raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc
    if result.clean:
        status, signature = MessageAttachment.Scan.CLEAN, ""
    else:
        status, signature = MessageAttachment.Scan.INFECTED, result.signature[:200]
        delete_stored(attachment.storage_key)
    MessageAttachment.objects.unscoped().filter(id=attachment.id).update(scan_status=status, scan_signature=signature)
    publish(
        MessageUpdated(
            tenant_id=attachment.tenant_id,
            conversation_id=attachment.message.conversation_id,
            message_id=attachment.message_id,
        )
    )
