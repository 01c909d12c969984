"""Business-hours arithmetic: hand-computed examples (weekends, holidays, DST in Sao Paulo/Lisbon/Havana),
JSON round trip and validation, and properties over random calendars checked against a wall-clock oracle.

Pure computation: no database, no Django models.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from atendo.organizations.business_hours import WEEKDAYS, BusinessCalendar

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
HOUR = 3600
MINUTE = 60
PROPERTY = settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def sp(*args: int, fold: int = 0) -> datetime:
    """A Sao Paulo wall-clock time (only for unambiguous, existing times unless ``fold`` says otherwise)."""
    return datetime(*args, tzinfo=SAO_PAULO, fold=fold)


def calendar(tz: str, weekly: dict[str, list[list[str]]], holidays: list[str] | None = None) -> BusinessCalendar:
    return BusinessCalendar.from_json({"timezone": tz, "weekly": weekly, "holidays": holidays or []})


OFFICE_DAYS = {day: [["08:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
EVERY_DAY = {day: [["08:00", "18:00"]] for day in WEEKDAYS}


@pytest.fixture
def office() -> BusinessCalendar:
    return calendar("America/Sao_Paulo", OFFICE_DAYS)


# -- ordinary weeks (Brazil has had no DST since 2019: -03:00 all year) ---------------------------------------------


def test_start_before_opening_waits_for_it(office: BusinessCalendar) -> None:
    monday = sp(2026, 3, 2, 7)
    assert monday.weekday() == 0
    assert office.add_business_seconds(monday, 60 * MINUTE) == sp(2026, 3, 2, 9)
    assert office.add_business_seconds(monday, 60 * MINUTE) == utc(2026, 3, 2, 12)  # UTC-aware result
    assert office.add_business_seconds(monday, 60 * MINUTE).tzinfo is UTC


def test_end_of_day_carries_over_to_next_morning(office: BusinessCalendar) -> None:
    assert office.add_business_seconds(sp(2026, 3, 2, 17, 30), 60 * MINUTE) == sp(2026, 3, 3, 8, 30)
    # Exactly at closing time the deadline is closing time, not the next opening.
    assert office.add_business_seconds(sp(2026, 3, 2, 17, 30), 30 * MINUTE) == sp(2026, 3, 2, 18)


def test_over_a_weekend(office: BusinessCalendar) -> None:
    friday = sp(2026, 3, 6, 17, 30)
    assert friday.weekday() == 4
    assert office.add_business_seconds(friday, 60 * MINUTE) == sp(2026, 3, 9, 8, 30)
    assert office.business_seconds_between(friday, sp(2026, 3, 9, 8, 30)) == 60 * MINUTE
    assert office.next_opening(sp(2026, 3, 7, 12)) == sp(2026, 3, 9, 8)


def test_across_a_holiday() -> None:
    cal = calendar("America/Sao_Paulo", OFFICE_DAYS, ["2026-12-25"])
    thursday = sp(2026, 12, 24, 17, 30)
    assert thursday.weekday() == 3
    # Friday the 25th is closed all day, then the weekend: Monday 28th.
    assert cal.add_business_seconds(thursday, 60 * MINUTE) == sp(2026, 12, 28, 8, 30)
    assert not cal.is_open(sp(2026, 12, 25, 10))
    assert cal.business_seconds_between(sp(2026, 12, 21), sp(2026, 12, 28)) == 4 * 10 * HOUR


def test_zero_seconds_is_start_when_open_else_next_opening(office: BusinessCalendar) -> None:
    assert office.add_business_seconds(sp(2026, 3, 2, 10, 15), 0) == sp(2026, 3, 2, 10, 15)
    assert office.add_business_seconds(sp(2026, 3, 2, 18), 0) == sp(2026, 3, 3, 8)  # closing time is closed
    assert office.add_business_seconds(sp(2026, 3, 7, 9), 0) == sp(2026, 3, 9, 8)


def test_is_open_boundaries(office: BusinessCalendar) -> None:
    assert office.is_open(sp(2026, 3, 2, 8))
    assert office.is_open(sp(2026, 3, 2, 17, 59, 59, 999999))
    assert not office.is_open(sp(2026, 3, 2, 18))
    assert not office.is_open(sp(2026, 3, 2, 7, 59, 59, 999999))


def test_business_seconds_between_basics(office: BusinessCalendar) -> None:
    assert office.business_seconds_between(sp(2026, 3, 2), sp(2026, 3, 9)) == 50 * HOUR
    assert office.business_seconds_between(sp(2026, 3, 9), sp(2026, 3, 2)) == 0
    assert office.business_seconds_between(sp(2026, 3, 2, 9), sp(2026, 3, 2, 9)) == 0
    # Sub-second remainders are dropped.
    assert office.business_seconds_between(sp(2026, 3, 2, 9), sp(2026, 3, 2, 9, 0, 1, 999999)) == 1


def test_thirty_day_target_is_fast(office: BusinessCalendar) -> None:
    import time as clock

    began = clock.perf_counter()
    deadline = office.add_business_seconds(sp(2026, 1, 5, 8), 30 * 24 * HOUR)  # 72 office days = 14 weeks + 2
    assert clock.perf_counter() - began < 0.5
    assert deadline == sp(2026, 4, 14, 18)


def test_adjacent_intervals_and_midnight() -> None:
    cal = calendar("UTC", {"mon": [["12:00", "24:00"]], "tue": [["00:00", "06:00"], ["06:00", "07:00"]]})
    monday = utc(2026, 3, 2, 11)
    assert cal.add_business_seconds(monday, 12 * HOUR) == utc(2026, 3, 3)
    assert cal.add_business_seconds(monday, 12 * HOUR + 1) == utc(2026, 3, 3, 0, 0, 1)
    assert cal.add_business_seconds(monday, 19 * HOUR) == utc(2026, 3, 3, 7)
    assert cal.is_open(utc(2026, 3, 3)) and cal.is_open(utc(2026, 3, 3, 6))
    assert cal.business_seconds_between(monday, utc(2026, 3, 4)) == 19 * HOUR


# -- DST in America/Sao_Paulo: started 2018-11-04 00:00 -> 01:00, ended 2019-02-17 00:00 -> 2019-02-16 23:00 --------


def test_sao_paulo_dst_start_office_hours() -> None:
    cal = calendar("America/Sao_Paulo", EVERY_DAY)
    saturday = utc(2018, 11, 3, 20)  # 17:00 -03:00
    # 1 h on Saturday, then Sunday opens at 08:00 -02:00 = 10:00 UTC.
    assert cal.add_business_seconds(saturday, 2 * HOUR) == utc(2018, 11, 4, 11)
    # 08:00-18:00 is still 10 h of real time on the day of the change (it happened at midnight).
    assert cal.business_seconds_between(utc(2018, 11, 4, 2), utc(2018, 11, 5, 2)) == 10 * HOUR
    assert cal.next_opening(utc(2018, 11, 4, 3)) == utc(2018, 11, 4, 10)


def test_sao_paulo_dst_end_office_hours() -> None:
    cal = calendar("America/Sao_Paulo", EVERY_DAY)
    saturday = utc(2019, 2, 16, 19)  # 17:00 -02:00
    # 1 h on Saturday, then Sunday opens at 08:00 -03:00 = 11:00 UTC.
    assert cal.add_business_seconds(saturday, 2 * HOUR) == utc(2019, 2, 17, 12)
    assert cal.business_seconds_between(utc(2019, 2, 16), utc(2019, 2, 18)) == 20 * HOUR


def test_sao_paulo_interval_spanning_the_spring_forward() -> None:
    cal = calendar("America/Sao_Paulo", {"sat": [["20:00", "24:00"]], "sun": [["00:00", "04:00"]]})
    # Sat 20:00 -03:00 = 23:00Z; midnight did not exist (-> the jump at 03:00Z); Sun 04:00 -02:00 = 06:00Z: 7 h.
    assert cal.business_seconds_between(utc(2018, 11, 3), utc(2018, 11, 5)) == 7 * HOUR
    assert cal.add_business_seconds(utc(2018, 11, 3, 22), 4 * HOUR) == utc(2018, 11, 4, 3)
    assert cal.add_business_seconds(utc(2018, 11, 3, 22), 5 * HOUR) == utc(2018, 11, 4, 4)
    assert cal.is_open(utc(2018, 11, 4, 2, 59)) and cal.is_open(utc(2018, 11, 4, 3))
    assert not cal.is_open(utc(2018, 11, 4, 6))
    # A week later, no change: 8 h.
    assert cal.business_seconds_between(utc(2018, 11, 10), utc(2018, 11, 12)) == 8 * HOUR


def test_sao_paulo_intervals_inside_the_gap() -> None:
    cal = calendar("America/Sao_Paulo", {"sun": [["00:15", "00:45"], ["00:50", "02:00"]]})
    # 00:15-00:45 never happened; 00:50 did not exist either: starts at the jump (03:00Z) until 02:00 -02:00 = 04:00Z.
    assert cal.business_seconds_between(utc(2018, 11, 4), utc(2018, 11, 5)) == HOUR
    assert cal.next_opening(utc(2018, 11, 4)) == utc(2018, 11, 4, 3)
    assert cal.business_seconds_between(utc(2018, 11, 11), utc(2018, 11, 12)) == 30 * MINUTE + 70 * MINUTE


def test_sao_paulo_interval_spanning_the_fall_back() -> None:
    cal = calendar("America/Sao_Paulo", {"sat": [["20:00", "24:00"]], "sun": [["00:00", "04:00"]]})
    # Sat 20:00 -02:00 = 22:00Z; Sun 04:00 -03:00 = 07:00Z: 9 h of real time for 8 h on the wall.
    assert cal.business_seconds_between(utc(2019, 2, 16), utc(2019, 2, 18)) == 9 * HOUR
    assert cal.add_business_seconds(utc(2019, 2, 16, 22), 9 * HOUR) == utc(2019, 2, 17, 7)


def test_sao_paulo_repeated_hour_covers_both_occurrences() -> None:
    # 23:00-23:30 on 2019-02-16 starts at the first 23:00 (-02:00 = 01:00Z) and ends at the second 23:30
    # (-03:00 = 02:30Z).
    cal = calendar("America/Sao_Paulo", {"sat": [["23:00", "23:30"]]})
    assert cal.business_seconds_between(utc(2019, 2, 16), utc(2019, 2, 18)) == 90 * MINUTE
    # (Compare in UTC: aware datetimes in a repeated hour never compare equal across zones, PEP 495.)
    assert cal.next_opening(utc(2019, 2, 16)) == sp(2019, 2, 16, 23, fold=0).astimezone(UTC) == utc(2019, 2, 17, 1)
    assert cal.add_business_seconds(utc(2019, 2, 16), 90 * MINUTE) == sp(2019, 2, 16, 23, 30, fold=1).astimezone(UTC)
    assert cal.is_open(utc(2019, 2, 17, 1, 45))  # 23:45, first pass: inside the repeated hour
    # Adjacent local intervals whose instants overlap in the repeated hour are not counted twice.
    split = calendar("America/Sao_Paulo", {"sat": [["22:00", "23:30"], ["23:30", "24:00"]]})
    assert split.business_seconds_between(utc(2019, 2, 16), utc(2019, 2, 18)) == 3 * HOUR
    assert split.add_business_seconds(utc(2019, 2, 16), 3 * HOUR) == utc(2019, 2, 17, 3)


def test_lisbon_changes_inside_the_interval() -> None:
    cal = calendar("Europe/Lisbon", {"sun": [["00:00", "04:00"]]})
    # 2019-03-31: 01:00 WET -> 02:00 WEST. 00:00+00:00 = 00:00Z to 04:00+01:00 = 03:00Z.
    assert cal.business_seconds_between(utc(2019, 3, 30), utc(2019, 4, 1)) == 3 * HOUR
    # 2019-10-27: 02:00 WEST -> 01:00 WET. 00:00+01:00 = 26th 23:00Z to 04:00+00:00 = 04:00Z.
    assert cal.business_seconds_between(utc(2019, 10, 26), utc(2019, 10, 28)) == 5 * HOUR
    assert cal.add_business_seconds(utc(2019, 10, 26, 12), 5 * HOUR) == utc(2019, 10, 27, 4)
    office = calendar("Europe/Lisbon", EVERY_DAY)
    # Saturday 13:00-18:00 WEST (5 h) + Sunday 08:00-18:00 WET (10 h).
    assert office.business_seconds_between(utc(2019, 10, 26, 12), utc(2019, 10, 28)) == 15 * HOUR


@pytest.mark.parametrize("tz", ["UTC", "America/Sao_Paulo", "Europe/Lisbon", "America/Havana", "Australia/Lord_Howe"])
@pytest.mark.parametrize(
    "start", [utc(2018, 11, 1, 7, 13, 5, 250), utc(2019, 2, 10), utc(2018, 10, 20), utc(2026, 3, 1)]
)
def test_always_open_is_plain_elapsed_time(tz: str, start: datetime) -> None:
    cal = BusinessCalendar.always_open(tz)
    for seconds in (0, 1, 59 * MINUTE, 25 * HOUR, 30 * 24 * HOUR, 200 * 24 * HOUR):
        assert cal.add_business_seconds(start, seconds) == start + timedelta(seconds=seconds)
        assert cal.business_seconds_between(start, start + timedelta(seconds=seconds)) == seconds
    assert cal.is_open(start) and cal.next_opening(start) == start


def test_always_open_default_is_utc() -> None:
    assert BusinessCalendar.always_open().timezone == "UTC"
    assert BusinessCalendar.always_open().to_json()["weekly"]["mon"] == [["00:00", "24:00"]]


# -- argument checks ------------------------------------------------------------------------------------------------


def test_naive_datetimes_are_rejected(office: BusinessCalendar) -> None:
    naive = datetime(2026, 3, 2, 9)
    with pytest.raises(ValueError, match="timezone-aware"):
        office.is_open(naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        office.next_opening(naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        office.add_business_seconds(naive, 10)
    with pytest.raises(ValueError, match="timezone-aware"):
        office.business_seconds_between(sp(2026, 3, 2), naive)


def test_negative_seconds_are_rejected(office: BusinessCalendar) -> None:
    with pytest.raises(ValueError, match="negative"):
        office.add_business_seconds(sp(2026, 3, 2), -1)


def test_a_calendar_that_is_never_open() -> None:
    closed = calendar("UTC", {})
    with pytest.raises(ValueError, match="never open"):
        closed.next_opening(utc(2026, 1, 1))
    with pytest.raises(ValueError, match="never open"):
        closed.add_business_seconds(utc(2026, 1, 1), 60)
    assert closed.business_seconds_between(utc(2026, 1, 1), utc(2027, 1, 1)) == 0
    assert not closed.is_open(utc(2026, 1, 1))


def test_search_is_bounded_when_holidays_close_everything() -> None:
    mondays = [date(2026, 1, 5) + timedelta(weeks=week) for week in range(3 * 53)]
    cal = BusinessCalendar(
        timezone="UTC", weekly=(((time(9), time(10)),), (), (), (), (), (), ()), holidays=frozenset(mondays)
    )
    with pytest.raises(ValueError, match="no open time"):
        cal.next_opening(utc(2026, 1, 1))
    # With 18 months of closed Mondays the next opening is still found.
    cal = BusinessCalendar(timezone="UTC", weekly=cal.weekly, holidays=frozenset(mondays[:78]))
    assert cal.next_opening(utc(2026, 1, 1)) == datetime.combine(mondays[78], time(9), tzinfo=UTC)
    assert cal.add_business_seconds(utc(2026, 1, 1), HOUR) == datetime.combine(mondays[78], time(10), tzinfo=UTC)


def test_dataclass_validates_its_fields() -> None:
    with pytest.raises(ValueError, match="7 entries"):
        BusinessCalendar(timezone="UTC", weekly=((),) * 6)
    with pytest.raises(ValueError, match="unknown timezone"):
        BusinessCalendar(timezone="Mars/Olympus_Mons", weekly=((),) * 7)
    with pytest.raises(ValueError, match="overlap"):
        BusinessCalendar(timezone="UTC", weekly=(((time(8), time(12)), (time(11), time(13))),) + ((),) * 6)
    with pytest.raises(ValueError, match="not before"):
        BusinessCalendar(timezone="UTC", weekly=(((time(12), time(8)),),) + ((),) * 6)
    with pytest.raises(ValueError, match=r"datetime\.date"):
        BusinessCalendar(timezone="UTC", weekly=((),) * 7, holidays=frozenset({datetime(2026, 1, 1, tzinfo=UTC)}))
    # Lists are normalised to tuples, so calendars stay hashable and comparable.
    listed: Any = [[(time(8), time(0))]] + [[]] * 6
    cal = BusinessCalendar(timezone="UTC", weekly=listed)
    assert cal == BusinessCalendar(timezone="UTC", weekly=(((time(8), time(0)),),) + ((),) * 6)
    assert hash(cal) == hash(BusinessCalendar(timezone="UTC", weekly=cal.weekly))


# -- JSON -----------------------------------------------------------------------------------------------------------


def test_json_round_trip() -> None:
    data = {
        "timezone": "America/Sao_Paulo",
        "weekly": {"mon": [["13:00", "18:00"], ["08:00", "12:00"]], "sat": [["22:00", "24:00"]], "sun": []},
        "holidays": ["2026-12-25", "2026-01-01", "2026-12-25"],
    }
    cal = BusinessCalendar.from_json(data)
    assert cal.weekly[0] == ((time(8), time(12)), (time(13), time(18)))  # sorted
    assert cal.weekly[5] == ((time(22), time(0)),)
    assert cal.holidays == frozenset({date(2026, 1, 1), date(2026, 12, 25)})
    assert cal.to_json() == {
        "timezone": "America/Sao_Paulo",
        "weekly": {
            "mon": [["08:00", "12:00"], ["13:00", "18:00"]],
            "tue": [],
            "wed": [],
            "thu": [],
            "fri": [],
            "sat": [["22:00", "24:00"]],
            "sun": [],
        },
        "holidays": ["2026-01-01", "2026-12-25"],
    }
    assert BusinessCalendar.from_json(cal.to_json()) == cal
    seconds = BusinessCalendar.from_json({"timezone": "UTC", "weekly": {"tue": [["08:00:30", "09:15:45"]]}})
    assert seconds.to_json()["weekly"]["tue"] == [["08:00:30", "09:15:45"]]
    assert BusinessCalendar.from_json(seconds.to_json()) == seconds
    assert BusinessCalendar.from_json({"timezone": "UTC", "weekly": {}}).holidays == frozenset()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "JSON object"),
        ({"weekly": {}}, "missing 'timezone'"),
        ({"timezone": "UTC"}, "missing 'weekly'"),
        ({"timezone": "Mars/Olympus_Mons", "weekly": {}}, "unknown timezone"),
        ({"timezone": "", "weekly": {}}, "timezone"),
        ({"timezone": 3, "weekly": {}}, "timezone"),
        ({"timezone": "../etc/passwd", "weekly": {}}, "timezone"),
        ({"timezone": "UTC", "weekly": {}, "holiday": []}, "unknown business calendar field"),
        ({"timezone": "UTC", "weekly": []}, "weekly must be an object"),
        ({"timezone": "UTC", "weekly": {"monday": []}}, "unknown weekday"),
        ({"timezone": "UTC", "weekly": {"mon": "08:00-18:00"}}, r"weekly\.mon"),
        ({"timezone": "UTC", "weekly": {"mon": [["08:00"]]}}, r"weekly\.mon\[0\].*pair"),
        ({"timezone": "UTC", "weekly": {"mon": [["8:00", "18:00"]]}}, "HH:MM"),
        ({"timezone": "UTC", "weekly": {"mon": [["08:00", "25:00"]]}}, "not a valid time"),
        ({"timezone": "UTC", "weekly": {"mon": [["08:60", "18:00"]]}}, "not a valid time"),
        ({"timezone": "UTC", "weekly": {"mon": [["08:00", 18]]}}, "HH:MM"),
        ({"timezone": "UTC", "weekly": {"mon": [["24:00", "24:00"]]}}, "only allowed as the end"),
        ({"timezone": "UTC", "weekly": {"mon": [["18:00", "08:00"]]}}, "not before"),
        ({"timezone": "UTC", "weekly": {"mon": [["08:00", "08:00"]]}}, "not before"),
        ({"timezone": "UTC", "weekly": {"mon": [["08:00", "12:00"], ["11:59", "13:00"]]}}, "overlap"),
        ({"timezone": "UTC", "weekly": {"fri": [["12:00", "24:00"], ["00:00", "13:00"]]}}, "overlap"),
        ({"timezone": "UTC", "weekly": {}, "holidays": "2026-12-25"}, "holidays must be a list"),
        ({"timezone": "UTC", "weekly": {}, "holidays": ["25/12/2026"]}, r"holidays\[0\]"),
        ({"timezone": "UTC", "weekly": {}, "holidays": ["2026-02-30"]}, "not a valid date"),
        ({"timezone": "UTC", "weekly": {}, "holidays": [20261225]}, r"holidays\[0\]"),
    ],
)
def test_json_validation_errors(data: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar.from_json(data)


# -- properties -----------------------------------------------------------------------------------------------------

ZONES = ["UTC", "America/Sao_Paulo", "Europe/Lisbon", "America/Havana", "Australia/Lord_Howe", "Asia/Kolkata"]
# Local dates of offset changes, so that random starts land near them often.
CHANGES: dict[str, list[date]] = {
    "America/Sao_Paulo": [date(2017, 10, 15), date(2018, 2, 18), date(2018, 11, 4), date(2019, 2, 17)],
    "Europe/Lisbon": [date(2019, 3, 31), date(2019, 10, 27), date(2024, 3, 31), date(2024, 10, 27)],
    "America/Havana": [date(2018, 3, 11), date(2018, 11, 4), date(2019, 3, 10), date(2019, 11, 3)],
    "Australia/Lord_Howe": [date(2018, 10, 7), date(2019, 4, 7), date(2025, 4, 6)],
}
QUARTER = timedelta(minutes=15)
# Quarter-hours (0..96) near midnight and typical DST changes come up far more often than uniform draws would give.
INTERESTING_QUARTERS = (0, 2, 4, 6, 8, 10, 92, 94, 96, 32, 72)
QUARTERS = st.integers(0, 96 + len(INTERESTING_QUARTERS)).map(
    lambda index: INTERESTING_QUARTERS[index - 97] if index > 96 else index
)


def quarter_time(index: int) -> time:
    return time(0) if index == 96 else time(index // 4, index % 4 * 15)


@st.composite
def weekly_hours(draw: st.DrawFn) -> tuple[tuple[tuple[time, time], ...], ...]:
    days = []
    for _ in range(7):
        marks = sorted(draw(st.lists(QUARTERS, unique=True, max_size=6)))
        days.append(tuple((quarter_time(a), quarter_time(b)) for a, b in zip(marks[::2], marks[1::2], strict=False)))
    weekly = tuple(days)
    assume(any(weekly))
    return weekly


@st.composite
def scenarios(draw: st.DrawFn, *, on_quarter: bool = False) -> tuple[BusinessCalendar, datetime]:
    """A random calendar and an aware start between 2017 and 2027 (often within days of a DST change)."""
    tz = draw(st.sampled_from(ZONES))
    zone = ZoneInfo(tz)
    if tz in CHANGES and draw(st.booleans()):
        anchor = datetime.combine(draw(st.sampled_from(CHANGES[tz])), time(0), tzinfo=zone)
        start = anchor + timedelta(seconds=draw(st.integers(-3 * 86400, 3 * 86400)))
    else:
        offset = timedelta(
            seconds=draw(st.integers(0, (datetime(2028, 1, 1) - datetime(2017, 1, 1)).days * 86400 - 1)),
            microseconds=draw(st.sampled_from([0, 0, 0, 1, 500_000, 999_999])),
        )
        start = (utc(2017, 1, 1) + offset).astimezone(draw(st.sampled_from([UTC, zone, SAO_PAULO])))
    if on_quarter:
        start = datetime.fromtimestamp(start.timestamp() // QUARTER.total_seconds() * QUARTER.total_seconds(), UTC)
    local_day = start.astimezone(zone).date()
    holidays = draw(st.frozensets(st.integers(-3, 40).map(lambda days: local_day + timedelta(days=days)), max_size=8))
    return BusinessCalendar(timezone=tz, weekly=draw(weekly_hours()), holidays=holidays), start


def weekly_open_seconds(cal: BusinessCalendar) -> int:
    total = 0
    for day in cal.weekly:
        for start, end in day:
            end_seconds = 86400 if end == time(0) else end.hour * 3600 + end.minute * 60
            total += end_seconds - (start.hour * 3600 + start.minute * 60)
    return total


def targets(cal: BusinessCalendar) -> st.SearchStrategy[int]:
    """Up to 30 days of business time, but no more than about a quarter of a year of this calendar's weeks."""
    cap = min(30 * 86400, 13 * weekly_open_seconds(cal))
    return st.one_of(st.integers(0, min(cap, 4 * HOUR)), st.integers(0, cap))


