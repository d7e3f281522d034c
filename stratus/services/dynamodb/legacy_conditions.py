"""DynamoDB's legacy conditions (Expected, QueryFilter, ScanFilter, KeyConditions) checked with
DynamoDB's messages and written as condition-expression text over generated placeholders.

Each operator becomes the expression DynamoDB evaluates it as (AWS's own DAX client converts the
legacy forms the same way): EQ `=`, NE `<>` (true for a missing attribute), LT/LE/GT/GE, NULL
`attribute_not_exists`, NOT_NULL `attribute_exists`, CONTAINS `contains` (substring, set member,
list element), NOT_CONTAINS `attribute_exists AND NOT contains` (false for a missing attribute),
BEGINS_WITH, IN, BETWEEN. Expected's `{"Value": v}` (with or without `Exists: true`) is `=`, and
`{"Exists": false}` is `attribute_not_exists`.

The checks are DynamoDB's, in its order (dynalite's suite, recorded against DynamoDB, and the
captures cited in the tests): for a Condition its values, the number of them, one type for all,
the types the operator takes, BETWEEN's bounds in order; for an ExpectedAttributeValue first the
combination of Value, Exists, ComparisonOperator and AttributeValueList.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from stratus.services.dynamodb.attribute_values import InvalidAttributeValue, normalize_value, type_of
from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.expressions.comparison import order

INVALID = "One or more parameter values were invalid: "
ENVELOPE = "1 validation error detected: "
MAX_IN_VALUES = 99  # what one expression IN takes; longer legacy IN lists are split

# Operands each operator takes (None: one or more) and the value types it accepts (None: any).
_ARITY: dict[str, int | None] = {
    "EQ": 1, "NE": 1, "LE": 1, "LT": 1, "GE": 1, "GT": 1, "CONTAINS": 1, "NOT_CONTAINS": 1,
    "BEGINS_WITH": 1, "NULL": 0, "NOT_NULL": 0, "IN": None, "BETWEEN": 2,
}  # fmt: skip
_SCALAR = frozenset({"S", "N", "B"})
_TYPES: dict[str, frozenset[str] | None] = {
    "EQ": None, "NE": None, "LE": _SCALAR, "LT": _SCALAR, "GE": _SCALAR, "GT": _SCALAR,
    "IN": _SCALAR, "BETWEEN": _SCALAR, "BEGINS_WITH": frozenset({"S", "B"}),
    "CONTAINS": _SCALAR | {"BOOL", "NULL"}, "NOT_CONTAINS": _SCALAR | {"BOOL", "NULL"},
    "NULL": None, "NOT_NULL": None,
}  # fmt: skip
_COMPARATORS = {"EQ": "=", "NE": "<>", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}
KEY_OPERATORS = frozenset({"EQ", "LE", "LT", "GE", "GT", "BEGINS_WITH", "BETWEEN"})

NOT_INDEXABLE = "Attempted conditional constraint is not an indexable operation"
KEY_CONDITION_COUNT = "Conditions can be of length 1 or 2 only"
BETWEEN_ORDER = (
    "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"
)
SAME_TYPE = INVALID + "AttributeValues inside AttributeValueList must be of same type"


def argument_count(operator: str) -> str:
    return f"{INVALID}Invalid number of argument(s) for the {operator} ComparisonOperator"


def operator_type(operator: str, kind: str) -> str:
    return f"{INVALID}ComparisonOperator {operator} is not valid for {kind} AttributeValue type"


@dataclass(frozen=True, slots=True)
class Wording:
    """How one request's legacy validation errors are worded: PutItem, UpdateItem and DeleteItem
    report them inside DynamoDB's `1 validation error detected: ` envelope, reads bare."""

    enveloped: bool

    def error(self, message: str) -> ValidationException:
        return ValidationException(ENVELOPE + message if self.enveloped else message)

    def value(self, value: object) -> dict:
        """A legacy AttributeValue validated (AWS's bare message, enveloped for a write where
        DynamoDB envelopes that family), numbers canonical."""
        try:
            return normalize_value(value)  # type: ignore[arg-type]
        except InvalidAttributeValue as error:
            envelope = self.enveloped and error.request_validation
            raise ValidationException(ENVELOPE + error.message if envelope else error.message) from None


