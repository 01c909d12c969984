"""Business-hours arithmetic for SLA deadlines: pure functions over a weekly calendar, no models, no database.

A :class:`BusinessCalendar` is a weekly timetable of local ``[start, end)`` opening intervals in an IANA time zone,
plus whole-day local holidays. Every public method takes timezone-aware datetimes (any zone) and returns UTC-aware
datetimes; durations are real elapsed seconds, never wall-clock differences.

How local intervals become instants (per local date, with ``zoneinfo``):

* A local time that exists once maps to its single instant.
* A local time that does not exist (the clocks jumped over it, e.g. America/Sao_Paulo 2018-11-04 00:00 -> 01:00)
  maps to the transition instant, i.e. the first instant after the gap. This holds for starts and ends alike, so an
  interval lying entirely inside a gap is empty, and ``08:00-18:00`` on a day whose clocks jumped at 08:30 lasts 9 h.
* A local time that happened twice (the clocks went back, e.g. America/Sao_Paulo 2019-02-16 23:00-23:59) maps to
  its first occurrence (``fold=0``) when it starts an interval and to its second occurrence (``fold=1``) when it
  ends one. An interval touching a repeated hour therefore covers all of it (``00:00-04:00`` in Europe/Lisbon on
  2019-10-27 lasts 5 h of real time). Pieces that overlap because of this are merged, so nothing is counted twice.

Formally: a start ``S`` is the first instant whose wall clock reads ``>= S``; an end ``E`` is the first instant
from which the wall clock reads ``>= E`` for good. A local interval of date ``D`` that ends at midnight (``24:00``,
written ``time(0, 0)``) ends at the first ``00:00`` of ``D + 1`` that lasts, so 24x7 calendars are seamless.

Holidays close a local date entirely: the intervals *of* that date are dropped, an interval of the previous date
running to midnight is untouched.

Searches forward (``next_opening``, ``add_business_seconds``) walk local dates one at a time (a handful of zone
conversions per open interval, a binary search of about a dozen conversions only on a day with a gap); they raise
``ValueError`` after more than two years without a single open instant instead of looping forever.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["SEARCH_HORIZON_DAYS", "WEEKDAYS", "BusinessCalendar"]

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""JSON keys of the weekly timetable, Monday first (index == ``date.weekday()``)."""

SEARCH_HORIZON_DAYS = 2 * 366
"""Forward searches give up after this many consecutive local dates without any open time."""

MIDNIGHT = time(0, 0)
_ONE_DAY = timedelta(days=1)
_ONE_SECOND = timedelta(seconds=1)
_TIME_RE = re.compile(r"(\d{2}):(\d{2})(?::(\d{2}))?")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")

Interval = tuple[time, time]
Span = tuple[datetime, datetime]


def _zone(name: object) -> ZoneInfo:
    if not isinstance(name, str) or not name:
        raise ValueError(f"timezone must be a non-empty IANA time zone name, got {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"unknown timezone {name!r}") from exc


def _aware_utc(value: datetime, name: str) -> datetime:
    if not isinstance(value, datetime):
        raise ValueError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
    return value.astimezone(UTC)


def _seconds_of(value: time) -> int:
    return value.hour * 3600 + value.minute * 60 + value.second


def _end_seconds(value: time) -> int:
    """Seconds since local midnight of an interval end; ``00:00`` as an end means ``24:00``."""
    return 86400 if value == MIDNIGHT else _seconds_of(value)


def _format_time(value: time, *, end: bool = False) -> str:
    if end and value == MIDNIGHT:
        return "24:00"
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def _parse_time(raw: object, where: str, *, end: bool) -> time:
    match = _TIME_RE.fullmatch(raw) if isinstance(raw, str) else None
    if match is None:
        raise ValueError(f"{where}: expected a time as 'HH:MM' (or 'HH:MM:SS'), got {raw!r}")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour == 24 and minute == 0 and second == 0:
        if not end:
            raise ValueError(f"{where}: '24:00' is only allowed as the end of an interval")
        return MIDNIGHT
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"{where}: {raw!r} is not a valid time of day")
    return time(hour, minute, second)


