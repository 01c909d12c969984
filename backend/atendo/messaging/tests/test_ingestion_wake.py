"""The per-process throttle of drain wake-ups on the webhook path (messaging.tasks.WakeThrottle)."""

from __future__ import annotations

import time

from atendo.messaging.tasks import WakeThrottle


def wait_for(condition, seconds: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_without_an_interval_every_request_wakes_inline():
    calls: list[float] = []
    throttle = WakeThrottle(lambda: calls.append(time.monotonic()), 0)
    throttle()
    throttle()
    assert len(calls) == 2


def test_a_burst_costs_two_wakes_and_the_last_event_is_covered():
    calls: list[float] = []
    throttle = WakeThrottle(lambda: calls.append(time.monotonic()), 0.5)
    throttle()
    assert len(calls) == 1  # the first event of a quiet spell: at once, inline
    requested = []
    for _ in range(50):
        requested.append(time.monotonic())
        throttle()
    assert len(calls) == 1
    assert wait_for(lambda: len(calls) == 2), "the burst was never covered"
    # The trailing wake runs after every request of the burst, one interval after the first.
    assert calls[1] >= requested[-1] and calls[1] - calls[0] >= 0.5 - 0.01
    time.sleep(0.7)
    assert len(calls) == 2  # nothing stored meanwhile: nothing to wake
    throttle()
    assert len(calls) == 3  # quiet again: at once


def test_a_failing_wake_does_not_stop_the_next_ones():
    calls: list[float] = []

    def wake() -> None:
        calls.append(time.monotonic())
        raise ConnectionError("broker down")

    throttle = WakeThrottle(wake, 0.05)
    throttle()  # logged, not raised: the event is stored, the sweeper is the safety net
    throttle()
    assert wait_for(lambda: len(calls) == 2)
    time.sleep(0.1)
    throttle()
    assert len(calls) == 3
