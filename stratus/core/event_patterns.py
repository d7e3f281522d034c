"""EventBridge's event pattern language: validate a pattern once, then match events against it.

Used by Lambda's event filtering (FilterCriteria) and, later, by EventBridge rules and Pipes.

A pattern is a JSON object shaped like the events it matches. A key maps to a nested pattern or to
a non-empty array of conditions, any of which may match (OR); all keys must match (AND); `"$or"`
takes a list of patterns, one of which must match. Conditions: exact values (string, number,
true/false, null), `prefix`, `suffix`, `equals-ignore-case`, `wildcard`, `anything-but`,
`numeric`, `exists` and `cidr`.

Matching follows EventBridge: an array in the event matches when any of its elements does; a
condition other than `exists: false` never matches a missing field; numbers compare as numbers
(300 matches 3.0e2) and never match strings; a nested pattern facing an array of objects must be
matched by one element as a whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from stratus.core.ruler_conditions import PlainError, cidr_test

MISSING: Any = object()  # a field the event does not have

_OPERATORS = (
    "prefix",
    "suffix",
    "equals-ignore-case",
    "wildcard",
    "anything-but",
    "numeric",
    "exists",
    "cidr",
)
_LOWER_BOUNDS = (">", ">=")
_UPPER_BOUNDS = ("<", "<=")
_COMPARISONS = {
    "=": lambda a, b: a == b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


class PatternError(ValueError):
    """The pattern is not valid; `reason` says why (in EventBridge's words where they are known)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# ---------------------------------------------------------------- entry points


def parse_pattern(text: str) -> Pattern:
    """Compile a pattern given as JSON text (as Lambda's FilterCriteria and EventBridge take it)."""
    try:
        document = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise PatternError(f"Filter is not valid JSON: {exc}") from None
    return compile_pattern(document)


def compile_pattern(document: object) -> Pattern:
    """Validate a pattern document (a dict) and compile it for matching."""
    if not isinstance(document, dict):
        raise PatternError("Filter is not an object")
    return Pattern(_compile_object(document))


@dataclass(frozen=True, slots=True)
class Pattern:
    _root: _ObjectMatcher

    def matches(self, event: object) -> bool:
        """Whether the event (a parsed JSON document) matches."""
        return self._root.matches(event)


def matches(pattern: dict, event: object) -> bool:
    """One-off check; compile once with `compile_pattern` when matching many events."""
    return compile_pattern(pattern).matches(event)


# ---------------------------------------------------------------- the compiled form


@dataclass(slots=True)
class _Leaf:
    """A field's array of conditions: matches when any condition matches the field's values."""

    conditions: list[Callable[[object], bool]] = field(default_factory=list)
    exists: bool | None = None  # an `exists` condition, if present (at most one kind matters)
    absent_ok: bool = False  # `exists: false` is among the conditions

    def matches(self, value: object) -> bool:
        values = _leaf_values(value)
        if not values:
            return self.absent_ok
        if self.exists is True:
            return True
        return any(condition(item) for item in values for condition in self.conditions)


@dataclass(slots=True)
class _ObjectMatcher:
    fields: list[tuple[str, _ObjectMatcher | _Leaf]] = field(default_factory=list)
    alternatives: list[list[_ObjectMatcher]] = field(default_factory=list)  # each "$or"

    def matches(self, value: object) -> bool:
        if isinstance(value, list):
            # An array of objects: one element must match the nested pattern as a whole.
            return any(self.matches(item) for item in value if isinstance(item, dict | list))
        document = value if isinstance(value, dict) else {}
        for name, matcher in self.fields:
            if not matcher.matches(document.get(name, MISSING)):
                return False
        return all(any(option.matches(value) for option in options) for options in self.alternatives)


def _leaf_values(value: object) -> list:
    """The scalar values a field holds: none when missing or an object, an array's scalars flattened."""
    if value is MISSING or isinstance(value, dict):
        return []
    if isinstance(value, list):
        flat: list = []
        for item in value:
            flat.extend(_leaf_values(item))
        return flat
    return [value]


# ---------------------------------------------------------------- compiling


def _compile_object(document: dict) -> _ObjectMatcher:
    matcher = _ObjectMatcher()
    for name, value in document.items():
        if not isinstance(name, str):
            raise PatternError("Field names must be strings")
        if name == "$or":
            matcher.alternatives.append(_compile_or(value))
        elif isinstance(value, dict):
            matcher.fields.append((name, _compile_object(value)))
        elif isinstance(value, list):
            matcher.fields.append((name, _compile_leaf(name, value)))
        else:
            raise PatternError(f'"{name}" must be an object or an array')
    return matcher


def _compile_or(value: object) -> list[_ObjectMatcher]:
    if not isinstance(value, list) or not value:
        raise PatternError('"$or" must be an array of objects')
    options = []
    for option in value:
        if not isinstance(option, dict) or not option:
            raise PatternError('"$or" must be an array of objects')
        options.append(_compile_object(option))
    return options


def _compile_leaf(name: str, values: list) -> _Leaf:
    if not values:
        raise PatternError(f'Empty arrays are not allowed (at "{name}")')
    leaf = _Leaf()
    for value in values:
        if isinstance(value, dict):
            _compile_operator(leaf, value)
        elif isinstance(value, list):
            raise PatternError(f'Arrays are not allowed inside the array of "{name}"')
        else:
            leaf.conditions.append(_exact(value))
    return leaf


def _compile_operator(leaf: _Leaf, condition: dict) -> None:
    if len(condition) != 1:
        raise PatternError("A match condition must have exactly one key")
    ((operator, argument),) = condition.items()
    if operator not in _OPERATORS:
        raise PatternError(f"Unrecognized match type {operator}")
    if operator == "exists":
        if not isinstance(argument, bool):
            raise PatternError("exists match pattern must be either true or false.")
        if argument:
            leaf.exists = True
        else:
            leaf.absent_ok = True
        return
    compilers: dict[str, Callable[[object], Callable[[object], bool]]] = {
        "prefix": lambda a: _affix(a, "prefix"),
        "suffix": lambda a: _affix(a, "suffix"),
        "equals-ignore-case": _equals_ignore_case,
        "wildcard": _wildcard,
        "anything-but": _anything_but,
        "numeric": _numeric,
        "cidr": _cidr,
    }
    leaf.conditions.append(compilers[operator](argument))


# ---------------------------------------------------------------- conditions


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same_value(expected: object, actual: object) -> bool:
    if _is_number(expected):
        return _is_number(actual) and float(actual) == float(expected)  # type: ignore[arg-type]
    if isinstance(expected, bool) or expected is None:
        return actual is expected
    return isinstance(actual, str) and actual == expected


def _exact(expected: object) -> Callable[[object], bool]:
    if not (expected is None or isinstance(expected, str | bool) or _is_number(expected)):
        raise PatternError("Match value must be String, number, true, false, or null")
    return lambda actual: _same_value(expected, actual)


def _string_argument(argument: object, operator: str) -> str:
    if not isinstance(argument, str):
        raise PatternError(f"{operator} match pattern must be a string.")
    return argument


def _affix(argument: object, operator: str) -> Callable[[object], bool]:
    ignore_case = False
    if isinstance(argument, dict):
        if set(argument) != {"equals-ignore-case"}:
            raise PatternError(f"Unsupported {operator} pattern: only equals-ignore-case may be nested.")
        argument = argument["equals-ignore-case"]
        ignore_case = True
    text = _string_argument(argument, operator)
    if ignore_case:
        text = text.casefold()
    check = str.startswith if operator == "prefix" else str.endswith

    def condition(actual: object) -> bool:
        if not isinstance(actual, str):
            return False
        return check(actual.casefold() if ignore_case else actual, text)

    return condition


def _equals_ignore_case(argument: object) -> Callable[[object], bool]:
    texts = _strings(argument, "equals-ignore-case")
    folded = {text.casefold() for text in texts}
    return lambda actual: isinstance(actual, str) and actual.casefold() in folded


def _strings(argument: object, operator: str) -> list[str]:
    """A string, or (where the operator allows it) a non-empty list of strings."""
    if isinstance(argument, list) and argument and all(isinstance(item, str) for item in argument):
        return list(argument)
    return [_string_argument(argument, operator)]


def _wildcard(argument: object) -> Callable[[object], bool]:
    expressions = [_wildcard_expression(text) for text in _strings(argument, "wildcard")]
    return lambda actual: isinstance(actual, str) and any(e.fullmatch(actual) for e in expressions)


def _wildcard_expression(text: str) -> re.Pattern:
    parts: list[str] = []
    index = 0
    previous_star = False
    while index < len(text):
        char = text[index]
        if char == "\\":
            following = text[index + 1 : index + 2]
            if following not in ("*", "\\"):
                raise PatternError(f"Invalid escape character at pos {index}")
            parts.append(re.escape(following))
            index += 2
            previous_star = False
            continue
        if char == "*":
            if previous_star:
                raise PatternError(f"Consecutive wildcard characters at pos {index}")
            parts.append(".*")
            previous_star = True
        else:
            parts.append(re.escape(char))
            previous_star = False
        index += 1
    return re.compile("".join(parts), re.DOTALL)


def _anything_but(argument: object) -> Callable[[object], bool]:
    if isinstance(argument, dict):
        if len(argument) != 1:
            raise PatternError(
                "anything-but takes exactly one of prefix, suffix, equals-ignore-case, wildcard"
            )
        ((operator, inner),) = argument.items()
        if operator in ("prefix", "suffix"):
            matcher = _affix(inner, operator)
        elif operator == "equals-ignore-case":
            matcher = _equals_ignore_case(inner)
        elif operator == "wildcard":
            matcher = _wildcard(inner)
        else:
            raise PatternError(f"Unsupported anything-but pattern: {operator}")
        return lambda actual: isinstance(actual, str) and not matcher(actual)
    values = argument if isinstance(argument, list) else [argument]
    if not values:
        raise PatternError("Empty arrays are not allowed in anything-but")
    if not (all(isinstance(v, str) for v in values) or all(_is_number(v) for v in values)):
        raise PatternError("Inside anything but list, start|null|boolean is not supported.")
    return lambda actual: actual is not None and not any(_same_value(v, actual) for v in values)


def _numeric(argument: object) -> Callable[[object], bool]:
    if not isinstance(argument, list) or not argument or len(argument) % 2:
        raise PatternError("Value of numeric must be an array of comparison operators and numbers.")
    checks = []
    for index in range(0, len(argument), 2):
        operator, bound = argument[index], argument[index + 1]
        if operator not in _COMPARISONS:
            raise PatternError(f"Unrecognized numeric range operator: {operator}")
        if not _is_number(bound):
            raise PatternError(f"Value of {operator} must be numeric")
        checks.append((operator, float(bound)))
    if len(checks) > 2 or (len(checks) == 2 and not _is_range(checks)):
        raise PatternError("Bad numeric range operator: use one comparison, or a lower and an upper bound.")
    return lambda actual: (
        _is_number(actual)
        and all(
            _COMPARISONS[op](float(actual), bound)  # type: ignore[arg-type]
            for op, bound in checks
        )
    )


def _is_range(checks: list[tuple[str, float]]) -> bool:
    (low_op, low), (high_op, high) = checks
    return low_op in _LOWER_BOUNDS and high_op in _UPPER_BOUNDS and low < high


def _cidr(argument: object) -> Callable[[object], bool]:
    """event-ruler's CIDR (ruler_conditions.cidr_test): from the address as written to its last host."""
    try:
        return cidr_test(_string_argument(argument, "cidr"))
    except PlainError as error:
        raise PatternError(str(error)) from None