def _validated_day(day: str, intervals: Any) -> tuple[Interval, ...]:
    if not isinstance(intervals, tuple | list):
        raise ValueError(f"weekly[{day}] must be a sequence of (start, end) intervals, got {intervals!r}")
    result: list[Interval] = []
    previous_end = -1
    for index, interval in enumerate(intervals):
        where = f"weekly[{day}][{index}]"
        if not isinstance(interval, tuple | list) or len(interval) != 2:
            raise ValueError(f"{where}: an interval is a (start, end) pair, got {interval!r}")
        start, end = interval
        for value in (start, end):
            if not isinstance(value, time):
                raise ValueError(f"{where}: interval bounds must be datetime.time, got {value!r}")
            if value.tzinfo is not None:
                raise ValueError(f"{where}: interval bounds are local wall-clock times and must be naive")
            if value.microsecond:
                raise ValueError(f"{where}: interval bounds have whole-second resolution, got {value.isoformat()}")
        start_s, end_s = _seconds_of(start), _end_seconds(end)
        if start_s >= end_s:
            raise ValueError(f"{where}: start {_format_time(start)} is not before end {_format_time(end, end=True)}")
        if start_s < previous_end:
            raise ValueError(f"{where}: intervals must be sorted and must not overlap")
        previous_end = end_s
        result.append((start.replace(fold=0), end.replace(fold=0)))
    return tuple(result)


