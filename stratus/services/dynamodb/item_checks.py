"""An item or key from a request, checked against its table: values valid and normalized, key
attributes present with their types, secondary index key attributes typed as the index says (or
absent), the item within 400 KB."""

from __future__ import annotations

from stratus.services.dynamodb.attribute_values import check_key, normalize_item, type_of
from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.item_size import ITEM_TOO_LARGE, MAX_ITEM_BYTES, item_size
from stratus.services.dynamodb.table_store import Table

UPDATED_ITEM_TOO_LARGE = "Item size to update has exceeded the maximum allowed size"


def _schema(table: Table) -> list[tuple[str, str]]:
    keys = table.keys
    schema = [(keys.partition.name, keys.partition.type)]
    if keys.sort is not None:
        schema.append((keys.sort.name, keys.sort.type))
    return schema


def _check_index_keys(table: Table, item: dict) -> None:
    for index in table.indexes.values():
        for attribute in (index.partition, index.sort):
            if attribute is None or attribute.name not in item:
                continue
            value = item[attribute.name]
            actual = type_of(value)
            if actual != attribute.type:
                raise ValidationException(
                    "One or more parameter values were invalid: Type mismatch for Index Key "
                    f"{attribute.name} Expected: {attribute.type} Actual: {actual} IndexName: {index.name}"
                )
            if actual in ("S", "B") and len(value[actual]) == 0:
                raise ValidationException(
                    "One or more parameter values are not valid. A value specified for a secondary index key "
                    "is not supported. The AttributeValue for a key attribute cannot contain an empty "
                    f"{'string' if actual == 'S' else 'binary'} value. IndexName: {index.name}, "
                    f"IndexKey: {attribute.name}"
                )


def checked_item(table: Table, item: dict, *, updated: bool = False) -> dict:
    """A whole item to store (PutItem's Item, or the result of an update when `updated`)."""
    return sized_item(table, item, updated=updated)[0]


def sized_item(table: Table, item: dict, *, updated: bool = False) -> tuple[dict, int]:
    """`checked_item`, and the item's size."""
    normalized = item if updated else normalize_item(item)
    check_key(normalized, _schema(table), is_key_only=False)
    _check_index_keys(table, normalized)
    size = item_size(normalized)
    if size > MAX_ITEM_BYTES:
        raise ValidationException(UPDATED_ITEM_TOO_LARGE if updated else ITEM_TOO_LARGE)
    return normalized, size


def checked_key(table: Table, key: dict) -> dict:
    """A request's Key: exactly the table's key attributes, typed as the table says."""
    return check_key(normalize_item(key), _schema(table), is_key_only=True)
