"""`run`, `exec` and `e2e`: what `make run` and `make test` call."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType

from devstack.services import (
    Services,
    create_database,
    flush_redis,
    free_port,
    port_is_free,
    with_database,
    with_redis_db,
)
from devstack.supervisor import Supervisor

BACKEND_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BACKEND_DIR.parent
BIN_DIR = Path(sys.executable).parent  # the virtualenv's bin/, not resolved on purpose

CELERY_APP = "atendo.config.celery:app"
CELERY_QUEUES = "default,webhooks,automations,analytics"
DEMO_LOGINS = ("owner@demo.atendo.local", "agent@demo.atendo.local")
# Overridable, so that two e2e runs sharing one PostgreSQL or Redis server do not collide.
E2E_DATABASE = os.environ.get("E2E_DATABASE") or "atendo_e2e"
E2E_REDIS_DB = int(os.environ.get("E2E_REDIS_DB") or 1)


class Stop(Exception):
    """Raised by the SIGTERM handler to unwind through `finally` blocks."""


def say(message: str) -> None:
    print(f"devstack| {message}", flush=True)


def var_dir() -> Path:
    return Path(os.environ.get("ATENDO_VAR_DIR") or PROJECT_DIR / "var").resolve()


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"devstack: {name} must be an integer, got {raw!r}") from None


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    def handler(signum: int, frame: FrameType | None) -> None:
        raise Stop

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def secret_key(var: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in var/secret_key."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = var / "secret_key"
    if not path.exists():
        var.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50) + "\n")
    path.chmod(0o600)
    return path.read_text().strip()


def base_env(services: Services, var: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(services.env)
    if services.embedded_redis:
        # The broker follows REDIS_URL; a CELERY_BROKER_URL left in the shell would point
        # the worker somewhere else than the embedded server.
        env.pop("CELERY_BROKER_URL", None)
    env.setdefault("DJANGO_SETTINGS_MODULE", "atendo.config.settings")
    env["SECRET_KEY"] = secret_key(var)
    env["PYTHONUNBUFFERED"] = "1"
    # BACKEND_DIR on the path so `atendo` imports from any cwd (e.g. pytest at the repo root).
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(BACKEND_DIR), env.get("PYTHONPATH", "")) if p)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BACKEND_DIR, env=env, check=True)


def _has_command(name: str) -> bool:
    return any((BACKEND_DIR / "atendo").glob(f"*/management/commands/{name}.py"))


def _messages_stale() -> bool:
    for po in BACKEND_DIR.joinpath("atendo").rglob("*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            return True
    return False


def prepare_database(env: dict[str, str]) -> None:
    """migrate, compilemessages (when a .po changed) and load_demo."""
    manage(env, "migrate", "--noinput", "-v", "1")
    if _messages_stale():
        if shutil.which("msgfmt"):
            manage(env, "compilemessages", "-v", "0")
        else:
            say("warning: msgfmt (apt package gettext) is missing; translations not compiled")
    if _has_command("load_demo"):
        manage(env, "load_demo")
    else:
        say("warning: no load_demo command yet; skipping demo data")


def server_argvs(*, port: int, ws_port: int, web_workers: int, concurrency: int, node: str) -> dict[str, list[str]]:
    argvs = {
        "web": [
            str(BIN_DIR / "granian"),
            "--interface",
            "wsgi",
            "atendo.config.wsgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(web_workers),
            # Django is synchronous: a few threads per worker, each holding one DB connection.
            "--blocking-threads",
            str(_int_env("WEB_THREADS", 8)),
            # granian's backpressure bounds the connections a worker serves, idle keep-alive ones
            # included, not the requests running: set to the thread count, a client or proxy
            # keeping more connections open than that got no answer on the others until one
            # closed (bench/end_to_end.py: POSTs timing out after 10 s). Requests beyond the
            # threads wait in granian's queue instead.
            "--backpressure",
            str(_int_env("WEB_BACKPRESSURE", 256)),
            "--access-log",
        ],
        "ws": [
            sys.executable,
            "-m",
            "uvicorn",
            "atendo.config.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(ws_port),
            "--lifespan",
            "off",
        ],
        "worker": [
            str(BIN_DIR / "celery"),
            "-A",
            CELERY_APP,
            "worker",
            "-Q",
            CELERY_QUEUES,
            "-l",
            "INFO",
            "--concurrency",
            str(concurrency),
            "-n",
            f"{node}@%h",
        ],
    }
    if not (BACKEND_DIR / "atendo" / "config" / "asgi.py").exists():
        say("warning: atendo/config/asgi.py does not exist yet; no websocket server")
        del argvs["ws"]
    return argvs


def wait_http(url: str, *, timeout: float, alive: Callable[[], bool]) -> int | None:
    """Poll ``url`` until it answers; return the status code (None on timeout / death)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            return None
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as error:
            return error.code
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    return None


