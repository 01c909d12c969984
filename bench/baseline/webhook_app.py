"""The bare webhook endpoint that bench/webhook_ack.py compares Atendo's with.

A WSGI app served by the same granian build and flags as the product (see the bench): it checks
the X-Hub-Signature-256 HMAC of the raw body, stores the body with one
INSERT … ON CONFLICT DO NOTHING (autocommit, one connection per server thread) and answers
200. No framework, no routing, no tenant or connector lookup, no event, no task.

Environment: BENCH_APP_SECRET, BENCH_BASELINE_CONNINFO (libpq), BENCH_BASELINE_TABLE.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

import psycopg

SECRET = os.environ["BENCH_APP_SECRET"].encode()
CONNINFO = os.environ["BENCH_BASELINE_CONNINFO"]
TABLE = os.environ.get("BENCH_BASELINE_TABLE", "bench_webhook_baseline")
INSERT = f"INSERT INTO {TABLE} (event_key, body, received_at) VALUES (%s, %s, now()) ON CONFLICT (event_key) DO NOTHING"
OK = b'{"ok":true}'
DENIED = b'{"code":"signature_invalid"}'
_local = threading.local()


def _connection() -> psycopg.Connection[Any]:
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = _local.conn = psycopg.connect(CONNINFO, autocommit=True)
    return conn


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, environ.get("HTTP_X_HUB_SIGNATURE_256", "")):
        start_response("401 Unauthorized", [("Content-Type", "application/json"), ("Content-Length", str(len(DENIED)))])
        return [DENIED]
    _connection().execute(INSERT, (hashlib.sha256(body).hexdigest(), body))
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(OK)))])
    return [OK]
