"""imap_sync against a real Dovecot (see tests/dovecot.py). No database is used."""

from __future__ import annotations

import os
import threading
import time
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from atendo.connectors.imap_sync import (
    FetchedMail,
    ImapAuthError,
    ImapError,
    ImapUnavailable,
    MailboxConfig,
    SyncState,
    check_login,
    fetch_new,
    idle_wait,
)
from atendo.connectors.tests.dovecot import Dovecot, free_port
from atendo.connectors.tests.dovecot import dovecot as dovecot  # fixture (re-export form keeps F401/F811 quiet)

SUPPORT = "support@acme.test"
SALES = "sales@acme.test"
NEW = SyncState(uidvalidity=None, last_uid=0)


def _mail(subject: str, body: str = "hello", *, size: int = 0) -> bytes:
    msg = EmailMessage()
    msg["From"] = "customer@example.test"
    msg["To"] = SUPPORT
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="example.test")
    msg.set_content(body)
    if size:
        msg.add_attachment(os.urandom(size), maintype="application", subtype="octet-stream", filename="big.bin")
    return msg.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _subjects(mails: list[FetchedMail]) -> list[str]:
    out = []
    for m in mails:
        for line in m.raw.split(b"\r\n"):
            if line.startswith(b"Subject: "):
                out.append(line[len(b"Subject: ") :].decode())
    return out


def test_first_sync_returns_everything_then_only_new_then_nothing(dovecot: Dovecot) -> None:
    folder = dovecot.new_folder(SUPPORT)
    raws = [_mail(f"first {i}") for i in range(3)]
    for raw in raws:
        dovecot.append(SUPPORT, raw, folder)
    cfg = dovecot.config(SUPPORT, folder=folder)

    mails, state, resynced = fetch_new(cfg, NEW, batch=2)  # batch < count: several FETCH rounds
    assert resynced is True
    assert [m.raw for m in mails] == raws
    assert [m.uid for m in mails] == sorted(m.uid for m in mails)
    assert state.uidvalidity is not None
    assert state.last_uid == mails[-1].uid

    dovecot.append(SUPPORT, _mail("second a"), folder)
    dovecot.append(SUPPORT, _mail("second b"), folder)
    mails2, state2, resynced2 = fetch_new(cfg, state)
    assert resynced2 is False
    assert _subjects(mails2) == ["second a", "second b"]
    assert all(m.uid > state.last_uid for m in mails2)
    assert state2 == SyncState(uidvalidity=state.uidvalidity, last_uid=mails2[-1].uid)

    # Nothing new: `UID n:*` would still match the last message on the server; it must be filtered out.
    mails3, state3, resynced3 = fetch_new(cfg, state2)
    assert (mails3, state3, resynced3) == ([], state2, False)


def test_uid_search_star_quirk_is_filtered(dovecot: Dovecot) -> None:
    """Even with a state far beyond the server's UIDNEXT the last message is not returned again."""
    folder = dovecot.new_folder(SUPPORT)
    dovecot.append(SUPPORT, _mail("only"), folder)
    cfg = dovecot.config(SUPPORT, folder=folder)
    _, state, _ = fetch_new(cfg, NEW)
    ahead = SyncState(uidvalidity=state.uidvalidity, last_uid=state.last_uid + 50)
    assert fetch_new(cfg, ahead) == ([], ahead, False)


def test_empty_folder_first_sync(dovecot: Dovecot) -> None:
    folder = dovecot.new_folder(SUPPORT)
    mails, state, resynced = fetch_new(dovecot.config(SUPPORT, folder=folder), NEW)
    assert mails == []
    assert resynced is True
    assert state.last_uid == 0
    assert state.uidvalidity is not None


def test_uidvalidity_change_triggers_full_resync(dovecot: Dovecot) -> None:
    folder = dovecot.new_folder(SUPPORT)
    dovecot.append(SUPPORT, _mail("old 1"), folder)
    dovecot.append(SUPPORT, _mail("old 2"), folder)
    cfg = dovecot.config(SUPPORT, folder=folder)
    _, state, _ = fetch_new(cfg, NEW)

    dovecot.delete_folder(SUPPORT, folder)
    dovecot.create_folder(SUPPORT, folder)
    dovecot.append(SUPPORT, _mail("re 1"), folder)
    dovecot.append(SUPPORT, _mail("re 2"), folder)
    dovecot.append(SUPPORT, _mail("re 3"), folder)

    mails, new_state, resynced = fetch_new(cfg, state)
    assert resynced is True
    assert new_state.uidvalidity != state.uidvalidity
    # Recreated folder restarts at UID 1, i.e. below the stored last_uid: all of it must still come back.
    assert _subjects(mails) == ["re 1", "re 2", "re 3"]
    assert new_state.last_uid == mails[-1].uid


def test_state_from_another_folder_is_a_resync(dovecot: Dovecot) -> None:
    a = dovecot.new_folder(SUPPORT)
    b = dovecot.new_folder(SUPPORT)
    dovecot.append(SUPPORT, _mail("in a"), a)
    dovecot.append(SUPPORT, _mail("in b"), b)
    _, state_a, _ = fetch_new(dovecot.config(SUPPORT, folder=a), NEW)
    mails, state_b, resynced = fetch_new(dovecot.config(SUPPORT, folder=b), state_a)
    assert resynced is True
    assert _subjects(mails) == ["in b"]
    assert state_b.uidvalidity != state_a.uidvalidity