def wait_ready(base_url: str, *, timeout: float, alive: Callable[[], bool]) -> bool:
    """Ready when GET /api/v1/health answers 200 (or 404 while that endpoint does not exist)."""
    status = wait_http(f"{base_url}/api/v1/health", timeout=timeout, alive=alive)
    if status == 404:
        say("warning: /api/v1/health answers 404; the server is up but has no health endpoint")
        return True
    while status is not None and status != 200 and alive():
        time.sleep(0.3)
        timeout -= 0.3
        if timeout <= 0:
            return False
        status = wait_http(f"{base_url}/api/v1/health", timeout=timeout, alive=alive)
    return status == 200


# --- run -------------------------------------------------------------------------------
def cmd_run() -> int:
    var = var_dir()
    port = _int_env("PORT", 8000)
    ws_port = _int_env("WS_PORT", port + 1)
    for name, value in (("PORT", port), ("WS_PORT", ws_port)):
        if not port_is_free(value):
            say(f"error: port {value} ({name}) is in use; set {name}=... to use another")
            return 1
    services = Services(var)
    supervisor: Supervisor | None = None
    stopping: list[int] = []
    code = 0
    with _sigterm_unwinds():
        try:
            say("starting data stores ...")
            services.start()
            env = base_env(services, var)
            env.setdefault("DEBUG", "true")
            env.setdefault("ATENDO_VAR_DIR", str(var))
            env.setdefault("APP_URL", f"http://127.0.0.1:{port}")
            env.setdefault("WEBSOCKET_URL", f"ws://127.0.0.1:{ws_port}")
            prepare_database(env)

            supervisor = Supervisor(env, cwd=str(BACKEND_DIR))
            argvs = server_argvs(
                port=port,
                ws_port=ws_port,
                web_workers=_int_env("WEB_WORKERS", 2),
                concurrency=_int_env("CELERY_CONCURRENCY", 2),
                node="worker",
            )
            argvs["beat"] = [
                str(BIN_DIR / "celery"),
                "-A",
                CELERY_APP,
                "beat",
                "-l",
                "INFO",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
                "-s",
                str(var / "run" / "celerybeat-schedule"),
            ]
            # IMAP IDLE on every connected mailbox (the beat sync is the safety net).
            argvs["mail"] = [str(BIN_DIR / "python"), "manage.py", "watch_mailboxes"]
            for name, argv in argvs.items():
                supervisor.spawn(name, argv)

            def on_signal(signum: int, frame: FrameType | None) -> None:
                stopping.append(signum)

            signal.signal(signal.SIGINT, on_signal)
            signal.signal(signal.SIGTERM, on_signal)

            sup = supervisor
            if wait_ready(env["APP_URL"], timeout=60, alive=lambda: not stopping and sup.exited() is None):
                banner(env, var)
            while not stopping:
                dead = supervisor.exited()
                if dead is not None:
                    assert dead.proc is not None
                    say(f"error: {dead.name} exited with code {dead.proc.returncode}; stopping everything")
                    code = 1
                    break
                time.sleep(0.2)
        except (KeyboardInterrupt, Stop):
            stopping.append(signal.SIGINT)
        except subprocess.CalledProcessError as error:
            say(f"error: {' '.join(map(str, error.cmd))} failed with code {error.returncode}")
            code = 1
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            say("stopping ...")
            if supervisor is not None:
                supervisor.stop()
            services.stop()
            say("stopped")
    return code


def banner(env: dict[str, str], var: Path) -> None:
    lines = [
        "",
        "Atendo is running",
        f"  web app + API   {env['APP_URL']}   (API docs: {env['APP_URL']}/api/docs/)",
        f"  websockets      {env['WEBSOCKET_URL']}",
        f"  e-mail          {var / 'mail'}/  (every mail is a .eml file there)",
        f"  demo login      open {env['APP_URL']}, enter {DEMO_LOGINS[0]} (or {DEMO_LOGINS[1]}),",
        "                  then open the newest file in the mail folder and follow its link",
        f"  database        {env['DATABASE_URL']}",
        f"  redis           {env['REDIS_URL']}",
        "  Ctrl-C stops everything.",
        "",
    ]
    print("\n".join(lines), flush=True)


# --- exec ------------------------------------------------------------------------------
def _run_foreground(argv: Sequence[str], env: dict[str, str], cwd: Path) -> int:
    """Run argv in our process group (it gets the terminal's Ctrl-C itself); return its code."""
    try:
        proc = subprocess.Popen(list(argv), env=env, cwd=cwd)
    except FileNotFoundError:
        say(f"error: command not found: {argv[0]}")
        return 127
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return proc.wait()
    except Stop:
        proc.terminate()
        try:
            return proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()
    finally:
        signal.signal(signal.SIGINT, previous)


