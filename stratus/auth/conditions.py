"""The Condition element: operators, set operators, IfExists, and how missing keys behave.

Rules (IAM's "Condition operators" and "Conditions with multiple context keys or values"):
operators AND together, keys inside an operator AND together, values of a key OR together
(NOR for negated operators). A key missing from the request makes a condition false, except
that negated operators (StringNotEquals, NotIpAddress, ArnNotLike, ...) are then true, `...IfExists`
is then true, `ForAllValues:` is then true and `ForAnyValue:` false. `Null` tests presence.
Condition key names are case-insensitive; values are case-sensitive unless the operator says
IgnoreCase. Policy values are parsed once, when the policy is.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from stratus.auth.matching import (
    Piece,
    Variable,
    arn_like,
    compiled_regex,
    format_context_value,
    has_variables,
    split_variables,
    substitute,
    variable_value,
    wildcard_regex,
)


class ConditionSyntaxError(ValueError):
    """A Condition block IAM would reject; the message is IAM's."""


SYNTAX_ERROR = "Syntax errors in policy."
VENDOR_ERROR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."

_MISSING = object()


# ---------------------------------------------------------------- value coercion


def _as_text(value: object) -> str:
    return format_context_value(value)


def _as_number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def parse_date(value: object) -> datetime | None:
    """ISO 8601 (date, date-time, `Z` or an offset) or epoch seconds; naive means UTC."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, bool):
        return None
    elif isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, UTC)
    else:
        text = str(value).strip()
        if re.fullmatch(r"-?\d+(\.\d+)?", text):
            return datetime.fromtimestamp(float(text), UTC)
        try:
            moment = datetime.fromisoformat(text.replace("z", "Z"))
        except ValueError:
            return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _as_bytes(value: object) -> bytes | None:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    try:
        return base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        return None


_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _as_network(value: object) -> _Network | None:
    try:
        return ipaddress.ip_network(str(value).strip(), strict=False)
    except ValueError:
        return None


def _in_network(network: _Network, value: object) -> bool:
    try:
        address = ipaddress.ip_address(str(value).strip())
    except ValueError:
        return False
    return address.version == network.version and address in network


# ---------------------------------------------------------------- operator families


@dataclass(frozen=True, slots=True)
class Family:
    """One base operator: how a policy value is prepared and tested against a context value."""

    prepare: Callable[[object], Any]  # policy value -> prepared form (None: never matches)
    test: Callable[[Any, object], bool]  # (prepared, context value) -> match
    negated: bool = False
    variables: bool = False  # whether policy variables are substituted in its values
    like: bool = False  # values are wildcard patterns (variables then insert literal text)


def _compare_numbers(op: Callable[[float, float], bool]) -> Family:
    def test(policy: float | None, context: object) -> bool:
        number = _as_number(context)
        return policy is not None and number is not None and op(number, policy)

    return Family(prepare=_as_number, test=test)


def _compare_dates(op: Callable[[datetime, datetime], bool]) -> Family:
    def test(policy: datetime | None, context: object) -> bool:
        moment = parse_date(context)
        return policy is not None and moment is not None and op(moment, policy)

    return Family(prepare=parse_date, test=test)


def _negate(family: Family) -> Family:
    return Family(
        prepare=family.prepare,
        test=family.test,
        negated=True,
        variables=family.variables,
        like=family.like,
    )


def _string_like_prepare(value: object) -> re.Pattern[str]:
    return compiled_regex(wildcard_regex(_as_text(value)))


def _string_like_test(policy: re.Pattern[str], context: object) -> bool:
    return policy.fullmatch(_as_text(context)) is not None


def _arn_test(policy: str, context: object) -> bool:
    return arn_like(policy, _as_text(context))


_STRING_EQUALS = Family(prepare=_as_text, test=lambda p, c: p == _as_text(c), variables=True)
_STRING_EQUALS_IGNORE_CASE = Family(
    prepare=lambda v: _as_text(v).casefold(),
    test=lambda p, c: p == _as_text(c).casefold(),
    variables=True,
)
_STRING_LIKE = Family(prepare=_string_like_prepare, test=_string_like_test, variables=True, like=True)
_ARN_LIKE = Family(prepare=_as_text, test=_arn_test, variables=True)
_IP_ADDRESS = Family(prepare=_as_network, test=lambda p, c: p is not None and _in_network(p, c))
_BOOL = Family(
    prepare=lambda v: _as_text(v).lower(),
    test=lambda p, c: p == _as_text(c).lower(),
    variables=True,
)
_BINARY = Family(prepare=_as_bytes, test=lambda p, c: p is not None and p == _as_bytes(c))

FAMILIES: dict[str, Family] = {
    "stringequals": _STRING_EQUALS,
    "stringnotequals": _negate(_STRING_EQUALS),
    "stringequalsignorecase": _STRING_EQUALS_IGNORE_CASE,
    "stringnotequalsignorecase": _negate(_STRING_EQUALS_IGNORE_CASE),
    "stringlike": _STRING_LIKE,
    "stringnotlike": _negate(_STRING_LIKE),
    "numericequals": _compare_numbers(lambda a, b: a == b),
    "numericnotequals": _negate(_compare_numbers(lambda a, b: a == b)),
    "numericlessthan": _compare_numbers(lambda a, b: a < b),
    "numericlessthanequals": _compare_numbers(lambda a, b: a <= b),
    "numericgreaterthan": _compare_numbers(lambda a, b: a > b),
    "numericgreaterthanequals": _compare_numbers(lambda a, b: a >= b),
    "dateequals": _compare_dates(lambda a, b: a == b),
    "datenotequals": _negate(_compare_dates(lambda a, b: a == b)),
    "datelessthan": _compare_dates(lambda a, b: a < b),
    "datelessthanequals": _compare_dates(lambda a, b: a <= b),
    "dategreaterthan": _compare_dates(lambda a, b: a > b),
    "dategreaterthanequals": _compare_dates(lambda a, b: a >= b),
    "bool": _BOOL,
    "binaryequals": _BINARY,
    "ipaddress": _IP_ADDRESS,
    "notipaddress": _negate(_IP_ADDRESS),
    "arnequals": _ARN_LIKE,
    "arnlike": _ARN_LIKE,
    "arnnotequals": _negate(_ARN_LIKE),
    "arnnotlike": _negate(_ARN_LIKE),
}

_SET_PREFIXES = ("forallvalues:", "foranyvalue:")


def split_operator(operator: str) -> tuple[str | None, str, bool]:
    """`ForAnyValue:StringLikeIfExists` -> ("foranyvalue", "stringlike", True).

    Raises ConditionSyntaxError for an operator IAM does not know."""
    name = operator.lower()
    set_mode = None
    for prefix in _SET_PREFIXES:
        if name.startswith(prefix):
            set_mode, name = prefix[:-1], name[len(prefix) :]
            break
    if_exists = name.endswith("ifexists") and name != "ifexists"
    if if_exists:
        name = name[: -len("ifexists")]
    if name == "null":
        if if_exists:
            raise ConditionSyntaxError(SYNTAX_ERROR)
        return set_mode, name, False
    if name not in FAMILIES:
        raise ConditionSyntaxError(SYNTAX_ERROR)
    return set_mode, name, if_exists


# ---------------------------------------------------------------- one key test


@dataclass(frozen=True, slots=True)
class ConditionTest:
    """One `operator: {key: values}` pair of a statement's Condition block."""

    operator: str  # as written
    key: str  # as written
    key_lower: str
    values: tuple[object, ...]  # as written
    set_mode: str | None  # "forallvalues" | "foranyvalue" | None
    base: str  # lower-cased base operator, e.g. "stringlike", "null"
    if_exists: bool
    prepared: tuple[Any, ...] | None  # prepared policy values; None when variables must be filled
    templates: tuple[tuple[Piece, ...], ...] | None

    def evaluate(self, context: Mapping[str, object]) -> bool:
        """`context` has lower-cased keys."""
        value = context.get(self.key_lower, _MISSING)
        if value is None or (isinstance(value, (list, tuple, set, frozenset)) and not value):
            value = _MISSING
        if self.base == "null":
            return self._evaluate_null(value is _MISSING)
        family = FAMILIES[self.base]
        if value is _MISSING:
            if self.if_exists or self.set_mode == "forallvalues":
                return True
            if self.set_mode == "foranyvalue":
                return False
            return family.negated
        policy_values = self.prepared
        if policy_values is None:
            assert self.templates is not None
            policy_values = _fill_variables(family, self.templates, context)
            if policy_values is None:
                return False  # a variable without a value: the condition cannot hold
        observed = value if isinstance(value, (list, tuple, set, frozenset)) else (value,)
        test = family.test

        def matched(context_value: object) -> bool:
            return any(test(policy_value, context_value) for policy_value in policy_values)

        if self.set_mode == "forallvalues":
            if family.negated:
                return all(not matched(v) for v in observed)
            return all(matched(v) for v in observed)
        if self.set_mode == "foranyvalue":
            if family.negated:
                return any(not matched(v) for v in observed)
            return any(matched(v) for v in observed)
        hit = any(matched(v) for v in observed)
        return not hit if family.negated else hit

    def _evaluate_null(self, missing: bool) -> bool:
        # "true": the key must be absent; "false": it must be present. Values OR together.
        for raw in self.values:
            wanted_missing = _as_text(raw).lower() == "true"
            if wanted_missing == missing:
                return True
        return False


