"""DynamoDB's Number type: parsing the wire text, AWS's limits and messages, canonical text, arithmetic.

A Number is a decimal of at most 38 significant digits whose magnitude lies in
1E-130 .. 9.9999999999999999999999999999999999999E+125 (either sign), or zero. It travels as text;
DynamoDB accepts what Java's BigDecimal parses (`+3`, `.5`, `1.`, `1e+5`, `0e1000`) but no
whitespace, `NaN` or `Infinity`, and answers numbers in plain notation with leading and trailing
zeros trimmed (`1.5E2` -> `150`, `1E-3` -> `0.001`, `-0` -> `0`), never with an exponent.

Arithmetic is exact: a result that would need more than 38 digits is refused, not rounded
(DynamoDB answers "Number overflow" for it, whatever the magnitude, as it does for `1e50 + 1`).
All arithmetic runs in a local decimal Context; the global one is never read or changed.
"""

from __future__ import annotations

import re
from decimal import Clamped, Context, Decimal, Inexact, InvalidOperation, Overflow, Rounded, Underflow
from functools import lru_cache

from stratus.services.dynamodb.common import ValidationException

MAX_DIGITS = 38
MAX_ADJUSTED_EXPONENT = 125  # 9.99...E+125
MIN_ADJUSTED_EXPONENT = -130  # 1E-130

UNPARSEABLE_EMPTY = "The parameter cannot be converted to a numeric value"
TOO_MANY_DIGITS = "Attempting to store more than 38 significant digits in a Number"
OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range"
UNDERFLOW = "Number underflow. Attempting to store a number with magnitude smaller than supported range"

# BigDecimal's grammar, ASCII digits only (Python's Decimal would also take "NaN", "Infinity",
# surrounding whitespace, underscores and non-ASCII digits, all of which DynamoDB refuses).
_NUMBER_TEXT = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?")
# BigDecimal keeps its scale in a 32-bit int; an exponent beyond it does not parse at all.
_MAX_EXPONENT_TEXT = 2**31 - 1

# Sums and differences of two valid numbers span at most 10^126 .. 10^-168: 294 digits, so with
# this precision every result is exact, and Inexact/Rounded are trapped in case one is not.
_EXACT = Context(
    prec=400,
    Emax=999_999,
    Emin=-999_999,
    traps=[InvalidOperation, Inexact, Rounded, Overflow, Underflow, Clamped],
)


class InvalidNumber(ValidationException):
    """A Number DynamoDB refuses. `message` is AWS's bare text; callers that report it inside a
    larger message (`ExpressionAttributeValues contains invalid value: ... for key :v`) catch this
    and re-raise with their wording."""


def unparseable(text: str) -> str:
    return f"{UNPARSEABLE_EMPTY}: {text}" if text else UNPARSEABLE_EMPTY


def _parse(text: str) -> Decimal:
    """The exact value of `text`, reduced (no trailing zeros), or InvalidNumber when it is not
    one DynamoDB takes; range and precision are checked too."""
    match = _NUMBER_TEXT.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise InvalidNumber(unparseable(text if isinstance(text, str) else repr(text)))
    sign, integer, fraction, exponent_text = match.groups()
    fraction = fraction or ""
    if not integer and not fraction:
        raise InvalidNumber(unparseable(text))
    exponent_digits = (exponent_text or "").lstrip("+-").lstrip("0")
    if len(exponent_digits) > 10 or (exponent_digits and int(exponent_digits) > _MAX_EXPONENT_TEXT):
        raise InvalidNumber(unparseable(text))
    exponent = int(exponent_text) if exponent_text else 0
    digits = (integer + fraction).lstrip("0")
    if not digits:
        return Decimal(0)
    exponent -= len(fraction)
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    value = Decimal((1 if sign == "-" else 0, tuple(int(d) for d in stripped), exponent))
    check_range(value)
    return value


def _reduced(value: Decimal) -> Decimal:
    """`value` without trailing zeros in its coefficient (no context involved, so no limits)."""
    sign, digits, exponent = value.as_tuple()
    kept = len(digits)
    while kept > 1 and digits[kept - 1] == 0:
        kept -= 1
    return Decimal((sign, digits[:kept], exponent + len(digits) - kept))


def check_range(value: Decimal) -> None:
    """Refuse a value DynamoDB cannot store: out of range, or more than 38 significant digits.

    The checks run in that order (magnitude first), as DynamoDB reports a number that breaks both.
    """
    if not value:
        return
    reduced = _reduced(value)
    adjusted = reduced.adjusted()
    if adjusted > MAX_ADJUSTED_EXPONENT:
        raise InvalidNumber(OVERFLOW)
    if adjusted < MIN_ADJUSTED_EXPONENT:
        raise InvalidNumber(UNDERFLOW)
    if len(reduced.as_tuple().digits) > MAX_DIGITS:
        raise InvalidNumber(TOO_MANY_DIGITS)


def to_decimal(text: str) -> Decimal:
    """The exact value of a Number's wire text (validated), with trailing zeros removed."""
    return _parse(text)


def render(value: Decimal) -> str:
    """A Number's canonical text as DynamoDB answers it: plain notation, no exponent, no
    leading/trailing zeros, no sign on zero."""
    if not value:
        return "0"
    sign, digits, exponent = _reduced(value).as_tuple()
    body = "".join(map(str, digits))
    if exponent >= 0:
        text = body + "0" * exponent
    elif -exponent >= len(body):
        text = "0." + "0" * (-exponent - len(body)) + body
    else:
        text = body[:exponent] + "." + body[exponent:]
    return "-" + text if sign else text


@lru_cache(maxsize=8192)  # invalid texts raise, and exceptions are not cached
def normalize(text: str) -> str:
    """Validate a Number's wire text and return its canonical form (`"01.50"` -> `"1.5"`)."""
    return render(_parse(text))


def _arithmetic_result(value: Decimal) -> str:
    if value:
        reduced = _reduced(value)
        # DynamoDB reports a result that needs more than 38 digits as an overflow, even when its
        # magnitude is in range (measured: SET b = :a + :b with 1e50 and 1).
        if len(reduced.as_tuple().digits) > MAX_DIGITS:
            raise InvalidNumber(OVERFLOW)
        check_range(reduced)
    return render(value)


def add(a: str, b: str) -> str:
    """`a + b`, exact, as canonical text; InvalidNumber when DynamoDB could not store the result."""
    return _arithmetic_result(_EXACT.add(_parse(a), _parse(b)))


def subtract(a: str, b: str) -> str:
    """`a - b`, exact, as canonical text; InvalidNumber when DynamoDB could not store the result."""
    return _arithmetic_result(_EXACT.subtract(_parse(a), _parse(b)))


def compare(a: str, b: str) -> int:
    """-1, 0 or 1 as the number `a` is less than, equal to or greater than `b`."""
    return int(_EXACT.compare(_parse(a), _parse(b)))


def digits_and_exponent(text: str) -> tuple[int, str, int]:
    """(sign, significant digits, adjusted exponent) of a valid Number, e.g. `-12.5` ->
    (1, "125", 1): the value is ±d.ddd × 10^exponent. Zero is (0, "", 0)."""
    value = _parse(text)
    if not value:
        return 0, "", 0
    sign, digits, _ = value.as_tuple()
    return sign, "".join(map(str, digits)), value.adjusted()
