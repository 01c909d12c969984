"""Start child processes, prefix their output, stop them all together."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO

_COLORS = ["36", "33", "35", "32", "34", "31"]
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child: get SIGTERM if the supervisor dies (even by SIGKILL)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    name: str
    argv: Sequence[str]
    proc: subprocess.Popen[bytes] | None = None
    reader: threading.Thread | None = field(default=None, repr=False)


class Supervisor:
    """A group of long-running children; if one exits, the caller stops them all."""

    def __init__(self, env: Mapping[str, str], cwd: str, out: IO[str] | None = None) -> None:
        self.env = dict(env)
        self.cwd = cwd
        self.out = out if out is not None else sys.stdout
        self.children: list[Child] = []
        self._lock = threading.Lock()
        self._color = self.out.isatty() and not os.environ.get("NO_COLOR")
        self._width = 6

    def emit(self, name: str, line: str) -> None:
        index = sum(ord(c) for c in name) % len(_COLORS)
        label = f"{name:<{self._width}}|"
        if self._color:
            label = f"\033[{_COLORS[index]}m{label}\033[0m"
        with self._lock:
            self.out.write(f"{label} {line.rstrip()}\n")
            self.out.flush()

    def spawn(self, name: str, argv: Sequence[str]) -> Child:
        self._width = max(self._width, len(name))
        child = Child(name, argv)
        child.proc = subprocess.Popen(
            list(argv),
            cwd=self.cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            # Own process group: the terminal's Ctrl-C reaches only us; we stop children
            # in order and escalate if one hangs.
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        child.reader = threading.Thread(target=self._pump, args=(child,), daemon=True)
        child.reader.start()
        self.children.append(child)
        return child

    def _pump(self, child: Child) -> None:
        assert child.proc is not None
        assert child.proc.stdout is not None
        for raw in iter(child.proc.stdout.readline, b""):
            self.emit(child.name, raw.decode("utf-8", "replace"))

    def exited(self) -> Child | None:
        for child in self.children:
            if child.proc is not None and child.proc.poll() is not None:
                return child
        return None

    def stop(self, timeout: float = 8.0) -> None:
        """SIGTERM every child, wait up to ``timeout`` s, then SIGKILL their process groups."""
        running = [c for c in self.children if c.proc is not None and c.proc.poll() is None]
        for child in running:
            assert child.proc is not None
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for child in running:
            assert child.proc is not None
            try:
                child.proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.emit(child.name, "did not stop in time; killing")
        for child in self.children:
            assert child.proc is not None
            # Reap leftovers (e.g. worker processes) still in the child's group.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.proc.wait(2)
        for child in self.children:
            if child.reader is not None:
                child.reader.join(1)
