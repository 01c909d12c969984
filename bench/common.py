"""What every bench scenario shares: the run stamp, where figures land, the summary rows.

`make bench` gives every scenario one run stamp (BENCH_RUN, e.g. 20250101T120000Z): each
scenario saves its figures as bench/results/<run>/<scenario>.json with `save`, including
`summary` rows, and bench/report.py merges the run into bench/results/<run>.json and prints one
Markdown table. A scenario run by hand (no BENCH_RUN) gets a run of its own.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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
