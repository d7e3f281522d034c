"""Binding a parsed condition to a request's placeholders, with the checks that need them.

DynamoDB reports these per comparison or function call ("leaf"), left to right; within a leaf the
first of: an undefined `#name`/`:value`, a wrong number of operands, the same path on both sides
("must be distinct"), then a type error (a value of the wrong type given to a function or an
ordering comparator, a BETWEEN whose literal bounds differ in type or are reversed).
"""

from __future__ import annotations

from dataclasses import dataclass

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
    ParsedCondition,
    PathOperand,
    Placeholder,
)
from stratus.services.dynamodb.expressions.comparison import ORDERED_TYPES, describe, order, type_of
from stratus.services.dynamodb.expressions.condition_parser import CONDITION_FUNCTIONS, OPERAND_FUNCTIONS
from stratus.services.dynamodb.expressions.document_paths import path_text
from stratus.services.dynamodb.expressions.placeholders import Placeholders

_ATTRIBUTE = "attribute"
_OPERANDS = "operands"
_DISTINCT = "distinct"
_TYPE = "type"
_ORDER = (_ATTRIBUTE, _OPERANDS, _DISTINCT, _TYPE)
_ORDERING_OPERATORS = frozenset({"<", "<=", ">", ">="})


@dataclass(frozen=True, slots=True)
class BoundCondition:
    """A condition ready to evaluate: paths resolved, placeholders replaced by their values."""

    root: Condition
    label: str


class _LeafErrors:
    def __init__(self) -> None:
        self.noted: dict[str, str] = {}

    def note(self, category: str, message: str) -> None:
        self.noted.setdefault(category, message)

    def first(self) -> str | None:
        return next((self.noted[category] for category in _ORDER if category in self.noted), None)


def static_type(operand: Operand) -> str | None:
    """The type an operand is known to have before any item is read: a value's, or N for size()."""
    if isinstance(operand, Literal):
        return type_of(operand.value) if operand.value else None
    if isinstance(operand, Call) and operand.name == "size":
        return "N"
    return None


class _Binder:
    def __init__(self, placeholders: Placeholders, label: str) -> None:
        self.placeholders = placeholders
        self.label = label

    def condition(self, node: Condition) -> Condition:
        if isinstance(node, And):
            return And(self.condition(node.left), self.condition(node.right))
        if isinstance(node, Or):
            return Or(self.condition(node.left), self.condition(node.right))
        if isinstance(node, Not):
            return Not(self.condition(node.operand))
        errors = _LeafErrors()
        bound = self._leaf(node, errors)
        message = errors.first()
        if message:
            raise messages.invalid(self.label, message)
        return bound

    def _leaf(self, node: Condition, errors: _LeafErrors) -> Condition:
        if isinstance(node, Compare):
            left, right = self._operand(node.left, errors), self._operand(node.right, errors)
            _check_distinct(node.operator, left, (right,), errors)
            if node.operator in _ORDERING_OPERATORS:
                _check_orderable(node.operator, (left, right), errors)
            return Compare(node.operator, left, right)
        if isinstance(node, Between):
            subject = self._operand(node.subject, errors)
            low, high = self._operand(node.low, errors), self._operand(node.high, errors)
            _check_distinct("BETWEEN", subject, (low, high), errors)
            _check_orderable("BETWEEN", (subject, low, high), errors)
            _check_bounds(low, high, errors)
            return Between(subject, low, high)
        if isinstance(node, In):
            subject = self._operand(node.subject, errors)
            options = tuple(self._operand(option, errors) for option in node.options)
            _check_distinct("IN", subject, options, errors)
            return In(subject, options)
        return self._operand(node, errors)  # a condition function

    def _operand(self, operand: Operand, errors: _LeafErrors) -> Operand:
        if isinstance(operand, PathOperand):
            path, undefined = self.placeholders.path(operand)
            if undefined:
                errors.note(_ATTRIBUTE, messages.undefined_name(undefined))
                return AttrPath(())
            return AttrPath(path)
        if isinstance(operand, Placeholder):
            value = self.placeholders.value(operand.name)
            if value is None:
                errors.note(_ATTRIBUTE, messages.undefined_value(operand.name))
                return Literal({})
            return Literal(value)
        if isinstance(operand, Call):
            args = tuple(self._operand(arg, errors) for arg in operand.args)
            _check_function(operand.name, args, errors)
            return Call(operand.name, args)
        raise TypeError(f"not a condition operand: {operand!r}")


def _check_distinct(operator: str, first: Operand, others: tuple[Operand, ...], errors: _LeafErrors) -> None:
    if not (isinstance(first, AttrPath) and first.path):
        return
    if any(isinstance(other, AttrPath) and other.path == first.path for other in others):
        errors.note(_DISTINCT, messages.not_distinct(operator, path_text(first.path)))


def _check_orderable(operator: str, operands: tuple[Operand, ...], errors: _LeafErrors) -> None:
    for operand in operands:
        kind = static_type(operand)
        if kind is not None and kind not in ORDERED_TYPES:
            errors.note(_TYPE, messages.operand_type(operator, kind))
            return


def _check_bounds(low: Operand, high: Operand, errors: _LeafErrors) -> None:
    if not (isinstance(low, Literal) and isinstance(high, Literal) and low.value and high.value):
        return
    if type_of(low.value) != type_of(high.value):
        errors.note(_TYPE, messages.between_types(describe(low.value), describe(high.value)))
    elif (order(low.value, high.value) or 0) > 0:
        errors.note(_TYPE, messages.between_order(describe(low.value), describe(high.value)))


def _check_function(name: str, args: tuple[Operand, ...], errors: _LeafErrors) -> None:
    arity = CONDITION_FUNCTIONS.get(name, OPERAND_FUNCTIONS.get(name))
    if arity is None:
        return  # an unknown or foreign function was already refused by the parser
    if len(args) != arity:
        errors.note(_OPERANDS, messages.operand_count(name, len(args)))
        return
    if arity == 2:
        _check_distinct(name, args[0], args[1:], errors)
    if name in ("attribute_exists", "attribute_not_exists"):
        if not isinstance(args[0], AttrPath):
            errors.note(_TYPE, messages.requires_path(name))
    elif name == "begins_with":
        for arg in args:
            kind = static_type(arg)
            if kind is not None and kind not in ("S", "B"):
                errors.note(_TYPE, messages.operand_type(name, kind))
                return
    elif name == "attribute_type":
        kind = static_type(args[1])
        if kind != "S":
            errors.note(_TYPE, messages.operand_type(name, kind or messages.ALL_TYPES_TEXT))
        elif args[1].value["S"] not in messages.TYPE_NAMES:  # type: ignore[union-attr]
            errors.note(_TYPE, messages.invalid_type_name(args[1].value["S"]))  # type: ignore[union-attr]
    elif name == "size":
        kind = static_type(args[0])
        if kind in ("N", "BOOL", "NULL"):
            errors.note(_TYPE, messages.operand_type(name, kind))


def bind_condition(parsed: ParsedCondition, placeholders: Placeholders, label: str) -> BoundCondition:
    """Resolve a parsed condition's `#names` and `:values`; ValidationException `Invalid <label>:
    ...` for the first leaf with an error."""
    return BoundCondition(_Binder(placeholders, label).condition(parsed.root), label)
