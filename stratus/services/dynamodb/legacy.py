"""DynamoDB's legacy (non-expression) parameters, converted into the equivalent expressions so
one engine evaluates both forms: Expected + ConditionalOperator -> ConditionExpression,
AttributeUpdates -> UpdateExpression, AttributesToGet -> ProjectionExpression, QueryFilter /
ScanFilter -> FilterExpression, KeyConditions -> KeyConditionExpression.

DynamoDB's request checks come first, in its order: a legacy parameter beside an expression
parameter ("Can not use both ..."; a Query's KeyConditions may sit beside a FilterExpression or
ProjectionExpression), placeholder maps without an expression, ConditionalOperator without two
or more conditions, then each legacy parameter's own checks (legacy_conditions.py). Generated
placeholders never collide with the request's own, so the converted members are ordinary
expression members for `prepare_expressions`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from stratus.services.dynamodb.attribute_values import type_of
from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.legacy_conditions import (
    ENVELOPE,
    INVALID,
    Placeholders,
    Wording,
    checked_condition,
    checked_expected,
    condition_expression,
    key_condition_expression,
)

NAMES = "ExpressionAttributeNames"
VALUES = "ExpressionAttributeValues"
_SETS = ("SS", "NS", "BS")
_ADDABLE = ("N", "SS", "NS", "BS", "L")  # ADD of a list appends to it


@dataclass(frozen=True, slots=True)
class _Shape:
    """An operation's legacy and expression parameters, each in the order DynamoDB lists them."""

    legacy: tuple[str, ...]
    expressions: tuple[str, ...]
    value_expressions: tuple[str, ...]  # the expressions ExpressionAttributeValues can serve
    conditions: str | None  # the parameter ConditionalOperator joins
    enveloped: bool  # writes report request checks in the "1 validation error detected: " envelope
    takes_values: bool = True


_WRITE = _Shape(
    ("Expected", "ConditionalOperator"), ("ConditionExpression",), ("ConditionExpression",), "Expected", True
)
_GET = _Shape(("AttributesToGet",), ("ProjectionExpression",), (), None, False, takes_values=False)
_SHAPES = {
    "PutItem": _WRITE,
    "DeleteItem": _WRITE,
    "UpdateItem": _Shape(
        ("AttributeUpdates", "Expected", "ConditionalOperator"),
        ("UpdateExpression", "ConditionExpression"),
        ("UpdateExpression", "ConditionExpression"),
        "Expected",
        True,
    ),
    "GetItem": _GET,
    "BatchGetItem": _GET,
    "Query": _Shape(
        ("AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"),
        ("ProjectionExpression", "FilterExpression", "KeyConditionExpression"),
        ("FilterExpression", "KeyConditionExpression"),
        "QueryFilter",
        False,
    ),
    "Scan": _Shape(
        ("AttributesToGet", "ScanFilter", "ConditionalOperator"),
        ("ProjectionExpression", "FilterExpression"),
        ("FilterExpression",),
        "ScanFilter",
        False,
    ),
}
# Transaction entries take expressions only: their members pass through unchanged.
_CONDITION_ONLY = ("ConditionExpression",)
_TRANSACT = {
    "Get": ("ProjectionExpression",),
    "Put": _CONDITION_ONLY,
    "Delete": _CONDITION_ONLY,
    "ConditionCheck": _CONDITION_ONLY,
    "Update": ("UpdateExpression", "ConditionExpression"),
    "TransactGetItems": ("ProjectionExpression",),
    "TransactWriteItems": ("UpdateExpression", "ConditionExpression"),
}


