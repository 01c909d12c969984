"""Near-instant e-mail: one thread per active mailbox waits in IMAP IDLE (or polls with NOOP
where the server has no IDLE) and syncs the moment the server reports new mail. The periodic
beat sync still runs, so a watcher that is down only makes mail slower, never lost."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass

from django.db import close_old_connections

from atendo.connectors.adapters.email import mailbox_config
from atendo.connectors.imap_sync import ImapAuthError, ImapError, MailboxConfig, SyncState, idle_wait
from atendo.connectors.mailboxes import mailbox_sync
from atendo.connectors.models import ChannelAccount, ChannelKind, MailboxState
from atendo.core.tasks import backoff_seconds

logger = logging.getLogger(__name__)


@dataclass
class _Watch:
    thread: threading.Thread
    stop: threading.Event
    config: MailboxConfig


def _active_mailboxes() -> dict[str, MailboxConfig]:
    rows = (
        ChannelAccount.objects.unscoped()
        .filter(kind=ChannelKind.EMAIL, status=ChannelAccount.Status.ACTIVE, tenant__status="active")
        .select_related("connector")
    )
    return {str(row.id): mailbox_config(json.loads(row.connector.credentials or "{}")) for row in rows}


def _position(account_id: str) -> SyncState | None:
    state = MailboxState.objects.unscoped().filter(account_id=account_id).first()
    return SyncState(uidvalidity=state.uidvalidity, last_uid=state.last_uid) if state else None


def watch_mailbox(account_id: str, config: MailboxConfig, stop: threading.Event, *, idle_seconds: float) -> None:
    """Until `stop`: wait for new mail, then sync. Auth failures end the watch (the sync marks
    the account in error); other failures back off and try again."""
    failures = 0
    while not stop.is_set():
        try:
            if idle_wait(config, idle_seconds, state=_position(account_id)):
                outcome = mailbox_sync(account_id)
                if not outcome.fetched:
                    # Woken but nothing to read (expunged already, or another sync was
                    # running): pause so a folder that keeps saying "new" is not a busy loop.
                    stop.wait(5)
            failures = 0
        except ImapAuthError:
            logger.warning("mailbox %s: login rejected; watching stops until it is activated again", account_id)
            return
        except ImapError as exc:
            failures += 1
            logger.info("mailbox %s: %s (retrying)", account_id, exc)
            stop.wait(backoff_seconds(min(failures, 8)))
        finally:
            close_old_connections()


class MailboxWatcher:
    def __init__(self, *, idle_seconds: float = 300, refresh_seconds: float = 30) -> None:
        self.idle_seconds = idle_seconds
        self.refresh_seconds = refresh_seconds
        self.watches: dict[str, _Watch] = {}

    def refresh(self) -> None:
        """Start watching new or changed mailboxes; stop watching removed ones."""
        wanted = _active_mailboxes()
        close_old_connections()
        for account_id, watch in list(self.watches.items()):
            if wanted.get(account_id) != watch.config or not watch.thread.is_alive():
                watch.stop.set()
                del self.watches[account_id]
        for account_id, config in wanted.items():
            if account_id not in self.watches:
                stop = threading.Event()
                thread = threading.Thread(
                    target=watch_mailbox,
                    args=(account_id, config, stop),
                    kwargs={"idle_seconds": self.idle_seconds},
                    name=f"mailbox-{account_id}",
                    daemon=True,
                )
                self.watches[account_id] = _Watch(thread=thread, stop=stop, config=config)
                thread.start()

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self.refresh()
            stop.wait(self.refresh_seconds)
        self.close()

    def close(self) -> None:
        for watch in self.watches.values():
            watch.stop.set()
        self.watches.clear()


__all__ = ["MailboxWatcher", "watch_mailbox"]