def cmd_exec(argv: Sequence[str]) -> int:
    var = var_dir()
    services = Services(var)
    with _sigterm_unwinds():
        try:
            services.start()
            env = base_env(services, var)
            return _run_foreground(argv, env, Path.cwd())
        except (KeyboardInterrupt, Stop):
            return 130
        finally:
            services.stop()


# --- e2e -------------------------------------------------------------------------------
def cmd_e2e(argv: Sequence[str]) -> int:
    var = var_dir()
    e2e_var = var / "e2e"
    mail_dir = e2e_var / "mail"
    services = Services(var)
    supervisor: Supervisor | None = None
    log_path = e2e_var / "servers.log"
    report_path = e2e_var / "failures.txt"
    with _sigterm_unwinds():
        try:
            shutil.rmtree(mail_dir, ignore_errors=True)
            mail_dir.mkdir(parents=True)
            services.start()
            env = base_env(services, var)
            env["DATABASE_URL"] = with_database(services.env["DATABASE_URL"], E2E_DATABASE)
            create_database(env["DATABASE_URL"], drop_first=True)
            if services.embedded_redis:
                env["REDIS_URL"] = with_redis_db(services.env["REDIS_URL"], E2E_REDIS_DB)
                flush_redis(env["REDIS_URL"])
            # A prefix per run isolates cache and channel layer from `make run` and earlier runs.
            env["CACHE_KEY_PREFIX"] = f"atendo-e2e-{secrets.token_hex(4)}"
            port, ws_port = free_port(), free_port()
            while ws_port == port:
                ws_port = free_port()
            # Browser tests run with DEBUG on; benchmarks ask for production mode (E2E_DEBUG=false).
            env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
            # Every browser spec signs in by e-mail and a failed spec is retried once: the
            # per-address limit (5 per 15 min, tested in the backend) would refuse the last ones.
            env.setdefault("MAGIC_LINK_RATE_PER_EMAIL", "50")
            env.update(
                {
                    "DEBUG": os.environ.get("E2E_DEBUG", "true"),
                    "ATENDO_VAR_DIR": str(e2e_var),
                    "APP_URL": f"http://127.0.0.1:{port}",
                    "WEBSOCKET_URL": f"ws://127.0.0.1:{ws_port}",
                    "EMAIL_HOST": "",  # mail goes to files the tests can read
                }
            )
            say(f"preparing {E2E_DATABASE} ...")
            prepare_database(env)

            log_file = log_path.open("w")
            supervisor = Supervisor(env, cwd=str(BACKEND_DIR), out=log_file)
            # Two worker children like `make run`'s default; E2E_CELERY_CONCURRENCY to try another.
            concurrency = _int_env("E2E_CELERY_CONCURRENCY", 2)
            argvs = server_argvs(port=port, ws_port=ws_port, web_workers=2, concurrency=concurrency, node="e2e")
            for name, server_argv in argvs.items():
                supervisor.spawn(name, server_argv)
            sup = supervisor
            if not wait_ready(env["APP_URL"], timeout=90, alive=lambda: sup.exited() is None):
                say(f"error: the e2e servers did not become ready; log: {log_path}")
                _print_tail(log_path)
                return 1
            say(f"servers ready at {env['APP_URL']} (log: {log_path}); running {' '.join(argv)}")
            cmd_env = dict(env)
            cmd_env.update(
                {
                    "E2E_BASE_URL": env["APP_URL"],
                    "E2E_WS_URL": env["WEBSOCKET_URL"],
                    "E2E_MAIL_DIR": str(mail_dir),
                    "E2E_REPORT": str(report_path),
                }
            )
            report_path.unlink(missing_ok=True)
            code = _run_foreground(argv, cmd_env, Path.cwd())
            if code != 0:
                say(f"{argv[0]} exited with code {code}; last server log lines ({log_path}):")
                _print_tail(log_path)
                # Last, so that a truncated CI log still names what failed.
                if report_path.exists():
                    say("failed:")
                    _print_tail(report_path, lines=40)
            return code
        except subprocess.CalledProcessError as error:
            say(f"error: {' '.join(map(str, error.cmd))} failed with code {error.returncode}")
            return 1
        except (KeyboardInterrupt, Stop):
            return 130
        finally:
            if supervisor is not None:
                supervisor.stop()
            services.stop()


def _print_tail(path: Path, lines: int = 80) -> None:
    with contextlib.suppress(OSError):
        for line in path.read_text(errors="replace").splitlines()[-lines:]:
            print(f"  {line}")