@dataclass(frozen=True, slots=True)
class LegacyCondition:
    """One checked legacy condition: attribute, operator, its values (normalized)."""

    attribute: str
    operator: str
    values: tuple[dict, ...]


class Placeholders:
    """The `#name` and `:value` placeholders generated for one request. None is taken by the
    request's own maps or appears in its own expressions (a KeyConditions Query may carry a
    FilterExpression), so a user's undefined `:x` can never bind to a generated value."""

    def __init__(self, taken: Iterable[str] = (), texts: Iterable[str] = ()) -> None:
        self._taken = set(taken)
        self._texts = [text for text in texts if text]
        self.names: dict[str, str] = {}
        self.values: dict[str, dict] = {}
        self._by_attribute: dict[str, str] = {}
        self._counters = {"#": 0, ":": 0}

    def _fresh(self, sigil: str) -> str:
        while True:
            candidate = f"{sigil}{self._counters[sigil]}"
            self._counters[sigil] += 1
            if candidate not in self._taken and not any(candidate in text for text in self._texts):
                return candidate

    def name(self, attribute: str) -> str:
        if attribute not in self._by_attribute:
            alias = self._fresh("#")
            self.names[alias] = attribute
            self._by_attribute[attribute] = alias
        return self._by_attribute[attribute]

    def value(self, value: dict) -> str:
        placeholder = self._fresh(":")
        self.values[placeholder] = value
        return placeholder


def _check_count(operator: str, count: int, wording: Wording) -> None:
    arity = _ARITY[operator]
    if (count != arity) if arity is not None else count == 0:
        raise wording.error(argument_count(operator))


def _check_kinds(operator: str, values: tuple[dict, ...], wording: Wording) -> None:
    """One type for all, the operator's types, BETWEEN's bounds in order (dynalite's order)."""
    if not values:
        return
    kinds = [type_of(value) for value in values]
    if any(kind != kinds[0] for kind in kinds):
        raise wording.error(SAME_TYPE)
    allowed = _TYPES[operator]
    if allowed is not None and kinds[0] not in allowed:
        raise wording.error(operator_type(operator, kinds[0]))
    if operator == "BETWEEN" and (order(values[0], values[1]) or 0) > 0:
        raise wording.error(BETWEEN_ORDER)


def _model_error(parameter: str, attribute: str, operator: object) -> ValidationException:
    """A missing or unknown ComparisonOperator (normally refused by the protocol layer first)."""
    where = f"{parameter[0].lower()}{parameter[1:]}.{attribute}.member.comparisonOperator"
    if operator is None:
        return ValidationException(
            f"{ENVELOPE}Value null at '{where}' failed to satisfy constraint: Member must not be null"
        )
    return ValidationException(
        f"{ENVELOPE}Value '{operator}' at '{where}' failed to satisfy constraint: Member must satisfy enum value set: "
        "[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"
    )


def checked_condition(
    attribute: str, condition: Mapping, parameter: str, wording: Wording
) -> LegacyCondition:
    """A Condition of QueryFilter, ScanFilter or KeyConditions: ComparisonOperator and an
    optional AttributeValueList."""
    operator = condition.get("ComparisonOperator")
    if operator not in _ARITY:
        raise _model_error(parameter, attribute, operator)
    values = tuple(wording.value(value) for value in condition.get("AttributeValueList") or ())
    _check_count(operator, len(values), wording)
    _check_kinds(operator, values, wording)
    return LegacyCondition(attribute, operator, values)