def expression_members(req: dict, operation: str) -> dict:
    """The request's expression members — UpdateExpression, ConditionExpression,
    KeyConditionExpression, FilterExpression, ProjectionExpression, ExpressionAttributeNames,
    ExpressionAttributeValues (only those that apply) — with any legacy parameters
    (Expected + ConditionalOperator, AttributesToGet, AttributeUpdates, KeyConditions,
    QueryFilter, ScanFilter) converted into them. Raises ValidationException (DynamoDB's
    messages) for mixed or invalid use."""
    # A transaction entry may be named alone ("Put") or with its operation ("TransactWriteItems.Put").
    transact = _TRANSACT.get(operation.rsplit(".", 1)[-1].rsplit("/", 1)[-1])
    if transact is not None:
        takes_values = transact != ("ProjectionExpression",)
        members = (*transact, NAMES, VALUES) if takes_values else (*transact, NAMES)
        return {member: req[member] for member in members if req.get(member) is not None}
    shape = _SHAPES.get(operation)
    if shape is None:
        raise ValueError(f"not an item, query or scan operation: {operation}")
    wording = Wording(shape.enveloped)
    _check_mixing(req, operation, shape)
    _check_maps_have_expressions(req, shape, wording)
    _check_conditional_operator(req, shape)
    converter = _Converter(req, operation, shape, wording)
    converter.convert()
    return _assemble(req, shape, converter.members, converter.placeholders)


def _present(req: Mapping, names: tuple[str, ...]) -> list[str]:
    return [name for name in names if req.get(name) is not None]


def _check_mixing(req: dict, operation: str, shape: _Shape) -> None:
    expressions = _present(req, shape.expressions)
    if not expressions:
        return
    legacy = _present(req, shape.legacy)
    if operation == "Query" and req.get("KeyConditionExpression") is None and "KeyConditions" in legacy:
        legacy.remove("KeyConditions")  # DynamoDB lets KeyConditions sit beside the other expressions
    if legacy:
        raise ValidationException(
            "Can not use both expression and non-expression parameters in the same request: "
            f"Non-expression parameters: {{{', '.join(legacy)}}} Expression parameters: {{{', '.join(expressions)}}}"
        )


def _check_maps_have_expressions(req: dict, shape: _Shape, wording: Wording) -> None:
    if req.get(NAMES) is not None and not _present(req, shape.expressions):
        raise wording.error("ExpressionAttributeNames can only be specified when using expressions")
    if shape.takes_values and req.get(VALUES) is not None and not _present(req, shape.value_expressions):
        message = "ExpressionAttributeValues can only be specified when using expressions"
        if not shape.enveloped:  # reads still name the missing expressions
            verb = "are" if len(shape.value_expressions) > 1 else "is"
            message += f": {' and '.join(shape.value_expressions)} {verb} null"
        raise wording.error(message)


def _check_conditional_operator(req: dict, shape: _Shape) -> None:
    if req.get("ConditionalOperator") is None:
        return
    count = len(req.get(shape.conditions or "") or {})
    if count == 0:
        raise ValidationException("ConditionalOperator cannot be used without Filter or Expected")
    if count == 1:
        raise ValidationException(
            "ConditionalOperator can only be used when Filter or Expected has two or more elements"
        )


