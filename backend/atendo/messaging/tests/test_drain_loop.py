"""When a drain task ends (messaging.tasks.drain_inbound_events): after a batch that found no
event, after a partial one once DRAIN_LINGER_SECONDS have passed, after full ones DRAIN_SECONDS."""

from __future__ import annotations

import pytest

from atendo.messaging import ingestion, tasks
from atendo.messaging.ingestion import DrainResult

pytestmark = pytest.mark.django_db


def drain_with(monkeypatch, results: list[DrainResult], clock: list[float] | None = None) -> list[str]:
    steps: list[str] = []

    def drain_once(*, limit: int, event_id: int | None = None) -> DrainResult:
        result = results[sum(1 for step in steps if step.startswith("claim"))]
        steps.append(f"claim {result.claimed}")
        if clock is not None:
            clock[0] += 0.06  # each batch takes 60 ms
        return result

    monkeypatch.setattr(ingestion, "inbound_events_drain_once", drain_once)
    monkeypatch.setattr(tasks, "_wake_started", lambda: steps.append("let go"))
    monkeypatch.setattr(tasks, "ingestion_wake", lambda: steps.append("wake"))
    monkeypatch.setattr(tasks, "_publish_drain", lambda **_: steps.append("publish") or True)
    if clock is not None:
        monkeypatch.setattr(tasks.time, "monotonic", lambda: clock[0])
    tasks.drain_inbound_events.run()
    return steps


def test_a_drain_claims_again_after_a_partial_batch_until_one_finds_nothing(monkeypatch, settings):
    settings.INBOUND_BATCH_SIZE = 10
    results = [DrainResult(claimed=3, done=3), DrainResult(claimed=1, done=1), DrainResult()]
    # The flag is let go first: events stored from then on queue a drain (or find one queued).
    assert drain_with(monkeypatch, results) == ["let go", "claim 3", "claim 1", "claim 0"]


def test_a_steady_stream_hands_over_after_the_linger_time(monkeypatch, settings):
    settings.INBOUND_BATCH_SIZE = 10
    results = [DrainResult(claimed=2, done=2)] * 100
    # 60 ms batches: the second ends past DRAIN_LINGER_SECONDS (0.1 s), and the drain with it.
    assert drain_with(monkeypatch, results, clock=[1000.0]) == ["let go", "claim 2", "claim 2"]


def test_a_backlog_wakes_more_drains_and_continues_in_a_fresh_task(monkeypatch, settings):
    settings.INBOUND_BATCH_SIZE = 10
    monkeypatch.setattr(tasks, "DRAIN_SECONDS", 0.2)
    results = [DrainResult(claimed=10, done=10)] * 100
    assert drain_with(monkeypatch, results, clock=[1000.0]) == [
        "let go", "claim 10", "wake", "claim 10", "wake", "claim 10", "wake", "claim 10", "publish",
    ]  # fmt: skip
