"""One PartiQL statement made into the item request DynamoDB runs for it.

INSERT is a PutItem that must not replace (`attribute_not_exists` on the partition key); UPDATE an
UpdateItem of an item that must exist (`attribute_exists`) and meet the WHERE's other terms;
DELETE a DeleteItem conditioned on those terms alone (deleting a missing item succeeds); EXISTS a
transaction's ConditionCheck of an item that must exist and meet its condition. The requests are
the ordinary operations' own, so validation, conditions, streams and capacity are theirs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass

from stratus.services.dynamodb import item_json
from stratus.services.dynamodb.attribute_values import type_of
from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.expressions import BoundCondition, prepare_expressions
from stratus.services.dynamodb.partiql_ast import Delete, Exists, Insert, Select, Update
from stratus.services.dynamodb.partiql_translation import (
    INCOMPLETE_KEY,
    ExpressionText,
    item_key,
    schema_mismatch,
)
from stratus.services.dynamodb.partiql_values import PARAMETER_COUNT, insert_item
from stratus.services.dynamodb.table_store import IndexKeys, Table

EXISTS_OUTSIDE_TRANSACTION = "EXISTS can only be used in ExecuteTransaction write requests."
EXISTS_SHAPE = "EXISTS() must contain a single item read with additional condition"
RETURNING_SHOWN = {
    "ALL_OLD": "ALL OLD *",
    "ALL_NEW": "ALL NEW *",
    "UPDATED_OLD": "MODIFIED OLD *",
    "UPDATED_NEW": "MODIFIED NEW *",
}
INVALID_TOKEN = "Invalid NextToken"
TOKEN_MISMATCH = "NextToken does not match request"


@dataclass(frozen=True, slots=True)
class WriteRequest:
    """A write statement as an item operation: `kind` is Put, Update, Delete or ConditionCheck
    (TransactWriteItems' names); `body` the request members of that operation."""

    kind: str
    body: dict
    returning: str | None = None  # ReturnValues


def check_parameter_count(needed: int, parameters: list[dict]) -> None:
    """Too few parameters for the statement's `?` are refused (more than it uses are not)."""
    if needed > len(parameters):
        raise ValidationException(PARAMETER_COUNT)


def write_request(table: Table, statement: object, parameters: list[dict]) -> WriteRequest:
    if isinstance(statement, Insert):
        return _insert(table, statement, parameters)
    if isinstance(statement, Update):
        return _update(table, statement, parameters)
    if isinstance(statement, Delete):
        return _delete(table, statement, parameters)
    if isinstance(statement, Exists):
        return _exists(table, statement.select, parameters)
    raise TypeError(f"not a write statement: {statement!r}")


def _insert(table: Table, statement: Insert, parameters: list[dict]) -> WriteRequest:
    item = insert_item(statement.value, parameters)
    for name in table.key_attribute_names:
        if name not in item:
            raise ValidationException(f"Key attribute should be present in the item: Key {name}")
        if type_of(item[name]) != table.attribute_types[name]:
            raise schema_mismatch(name)
    text = ExpressionText(parameters)
    condition = f"attribute_not_exists({text.name(table.keys.partition.name)})"
    body = {"TableName": statement.table, "Item": item, "ConditionExpression": condition, **text.members()}
    return WriteRequest("Put", body)


def _update(table: Table, statement: Update, parameters: list[dict]) -> WriteRequest:
    key, others = item_key(table, statement.where, parameters)
    text = ExpressionText(parameters)
    update = text.update(statement.sets, statement.removes)
    condition = f"attribute_exists({text.name(table.keys.partition.name)})"
    rest = text.all_of(others)
    if rest is not None:
        condition += f" AND {rest}"
    body = {
        "TableName": statement.table,
        "Key": key,
        "UpdateExpression": update,
        "ConditionExpression": condition,
        **text.members(),
    }
    return WriteRequest("Update", body, statement.returning)


def _delete(table: Table, statement: Delete, parameters: list[dict]) -> WriteRequest:
    if statement.returning not in (None, "ALL_OLD"):
        raise ValidationException(
            f"Invalid returning clause: RETURNING {RETURNING_SHOWN[statement.returning]}. "
            "Only RETURNING ALL OLD * is allowed in DELETE statements."
        )
    key, others = item_key(table, statement.where, parameters)
    text = ExpressionText(parameters)
    body: dict = {"TableName": statement.table, "Key": key}
    condition = text.all_of(others)
    if condition is not None:
        body["ConditionExpression"] = condition
        body.update(text.members())
    return WriteRequest("Delete", body, statement.returning)


def _exists(table: Table, select: Select, parameters: list[dict]) -> WriteRequest:
    if select.index is not None:
        raise ValidationException("Operations on indices are not supported in transactions")
    try:
        key, others = item_key(table, select.where, parameters)
    except ValidationException as error:
        if error.message == INCOMPLETE_KEY:
            raise ValidationException(EXISTS_SHAPE) from None
        raise
    if not others:
        raise ValidationException(EXISTS_SHAPE)
    text = ExpressionText(parameters)
    condition = f"attribute_exists({text.name(table.keys.partition.name)}) AND {text.all_of(others)}"
    body = {"TableName": select.table, "Key": key, "ConditionExpression": condition, **text.members()}
    return WriteRequest("ConditionCheck", body)


def single_item_key(table: Table, select: Select, parameters: list[dict]) -> dict | None:
    """The Key of a SELECT that names exactly one item (every key attribute by equality, nothing
    else), or None when it does not."""
    try:
        key, others = item_key(table, select.where, parameters)
    except ValidationException as error:
        if error.message == INCOMPLETE_KEY or error.message.startswith("Multiple conditions on same key"):
            return None
        raise
    return None if others else key


def read_filter(select: Select, parameters: list[dict]) -> BoundCondition | None:
    """A SELECT's WHERE as a bound filter (validated before anything is read)."""
    if select.where is None:
        return None
    text = ExpressionText(parameters)
    condition = text.condition(select.where)
    names, values = text.names or None, text.values or None
    return prepare_expressions(
        filter_expression=condition, expression_attribute_names=names, expression_attribute_values=values
    ).filter


def read_keys(table: Table, select: Select) -> IndexKeys:
    if select.index is None:
        return table.keys
    index = table.indexes.get(select.index)
    if index is None:
        raise ValidationException(f"The table does not have the specified index: {select.index}")
    return index


def order_forward(select: Select, keys: IndexKeys, has_partition: bool) -> bool:
    """ScanIndexForward for a SELECT's ORDER BY (which only key attributes may name)."""
    if not select.order_by:
        return True
    if select.where is None:
        raise ValidationException("Must have WHERE clause in the statement when using ORDER BY clause.")
    names = [keys.partition.name] + ([keys.sort.name] if keys.sort else [])
    for name, _ in select.order_by:
        if name not in names:
            raise ValidationException(
                f"Variable reference {name} in ORDER BY clause must be part of the primary key"
            )
    if not has_partition:
        raise ValidationException(
            "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause."
        )
    directions = dict(select.order_by)
    descending = directions.get(keys.sort.name) if keys.sort else None
    if descending is None:
        descending = select.order_by[0][1]
    return not descending


# -- NextToken -------------------------------------------------------------------------------------


def _request_digest(statement: str, parameters: list[dict]) -> str:
    shown = json.dumps([statement, item_json.dumps({str(n): v for n, v in enumerate(parameters)})])
    return hashlib.sha256(shown.encode()).hexdigest()[:32]


def next_token(statement: str, parameters: list[dict], last_key: dict) -> str:
    """An opaque NextToken: where the read stopped, bound to the statement and its parameters."""
    payload = json.dumps({"d": _request_digest(statement, parameters), "k": item_json.dumps(last_key)})
    return base64.urlsafe_b64encode(payload.encode()).decode("ascii")


def start_key(token: str | None, statement: str, parameters: list[dict]) -> dict | None:
    """The ExclusiveStartKey a NextToken stands for."""
    if token is None:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
        digest, key = payload["d"], item_json.loads(payload["k"])
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError):
        raise ValidationException(INVALID_TOKEN) from None
    if digest != _request_digest(statement, parameters):
        raise ValidationException(TOKEN_MISMATCH)
    return key