@dataclass(frozen=True)
class BusinessCalendar:
    """Weekly local opening hours plus closed local dates, in one IANA time zone.

    ``weekly`` has 7 entries, Monday first; each is a sorted tuple of non-overlapping local ``[start, end)``
    intervals (adjacent ones are fine) where an end of ``time(0, 0)`` means midnight at the end of the day.
    ``holidays`` are local dates that are closed all day. Construction validates everything (``ValueError``).
    """

    timezone: str
    weekly: tuple[tuple[Interval, ...], ...]
    holidays: frozenset[date] = frozenset()
    _tz: ZoneInfo = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_tz", _zone(self.timezone))
        weekly: Any = self.weekly
        if not isinstance(weekly, tuple | list) or len(weekly) != 7:
            raise ValueError("weekly must have exactly 7 entries, Monday first")
        object.__setattr__(
            self, "weekly", tuple(_validated_day(name, day) for name, day in zip(WEEKDAYS, weekly, strict=True))
        )
        holidays: Any = self.holidays
        if not isinstance(holidays, set | frozenset | tuple | list):
            raise ValueError(f"holidays must be a set of dates, got {holidays!r}")
        for holiday in holidays:
            if not isinstance(holiday, date) or isinstance(holiday, datetime):
                raise ValueError(f"holidays must contain datetime.date values, got {holiday!r}")
        object.__setattr__(self, "holidays", frozenset(holidays))

    # -- construction and serialisation -------------------------------------------------------------------------

    @classmethod
    def always_open(cls, timezone: str = "UTC") -> BusinessCalendar:
        """A 24x7 calendar without holidays: business seconds are plain elapsed seconds ("calendar minutes")."""
        return cls(timezone=timezone, weekly=tuple(((MIDNIGHT, MIDNIGHT),) for _ in WEEKDAYS))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BusinessCalendar:
        """Build from ``{"timezone": str, "weekly": {"mon": [["08:00", "18:00"]], ...}, "holidays": [...]}``.

        Weekdays are ``mon``..``sun``; a missing weekday is closed; intervals of a day may come in any order;
        ``"24:00"`` is accepted as an end; ``holidays`` (optional) are ``YYYY-MM-DD`` local dates. Unknown keys,
        unknown weekdays, malformed times or dates, inverted or overlapping intervals and unknown time zones raise
        ``ValueError`` naming the offending field.
        """
        if not isinstance(data, Mapping):
            raise ValueError(f"a business calendar must be a JSON object, got {type(data).__name__}")
        unknown = sorted(str(key) for key in data if key not in {"timezone", "weekly", "holidays"})
        if unknown:
            raise ValueError(f"unknown business calendar field(s): {', '.join(unknown)}")
        if "timezone" not in data:
            raise ValueError("business calendar is missing 'timezone'")
        if "weekly" not in data:
            raise ValueError("business calendar is missing 'weekly'")
        raw_weekly = data["weekly"]
        if not isinstance(raw_weekly, Mapping):
            raise ValueError(f"weekly must be an object keyed by {', '.join(WEEKDAYS)}")
        bad_days = sorted(str(key) for key in raw_weekly if key not in WEEKDAYS)
        if bad_days:
            raise ValueError(f"unknown weekday(s) {', '.join(bad_days)}; expected {', '.join(WEEKDAYS)}")
        weekly: list[tuple[Interval, ...]] = []
        for day in WEEKDAYS:
            raw_day = raw_weekly.get(day, [])
            if not isinstance(raw_day, list | tuple):
                raise ValueError(f"weekly.{day} must be a list of [start, end] pairs, got {raw_day!r}")
            intervals: list[Interval] = []
            for index, pair in enumerate(raw_day):
                where = f"weekly.{day}[{index}]"
                if not isinstance(pair, list | tuple) or len(pair) != 2:
                    raise ValueError(f"{where}: expected a [start, end] pair, got {pair!r}")
                start, end = _parse_time(pair[0], where, end=False), _parse_time(pair[1], where, end=True)
                if _seconds_of(start) >= _end_seconds(end):
                    raise ValueError(f"{where}: start {pair[0]!r} is not before end {pair[1]!r}")
                intervals.append((start, end))
            intervals.sort(key=lambda interval: _seconds_of(interval[0]))
            for index in range(1, len(intervals)):
                if _seconds_of(intervals[index][0]) < _end_seconds(intervals[index - 1][1]):
                    first, second = intervals[index - 1], intervals[index]
                    raise ValueError(
                        f"weekly.{day}: intervals {_format_time(first[0])}-{_format_time(first[1], end=True)} and "
                        f"{_format_time(second[0])}-{_format_time(second[1], end=True)} overlap"
                    )
            weekly.append(tuple(intervals))
        raw_holidays = data.get("holidays", [])
        if not isinstance(raw_holidays, list | tuple):
            raise ValueError(f"holidays must be a list of 'YYYY-MM-DD' dates, got {raw_holidays!r}")
        holidays: set[date] = set()
        for index, raw in enumerate(raw_holidays):
            if not isinstance(raw, str) or not _DATE_RE.fullmatch(raw):
                raise ValueError(f"holidays[{index}]: expected a 'YYYY-MM-DD' date, got {raw!r}")
            try:
                holidays.add(date.fromisoformat(raw))
            except ValueError as exc:
                raise ValueError(f"holidays[{index}]: {raw!r} is not a valid date") from exc
        return cls(timezone=data["timezone"], weekly=tuple(weekly), holidays=frozenset(holidays))

    def to_json(self) -> dict[str, Any]:
        """The :meth:`from_json` format, with all seven weekdays spelled out and holidays sorted."""
        return {
            "timezone": self.timezone,
            "weekly": {
                name: [[_format_time(start), _format_time(end, end=True)] for start, end in day]
                for name, day in zip(WEEKDAYS, self.weekly, strict=True)
            },
            "holidays": [holiday.isoformat() for holiday in sorted(self.holidays)],
        }

    # -- queries --------------------------------------------------------------------------------------------------

    def is_open(self, at: datetime) -> bool:
        """Whether the instant ``at`` (timezone-aware) falls inside an open interval (start inclusive, end not)."""
        instant = _aware_utc(at, "at")
        day = self._local_date(instant)
        for start, end in self._spans(day - _ONE_DAY, day + _ONE_DAY):
            if end > instant:
                return start <= instant
        return False

    def next_opening(self, at: datetime) -> datetime:
        """The first open instant at or after ``at``: ``at`` itself (in UTC) when already open.

        Raises ``ValueError`` when the calendar has no open time within :data:`SEARCH_HORIZON_DAYS` days.
        """
        instant = _aware_utc(at, "at")
        for start, end in self._spans(self._local_date(instant) - _ONE_DAY, None):
            if end > instant:
                return max(start, instant)
        raise AssertionError("unreachable: an unbounded span search either yields or raises")  # pragma: no cover

    def add_business_seconds(self, start: datetime, seconds: int) -> datetime:
        """The instant at which ``seconds`` of open time have elapsed after ``start``.

        ``seconds == 0`` returns ``start`` unchanged (in UTC) when the calendar is open then, otherwise the next
        opening (i.e. ``next_opening(start)``). For ``seconds > 0`` the result lies inside an open interval or is
        exactly the end of one (the deadline falls at closing time, not at the next opening); hence
        ``add(add(t, a), b) == add(t, a + b)`` holds for ``b > 0`` but ``add(x, 0)`` may move a closing-time ``x``
        to the next opening. Negative ``seconds`` raise ``ValueError``, as does a calendar with no open time for
        :data:`SEARCH_HORIZON_DAYS` consecutive days.
        """
        instant = _aware_utc(start, "start")
        if isinstance(seconds, bool) or not isinstance(seconds, int):
            raise ValueError(f"seconds must be an int, got {seconds!r}")
        if seconds < 0:
            raise ValueError(f"seconds must not be negative, got {seconds}")
        if seconds == 0:
            return self.next_opening(instant)
        remaining = timedelta(seconds=seconds)
        for span_start, span_end in self._spans(self._local_date(instant) - _ONE_DAY, None):
            if span_end <= instant:
                continue
            span_start = max(span_start, instant)
            available = span_end - span_start
            if remaining <= available:
                return span_start + remaining
            remaining -= available
        raise AssertionError("unreachable: an unbounded span search either yields or raises")  # pragma: no cover

    def business_seconds_between(self, start: datetime, end: datetime) -> int:
        """Open seconds in ``[start, end)``, whole seconds (a sub-second remainder is dropped); 0 if ``end <= start``.

        Never raises for a calendar that is never open (the answer is then simply 0).
        """
        first, last = _aware_utc(start, "start"), _aware_utc(end, "end")
        if last <= first:
            return 0
        total = timedelta(0)
        for span_start, span_end in self._spans(self._local_date(first) - _ONE_DAY, self._local_date(last) + _ONE_DAY):
            if span_start >= last:
                break
            overlap = min(span_end, last) - max(span_start, first)
            if overlap > timedelta(0):
                total += overlap
        return total // _ONE_SECOND

    # -- internals ------------------------------------------------------------------------------------------------

    def _local_date(self, instant: datetime) -> date:
        return instant.astimezone(self._tz).date()

    def _instant(self, local: datetime, *, is_end: bool) -> datetime:
        """The UTC instant of a naive local wall-clock time, per the rules in the module docstring."""
        tz = self._tz
        candidate = local.replace(tzinfo=tz, fold=1 if is_end else 0).astimezone(UTC)
        if candidate.astimezone(tz).replace(tzinfo=None) == local:
            return candidate  # exists; for a repeated time ``fold`` picked the first (start) or second (end) one
        # ``local`` fell in a gap. With the offsets before/after the jump the two folds straddle the transition:
        # the wall clock reads earlier than ``local`` at ``low`` and later at ``high``. Find the first instant
        # (transitions are on whole seconds) whose wall clock reads ``>= local``: that is the transition itself.
        folds = sorted(local.replace(tzinfo=tz, fold=fold).astimezone(UTC) for fold in (0, 1))
        low, high = 0, (folds[1] - folds[0]) // _ONE_SECOND
        while high - low > 1:
            middle = (low + high) // 2
            probe = folds[0] + timedelta(seconds=middle)
            if probe.astimezone(tz).replace(tzinfo=None) >= local:
                high = middle
            else:
                low = middle
        return folds[0] + timedelta(seconds=high)

    def _day_spans(self, day: date) -> list[Span]:
        """Absolute (UTC) open spans of the local date ``day``, in order, empty ones dropped."""
        if day in self.holidays:
            return []
        spans: list[Span] = []
        for start, end in self.weekly[day.weekday()]:
            local_end = datetime.combine(day + _ONE_DAY, MIDNIGHT) if end == MIDNIGHT else datetime.combine(day, end)
            span = (self._instant(datetime.combine(day, start), is_end=False), self._instant(local_end, is_end=True))
            if span[0] < span[1]:
                spans.append(span)
        return spans

    def _spans(self, first_day: date, last_day: date | None) -> Iterator[Span]:
        """Open spans of local dates ``first_day..last_day`` (unbounded when ``None``), ascending, disjoint.

        Starts never decrease from one local interval to the next, so merging overlaps (only possible around a
        repeated hour) needs just the previous span. Adjacent spans are not merged (24x7 yields one per day).
        An unbounded search raises ``ValueError`` after :data:`SEARCH_HORIZON_DAYS` dates without open time.
        """
        if last_day is None and not any(self.weekly):
            raise ValueError("the business calendar is never open (no weekly opening hours)")
        pending: Span | None = None
        idle_days = 0
        day = first_day
        while last_day is None or day <= last_day:
            spans = self._day_spans(day)
            for span in spans:
                if pending is None:
                    pending = span
                elif span[0] < pending[1]:
                    pending = (pending[0], max(pending[1], span[1]))
                else:
                    yield pending
                    pending = span
            idle_days = 0 if spans else idle_days + 1
            if last_day is None and idle_days > SEARCH_HORIZON_DAYS:
                if pending is not None:  # nothing can overlap it any more; hand it out, then give up
                    yield pending
                    pending = None
                raise ValueError(
                    f"the business calendar has no open time in the {SEARCH_HORIZON_DAYS} days up to {day}"
                )
            day += _ONE_DAY
        if pending is not None:
            yield pending
