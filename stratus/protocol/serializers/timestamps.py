"""Timestamp rendering in the three wire formats AWS uses.

Providers hand us `datetime` objects (naive ones are taken as UTC) or epoch seconds; a string
is accepted too and re-rendered when it parses as ISO-8601. Precision is the millisecond,
which is what AWS sends.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

ISO8601 = "iso8601"
RFC822 = "rfc822"
UNIX = "unixTimestamp"

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def to_utc(value: object) -> datetime:
    """Any accepted timestamp value as an aware UTC datetime."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        text = value.strip()
        try:
            return to_utc(float(text))
        except ValueError:
            return to_utc(datetime.fromisoformat(text))
    raise TypeError(f"not a timestamp: {value!r}")


def iso8601(value: object) -> str:
    """`2025-01-01T00:00:00.000Z`, the body format of query, ec2 and rest-xml."""
    # isoformat is C code; this runs once per timestamp of every XML answer.
    if type(value) is datetime:
        if value.tzinfo is None:
            return value.isoformat(timespec="milliseconds") + "Z"
        if value.tzinfo is UTC:
            return value.isoformat(timespec="milliseconds")[:-6] + "Z"
    return to_utc(value).isoformat(timespec="milliseconds")[:-6] + "Z"


def rfc822(value: object) -> str:
    """`Wed, 01 Jan 2025 00:00:00 GMT`, the HTTP-date used in headers."""
    moment = to_utc(value)
    return (
        f"{_DAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month]} {moment.year:04d} "
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} GMT"
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)


def epoch_seconds(value: object) -> int | float:
    """Seconds since the epoch, an int when whole, else a float with millisecond precision."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float):
        seconds = round(value, 3)
        return int(seconds) if seconds.is_integer() else seconds
    if type(value) is not datetime:
        value = to_utc(value)
    # Timedelta arithmetic is exact (no float rounding of the seconds).
    delta = value - (_NAIVE_EPOCH if value.tzinfo is None else _EPOCH)  # type: ignore[operator]
    whole = delta.days * 86400 + delta.seconds
    millis = delta.microseconds // 1000
    return whole + millis / 1000 if millis else whole


def epoch_text(value: object) -> str:
    """Epoch seconds as text, for `unixTimestamp` members in XML bodies and headers."""
    return repr(epoch_seconds(value))


_TEXT_FORMATTERS: dict[str, Callable[[object], str]] = {
    ISO8601: iso8601,
    RFC822: rfc822,
    UNIX: epoch_text,
}


def text_formatter(timestamp_format: str | None, default: str) -> Callable[[object], str]:
    """The function rendering a timestamp as text in `timestamp_format` (or `default`)."""
    return _TEXT_FORMATTERS.get(timestamp_format or default, _TEXT_FORMATTERS[default])
