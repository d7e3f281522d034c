"""Binding a parsed UpdateExpression to a request's placeholders, with the checks that need them.

DynamoDB reports, in this order: an undefined `#name`, an undefined `:value`, two target paths
that overlap, two that conflict, an ADD/DELETE value of the wrong type, then a function or
arithmetic problem (operand count, `if_not_exists` without a path, a literal of the wrong type
for `list_append`, `+` or `-`).
"""

from __future__ import annotations

from dataclasses import dataclass

from stratus.services.dynamodb.expressions import messages
from stratus.services.dynamodb.expressions.ast import (
    AddAction,
    Arithmetic,
    AttrPath,
    Call,
    DeleteAction,
    DocumentPath,
    Literal,
    Operand,
    ParsedUpdate,
    PathOperand,
    Placeholder,
    RemoveAction,
    SetAction,
    UpdateAction,
)
from stratus.services.dynamodb.expressions.comparison import SET_TYPES, type_of
from stratus.services.dynamodb.expressions.document_paths import overlap_error
from stratus.services.dynamodb.expressions.placeholders import Placeholders
from stratus.services.dynamodb.expressions.update_parser import UPDATE_FUNCTIONS

_NAME = "name"
_VALUE = "value"
_ACTION_OPERAND = "action_operand"
_FUNCTION = "function"


@dataclass(frozen=True, slots=True)
class BoundUpdate:
    """An UpdateExpression ready to apply: target paths resolved (`DocumentPath`), operands bound
    (`AttrPath`, `Literal`, calls and arithmetic over them), actions in the order written."""

    actions: tuple[UpdateAction, ...]

    @property
    def target_paths(self) -> tuple[DocumentPath, ...]:
        """The paths the update writes or removes (what UPDATED_OLD/UPDATED_NEW project)."""
        return tuple(action.path for action in self.actions)  # type: ignore[misc]


class _Binder:
    def __init__(self, placeholders: Placeholders) -> None:
        self.placeholders = placeholders
        self.noted: dict[str, str] = {}

    def note(self, category: str, message: str) -> None:
        self.noted.setdefault(category, message)

    def action(self, action: UpdateAction) -> UpdateAction:
        path = self.target(action.path)  # type: ignore[arg-type]
        if isinstance(action, SetAction):
            return SetAction(path, self.operand(action.value))
        if isinstance(action, RemoveAction):
            return RemoveAction(path)
        value = self.operand(action.value)
        section = "ADD" if isinstance(action, AddAction) else "DELETE"
        if isinstance(value, Literal) and value.value:
            kind = type_of(value.value)
            if kind not in SET_TYPES and not (section == "ADD" and kind == "N"):
                self.note(_ACTION_OPERAND, messages.update_operand_type(section, kind))
        return AddAction(path, value) if section == "ADD" else DeleteAction(path, value)  # type: ignore[arg-type]

    def target(self, operand: PathOperand) -> DocumentPath:
        path, undefined = self.placeholders.path(operand)
        if undefined:
            self.note(_NAME, messages.undefined_name(undefined))
            return ()
        return path  # type: ignore[return-value]

    def operand(self, operand: Operand) -> Operand:
        if isinstance(operand, PathOperand):
            return AttrPath(self.target(operand))
        if isinstance(operand, Placeholder):
            value = self.placeholders.value(operand.name)
            if value is None:
                self.note(_VALUE, messages.undefined_value(operand.name))
                return Literal({})
            return Literal(value)
        if isinstance(operand, Call):
            args = tuple(self.operand(arg) for arg in operand.args)
            self._check_call(operand.name, args)
            return Call(operand.name, args)
        if isinstance(operand, Arithmetic):
            left, right = self.operand(operand.left), self.operand(operand.right)
            self._check_literal_types(operand.operator, (left, right), "N")
            return Arithmetic(operand.operator, left, right)
        raise TypeError(f"not an update operand: {operand!r}")

    def _check_call(self, name: str, args: tuple[Operand, ...]) -> None:
        arity = UPDATE_FUNCTIONS[name]
        if len(args) != arity:
            self.note(_FUNCTION, messages.operand_count(name, len(args)))
        elif name == "if_not_exists" and not isinstance(args[0], AttrPath):
            self.note(_FUNCTION, messages.requires_path(name))
        elif name == "list_append":
            self._check_literal_types(name, args, "L")

    def _check_literal_types(self, function: str, args: tuple[Operand, ...], wanted: str) -> None:
        for arg in args:
            if isinstance(arg, Literal) and arg.value and type_of(arg.value) != wanted:
                self.note(_FUNCTION, messages.operand_type(function, type_of(arg.value)))
                return


def bind_update(parsed: ParsedUpdate, placeholders: Placeholders) -> BoundUpdate:
    """Resolve a parsed UpdateExpression's `#names` and `:values`; ValidationException `Invalid
    UpdateExpression: ...` for the first error in DynamoDB's order."""
    binder = _Binder(placeholders)
    actions = tuple(binder.action(action) for action in parsed.actions)
    for category in (_NAME, _VALUE):
        if category in binder.noted:
            raise messages.invalid("UpdateExpression", binder.noted[category])
    overlap = overlap_error([action.path for action in actions])  # type: ignore[misc]
    if overlap:
        raise messages.invalid("UpdateExpression", overlap)
    for category in (_ACTION_OPERAND, _FUNCTION):
        if category in binder.noted:
            raise messages.invalid("UpdateExpression", binder.noted[category])
    return BoundUpdate(actions)