def _fill_variables(
    family: Family, templates: tuple[tuple[Piece, ...], ...], context: Mapping[str, object]
) -> tuple[Any, ...] | None:
    """Prepared policy values with their variables filled in; None if one has no value."""
    filled = []
    for pieces in templates:
        if family.like:
            prepared: Any = _like_regex(pieces, context)
        else:
            text = substitute(pieces, context)
            prepared = None if text is None else family.prepare(text)
        if prepared is None:
            return None
        filled.append(prepared)
    return tuple(filled)


def _like_regex(pieces: tuple[Piece, ...], context: Mapping[str, object]) -> re.Pattern | None:
    """A wildcard pattern whose variables (and `${*}`-style escapes) insert literal text."""
    parts: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            parts.append(wildcard_regex(piece))
            continue
        value = variable_value(piece, context)
        if value is None:
            return None
        parts.append(re.escape(value))
    return compiled_regex("".join(parts))


def _is_static(pieces: tuple[Piece, ...]) -> bool:
    return all(not isinstance(p, Variable) or not p.key for p in pieces)


def _compile_test(operator: str, key: str, raw_values: object, variables: bool) -> ConditionTest:
    set_mode, base, if_exists = split_operator(operator)
    if ":" not in key:
        raise ConditionSyntaxError(VENDOR_ERROR)
    values = raw_values if isinstance(raw_values, list) else [raw_values]
    for value in values:
        if value is None or isinstance(value, (dict, list)):
            raise ConditionSyntaxError(SYNTAX_ERROR)
    prepared: tuple[Any, ...] | None = None
    templates: tuple[tuple[Piece, ...], ...] | None = None
    if base != "null":
        family = FAMILIES[base]
        substitutes = variables and family.variables
        if substitutes and any(isinstance(v, str) and has_variables(v) for v in values):
            split = tuple(split_variables(_as_text(v)) for v in values)
            if all(_is_static(pieces) for pieces in split):  # only ${*}-style escapes
                prepared = _fill_variables(family, split, {})
            else:
                templates = split
        else:
            prepared = tuple(family.prepare(v) for v in values)
    return ConditionTest(
        operator=operator,
        key=key,
        key_lower=key.lower(),
        values=tuple(values),
        set_mode=set_mode,
        base=base,
        if_exists=if_exists,
        prepared=prepared,
        templates=templates,
    )


def compile_conditions(block: object, variables: bool) -> tuple[ConditionTest, ...]:
    """Validate and compile a statement's Condition block.

    `variables` is False for Version 2008-10-17 policies (no policy-variable substitution)."""
    if not isinstance(block, dict):
        raise ConditionSyntaxError(SYNTAX_ERROR)
    tests: list[ConditionTest] = []
    for operator, keys in block.items():
        if not isinstance(keys, dict):
            raise ConditionSyntaxError(SYNTAX_ERROR)
        for key, raw_values in keys.items():
            tests.append(_compile_test(operator, key, raw_values, variables))
    return tuple(tests)


def conditions_hold(tests: tuple[ConditionTest, ...], context: Mapping[str, object]) -> bool:
    return all(test.evaluate(context) for test in tests)


def missing_keys(tests: tuple[ConditionTest, ...], context: Mapping[str, object]) -> list[str]:
    """Keys the conditions use that the request did not supply (SimulatePrincipalPolicy's
    MissingContextValues)."""
    return [t.key for t in tests if t.key_lower not in context]
