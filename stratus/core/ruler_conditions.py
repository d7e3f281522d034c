"""The conditions of event-ruler's matching language (AWS's library behind SNS filter policies and
EventBridge patterns): the values they compare and the tests they run. Shared by
services/sns/filter_policy.py and core/event_patterns.py.

A policy field compiles to one `FieldConditions`; matching a field asks it whether any condition
accepts a message value. Numbers compare the way event-ruler compares them: exactly to six decimal
places, and only within ±1e9 (outside that range only their text matches).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

_NUMBER_LIMIT = Decimal(10**9)
_NUMBER_SCALE = Decimal(10**6)  # comparisons are exact to six decimal places, like event-ruler's
_IPV4 = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_IPV6 = re.compile(r"[0-9a-fA-F:]*:[0-9a-fA-F:]*")


class Number:
    """A JSON number as text, with its comparable form (None outside ±1e9, where only text matches).
    The comparable form is worked out only if a condition looks at it: bodies hold many numbers."""

    __slots__ = ("text", "_key")

    def __init__(self, text: str):
        self.text = text
        self._key: int | None | bool = False

    @property
    def key(self) -> int | None:
        if self._key is False:
            self._key = comparable(self.text)
        return self._key


def comparable(text: str) -> int | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number) > _NUMBER_LIMIT:
        return None
    return int((number * _NUMBER_SCALE).to_integral_value(ROUND_HALF_EVEN))


def _ip_bytes(text: str) -> bytes | None:
    """The address, None when the text doesn't look like one (event-ruler's test), ValueError if it's bad."""
    if _IPV4.fullmatch(text):
        octets = [int(part) for part in text.split(".")]
        if any(octet > 255 for octet in octets):
            raise ValueError(text)
        return bytes(octets)
    if _IPV6.fullmatch(text):
        try:
            return ipaddress.IPv6Address(text).packed
        except ValueError:
            raise ValueError(text) from None
    return None


class FieldConditions:
    """The conditions on one field: any of them matching makes the field match."""

    __slots__ = (
        "top",
        "depth",
        "size",
        "strings",
        "number_keys",
        "number_texts",
        "literals",
        "tests",
        "exists_true",
        "exists_false",
    )

    def __init__(self, top: str, depth: int, conditions: list[tuple]):
        self.top, self.depth, self.size = top, depth, len(conditions)
        self.strings: set[str] = set()
        self.number_keys: set[int] = set()
        self.number_texts: set[str] = set()
        self.literals: list[Any] = []
        self.tests: list[Callable[[Any], bool]] = []
        self.exists_true = self.exists_false = False
        for kind, *arguments in conditions:
            if kind == "string":
                self.strings.add(arguments[0])
            elif kind == "number":
                number = Number(arguments[0])
                self.number_texts.add(number.text)
                if number.key is not None:
                    self.number_keys.add(number.key)
            elif kind == "literal":
                self.literals.append(arguments[0])
            elif kind == "exists":
                self.exists_true |= arguments[0]
                self.exists_false |= not arguments[0]
            else:
                self.tests.append(arguments[0])

    def accepts(self, value: Any) -> bool:
        kind = value.__class__
        if kind is str:
            if value in self.strings:
                return True
        elif kind is Number:
            if value.key in self.number_keys or value.text in self.number_texts:
                return True
        elif any(value is literal for literal in self.literals):
            return True
        return any(test(value) for test in self.tests)


def string_test(operator: str, value: str) -> Callable[[Any], bool]:
    if operator == "prefix":
        return lambda v: v.__class__ is str and v.startswith(value)
    if operator == "suffix":
        return lambda v: v.__class__ is str and v.endswith(value)
    folded = value.lower()
    return lambda v: v.__class__ is str and v.lower() == folded


def range_test(low: int | None, open_low: bool, high: int | None, open_high: bool) -> Callable[[Any], bool]:
    def test(value: Any) -> bool:
        if value.__class__ is not Number or value.key is None:
            return False
        key = value.key
        if low is not None and (key <= low if open_low else key < low):
            return False
        return high is None or (key < high if open_high else key <= high)

    return test


def cidr_test(text: str) -> Callable[[Any], bool]:
    """event-ruler's CIDR: the range runs from the address as written to its last host address."""
    parts = text.split("/")
    while parts and not parts[-1]:  # Java's split drops trailing empty strings
        parts.pop()
    if len(parts) != 2:
        raise PlainError("Malformed CIDR, one '/' required")
    if not re.fullmatch(r"[+-]?[0-9]+", parts[1]):
        raise PlainError("Malformed CIDR, mask bits must be an integer")
    bits = int(parts[1])
    if bits < 0:
        raise PlainError("Malformed CIDR, mask bits must not be negative")
    try:
        address = _ip_bytes(parts[0])
    except ValueError:
        raise PlainError(f"Invalid IP address: {parts[0]}") from None
    if address is None:
        raise PlainError(f"Nonstandard IP address: {parts[0]}")
    width = len(address) * 8
    if bits >= width:
        raise PlainError(f"IPv{4 if width == 32 else 6} mask bits must be < {width}")
    low = int.from_bytes(address, "big")
    high = low | ((1 << (width - bits)) - 1)

    def test(value: Any) -> bool:
        if value.__class__ is not str:
            return False
        try:
            candidate = _ip_bytes(value)
        except ValueError:
            return False
        return (
            candidate is not None
            and len(candidate) == len(address)
            and low <= int.from_bytes(candidate, "big") <= high
        )

    return test


class PlainError(Exception):
    """An error event-ruler raises outside the JSON parser: AWS's message has no location."""
