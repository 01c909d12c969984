"""Merge one `make bench` run into bench/results/<run>.json and print its Markdown table.

    python bench/report.py [RUN]      (default: BENCH_RUN, else the newest run)

A run is the folder bench/results/<run>/ where each scenario saved its figures
(bench/common.py `save`: <scenario>.json with `summary` rows). Scenarios that still write
bench/results/<timestamp>-<scenario>.json on their own are taken in too when the timestamp is
not older than the run (the file is moved into the run's folder), and their rows are read from
their figures here. Scenario durations come from when each one saved its figures (they run one
after another; `make bench` marks the start with <run>/.started).
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS_DIR, ratio, row

LEGACY_FILE = re.compile(r"^(\d{8}T\d{6}Z)-([\w-]+)\.json$")
RUN_NAME = re.compile(r"^\d{8}T\d{6}Z$")
STARTED = ".started"


# --- rows of scenarios that do not write `summary` themselves -----------------------------
def _webhook_ack(f: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    atendo, baseline = f.get("atendo", {}), f.get("baseline", {})
    if "16" in atendo:
        a, b = atendo["16"], baseline.get("16", {})
        rows.append(
            row(
                "webhook acks/s, 16 connections",
                a["acks_per_s"],
                baseline=b.get("acks_per_s"),
                ratio=ratio(a["acks_per_s"], b.get("acks_per_s")),
                target="≥ 0.6× baseline",
                met=(ratio(a["acks_per_s"], b.get("acks_per_s")) or 0) >= 0.6,
                unit="acks/s",
            )
        )
    for connections, limit in (("16", 25), ("64", 75)):
        if connections in atendo:
            a, b = atendo[connections], baseline.get(connections, {})
            rows.append(
                row(
                    f"webhook ack p99, {connections} connections",
                    a["p99_ms"],
                    baseline=b.get("p99_ms"),
                    ratio=ratio(a["p99_ms"], b.get("p99_ms")),
                    target=f"≤ {limit}",
                    met=a["p99_ms"] <= limit,
                    unit="ms",
                )
            )
    i = f.get("integrity", {})
    if i:
        bad = i.get("non_2xx", 0) + i.get("socket_errors", 0) + i.get("lost", 0) + i.get("duplicated", 0)
        rows.append(row("webhook non-2xx + lost + duplicated", bad, target="0", met=bad == 0))
    return rows


def _processing(f: dict[str, Any]) -> list[dict[str, Any]]:
    d, b, s = f.get("drain", {}), f.get("baseline", {}), f.get("sustained", {})
    rows = [
        row(
            "processing, one worker process",
            d.get("messages_per_s"),
            baseline=b.get("messages_per_s"),
            ratio=f.get("ratio_drain_vs_baseline"),
            target="≥ 500",
            met=(d.get("messages_per_s") or 0) >= 500,
            unit="msg/s",
        )
    ]
    if s:
        # Bounded: when the ingest stops, less than one second of it is still waiting.
        rows.append(
            row(
                f"backlog when a {s['rate_per_s']}/s ingest stops",
                s.get("backlog_at_stop"),
                target=f"≤ {s['rate_per_s']} (bounded)",
                met=(s.get("backlog_at_stop") or 0) <= s["rate_per_s"],
                unit="events",
            )
        )
    return rows


def _webchat_latency(f: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        row(
            "web chat visitor → agent socket p50",
            f.get("p50_ms"),
            baseline=f.get("baseline_health_http_p50_ms"),
            ratio=f.get("ratio_p50_vs_health"),
            unit="ms",
        )
    ]


def _sla_scan(f: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        row(
            f"SLA scan, {f.get('tickets', 0):,} open tickets, nothing due",
            f.get("scan_nothing_due_ms"),
            baseline=f.get("baseline_raw_range_read_ms"),
            ratio=f.get("ratio_idle_vs_raw"),
            target="≤ 1000",
            met=(f.get("scan_nothing_due_ms") or 0) <= 1000,
            unit="ms",
        ),
        row(
            "SLA scan, 1,000 clocks due",
            f.get("scan_1000_due_ms"),
            target="≤ 1000",
            met=(f.get("scan_1000_due_ms") or 0) <= 1000,
            unit="ms",
        ),
    ]


LEGACY_ROWS: dict[str, Callable[[dict[str, Any]], list[dict[str, Any]]]] = {
    "webhook-ack": _webhook_ack,
    "processing": _processing,
    "webchat-latency": _webchat_latency,
    "sla-scan": _sla_scan,
}


# --- the run -------------------------------------------------------------------------------
def pick_run(argv: list[str]) -> str:
    if argv:
        return argv[0]
    if os.environ.get("BENCH_RUN"):
        return os.environ["BENCH_RUN"]
    runs = sorted(p.name for p in RESULTS_DIR.iterdir() if p.is_dir() and RUN_NAME.match(p.name))
    if not runs:
        raise SystemExit("no bench run in bench/results/")
    return runs[-1]


def adopt_legacy_files(run: str, folder: Path) -> None:
    """Move <timestamp>-<scenario>.json written during this run into the run's folder."""
    newest: dict[str, Path] = {}
    for path in sorted(RESULTS_DIR.glob("*.json")):
        match = LEGACY_FILE.match(path.name)
        if match and match.group(1) >= run:
            newest[match.group(2)] = path  # sorted: the last one is the newest
    for scenario, path in newest.items():
        target = folder / f"{scenario}.json"
        if not target.exists():
            path.rename(target)