def test_messages_are_not_marked_seen(dovecot: Dovecot) -> None:
    folder = dovecot.new_folder(SUPPORT)
    dovecot.append(SUPPORT, _mail("unread 1"), folder)
    dovecot.append(SUPPORT, _mail("unread 2"), folder)
    mails, _, _ = fetch_new(dovecot.config(SUPPORT, folder=folder), NEW)
    assert len(mails) == 2
    flags = dovecot.flags(SUPPORT, folder)
    assert set(flags) == {m.uid for m in mails}
    assert all(b"\\Seen" not in item for item in flags.values()), flags


def test_inbox_and_users_are_separate(dovecot: Dovecot) -> None:
    raw = _mail("for sales")
    dovecot.append(SALES, raw)  # default folder INBOX
    mails, _, _ = fetch_new(dovecot.config(SALES), NEW)
    assert raw in [m.raw for m in mails]
    support_mails, _, _ = fetch_new(dovecot.config(SUPPORT), NEW)
    assert raw not in [m.raw for m in support_mails]


def test_large_message_fetched_intact(dovecot: Dovecot) -> None:
    folder = dovecot.new_folder(SUPPORT)
    raw = _mail("big", size=3 * 1024 * 1024)
    assert len(raw) > 3 * 1024 * 1024
    dovecot.append(SUPPORT, raw, folder)
    mails, _, _ = fetch_new(dovecot.config(SUPPORT, folder=folder), NEW)
    assert len(mails) == 1
    assert mails[0].raw == raw


def test_bad_password_is_auth_error(dovecot: Dovecot) -> None:
    cfg = dovecot.config(SUPPORT, password="wrong")
    with pytest.raises(ImapAuthError, match=r"login rejected for 'support@acme\.test'"):
        fetch_new(cfg, NEW)
    with pytest.raises(ImapAuthError):
        check_login(cfg)
    assert "wrong" not in repr(cfg)  # password is kept out of reprs/logs


def test_unknown_user_is_auth_error(dovecot: Dovecot) -> None:
    cfg = MailboxConfig(host=dovecot.host, port=dovecot.port, username="nobody@acme.test", password="x")
    with pytest.raises(ImapAuthError):
        check_login(cfg)


def test_check_login_ok_and_missing_folder(dovecot: Dovecot) -> None:
    check_login(dovecot.config(SUPPORT))
    with pytest.raises(ImapError, match="NoSuchFolder") as info:
        check_login(dovecot.config(SUPPORT, folder="NoSuchFolder"))
    assert not isinstance(info.value, (ImapAuthError, ImapUnavailable))


def test_closed_port_is_unavailable() -> None:
    cfg = MailboxConfig(host="127.0.0.1", port=free_port(), username=SUPPORT, password="secret", timeout_s=3)
    with pytest.raises(ImapUnavailable):
        fetch_new(cfg, NEW)
    with pytest.raises(ImapUnavailable):
        check_login(cfg)


def test_silent_server_times_out_as_unavailable() -> None:
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)  # accepts the TCP handshake but never sends a greeting
        cfg = MailboxConfig(
            host="127.0.0.1", port=listener.getsockname()[1], username=SUPPORT, password="secret", timeout_s=0.5
        )
        started = time.monotonic()
        with pytest.raises(ImapUnavailable):
            check_login(cfg)
        assert time.monotonic() - started < 5


def test_starttls_required_but_not_offered(dovecot: Dovecot) -> None:
    """ssl = no on the test server: starttls=True must fail instead of silently sending the password in clear."""
    base = dovecot.config(SUPPORT)
    cfg = MailboxConfig(host=base.host, port=base.port, username=base.username, password=base.password, starttls=True)
    with pytest.raises(ImapError, match="STARTTLS") as info:
        check_login(cfg)
    assert not isinstance(info.value, ImapAuthError)


def test_idle_wait_wakes_on_new_mail_and_times_out(dovecot: Dovecot) -> None:
    folder = dovecot.new_folder(SUPPORT)
    cfg = dovecot.config(SUPPORT, folder=folder)
    _, state, _ = fetch_new(cfg, NEW)

    started = time.monotonic()
    assert idle_wait(cfg, 1.0, state=state) is False
    assert 0.9 <= time.monotonic() - started < 5

    timer = threading.Timer(0.5, dovecot.append, args=(SUPPORT, _mail("wake up"), folder))
    timer.start()
    try:
        started = time.monotonic()
        assert idle_wait(cfg, 15.0, state=state) is True
        assert time.monotonic() - started < 10
    finally:
        timer.join()

    # Mail that arrived before the wait started is reported at once (no lost wake-up).
    assert idle_wait(cfg, 15.0, state=state) is True
    mails, _, _ = fetch_new(cfg, state)
    assert _subjects(mails) == ["wake up"]


def test_idle_wait_without_idle_capability_polls(dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch) -> None:
    from imapclient import IMAPClient

    from atendo.connectors import imap_sync

    real = IMAPClient.has_capability
    monkeypatch.setattr(IMAPClient, "has_capability", lambda self, cap: cap.upper() != "IDLE" and real(self, cap))
    monkeypatch.setattr(imap_sync, "_NOOP_POLL_S", 0.2)
    folder = dovecot.new_folder(SUPPORT)
    cfg = dovecot.config(SUPPORT, folder=folder)
    _, state, _ = fetch_new(cfg, NEW)
    assert idle_wait(cfg, 0.5, state=state) is False
    timer = threading.Timer(0.3, dovecot.append, args=(SUPPORT, _mail("polled"), folder))
    timer.start()
    try:
        assert idle_wait(cfg, 10.0, state=state) is True
    finally:
        timer.join()