def wall_clock_open(cal: BusinessCalendar, instant: datetime) -> bool:
    """Independent oracle: is the local wall clock inside an interval of its local date (holidays closed)?"""
    local = instant.astimezone(ZoneInfo(cal.timezone))
    if local.date() in cal.holidays:
        return False
    now = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
    for start, end in cal.weekly[local.weekday()]:
        end_seconds = 86400 if end == time(0) else end.hour * 3600 + end.minute * 60
        if start.hour * 3600 + start.minute * 60 <= now < end_seconds:
            return True
    return False


def repeated_wall_time(cal: BusinessCalendar, instant: datetime) -> bool:
    """Whether the local wall-clock reading of ``instant`` happened twice (fall-back hour)."""
    local = instant.astimezone(ZoneInfo(cal.timezone))
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


@PROPERTY
@given(data=st.data())
def test_monotonic_in_the_target(data: st.DataObject) -> None:
    cal, start = data.draw(scenarios())
    first, second = sorted((data.draw(targets(cal)), data.draw(targets(cal))))
    assert cal.add_business_seconds(start, first) <= cal.add_business_seconds(start, second)


@PROPERTY
@given(data=st.data())
def test_result_is_never_inside_a_closed_period(data: st.DataObject) -> None:
    cal, start = data.draw(scenarios())
    seconds = data.draw(targets(cal).filter(bool))
    result = cal.add_business_seconds(start, seconds)
    assert result.tzinfo is UTC
    assert result > start
    assert cal.is_open(result) or cal.is_open(result - timedelta(microseconds=1))


