"""Rotation schedules: RotationRules (AutomaticallyAfterDays, or a ScheduleExpression rate()/cron()
with an optional Duration) and the window in which the next rotation happens.

As AWS documents: schedules are in UTC; a rate() window starts at midnight; AutomaticallyAfterDays
counts from the last rotation (a manual PutSecretValue/UpdateSecret counts as one); a window lasts
`Duration`, or else closes at the end of the UTC day for schedules in days and after one hour for
schedules in hours. NextRotationDate is the end of the window ("on or before this date"). Stratus
rotates when the window opens. Messages for invalid rules are guessed (AWS does not document them).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from stratus.services.secretsmanager.common import DAY, InvalidParameterException

HOUR = 3600.0
MIN_RATE_HOURS = 4
_RATE = re.compile(r"rate\(\s*(\d+)\s+(hour|hours|day|days)\s*\)")
_CRON = re.compile(r"cron\((.*)\)")
_DURATION = re.compile(r"(\d+)h")
_MONTHS = {name: index for index, name in enumerate(calendar.month_abbr) if name}
_MONTHS = {name.upper(): index for name, index in _MONTHS.items()}
_WEEKDAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
CRON_SEARCH_DAYS = 366 * 5


@dataclass(frozen=True, slots=True)
class Rules:
    days: int | None
    schedule: str | None
    duration: str | None


def _bad(message: str) -> InvalidParameterException:
    return InvalidParameterException(message)


def check_rules(raw: dict) -> Rules:
    """Validate RotationRules as RotateSecret receives them."""
    days = raw.get("AutomaticallyAfterDays")
    schedule = raw.get("ScheduleExpression")
    duration = raw.get("Duration")
    if days is not None and schedule is not None:
        raise _bad("You cannot specify both rotation frequency and schedule expression together.")
    rules = Rules(days=days, schedule=schedule.strip() if schedule else None, duration=duration)
    if rules.schedule is not None:
        _parse_schedule(rules.schedule)
    if duration is not None:
        hours = _duration_hours(duration)
        if hours < 1 or hours > 24:
            raise _bad("The rotation window duration must be between 1 and 24 hours.")
        interval = interval_hours(rules)
        if interval is not None and hours > interval:
            raise _bad("The rotation window must not extend into the next rotation window.")
    return rules


def _duration_hours(duration: str) -> int:
    match = _DURATION.fullmatch(duration)
    if match is None:
        raise _bad(f"Invalid Duration: {duration}")
    return int(match.group(1))


def interval_hours(rules: Rules) -> int | None:
    """The fixed interval of a rate or days schedule, in hours (None for cron)."""
    if rules.days is not None:
        return rules.days * 24
    if rules.schedule is None:
        return None
    rate = _RATE.fullmatch(rules.schedule)
    if rate is None:
        return None
    count = int(rate.group(1))
    return count if rate.group(2).startswith("hour") else count * 24


# -- rate() and cron() -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    days_of_month: frozenset[int] | None  # None: "?" or "*" (any)
    months: frozenset[int]
    days_of_week: frozenset[int] | None  # 1 = Sunday ... 7 = Saturday; None: any
    years: frozenset[int] | None
    in_hours: bool  # the hour field is not a single value: a schedule in hours


def _parse_schedule(text: str) -> tuple[str, object]:
    rate = _RATE.fullmatch(text)
    if rate is not None:
        count = int(rate.group(1))
        hours = count if rate.group(2).startswith("hour") else count * 24
        if count < 1:
            raise _bad(f"Invalid ScheduleExpression: {text}")
        if hours < MIN_RATE_HOURS:
            raise _bad("The rotation frequency must be at least 4 hours.")
        if hours > 1000 * 24:
            raise _bad("The rotation frequency must be at most 1000 days.")
        return "rate", hours
    cron = _CRON.fullmatch(text)
    if cron is not None:
        return "cron", _parse_cron(cron.group(1), text)
    raise _bad(f"Invalid ScheduleExpression: {text}")


def _field(text: str, low: int, high: int, names: dict[str, int] | None, expression: str) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) < 1:
                raise _bad(f"Invalid ScheduleExpression: {expression}")
            step = int(step_text)
        if part in ("*", ""):
            start, end = low, high
        elif "-" in part:
            first, last = part.split("-", 1)
            start, end = _value(first, names, expression), _value(last, names, expression)
        else:
            start = _value(part, names, expression)
            end = high if step > 1 else start
        if not (low <= start <= high and low <= end <= high) or start > end:
            raise _bad(f"Invalid ScheduleExpression: {expression}")
        values.update(range(start, end + 1, step))
    return frozenset(values)


def _value(text: str, names: dict[str, int] | None, expression: str) -> int:
    if text.isdigit():
        return int(text)
    if names and text.upper() in names:
        return names[text.upper()]
    raise _bad(f"Invalid ScheduleExpression: {expression}")


def _parse_cron(body: str, expression: str) -> _Cron:
    fields = body.split()
    if len(fields) != 6:
        raise _bad(f"Invalid ScheduleExpression: {expression}")
    minute, hour, day_of_month, month, day_of_week, year = fields
    if (day_of_month == "?") == (day_of_week == "?"):
        # AWS cron: exactly one of day-of-month and day-of-week is "?"
        raise _bad(f"Invalid ScheduleExpression: {expression}")
    return _Cron(
        minutes=_field(minute, 0, 59, None, expression),
        hours=_field(hour, 0, 23, None, expression),
        days_of_month=None if day_of_month in ("?", "*") else _field(day_of_month, 1, 31, None, expression),
        months=_field(month, 1, 12, _MONTHS, expression),
        days_of_week=None if day_of_week in ("?", "*") else _field(day_of_week, 1, 7, _WEEKDAYS, expression),
        years=None if year in ("*", "?") else _field(year, 1970, 2199, None, expression),
        in_hours=not hour.isdigit(),
    )


def _cron_next(cron: _Cron, after: float) -> float | None:
    """The first moment strictly after `after` that the cron expression names."""
    moment = datetime.fromtimestamp(after, tz=UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    day = moment.replace(hour=0, minute=0)
    for _ in range(CRON_SEARCH_DAYS):
        if (
            (cron.years is None or day.year in cron.years)
            and day.month in cron.months
            and (cron.days_of_month is None or day.day in cron.days_of_month)
            and (cron.days_of_week is None or (day.isoweekday() % 7) + 1 in cron.days_of_week)
        ):
            for hour in sorted(cron.hours):
                for minute in sorted(cron.minutes):
                    candidate = day.replace(hour=hour, minute=minute)
                    if candidate >= moment:
                        return candidate.timestamp()
        day += timedelta(days=1)
    return None


# -- the next window -------------------------------------------------------------------------


def next_window(rules: Rules, base: float) -> tuple[float, float] | None:
    """(opens, closes) of the next rotation window after a rotation (or a manual change) at `base`;
    None when the schedule names no future moment."""
    duration = _duration_hours(rules.duration) * HOUR if rules.duration else None
    if rules.days is not None or (rules.schedule and _RATE.fullmatch(rules.schedule)):
        hours = interval_hours(rules)
        assert hours is not None
        if hours % 24 == 0:
            opens = base - base % DAY + hours * HOUR  # midnight, `hours / 24` days on
            closes = opens + (duration if duration is not None else DAY - 1)
        else:
            opens = base - base % HOUR + hours * HOUR
            closes = opens + (duration if duration is not None else HOUR)
        return opens, closes
    assert rules.schedule is not None
    _, cron = _parse_schedule(rules.schedule)
    assert isinstance(cron, _Cron)
    opens = _cron_next(cron, base)
    if opens is None:
        return None
    if duration is not None:
        closes = opens + duration
    elif cron.in_hours:
        closes = opens + HOUR
    else:
        closes = opens - opens % DAY + DAY - 1  # the end of that UTC day
    return opens, closes
