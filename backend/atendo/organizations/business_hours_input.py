"""Business hours as the API receives them: every problem, translated, where it is.

`BusinessCalendar.from_json` stops at the first problem with a developer's sentence; an admin
editing a week wants each wrong row marked in their language. `business_hours_errors` walks
the same JSON and returns errors shaped like the input (DRF's nested error style, list positions
as string keys), for example::

    {"weekly": {"mon": {"1": ["This interval overlaps 08:00-12:00."]}}, "holidays": {"0": [...]}}

An empty answer means `from_json` accepts the calendar (the API still builds it to be sure).
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from atendo.organizations.business_hours import WEEKDAYS

_TIME = re.compile(r"(\d{2}):(\d{2})(?::(\d{2}))?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FIELDS = ("timezone", "weekly", "holidays")

Errors = dict[str, Any]


def _seconds(raw: Any, *, end: bool) -> int | str:
    """Seconds since midnight, or the message saying what is wrong with `raw`."""
    match = _TIME.fullmatch(raw) if isinstance(raw, str) else None
    if match is None:
        return _("Use a time like 08:00.")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if (hour, minute, second) == (24, 0, 0):
        return 86400 if end else _("24:00 can only close an interval.")
    if hour > 23 or minute > 59 or second > 59:
        return _("Use a time like 08:00.")
    total = hour * 3600 + minute * 60 + second
    return 86400 if end and total == 0 else total  # "00:00" as an end is midnight


def _label(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def _day_errors(raw_day: Any) -> Errors | list[str]:
    if not isinstance(raw_day, list | tuple):
        return [_("Give this day's hours as a list of [opening, closing] pairs.")]
    errors: Errors = {}
    spans: list[tuple[int, int, int]] = []  # (start, end, position)
    for index, pair in enumerate(raw_day):
        key = str(index)
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            errors[key] = [_("Give an interval as [opening, closing].")]
            continue
        start, end = _seconds(pair[0], end=False), _seconds(pair[1], end=True)
        problems = [value for value in (start, end) if isinstance(value, str)]
        if problems:
            errors[key] = list(dict.fromkeys(problems))
        elif isinstance(start, int) and isinstance(end, int):
            if start >= end:
                errors[key] = [_("The opening time must be before the closing time.")]
            else:
                spans.append((start, end, index))
    spans.sort()
    reaching: tuple[int, int, int] | None = None  # of the intervals so far, the one closing last
    for span in spans:
        if reaching is not None and span[0] < reaching[1]:
            for (_start, _end, index), (start, end, _index) in ((reaching, span), (span, reaching)):
                message = _("This interval overlaps %(start)s–%(end)s.") % {"start": _label(start), "end": _label(end)}
                errors.setdefault(str(index), []).append(message)
        if reaching is None or span[1] > reaching[1]:
            reaching = span
    return errors


def business_hours_errors(data: Any) -> Errors | list[str]:
    """Every problem of a business calendar (`{}`: none), keyed like the input. A list is about
    the calendar as a whole."""
    if not isinstance(data, dict):
        return [_("Give the business hours as an object with timezone and weekly.")]
    errors: Errors = {key: [_("Unknown field.")] for key in data if key not in _FIELDS}
    timezone = data.get("timezone")
    if timezone is None:
        errors["timezone"] = [_("This field is required.")]
    elif not isinstance(timezone, str) or timezone not in zoneinfo.available_timezones():
        errors["timezone"] = [_("Unknown time zone.")]

    weekly = data.get("weekly")
    if weekly is None:
        errors["weekly"] = [_("This field is required.")]
    elif not isinstance(weekly, dict):
        errors["weekly"] = [_("Give the opening hours per weekday (mon to sun).")]
    else:
        days: Errors = {}
        for day, raw_day in weekly.items():
            if day not in WEEKDAYS:
                days[str(day)] = [_("Unknown weekday: use mon, tue, wed, thu, fri, sat or sun.")]
            elif found := _day_errors(raw_day):
                days[day] = found
        if days:
            errors["weekly"] = days

    holidays = data.get("holidays", [])
    if not isinstance(holidays, list | tuple):
        errors["holidays"] = [_("Give the closed dates as a list.")]
    else:
        bad: Errors = {}
        for index, raw in enumerate(holidays):
            if not (isinstance(raw, str) and _DATE.fullmatch(raw) and _is_date(raw)):
                bad[str(index)] = [_("Use a date like 2026-12-25.")]
        if bad:
            errors["holidays"] = bad
    return errors


def _is_date(raw: str) -> bool:
    try:
        date.fromisoformat(raw)
    except ValueError:
        return False
    return True
