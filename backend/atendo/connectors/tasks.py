"""E-mail accounts are polled (IMAP has no webhooks): beat fans out one sync per mailbox."""

from __future__ import annotations

from celery import shared_task

from atendo.connectors.imap_sync import ImapAuthError, ImapError
from atendo.connectors.mailboxes import active_mailbox_ids, mailbox_sync
from atendo.core.tasks import backoff_seconds


@shared_task(queue="webhooks")
def sync_mailboxes() -> int:
    """Every EMAIL_SYNC_SECONDS (beat): one sync task per active mailbox."""
    ids = active_mailbox_ids()
    for account_id in ids:
        sync_mailbox.delay(account_id)
    return len(ids)


@shared_task(bind=True, queue="webhooks", acks_late=True, max_retries=5)
def sync_mailbox(self, account_id: str) -> int:  # type: ignore[no-untyped-def]
    """Store the new mail of one mailbox as inbound events. A server that is down is retried
    with backoff (the next beat tick tries again anyway); rejected credentials put the account
    in error and stop. A full batch continues at once with the next one."""
    try:
        outcome = mailbox_sync(account_id)
    except ImapAuthError:
        return 0
    except ImapError as exc:
        raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc
    if outcome.more:
        sync_mailbox.delay(account_id)
    return outcome.stored
