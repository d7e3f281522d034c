"""Applying a bound UpdateExpression to an item, as DynamoDB does (measured by others' suites
against DynamoDB; see the tests):

- every SET value is computed from the item as it was before the update (`SET a = b, b = a`
  swaps), then the writes are made, then the removals;
- a list index beyond the end appends; several such writes go in index order; list indexes in
  REMOVE and SET refer to the list as it was, so `REMOVE a[1] SET a[3] = :v` sets the old a[3];
- writing below a missing attribute, or through the wrong kind of value (a name into a list, an
  index into a map or scalar), is "The document path provided in the update expression is invalid
  for update"; so is REMOVE below one, except when the item does not exist at all;
- DELETE of a set's last members removes the attribute; ADD creates a missing number or set.
"""

from __future__ import annotations

from collections.abc import Mapping

from stratus.services.dynamodb import numbers
from stratus.services.dynamodb.common import ValidationException
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
    SetAction,
)
from stratus.services.dynamodb.expressions.comparison import SET_TYPES, type_of
from stratus.services.dynamodb.expressions.document_paths import value_at
from stratus.services.dynamodb.expressions.update_check import BoundUpdate

Item = Mapping[str, dict]


class _InvalidPath(Exception):
    """A path that cannot be followed for writing (reported as AWS's INVALID_UPDATE_PATH)."""


def check_key_not_updated(update: BoundUpdate, key_names: object) -> None:
    """AWS's error when an action targets a key attribute (or anything inside one)."""
    for path in update.target_paths:
        if path[0] in key_names:  # type: ignore[operator]
            raise ValidationException(messages.key_attribute_updated(str(path[0])))


def apply_update(item: Item | None, update: BoundUpdate, *, key: Mapping[str, dict]) -> dict:
    """The item after `update`. `item` is the stored item, or None when there is none (then the
    update starts from `key`, the request's Key, whose attributes it may read but not change).
    The input is never modified; the result shares untouched values with it."""
    check_key_not_updated(update, key)
    before: dict = dict(item) if item is not None else dict(key)
    writes: list[tuple[SetAction | AddAction | DeleteAction, dict]] = []
    removals: list[DocumentPath] = []
    for action in update.actions:
        if isinstance(action, SetAction):
            writes.append((action, _evaluate(action.value, before)))
        elif isinstance(action, (AddAction, DeleteAction)):
            writes.append((action, action.value.value))  # type: ignore[union-attr]
        else:
            removals.append(action.path)  # type: ignore[arg-type]
    document = _Document(before)
    try:
        for action, value in sorted(writes, key=lambda write: _order_key(write[0].path)):  # type: ignore[arg-type]
            path: DocumentPath = action.path  # type: ignore[assignment]
            if isinstance(action, SetAction):
                document.write(path, value)
            elif isinstance(action, AddAction):
                document.add(path, value)
            elif document.delete(path, value):
                removals.append(path)
        for path in sorted(removals, key=_order_key, reverse=True):
            document.remove(path, lenient=item is None)
    except _InvalidPath:
        raise ValidationException(messages.INVALID_UPDATE_PATH) from None
    return document.root


def _order_key(path: DocumentPath) -> tuple:
    """Paths in document order, list indexes numerically (they never overlap, so only the order of
    writes into one list matters)."""
    return tuple((1, step) if isinstance(step, int) else (0, step) for step in path)


def _evaluate(operand: Operand, item: dict) -> dict:
    if isinstance(operand, Literal):
        return operand.value
    if isinstance(operand, AttrPath):
        value = value_at(item, operand.path)
        if value is None:
            raise ValidationException(messages.MISSING_OPERAND)
        return value
    if isinstance(operand, Call):
        if operand.name == "if_not_exists":
            existing = value_at(item, operand.args[0].path)  # type: ignore[union-attr]
            return existing if existing is not None else _evaluate(operand.args[1], item)
        first, second = _evaluate(operand.args[0], item), _evaluate(operand.args[1], item)
        if type_of(first) != "L" or type_of(second) != "L":
            raise ValidationException(messages.WRONG_OPERAND_TYPE)
        return {"L": [*first["L"], *second["L"]]}
    if isinstance(operand, Arithmetic):
        left, right = _evaluate(operand.left, item), _evaluate(operand.right, item)
        if type_of(left) != "N" or type_of(right) != "N":
            raise ValidationException(messages.WRONG_OPERAND_TYPE)
        combine = numbers.add if operand.operator == "+" else numbers.subtract
        return {"N": combine(left["N"], right["N"])}
    raise TypeError(f"not an update operand: {operand!r}")


