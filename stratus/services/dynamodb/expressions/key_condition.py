"""KeyConditionExpression: the shape DynamoDB allows, then the table's or index's key schema.

The shape is checked on the bound condition, before any table is read (DynamoDB's messages here
have no `Invalid KeyConditionExpression:` prefix): only AND-ed comparisons `=`, `<`, `<=`, `>`,
`>=`, BETWEEN and begins_with, each on one top-level attribute against values, one per attribute,
one or two in all. The schema check then finds the partition key equality and the sort key
condition, with AWS's errors for conditions on other attributes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.expressions import messages
from stratus.services.dynamodb.expressions.ast import (
    And,
    AttrPath,
    Between,
    Call,
    Compare,
    Condition,
    In,
    Literal,
    Not,
    Operand,
    Or,
    leaves,
)
from stratus.services.dynamodb.expressions.comparison import type_of
from stratus.services.dynamodb.expressions.condition_check import BoundCondition

_OPERATOR_NAMES = {"=": "EQ", "<": "LT", "<=": "LE", ">": "GT", ">=": "GE"}
_MIRRORED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_NOT_FOR_KEYS = frozenset({"attribute_exists", "attribute_not_exists", "attribute_type", "contains"})


@dataclass(frozen=True, slots=True)
class KeyTerm:
    """One condition of a KeyConditionExpression, with the key attribute on the left."""

    attribute: str
    operator: str  # EQ, LT, LE, GT, GE, BETWEEN or BEGINS_WITH
    values: tuple[dict, ...]


@dataclass(frozen=True, slots=True)
class SortKeyCondition:
    attribute: str
    operator: str  # EQ, LT, LE, GT, GE, BETWEEN or BEGINS_WITH
    values: tuple[dict, ...]  # two for BETWEEN (low, high), else one


@dataclass(frozen=True, slots=True)
class KeyCondition:
    partition_key: str
    partition_value: dict
    sort: SortKeyCondition | None


def key_condition_terms(condition: BoundCondition) -> tuple[KeyTerm, ...]:
    """The terms of a bound KeyConditionExpression; ValidationException (AWS's whole message) for a
    shape DynamoDB does not allow."""
    terms: list[KeyTerm] = []
    _visit(condition.root, terms)
    if len(terms) not in (1, 2):
        raise ValidationException(messages.KEY_CONDITION_COUNT)
    return tuple(terms)


def _visit(node: Condition, terms: list[KeyTerm]) -> None:
    if isinstance(node, Or):
        raise ValidationException(messages.key_invalid_operator("OR"))
    if isinstance(node, Not):
        raise ValidationException(messages.key_invalid_operator("NOT"))
    if isinstance(node, In):
        raise ValidationException(messages.key_invalid_operator("IN"))
    if isinstance(node, And):
        _visit(node.left, terms)
        _visit(node.right, terms)
        return
    if isinstance(node, Compare):
        if node.operator == "<>":
            raise ValidationException(messages.key_invalid_operator("<>"))
        operands: tuple[Operand, ...] = (node.left, node.right)
    elif isinstance(node, Between):
        if not isinstance(node.subject, AttrPath):
            raise ValidationException(messages.key_first_operand("BETWEEN"))
        operands = (node.subject, node.low, node.high)
    else:
        assert isinstance(node, Call)
        if node.name in _NOT_FOR_KEYS:
            raise ValidationException(messages.key_invalid_operator(node.name))
        if node.name != "begins_with":
            raise ValidationException(messages.KEY_NESTED_OPERATIONS)  # size() as a condition
        if not isinstance(node.args[0], AttrPath):
            raise ValidationException(messages.key_first_operand("begins_with"))
        operands = node.args
    attribute, position = _key_attribute(operands)
    if any(term.attribute == attribute for term in terms):
        raise ValidationException(messages.KEY_ONE_CONDITION_PER_KEY)
    values = tuple(operand.value for operand in operands if isinstance(operand, Literal))
    if isinstance(node, Compare):
        operator = _OPERATOR_NAMES[node.operator if position == 0 else _MIRRORED[node.operator]]
    else:
        operator = "BETWEEN" if isinstance(node, Between) else "BEGINS_WITH"
    terms.append(KeyTerm(attribute, operator, values))


def _key_attribute(operands: tuple[Operand, ...]) -> tuple[str, int]:
    """The one attribute a key condition is about, and its position among the operands."""
    found: tuple[str, int] | None = None
    for position, operand in enumerate(operands):
        if isinstance(operand, AttrPath):
            if found is not None:
                raise ValidationException(messages.KEY_MULTIPLE_NAMES)
            if len(operand.path) > 1:
                raise ValidationException(messages.KEY_NESTED_ATTRIBUTES)
            found = (str(operand.path[0]), position)
        elif isinstance(operand, Call):
            raise ValidationException(messages.KEY_NESTED_OPERATIONS)
    if found is None:
        raise ValidationException(messages.KEY_NO_ATTRIBUTE)
    return found


def resolve_key_condition(
    terms: Iterable[KeyTerm],
    *,
    partition_key: str,
    sort_key: str | None = None,
    attribute_types: Mapping[str, str] | None = None,
) -> KeyCondition:
    """Match key terms to a key schema (the table's or the queried index's). `attribute_types`
    (attribute name -> S, N or B, from AttributeDefinitions) enables AWS's type check."""
    terms = tuple(terms)
    key_names = (partition_key, sort_key) if sort_key else (partition_key,)
    for term in terms:
        expected = (attribute_types or {}).get(term.attribute) if term.attribute in key_names else None
        if expected and any(type_of(value) != expected for value in term.values):
            raise ValidationException(messages.KEY_TYPE_MISMATCH)
    if len(terms) > len(key_names):
        raise ValidationException(messages.KEY_NOT_SUPPORTED)
    by_attribute = {term.attribute: term for term in terms}
    partition = by_attribute.get(partition_key)
    if partition is None:
        raise ValidationException(messages.key_missing_element(partition_key))
    if partition.operator != "EQ":
        raise ValidationException(messages.KEY_NOT_SUPPORTED)
    others = [term for term in terms if term.attribute != partition_key]
    if not others:
        return KeyCondition(partition_key, partition.values[0], None)
    sort = others[0]
    if sort.attribute != sort_key:
        raise ValidationException(messages.key_missing_element(str(sort_key)))
    return KeyCondition(
        partition_key, partition.values[0], SortKeyCondition(sort.attribute, sort.operator, sort.values)
    )


def check_filter_excludes_keys(condition: BoundCondition, key_names: Iterable[str]) -> None:
    """Query's rule that a FilterExpression may not use the queried table's or index's key
    attributes (AWS's whole message names the first one used)."""
    names = set(key_names)
    for leaf in leaves(condition.root):
        for path in _paths(leaf):
            if path and path[0] in names:
                raise ValidationException(messages.filter_on_key(str(path[0])))


def _paths(node: object) -> list:
    if isinstance(node, AttrPath):
        return [node.path]
    if isinstance(node, Compare):
        return _paths(node.left) + _paths(node.right)
    if isinstance(node, Between):
        return _paths(node.subject) + _paths(node.low) + _paths(node.high)
    if isinstance(node, In):
        return [path for operand in (node.subject, *node.options) for path in _paths(operand)]
    if isinstance(node, Call):
        return [path for arg in node.args for path in _paths(arg)]
    return []