@PROPERTY
@given(data=st.data())
def test_round_trip_through_business_seconds_between(data: st.DataObject) -> None:
    cal, start = data.draw(scenarios())
    seconds = data.draw(targets(cal))
    assert cal.business_seconds_between(start, cal.add_business_seconds(start, seconds)) == seconds


@PROPERTY
@given(data=st.data())
def test_additivity(data: st.DataObject) -> None:
    cal, start = data.draw(scenarios())
    a = data.draw(targets(cal))
    b = data.draw(targets(cal).filter(bool))  # add(x, 0) moves a closing-time x to the next opening, by design
    assert cal.add_business_seconds(cal.add_business_seconds(start, a), b) == cal.add_business_seconds(start, a + b)


@PROPERTY
@given(data=st.data())
def test_pausing_never_shortens_a_deadline(data: st.DataObject) -> None:
    cal, start = data.draw(scenarios())
    seconds = data.draw(targets(cal))
    deadline = cal.add_business_seconds(start, seconds)
    origin = start.astimezone(UTC)  # arithmetic on instants, not on a DST zone's wall clock
    paused_at = min(max(origin + (deadline - origin) * data.draw(st.floats(0, 1)), origin), deadline)
    pause = timedelta(seconds=data.draw(st.integers(0, 10 * 86400)))
    remaining = seconds - cal.business_seconds_between(start, paused_at)
    assert 0 <= remaining <= seconds
    resumed_deadline = cal.add_business_seconds(paused_at + pause, remaining)
    assert resumed_deadline >= deadline
    if not pause and remaining and not start.microsecond and not paused_at.microsecond:
        assert resumed_deadline == deadline  # a zero-length pause changes nothing


