"""IMAP sync of e-mail accounts: new mail becomes stored inbound events, exactly like a
webhook delivery, and is processed by the same `webhooks` queue.

Ordering makes it lossless and duplicate-free: the events are inserted (keyed by Message-ID)
and the folder position is advanced in the same transaction, so a crash before the commit
fetches the same mails again and the unique key drops the ones already stored.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from atendo.connectors.adapters.email import envelope, mailbox_config, message_id_key
from atendo.connectors.events import InboundEventStored
from atendo.connectors.imap_sync import ImapAuthError, ImapError, SyncState, current_position, fetch_new
from atendo.connectors.models import ChannelAccount, ChannelKind, MailboxState
from atendo.connectors.services import inbound_event_store
from atendo.core.events import publish


def mailbox_start(account: ChannelAccount) -> MailboxState:
    """On activation: remember where the folder stands now, so only mail arriving from now on
    is imported (a mailbox with years of history does not flood the inbox)."""
    config = mailbox_config(json.loads(account.connector.credentials or "{}"))
    position = current_position(config)
    state, _created = MailboxState.objects.for_tenant(account.tenant_id).update_or_create(
        account=account,
        defaults={
            "tenant_id": account.tenant_id,
            "folder": config.folder,
            "uidvalidity": position.uidvalidity,
            "last_uid": position.last_uid,
            "connected_on": timezone.localdate(),
            "last_error": "",
            "failures": 0,
        },
    )
    return state


def _lock_key(account_id: object) -> int:
    return int.from_bytes(hashlib.blake2b(f"mailbox:{account_id}".encode(), digest_size=8).digest(), "big", signed=True)


@dataclass(frozen=True)
class SyncOutcome:
    fetched: int = 0
    stored: int = 0  # new events (a mail already stored is fetched but not stored again)
    more: bool = False  # the batch was full: more mail is waiting


def mailbox_sync(account_id: object) -> SyncOutcome:
    """Fetch new mail of one active e-mail account into stored events. One sync per mailbox
    at a time (a PostgreSQL advisory lock): a concurrent caller returns at once."""
    key = _lock_key(account_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        if not cursor.fetchone()[0]:
            return SyncOutcome()
    try:
        return _sync_locked(account_id)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def _sync_locked(account_id: object) -> SyncOutcome:
    account = (
        ChannelAccount.objects.unscoped()
        .select_related("connector")
        .filter(id=account_id, kind=ChannelKind.EMAIL, status=ChannelAccount.Status.ACTIVE)
        .first()
    )
    if account is None:
        return SyncOutcome()
    config = mailbox_config(json.loads(account.connector.credentials or "{}"))
    state = MailboxState.objects.for_tenant(account.tenant_id).filter(account=account).first()
    if state is None or state.folder != config.folder:
        mailbox_start(account)  # first sync, or the folder changed: start from now
        return SyncOutcome()
    try:
        mails, position, _resynced = fetch_new(
            config,
            SyncState(uidvalidity=state.uidvalidity, last_uid=state.last_uid),
            resync_since=state.connected_on,
            max_mails=settings.EMAIL_SYNC_BATCH,
        )
    except ImapAuthError as exc:
        # Wrong credentials do not fix themselves: the account shows the reason until an admin
        # updates the connector and activates it again.
        ChannelAccount.objects.for_tenant(account.tenant_id).filter(id=account.id).update(
            status=ChannelAccount.Status.ERROR, last_error=str(exc)[:2000], updated_at=timezone.now()
        )
        raise
    except ImapError as exc:
        MailboxState.objects.for_tenant(account.tenant_id).filter(id=state.id).update(
            last_error=str(exc)[:2000], failures=state.failures + 1
        )
        raise
    stored = 0
    with transaction.atomic():
        for mail in mails:
            event_id = inbound_event_store(
                tenant_id=account.tenant_id,
                connector_id=account.connector_id,
                event_key=message_id_key(mail.raw),
                body=envelope(account.external_id, mail.raw, max_bytes=settings.EMAIL_MAX_BYTES),
            )
            if event_id is not None:
                stored += 1
                publish(InboundEventStored(tenant_id=account.tenant_id, inbound_event_id=event_id))
        MailboxState.objects.for_tenant(account.tenant_id).filter(id=state.id).update(
            uidvalidity=position.uidvalidity,
            last_uid=position.last_uid,
            last_synced_at=timezone.now(),
            last_error="",
            failures=0,
        )
    return SyncOutcome(fetched=len(mails), stored=stored, more=len(mails) >= settings.EMAIL_SYNC_BATCH)


def active_mailbox_ids() -> list[str]:
    return [
        str(pk)
        for pk in ChannelAccount.objects.unscoped()
        .filter(kind=ChannelKind.EMAIL, status=ChannelAccount.Status.ACTIVE, tenant__status="active")
        .values_list("id", flat=True)
    ]
