"""Evaluating a bound condition against an item, with DynamoDB's semantics (all measured against
DynamoDB by others' test suites; see the tests):

- a missing attribute, or values of different types, make `=`, `<`, `<=`, `>`, `>=`, BETWEEN and
  IN false and `<>` true (even two missing attributes are "not equal");
- ordering works on N (by value), S and B (bytewise) only; anything else compares false;
- `size()` is the length of an S (in UTF-16 code units) or B, the number of members of a set, list
  or map, and no value at all for N, BOOL and NULL (so the comparison is false);
- `contains` finds a substring in an S or B, a member in a set of the same scalar type, an equal
  element (any type) in a list; `begins_with` works on S and B, in either argument order.
"""

from __future__ import annotations

from collections.abc import Mapping

from stratus.services.dynamodb import numbers
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
)
from stratus.services.dynamodb.expressions.comparison import SET_TYPES, equal, order, type_of
from stratus.services.dynamodb.expressions.condition_check import BoundCondition
from stratus.services.dynamodb.expressions.document_paths import value_at

Item = Mapping[str, dict]


def evaluate_condition(condition: BoundCondition, item: Item | None) -> bool:
    """Whether `item` (None or {} when there is no item) satisfies the condition."""
    return _holds(condition.root, item or {})


def _holds(node: Condition, item: Item) -> bool:
    if isinstance(node, And):
        return _holds(node.left, item) and _holds(node.right, item)
    if isinstance(node, Or):
        return _holds(node.left, item) or _holds(node.right, item)
    if isinstance(node, Not):
        return not _holds(node.operand, item)
    if isinstance(node, Compare):
        return _compare(node.operator, operand_value(node.left, item), operand_value(node.right, item))
    if isinstance(node, Between):
        subject = operand_value(node.subject, item)
        low, high = operand_value(node.low, item), operand_value(node.high, item)
        if subject is None or low is None or high is None:
            return False
        above, below = order(subject, low), order(subject, high)
        return above is not None and below is not None and above >= 0 and below <= 0
    if isinstance(node, In):
        subject = operand_value(node.subject, item)
        if subject is None:
            return False
        return any(
            option is not None and equal(subject, option)
            for option in (operand_value(candidate, item) for candidate in node.options)
        )
    if isinstance(node, Call):
        return _function(node, item)
    raise TypeError(f"not a condition: {node!r}")


def _compare(operator: str, left: dict | None, right: dict | None) -> bool:
    if operator == "=":
        return left is not None and right is not None and equal(left, right)
    if operator == "<>":
        return left is None or right is None or not equal(left, right)
    if left is None or right is None:
        return False
    result = order(left, right)
    if result is None:
        return False
    if operator == "<":
        return result < 0
    if operator == "<=":
        return result <= 0
    if operator == ">":
        return result > 0
    return result >= 0


def operand_value(operand: Operand, item: Item) -> dict | None:
    """The value of a bound operand for `item`, None when it has none (a missing attribute)."""
    if isinstance(operand, AttrPath):
        return value_at(item, operand.path)
    if isinstance(operand, Literal):
        return operand.value
    if isinstance(operand, Call) and operand.name == "size":
        value = operand_value(operand.args[0], item)
        size = None if value is None else size_of(value)
        return None if size is None else {"N": str(size)}
    raise TypeError(f"not a condition operand: {operand!r}")


def size_of(value: dict) -> int | None:
    kind = type_of(value)
    inner = value[kind]
    if kind == "S":
        return len(inner.encode("utf-16-le")) // 2
    if kind in ("B", "SS", "NS", "BS", "L", "M"):
        return len(inner)
    return None


def _function(call: Call, item: Item) -> bool:
    name = call.name
    if name == "attribute_exists":
        return operand_value(call.args[0], item) is not None
    if name == "attribute_not_exists":
        return operand_value(call.args[0], item) is None
    first, second = (operand_value(arg, item) for arg in call.args)
    if first is None or second is None:
        return False
    if name == "attribute_type":
        return type_of(first) == second.get("S")
    if name == "begins_with":
        return _begins_with(first, second)
    if name == "contains":
        return _contains(first, second)
    raise TypeError(f"not a condition function: {name}")


def _begins_with(value: dict, prefix: dict) -> bool:
    kind = type_of(value)
    if kind != type_of(prefix) or kind not in ("S", "B"):
        return False
    if kind == "B":
        return bytes(value["B"]).startswith(bytes(prefix["B"]))
    return value["S"].startswith(prefix["S"])


def _contains(container: dict, member: dict) -> bool:
    kind, wanted = type_of(container), type_of(member)
    if kind == "S":
        return wanted == "S" and member["S"] in container["S"]
    if kind == "B":
        return wanted == "B" and bytes(member["B"]) in bytes(container["B"])
    if kind in SET_TYPES:
        if SET_TYPES[kind] != wanted:
            return False
        if kind == "NS":
            return any(numbers.compare(element, member["N"]) == 0 for element in container["NS"])
        if kind == "BS":
            return bytes(member["B"]) in {bytes(element) for element in container["BS"]}
        return member["S"] in container["SS"]
    if kind == "L":
        return any(equal(element, member) for element in container["L"])
    return False