def checked_expected(attribute: str, expected: Mapping, wording: Wording) -> LegacyCondition:
    """An ExpectedAttributeValue: Value/Exists, or ComparisonOperator with AttributeValueList
    (or with Value, which DynamoDB accepts as a one-value list)."""
    has_list, has_value = expected.get("AttributeValueList") is not None, expected.get("Value") is not None
    operator = expected.get("ComparisonOperator")
    if has_list and has_value:
        raise wording.error(
            f"{INVALID}Value and AttributeValueList cannot be used together for Attribute: {attribute}"
        )
    if operator is not None:
        if expected.get("Exists") is not None:
            raise wording.error(
                f"{INVALID}Exists and ComparisonOperator cannot be used together for Attribute: {attribute}"
            )
        if operator not in ("NULL", "NOT_NULL") and not has_list and not has_value:
            raise wording.error(
                f"{INVALID}Value or AttributeValueList must be used with ComparisonOperator: {operator} "
                f"for Attribute: {attribute}"
            )
        if operator not in _ARITY:
            raise _model_error("Expected", attribute, operator)
        raw = expected["AttributeValueList"] if has_list else [expected["Value"]] if has_value else []
        _check_count(operator, len(raw), wording)
        values = tuple(wording.value(value) for value in raw)
        _check_kinds(operator, values, wording)
        return LegacyCondition(attribute, operator, values)
    if has_list:
        raise wording.error(
            f"{INVALID}AttributeValueList can only be used with a ComparisonOperator for Attribute: {attribute}"
        )
    exists = expected.get("Exists")
    if exists is not False and not has_value:
        shown = "null" if exists is None else "true"
        raise wording.error(
            f"{INVALID}Value must be provided when Exists is {shown} for Attribute: {attribute}"
        )
    if exists is False:
        if has_value:
            raise wording.error(
                f"{INVALID}Value cannot be used when Exists is false for Attribute: {attribute}"
            )
        return LegacyCondition(attribute, "NULL", ())
    return LegacyCondition(attribute, "EQ", (wording.value(expected["Value"]),))


def _text(condition: LegacyCondition, placeholders: Placeholders) -> tuple[str, bool]:
    """(expression text, whether it is compound and needs parentheses beside others)."""
    name = placeholders.name(condition.attribute)
    operator, values = condition.operator, condition.values
    if operator in _COMPARATORS:
        return f"{name} {_COMPARATORS[operator]} {placeholders.value(values[0])}", False
    if operator == "NULL":
        return f"attribute_not_exists({name})", False
    if operator == "NOT_NULL":
        return f"attribute_exists({name})", False
    if operator == "CONTAINS":
        return f"contains({name}, {placeholders.value(values[0])})", False
    if operator == "NOT_CONTAINS":
        return f"attribute_exists({name}) AND NOT contains({name}, {placeholders.value(values[0])})", True
    if operator == "BEGINS_WITH":
        return f"begins_with({name}, {placeholders.value(values[0])})", False
    if operator == "BETWEEN":
        low, high = placeholders.value(values[0]), placeholders.value(values[1])
        return f"{name} BETWEEN {low} AND {high}", False
    chunks = [values[start : start + MAX_IN_VALUES] for start in range(0, len(values), MAX_IN_VALUES)]
    parts = [f"{name} IN ({', '.join(placeholders.value(value) for value in chunk)})" for chunk in chunks]
    return " OR ".join(parts), len(parts) > 1


def condition_expression(
    conditions: list[LegacyCondition], conditional_operator: str | None, placeholders: Placeholders
) -> str | None:
    """The conditions joined by ConditionalOperator (AND by default); None when there are none."""
    texts = [_text(condition, placeholders) for condition in conditions]
    if not texts:
        return None
    if len(texts) == 1:
        return texts[0][0]
    joiner = " OR " if conditional_operator == "OR" else " AND "
    return joiner.join(f"({text})" if compound else text for text, compound in texts)


def key_condition_expression(key_conditions: Mapping, placeholders: Placeholders) -> str:
    """KeyConditions as a KeyConditionExpression. Checked here: each Condition, then one or two
    of them, then operators a key condition cannot use; the key schema (which attribute, EQ on
    the partition key, value types) is checked where the table is known, by the same code as a
    KeyConditionExpression, whose messages are the legacy ones."""
    bare = Wording(enveloped=False)
    conditions = [
        checked_condition(attribute, condition, "KeyConditions", bare)
        for attribute, condition in key_conditions.items()
    ]
    if len(conditions) not in (1, 2):
        raise ValidationException(KEY_CONDITION_COUNT)
    if any(condition.operator not in KEY_OPERATORS for condition in conditions):
        raise ValidationException(NOT_INDEXABLE)
    text = condition_expression(conditions, "AND", placeholders)
    assert text is not None
    return text
