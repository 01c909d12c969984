"""Incremental IMAP fetching for e-mail channels (connector level: no Django models here).

The caller keeps a :class:`SyncState` per mailbox and calls :func:`fetch_new` periodically (or after
:func:`idle_wait` reports activity). The mailbox is only ever opened read-only and bodies are read
with ``BODY.PEEK[]``, so the customer's mailbox is never modified (no ``\\Seen`` flags, no moves).

Resync contract: when the folder's UIDVALIDITY differs from the stored one (or no state was stored
yet), every message in the folder is returned with ``resynced=True``; the caller must dedupe by
Message-ID because previously ingested mails come back under new UIDs.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

__all__ = [
    "FetchedMail",
    "ImapAuthError",
    "ImapError",
    "ImapUnavailable",
    "MailboxConfig",
    "SyncState",
    "check_login",
    "current_position",
    "fetch_new",
    "idle_wait",
]

# RFC 2177: clients should re-issue IDLE at least every 29 minutes; stay well below.
_IDLE_SEGMENT_S = 25 * 60
# Poll interval for servers that do not advertise IDLE.
_NOOP_POLL_S = 5.0
_MAX_UID = 2**32 - 1


@dataclass(frozen=True)
class MailboxConfig:
    host: str
    port: int
    username: str
    password: str = field(repr=False)
    folder: str = "INBOX"
    use_ssl: bool = False
    starttls: bool = False
    timeout_s: float = 30.0


@dataclass(frozen=True)
class SyncState:
    uidvalidity: int | None
    last_uid: int

    @classmethod
    def initial(cls) -> SyncState:
        return cls(uidvalidity=None, last_uid=0)


@dataclass(frozen=True)
class FetchedMail:
    uid: int
    raw: bytes = field(repr=False)


class ImapError(Exception):
    """Any IMAP failure that is not known to be transient (bad folder, protocol error, TLS misconfiguration)."""


class ImapAuthError(ImapError):
    """The server rejected the credentials. Not retryable until the account is reconfigured."""


class ImapUnavailable(ImapError):
    """Network failure, timeout, dropped connection or temporary server-side failure. Retryable."""


def fetch_new(
    config: MailboxConfig,
    state: SyncState,
    *,
    batch: int = 200,
    resync_since: date | None = None,
    max_mails: int | None = None,
) -> tuple[list[FetchedMail], SyncState, bool]:
    """Return ``(mails sorted by uid, new state, resynced)`` for ``config.folder``. A resync
    reads the whole folder, or only mail received since ``resync_since`` (IMAP SINCE: whole
    days) so an old mailbox's history is not imported when its UIDVALIDITY changes. With
    ``max_mails`` only the oldest that many are read; the returned state continues after them."""
    if batch < 1:
        raise ValueError("batch must be >= 1")
    with _session(config) as client:
        uidvalidity, uidnext = _examine(client, config.folder)
        resynced = state.uidvalidity is None or state.uidvalidity != uidvalidity
        if resynced:
            criteria: list[Any] = ["SINCE", resync_since] if resync_since else ["ALL"]
            uids = sorted(int(u) for u in client.search(criteria))
            floor = 0
        else:
            floor = state.last_uid
            if floor >= _MAX_UID or (uidnext is not None and uidnext <= floor + 1):
                uids = []
            else:
                # `n:*` always matches the highest UID even when n > max uid (RFC 3501 6.4.8): filter.
                found = client.search(["UID", f"{floor + 1}:*"])
                uids = sorted(u for u in (int(x) for x in found) if u > floor)
        if max_mails is not None:
            uids = uids[:max_mails]
        mails: list[FetchedMail] = []
        for chunk in _chunks(uids, batch):
            response = client.fetch(chunk, ["BODY.PEEK[]"])
            for uid, data in response.items():
                raw = data.get(b"BODY[]")
                if raw is None:  # expunged between SEARCH and FETCH
                    continue
                mails.append(FetchedMail(uid=int(uid), raw=bytes(raw)))
    mails.sort(key=lambda m: m.uid)
    # The highest UID read, even if it was expunged before FETCH: it is not coming back.
    last_uid = max(uids, default=floor)
    return mails, SyncState(uidvalidity=uidvalidity, last_uid=last_uid), resynced


def current_position(config: MailboxConfig) -> SyncState:
    """The folder's state as of now (UIDVALIDITY, highest UID so far): a mailbox connected
    today starts from here instead of importing its whole history."""
    with _session(config) as client:
        uidvalidity, uidnext = _examine(client, config.folder)
        if uidnext is not None:
            return SyncState(uidvalidity=uidvalidity, last_uid=max(0, uidnext - 1))
        uids = [int(u) for u in client.search(["ALL"])]
        return SyncState(uidvalidity=uidvalidity, last_uid=max(uids, default=0))


def check_login(config: MailboxConfig) -> None:
    """Connect, authenticate and open the configured folder read-only (account activation check)."""
    with _session(config) as client:
        _examine(client, config.folder)


def idle_wait(config: MailboxConfig, timeout_s: float, *, state: SyncState | None = None) -> bool:
    """Block until the folder reports new mail (True) or ``timeout_s`` passes (False).

    Uses IDLE when the server advertises it, otherwise polls with NOOP. When ``state`` is given and the
    folder already holds mail beyond it (or its UIDVALIDITY changed), returns True at once, which closes
    the race between the last :func:`fetch_new` and the start of the wait.
    """
    deadline = time.monotonic() + max(0.0, timeout_s)
    with _session(config) as client:
        uidvalidity, uidnext = _examine(client, config.folder)
        if state is not None and (
            state.uidvalidity != uidvalidity or (uidnext is not None and uidnext > state.last_uid + 1)
        ):
            return True
        if client.has_capability("IDLE"):
            return _idle_until(client, deadline)
        return _noop_until(client, deadline)


# --- internals -------------------------------------------------------------------------------------------


def _idle_until(client: Any, deadline: float) -> bool:
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        client.idle()
        try:
            responses = client.idle_check(timeout=min(remaining, _IDLE_SEGMENT_S))
        finally:
            client.idle_done()
        if _has_new_mail(responses):
            return True


def _noop_until(client: Any, deadline: float) -> bool:
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        time.sleep(min(remaining, _NOOP_POLL_S))
        _typ, responses = client.noop()
        if _has_new_mail(responses):
            return True


def _has_new_mail(responses: Sequence[Any]) -> bool:
    return any(isinstance(r, tuple) and len(r) >= 2 and r[1] in (b"EXISTS", b"RECENT") for r in responses)


def _examine(client: Any, folder: str) -> tuple[int, int | None]:
    """SELECT the folder read-only (EXAMINE); return (UIDVALIDITY, UIDNEXT or None)."""
    info = client.select_folder(folder, readonly=True)
    uidvalidity = info.get(b"UIDVALIDITY")
    uidnext = info.get(b"UIDNEXT")
    if uidvalidity is None:  # RFC 3501 requires it in the SELECT response, but be lenient
        status = client.folder_status(folder, [b"UIDVALIDITY", b"UIDNEXT"])
        uidvalidity = status.get(b"UIDVALIDITY")
        uidnext = status.get(b"UIDNEXT", uidnext)
    if uidvalidity is None:
        raise ImapError(f"IMAP server did not report UIDVALIDITY for folder {folder!r}")
    return int(uidvalidity), (int(uidnext) if uidnext is not None else None)


def _chunks(items: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _where(config: MailboxConfig) -> str:
    return f"{config.host}:{config.port}"


@contextmanager
def _session(config: MailboxConfig) -> Iterator[Any]:
    """A logged-in client; every library/network error is translated into the ImapError hierarchy."""
    where = _where(config)
    client: Any = None
    try:
        ssl_context = ssl.create_default_context() if (config.use_ssl or config.starttls) else None
        client = IMAPClient(
            config.host,
            port=config.port,
            ssl=config.use_ssl,
            ssl_context=ssl_context,
            timeout=config.timeout_s,
        )
        if config.starttls and not config.use_ssl:
            if not client.has_capability("STARTTLS"):
                raise ImapError(f"IMAP server {where} does not offer STARTTLS")
            client.starttls(ssl_context)
        try:
            client.login(config.username, config.password)
        except LoginError as exc:
            text = str(exc)
            if "[UNAVAILABLE]" in text.upper():
                raise ImapUnavailable(f"IMAP server {where} has a temporary authentication failure: {text}") from exc
            raise ImapAuthError(
                f"IMAP login rejected for {config.username!r} on {where} (check username/password): {text}"
            ) from exc
        yield client
    except ImapError:
        raise
    except ssl.SSLCertVerificationError as exc:
        raise ImapError(f"TLS certificate verification failed for IMAP server {where}: {exc}") from exc
    except TimeoutError as exc:
        raise ImapUnavailable(f"IMAP server {where} timed out: {exc}") from exc
    except IMAPClientAbortError as exc:
        raise ImapUnavailable(f"IMAP connection to {where} was dropped: {exc}") from exc
    except OSError as exc:  # refused, unreachable, DNS failure, reset, TLS handshake failures
        raise ImapUnavailable(f"IMAP server {where} is unreachable: {exc}") from exc
    except IMAPClientError as exc:
        raise ImapError(f"IMAP error on {where} ({config.folder!r}): {exc}") from exc
    finally:
        if client is not None:
            _close_quietly(client)


def _close_quietly(client: Any) -> None:
    try:
        client.logout()
    except (IMAPClientError, OSError):
        with suppress(IMAPClientError, OSError):
            client.shutdown()
