"""What every bench scenario shares: the run stamp, where figures land, the summary rows.

`make bench` gives every scenario one run stamp (BENCH_RUN, e.g. 20250101T120000Z): each
scenario saves its figures as bench/results/<run>/<scenario>.json with `save`, including
`summary` rows, and bench/report.py merges the run into bench/results/<run>.json and prints one
Markdown table. A scenario run by hand (no BENCH_RUN) gets a run of its own.
"""

from __future__ import annotations

import http.client
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

RESULTS_DIR = Path(__file__).resolve().parent / "results"
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
_own_run: str | None = None


def flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


def quick() -> bool:
    """`make bench QUICK=1`: short runs that only check that the scenario works."""
    return flag("BENCH_QUICK")


def new_stamp() -> str:
    return datetime.now(UTC).strftime(STAMP_FORMAT)


def run_stamp() -> str:
    """The run this scenario belongs to: BENCH_RUN under `make bench`, else one per process."""
    global _own_run
    stamp = os.environ.get("BENCH_RUN", "").strip()
    if stamp:
        return stamp
    if _own_run is None:
        _own_run = new_stamp()
    return _own_run


def run_dir(stamp: str | None = None) -> Path:
    path = RESULTS_DIR / (stamp or run_stamp())
    path.mkdir(parents=True, exist_ok=True)
    return path


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (`fraction` 0..1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def ratio(atendo: float | None, baseline: float | None, digits: int = 2) -> float | None:
    if atendo is None or not baseline:
        return None
    return round(atendo / baseline, digits)


def row(
    figure: str,
    atendo: Any,
    *,
    baseline: Any = None,
    ratio: float | None = None,
    target: str | None = None,
    met: bool | None = None,
    unit: str = "",
) -> dict[str, Any]:
    """One line of the run's table: a figure of Atendo beside its same-run baseline, the target
    it is held to (text, e.g. "≤ 30 ms") and whether it was met (None: no target)."""
    return {
        "figure": figure,
        "atendo": atendo,
        "baseline": baseline,
        "ratio": ratio,
        "target": target,
        "met": met,
        "unit": unit,
    }


def save(scenario: str, figures: dict[str, Any], summary: list[dict[str, Any]] | None = None) -> Path:
    """Write bench/results/<run>/<scenario>.json (the figures, plus the summary rows)."""
    data = dict(figures)
    if summary is not None:
        data["summary"] = summary
    data.setdefault("quick", quick())
    path = run_dir() / f"{scenario}.json"
    path.write_text(json.dumps(data, indent=2, default=str))
    return path


class Reply:
    """What `KeepAliveClient.get` answers: the status and the body."""

    def __init__(self, status_code: int, content: bytes) -> None:
        self.status_code = status_code
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.content)

    def raise_for_status(self) -> None:
        if not 200 <= self.status_code < 300:
            raise RuntimeError(f"HTTP {self.status_code}: {self.text[:500]}")


class KeepAliveClient:
    """GET over one keep-alive HTTP/1.1 connection (the standard library's `http.client`), for
    latency figures. httpx spent about 0.7 ms of its own per request on this machine (an empty WSGI
    app under granian: p50 1.0 ms through httpx, 0.33 ms through this), which a request's latency
    would count as the server's."""

    def __init__(self, base_url: str, timeout: float = 30) -> None:
        parts = urlsplit(base_url)
        self._connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=timeout)

    def get(self, path: str, headers: dict[str, str] | None = None) -> Reply:
        try:
            return self._get(path, headers or {})
        except (http.client.HTTPException, ConnectionError):  # the server closed the idle connection
            self._connection.close()
            return self._get(path, headers or {})

    def _get(self, path: str, headers: dict[str, str]) -> Reply:
        self._connection.request("GET", path, headers=headers)
        response = self._connection.getresponse()
        return Reply(response.status, response.read())

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> KeepAliveClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