def collect(run: str) -> tuple[dict[str, dict[str, Any]], dict[str, float]]:
    folder = RESULTS_DIR / run
    folder.mkdir(parents=True, exist_ok=True)
    adopt_legacy_files(run, folder)
    files = sorted((p for p in folder.glob("*.json")), key=lambda p: p.stat().st_mtime)
    scenarios = {p.stem: json.loads(p.read_text()) for p in files}
    durations: dict[str, float] = {}
    started = folder / STARTED
    previous = started.stat().st_mtime if started.exists() else None
    for path in files:
        if previous is not None:
            durations[path.stem] = round(path.stat().st_mtime - previous, 1)
        previous = path.stat().st_mtime
    return scenarios, durations


def rows_of(scenario: str, figures: dict[str, Any]) -> list[dict[str, Any]]:
    if isinstance(figures.get("summary"), list):
        return list(figures["summary"])
    make_rows = LEGACY_ROWS.get(scenario)
    if make_rows is None:
        return [row("(no summary; see the JSON)", None)]
    try:
        return make_rows(figures)
    except (KeyError, TypeError, ValueError) as exc:
        return [row(f"(unreadable figures: {exc!r})", None)]


def cell(value: Any, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        text = f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:,.0f}"
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        text = str(value)
    return f"{text} {unit}" if unit else text


def table(summary: list[dict[str, Any]]) -> str:
    lines = [
        "| scenario | figure | Atendo | baseline | ratio | target | met? |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in summary:
        met = {True: "✅ yes", False: "❌ no", None: "—"}[r.get("met")]
        target = str(r.get("target") or "—")
        if r.get("unit") and target[-1].isdigit():  # a bare number takes the unit; text keeps its own
            target = f"{target} {r['unit']}"
        lines.append(
            f"| {r['scenario']} | {r['figure']} | {cell(r.get('atendo'), r.get('unit', ''))} | "
            f"{cell(r.get('baseline'), r.get('unit', ''))} | "
            f"{cell(r.get('ratio')) + '×' if r.get('ratio') is not None else '—'} | {target} | {met} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    run = pick_run(argv)
    scenarios, durations = collect(run)
    if not scenarios:
        raise SystemExit(f"bench/results/{run}/ holds no scenario figures")
    summary = [{"scenario": name, **r} for name, figures in scenarios.items() for r in rows_of(name, figures)]
    merged = {
        "run": run,
        "quick": any(bool(f.get("quick")) for f in scenarios.values()),
        "machine": {"cpu_count": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()]},
        "durations_seconds": durations,
        "summary": summary,
        "scenarios": scenarios,
    }
    out = RESULTS_DIR / f"{run}.json"
    out.write_text(json.dumps(merged, indent=2, default=str))
    print()
    print(f"## make bench — run {run}{' (QUICK)' if merged['quick'] else ''}")
    print()
    print(table(summary))
    print()
    if durations:
        parts = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in durations.items())
        print(f"Durations: {parts}; {sum(durations.values()):.0f} s in all.")
    print(f"Figures: {out}")
    missed = [r for r in summary if r.get("met") is False]
    if missed:
        print(f"{len(missed)} target(s) missed.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
