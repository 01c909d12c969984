"""Web chat latency: visitor POST -> the agent's inbox socket receives `message.created`.

Runs against live servers started by `python -m devstack e2e -- …` (see `make bench`), which
also provides the demo tenant, E2E_BASE_URL and the mail directory used to sign the agent in.
Baselines measured in the same run: `GET /api/v1/health` on the same HTTP server (one trivial
query) and a websocket ping/pong on the same socket, so the ratio says what the product adds.
"""

from __future__ import annotations

import asyncio
import email
import json
import os
import re
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import row, save

SAMPLES = int(os.environ.get("BENCH_SAMPLES", "100"))
AGENT = "agent@demo.atendo.local"


def newest_link(mail_dir: Path, since: float) -> str:
    deadline = time.time() + 15
    while time.time() < deadline:
        for path in sorted(mail_dir.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True):
            if path.stat().st_mtime < since - 1:
                continue
            message = email.message_from_bytes(path.read_bytes())
            if AGENT not in (message["To"] or ""):
                continue
            body = message.get_payload(0).get_payload(decode=True).decode() if message.is_multipart() else ""
            match = re.search(r"token=([\w-]+)", body)
            if match:
                return match.group(1)
        time.sleep(0.2)
    raise SystemExit("no magic link mail for the agent")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def main() -> dict[str, float | int]:
    base = os.environ["E2E_BASE_URL"].rstrip("/")
    mail_dir = Path(os.environ["E2E_MAIL_DIR"])
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        since = time.time()
        (await http.post("/api/v1/auth/magic-link", json={"email": AGENT})).raise_for_status()
        access = (await http.post("/api/v1/auth/token", json={"token": newest_link(mail_dir, since)})).json()["access"]
        ws_base = (await http.get("/api/v1/config")).json()["websocket_url"] or base.replace("http", "ws", 1)
        token = re.search(r"/widget/([\w-]+)\.js", (await http.get("/demo/widget")).text).group(1)
        widget = f"/api/v1/widget/{token}"
        session = (await http.post(f"{widget}/sessions", json={"prechat": {"name": "Bench Visitor"}})).json()
        headers = {"X-Visitor-Session": session["session_token"]}
        async with websockets.connect(f"{ws_base}/ws/demo/inbox?token={access}") as inbox:
            latencies, pings, acks, healths = [], [], [], []
            for i in range(SAMPLES + 5):  # the first 5 warm up connections and caches
                marker = f"bench {uuid.uuid4()}"
                started = time.perf_counter()
                response = await http.post(f"{widget}/messages", json={"body": marker}, headers=headers)
                response.raise_for_status()
                ack = (time.perf_counter() - started) * 1000
                while True:
                    frame = json.loads(await asyncio.wait_for(inbox.recv(), timeout=10))
                    if frame.get("event") == "message.created" and frame["message"]["body"] == marker:
                        break
                elapsed = (time.perf_counter() - started) * 1000
                started = time.perf_counter()
                await inbox.send(json.dumps({"type": "ping"}))
                while json.loads(await asyncio.wait_for(inbox.recv(), timeout=10)).get("event") != "pong":
                    pass
                ping = (time.perf_counter() - started) * 1000
                started = time.perf_counter()
                (await http.get("/api/v1/health")).raise_for_status()
                health = (time.perf_counter() - started) * 1000
                if i >= 5:
                    latencies.append(elapsed)
                    pings.append(ping)
                    acks.append(ack)
                    healths.append(health)
    return {
        "samples": SAMPLES,
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "post_ack_p50_ms": round(statistics.median(acks), 2),
        "baseline_health_http_p50_ms": round(statistics.median(healths), 2),
        "baseline_ws_roundtrip_p50_ms": round(statistics.median(pings), 2),
        "ratio_p50_vs_health": round(statistics.median(latencies) / statistics.median(healths), 1),
    }


def summary(result: dict[str, float | int]) -> list[dict[str, Any]]:
    return [
        row(
            "web chat visitor → agent socket p50",
            result["p50_ms"],
            baseline=result["baseline_health_http_p50_ms"],
            ratio=result["ratio_p50_vs_health"],
            unit="ms",
        ),
        row("web chat visitor → agent socket p99", result["p99_ms"], unit="ms"),
    ]


if __name__ == "__main__":
    result = asyncio.run(main())
    save("webchat-latency", result, summary(result))
    print(
        "| scenario | samples | p50 ms | p95 ms | p99 ms | POST ack p50 ms | baseline GET /health p50 ms "
        "| baseline ws RTT p50 ms | ratio p50 / health |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| web chat visitor → agent socket | {result['samples']} | {result['p50_ms']} | {result['p95_ms']} | "
        f"{result['p99_ms']} | {result['post_ack_p50_ms']} | {result['baseline_health_http_p50_ms']} | "
        f"{result['baseline_ws_roundtrip_p50_ms']} | {result['ratio_p50_vs_health']}× |"
    )
    sys.exit(0)
