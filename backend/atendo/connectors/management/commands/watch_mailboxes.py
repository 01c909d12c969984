"""`manage.py watch_mailboxes`: IMAP IDLE watcher for every active e-mail account (run by
`make run`; in production one instance per deployment is enough, more are harmless)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand

from atendo.connectors.watcher import MailboxWatcher


class Command(BaseCommand):
    help = "Wait in IMAP IDLE on every active mailbox and sync as soon as mail arrives."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--idle-seconds", type=float, default=300.0)
        parser.add_argument("--refresh-seconds", type=float, default=30.0)

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        MailboxWatcher(idle_seconds=options["idle_seconds"], refresh_seconds=options["refresh_seconds"]).run(stop)