def _union(existing: dict, added: dict) -> dict:
    kind = type_of(existing)
    members = list(existing[kind])
    if kind == "NS":
        seen = {numbers.to_decimal(member) for member in members}
        fresh = [member for member in added[kind] if numbers.to_decimal(member) not in seen]
    else:
        seen = set(members)
        fresh = [member for member in added[kind] if member not in seen]
    return {kind: members + list(dict.fromkeys(fresh))}


def _difference(existing: dict, removed: dict) -> list:
    kind = type_of(existing)
    if kind == "NS":
        gone = {numbers.to_decimal(member) for member in removed[kind]}
        return [member for member in existing[kind] if numbers.to_decimal(member) not in gone]
    gone_members = set(removed[kind])
    return [member for member in existing[kind] if member not in gone_members]


class _Document:
    """An item being updated, copied on write: a container is copied the first time a path goes
    through it, so the input item and its nested values are never changed."""

    def __init__(self, root: dict) -> None:
        self.root = root
        self._owned: set[int] = {id(root)}

    def _parent(self, path: DocumentPath) -> dict | list:
        """The (writable) container of path's last step; _InvalidPath if a step is missing or of
        the wrong kind."""
        container: dict | list = self.root
        for step, following in zip(path, path[1:], strict=False):
            value = _member(container, step)
            kind = "L" if isinstance(following, int) else "M"
            if value is None or kind not in value:
                raise _InvalidPath
            inner = value[kind]
            if id(inner) not in self._owned:
                inner = list(inner) if kind == "L" else dict(inner)
                self._owned.add(id(inner))
                _put(container, step, {kind: inner})
            container = inner
        return container

    def write(self, path: DocumentPath, value: dict) -> None:
        _put(self._parent(path), path[-1], value)

    def add(self, path: DocumentPath, value: dict) -> None:
        container = self._parent(path)
        existing = _member(container, path[-1])
        if existing is None:
            _put(container, path[-1], value)
            return
        kind = type_of(existing)
        if kind != type_of(value):
            raise ValidationException(messages.WRONG_OPERAND_TYPE)
        if kind == "N":
            _put(container, path[-1], {"N": numbers.add(existing["N"], value["N"])})
        elif kind in SET_TYPES:
            _put(container, path[-1], _union(existing, value))
        else:
            raise ValidationException(messages.WRONG_OPERAND_TYPE)

    def delete(self, path: DocumentPath, value: dict) -> bool:
        """Remove set members; True when the set is left empty (the attribute is then removed)."""
        container = self._parent(path)
        existing = _member(container, path[-1])
        if existing is None:
            return False
        kind = type_of(existing)
        if kind != type_of(value) or kind not in SET_TYPES:
            raise ValidationException(messages.WRONG_OPERAND_TYPE)
        remaining = _difference(existing, value)
        if not remaining:
            return True
        _put(container, path[-1], {kind: remaining})
        return False

    def remove(self, path: DocumentPath, *, lenient: bool) -> None:
        try:
            container = self._parent(path)
        except _InvalidPath:
            if lenient:
                return  # DynamoDB ignores REMOVE a.b when there is no item at all
            raise
        step = path[-1]
        if isinstance(container, dict):
            if isinstance(step, str):
                container.pop(step, None)
        elif isinstance(step, int) and step < len(container):
            del container[step]


def _member(container: dict | list, step: str | int) -> dict | None:
    if isinstance(container, dict):
        return container.get(step) if isinstance(step, str) else None
    if isinstance(step, int) and step < len(container):
        return container[step]
    return None


def _put(container: dict | list, step: str | int, value: dict) -> None:
    if isinstance(container, dict):
        if not isinstance(step, str):
            raise _InvalidPath
        container[step] = value
    elif not isinstance(step, int):
        raise _InvalidPath
    elif step < len(container):
        container[step] = value
    else:
        container.append(value)