class _Converter:
    """The legacy parameters of one request, checked and converted in DynamoDB's order."""

    def __init__(self, req: dict, operation: str, shape: _Shape, wording: Wording) -> None:
        self.req = req
        self.operation = operation
        self.shape = shape
        self.wording = wording
        taken = [*(req.get(NAMES) or {}), *(req.get(VALUES) or {})]
        texts = [req[member] for member in _present(req, shape.expressions) if isinstance(req[member], str)]
        self.placeholders = Placeholders(taken, texts)
        self.members: dict[str, str] = {}

    def convert(self) -> None:
        req, operation = self.req, self.operation
        if operation == "UpdateItem" and req.get("AttributeUpdates") is not None:
            self._set("UpdateExpression", self._update_expression(req["AttributeUpdates"]))
        if self.shape.conditions == "Expected" and req.get("Expected") is not None:
            conditions = [
                checked_expected(attribute, expected or {}, self.wording)
                for attribute, expected in req["Expected"].items()
            ]
            self._set("ConditionExpression", self._joined(conditions))
        if operation == "Query":
            self._filter("QueryFilter")
            self._projection()
            if req.get("KeyConditions") is None and req.get("KeyConditionExpression") is None:
                raise ValidationException(
                    "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."
                )
            if req.get("KeyConditions") is not None:
                self._set(
                    "KeyConditionExpression",
                    key_condition_expression(req["KeyConditions"], self.placeholders),
                )
        elif operation == "Scan":
            self._projection()
            self._filter("ScanFilter")
        elif operation in ("GetItem", "BatchGetItem"):
            self._projection()
        if operation in ("Query", "Scan"):
            self._check_select()

    def _set(self, member: str, text: str | None) -> None:
        if text is not None:
            self.members[member] = text

    def _joined(self, conditions: list) -> str | None:
        return condition_expression(conditions, self.req.get("ConditionalOperator"), self.placeholders)

    def _filter(self, parameter: str) -> None:
        filter_ = self.req.get(parameter)
        if filter_ is None:
            return
        conditions = [
            checked_condition(attribute, condition or {}, parameter, self.wording)
            for attribute, condition in filter_.items()
        ]
        self._set("FilterExpression", self._joined(conditions))

    def _projection(self) -> None:
        names = self.req.get("AttributesToGet")
        if not names:
            return
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise self.wording.error(f"{INVALID}Duplicate value in attribute name: {name}")
            seen.add(name)
        self._set("ProjectionExpression", ", ".join(self.placeholders.name(name) for name in names))

    def _check_select(self) -> None:
        select = self.req.get("Select")
        if not self.req.get("AttributesToGet") or select not in (
            "ALL_ATTRIBUTES",
            "ALL_PROJECTED_ATTRIBUTES",
            "COUNT",
        ):
            return
        shown = "only the Count" if select == "COUNT" else select
        message = f"Cannot specify the AttributesToGet when choosing to get {shown}"
        # Query reports it in the validation envelope, Scan bare (recorded against DynamoDB).
        raise ValidationException(ENVELOPE + message if self.operation == "Query" else message)

    def _update_expression(self, updates: Mapping) -> str | None:
        """AttributeUpdates: PUT is SET, DELETE without a value REMOVE, with a set DELETE, ADD of a
        number or set ADD, ADD of a list an append (creating the list when missing)."""
        clauses: dict[str, list[str]] = {"SET": [], "REMOVE": [], "ADD": [], "DELETE": []}
        placeholders = self.placeholders
        for attribute, update in updates.items():
            update = update or {}
            action = update.get("Action") or "PUT"
            if action not in ("PUT", "ADD", "DELETE"):  # normally refused by the protocol layer
                raise ValidationException(
                    f"{ENVELOPE}Value '{action}' at 'attributeUpdates.{attribute}.member.action' failed to "
                    "satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]"
                )
            raw = update.get("Value")
            value = None if raw is None else self.wording.value(raw)
            if value is None and action != "DELETE":
                raise self.wording.error(
                    f"{INVALID}Only DELETE action is allowed when no attribute value is specified"
                )
            kind = None if value is None else type_of(value)
            if action == "DELETE" and kind is not None and kind not in _SETS:
                raise self.wording.error(
                    f"{INVALID}DELETE action with value is not supported for the type {kind}"
                )
            if action == "ADD" and kind not in _ADDABLE:
                raise self.wording.error(f"{INVALID}ADD action is not supported for the type {kind}")
            name = placeholders.name(attribute)
            if value is None:
                clauses["REMOVE"].append(name)
            elif action == "PUT":
                clauses["SET"].append(f"{name} = {placeholders.value(value)}")
            elif kind == "L":
                empty = placeholders.value({"L": []})
                clauses["SET"].append(
                    f"{name} = list_append(if_not_exists({name}, {empty}), {placeholders.value(value)})"
                )
            else:
                clauses[action].append(f"{name} {placeholders.value(value)}")
        text = " ".join(f"{keyword} {', '.join(items)}" for keyword, items in clauses.items() if items)
        return text or None


def _assemble(req: dict, shape: _Shape, converted: dict[str, str], placeholders: Placeholders) -> dict:
    """The members that apply: the request's own expressions and the converted ones, with the
    generated placeholders merged into the request's maps."""
    members: dict = {name: req[name] for name in shape.expressions if req.get(name) is not None}
    members.update(converted)
    generated = {NAMES: placeholders.names, VALUES: placeholders.values}
    for name in (NAMES, VALUES) if shape.takes_values else (NAMES,):
        merged = _merged(req.get(name), generated[name])
        if merged is not None:
            members[name] = merged
    return members


def _merged(own: dict | None, generated: dict) -> dict | None:
    if not generated:
        return own
    if own is None:
        return dict(generated)
    if not own:
        return own  # an empty map stays empty for the engine's "must not be empty"
    return {**own, **generated}