@PROPERTY
@given(data=st.data())
def test_business_time_never_exceeds_real_time(data: st.DataObject) -> None:
    cal, start = data.draw(scenarios())
    end = start.astimezone(UTC) + timedelta(seconds=data.draw(st.integers(-86400, 40 * 86400)))
    business = cal.business_seconds_between(start, end)
    assert 0 <= business <= max(0, (end - start) // timedelta(seconds=1))  # different tzinfo: real elapsed time


@PROPERTY
@given(data=st.data())
def test_next_opening_is_consistent_with_is_open(data: st.DataObject) -> None:
    cal, start = data.draw(scenarios())
    opening = cal.next_opening(start)
    assert opening >= start
    assert cal.is_open(opening)
    assert cal.business_seconds_between(start, opening) == 0
    # Compare in UTC: in a repeated hour aware datetimes of different zones never compare equal (PEP 495).
    assert (opening == start.astimezone(UTC)) == cal.is_open(start)
    assert cal.add_business_seconds(start, 0) == opening


@settings(deadline=None, max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_agrees_with_the_wall_clock_over_three_days(data: st.DataObject) -> None:
    """On a quarter-hour grid (every boundary in these zones is one), ``is_open`` matches the wall-clock oracle
    wherever the wall-clock reading is unambiguous, and ``business_seconds_between`` counts exactly those quarters."""
    cal, start = data.draw(scenarios(on_quarter=True))
    quarters = [start + QUARTER * index for index in range(3 * 96)]
    open_quarters = 0
    for instant in quarters:
        is_open = cal.is_open(instant)
        open_quarters += is_open
        if not repeated_wall_time(cal, instant):
            assert is_open == wall_clock_open(cal, instant), instant
    assert cal.business_seconds_between(start, start + 3 * timedelta(days=1)) == open_quarters * 900
