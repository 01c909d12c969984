"""Antivirus through clamd's INSTREAM protocol (optional: CLAMAV_URL=tcp://host:port).

`zINSTREAM\\0`, then chunks each prefixed by a 4-byte big-endian length, then a zero-length
chunk; clamd answers `stream: OK` or `stream: <signature> FOUND`.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import IO
from urllib.parse import urlsplit

from django.conf import settings

CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    """clamd could not be reached or answered nonsense: the file stays pending (never served)."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""


def scanning_enabled() -> bool:
    return bool(settings.CLAMAV_URL)


def scan(fileobj: IO[bytes]) -> ScanResult:
    parts = urlsplit(settings.CLAMAV_URL)
    if parts.scheme != "tcp" or not parts.hostname or not parts.port:
        raise ScannerUnavailable(f"CLAMAV_URL must look like tcp://host:port, not {settings.CLAMAV_URL!r}")
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=settings.CLAMAV_TIMEOUT_SECONDS) as sock:
            sock.sendall(b"zINSTREAM\0")
            while chunk := fileobj.read(CHUNK):
                sock.sendall(struct.pack(">I", len(chunk)) + chunk)
            sock.sendall(struct.pack(">I", 0))
            reply = b""
            while not reply.endswith(b"\0") and (data := sock.recv(4096)):
                reply += data
    except OSError as exc:
        raise ScannerUnavailable(f"clamd unreachable: {exc}") from exc
    answer = reply.rstrip(b"\0").decode(errors="replace").strip()
    if answer.endswith("OK"):
        return ScanResult(clean=True)
    if answer.endswith("FOUND"):
        return ScanResult(clean=False, signature=answer.removeprefix("stream:").removesuffix("FOUND").strip())
    raise ScannerUnavailable(f"clamd answered {answer!r}")
