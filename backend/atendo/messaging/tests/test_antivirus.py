"""Attachments and a real clamd loaded with only a test signature (no download needed)."""

from __future__ import annotations

import hashlib
import io
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from atendo.core.storage.antivirus import ScannerUnavailable, scan
from atendo.messaging.models import MessageAttachment
from atendo.messaging.tests.factories import webchat_account

pytestmark = pytest.mark.django_db
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def clamd(tmp_path_factory) -> Iterator[str]:
    binary = shutil.which("clamd") or "/usr/sbin/clamd"
    root = tmp_path_factory.mktemp("clamd")
    (root / "db").mkdir()
    (root / "db" / "test.hdb").write_text(f"{hashlib.md5(EICAR).hexdigest()}:{len(EICAR)}:Atendo.Test.EICAR\n")  # noqa: S324
    port = _free_port()
    (root / "clamd.conf").write_text(
        f"DatabaseDirectory {root / 'db'}\nTCPSocket {port}\nTCPAddr 127.0.0.1\nForeground yes\nUser root\n"
        f"LogFile {root / 'clamd.log'}\nPidFile {root / 'clamd.pid'}\nLocalSocket {root / 'clamd.sock'}\n"
    )
    process = subprocess.Popen(
        [binary, "-c", str(root / "clamd.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"zPING\0")
                if sock.recv(16).startswith(b"PONG"):
                    break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError(
            f"clamd did not start: {(root / 'clamd.log').read_text() if (root / 'clamd.log').exists() else ''}"
        )
    yield f"tcp://127.0.0.1:{port}"
    process.terminate()
    process.wait(10)


def upload(anon, widget, name: str, content: bytes):
    base = f"/api/v1/widget/{widget.external_id}"
    token = anon.post(f"{base}/sessions", {}).json()["session_token"]
    file = io.BytesIO(content)
    file.name = name
    return anon.client.post(f"{base}/messages", {"file": file}, HTTP_X_VISITOR_SESSION=token)


def test_scanner_speaks_instream(clamd, settings):
    settings.CLAMAV_URL = clamd
    assert scan(io.BytesIO(b"hello")).clean
    infected = scan(io.BytesIO(EICAR))
    assert (infected.clean, infected.signature) == (False, "Atendo.Test.EICAR.UNOFFICIAL")


def test_infected_upload_is_quarantined_and_never_served(
    clamd, settings, anon, two_tenants, django_capture_on_commit_callbacks
):
    settings.CLAMAV_URL = clamd
    widget = webchat_account(two_tenants.a.tenant)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(anon, widget, "fatura.txt", EICAR)
    assert response.status_code == 201, response.json()
    assert response.json()["attachments"][0]["url"] is None  # pending at answer time
    attachment = MessageAttachment.objects.for_tenant(two_tenants.a.tenant).get()
    assert (attachment.scan_status, attachment.scan_signature) == ("infected", "Atendo.Test.EICAR.UNOFFICIAL")
    from atendo.core.storage import open_stored

    with pytest.raises(Exception):  # noqa: B017,PT011 - quarantined: the stored object is gone
        open_stored(attachment.storage_key).read()
    conversation_id = attachment.message.conversation_id
    detail = two_tenants.a.api("agent").get(f"/api/v1/conversations/{conversation_id}").json()
    shown = detail["messages"]["results"][0]["attachments"][0]
    assert (shown["scan_status"], shown["url"]) == ("infected", None)


def test_clean_upload_becomes_downloadable(clamd, settings, anon, two_tenants, django_capture_on_commit_callbacks):
    settings.CLAMAV_URL = clamd
    widget = webchat_account(two_tenants.a.tenant)
    with django_capture_on_commit_callbacks(execute=True):
        upload(anon, widget, "nota.txt", b"pedido 123, entregar amanha")
    attachment = MessageAttachment.objects.for_tenant(two_tenants.a.tenant).get()
    assert attachment.scan_status == "clean"
    conversation_id = attachment.message.conversation_id
    detail = two_tenants.a.api("agent").get(f"/api/v1/conversations/{conversation_id}").json()
    assert detail["messages"]["results"][0]["attachments"][0]["url"]


def test_clamd_down_keeps_the_file_pending_and_unserved(
    settings, anon, two_tenants, django_capture_on_commit_callbacks
):
    settings.CLAMAV_URL = f"tcp://127.0.0.1:{_free_port()}"  # nobody listens there
    widget = webchat_account(two_tenants.a.tenant)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(anon, widget, "nota.txt", b"hello")
    assert response.status_code == 201
    attachment = MessageAttachment.objects.for_tenant(two_tenants.a.tenant).get()
    assert attachment.scan_status == "pending"
    with pytest.raises(ScannerUnavailable):
        scan(io.BytesIO(b"x"))
    assert response.json()["attachments"][0]["url"] is None
