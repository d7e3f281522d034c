"""Finding tables: by name or ARN in the caller's account and region; the table record."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property

from stratus.core.context import RequestContext
from stratus.services.dynamodb.common import ResourceNotFoundException
from stratus.store import Database


@dataclass(slots=True)
class KeyAttribute:
    name: str
    type: str  # S | N | B


@dataclass(frozen=True, slots=True)
class IndexKeys:
    """An index's (or the table's) key: partition attribute and optional sort attribute."""

    name: str | None  # None for the table itself
    partition: KeyAttribute
    sort: KeyAttribute | None
    projection: dict  # {"ProjectionType": ..., "NonKeyAttributes"?: [...]}; ALL for the table
    is_global: bool


@dataclass(frozen=True)
class Table:
    table_id: int
    account_id: str
    region: str
    name: str
    arn: str
    uuid: str
    created_at: float
    definition: dict
    item_count: int
    size_bytes: int

    @cached_property
    def attribute_types(self) -> dict[str, str]:
        return {
            entry["AttributeName"]: entry["AttributeType"]
            for entry in self.definition["AttributeDefinitions"]
        }

    def _keys(self, key_schema: list[dict], name: str | None, projection: dict, is_global: bool) -> IndexKeys:
        types = self.attribute_types
        partition = KeyAttribute(key_schema[0]["AttributeName"], types[key_schema[0]["AttributeName"]])
        sort = None
        if len(key_schema) > 1:
            sort = KeyAttribute(key_schema[1]["AttributeName"], types[key_schema[1]["AttributeName"]])
        return IndexKeys(name, partition, sort, projection, is_global)

    @cached_property
    def keys(self) -> IndexKeys:
        return self._keys(self.definition["KeySchema"], None, {"ProjectionType": "ALL"}, False)

    @cached_property
    def indexes(self) -> dict[str, IndexKeys]:
        found: dict[str, IndexKeys] = {}
        for lsi in self.definition.get("LocalSecondaryIndexes") or ():
            found[lsi["IndexName"]] = self._keys(lsi["KeySchema"], lsi["IndexName"], lsi["Projection"], False)
        for gsi in self.definition.get("GlobalSecondaryIndexes") or ():
            found[gsi["IndexName"]] = self._keys(gsi["KeySchema"], gsi["IndexName"], gsi["Projection"], True)
        return found

    @property
    def key_attribute_names(self) -> tuple[str, ...]:
        keys = self.keys
        return (keys.partition.name,) if keys.sort is None else (keys.partition.name, keys.sort.name)


def table_from_row(row) -> Table:
    return Table(
        table_id=row["table_id"],
        account_id=row["account_id"],
        region=row["region"],
        name=row["name"],
        arn=row["arn"],
        uuid=row["uuid"],
        created_at=row["created_at"],
        definition=json.loads(row["definition"]),
        item_count=row["item_count"],
        size_bytes=row["size_bytes"],
    )


def find_table(db: Database, account_id: str, region: str, name: str) -> Table | None:
    row = db.query_one(
        "SELECT * FROM ddb_tables WHERE account_id = ? AND region = ? AND name = ?",
        (account_id, region, name),
    )
    return table_from_row(row) if row is not None else None


def table_by_id(db: Database, table_id: int) -> Table | None:
    row = db.query_one("SELECT * FROM ddb_tables WHERE table_id = ?", (table_id,))
    return table_from_row(row) if row is not None else None


def _named(ctx: RequestContext, name_or_arn: str) -> tuple[str, str, str]:
    """(account, region, name) a TableName (a name or, as DynamoDB now accepts, a table ARN) names."""
    if name_or_arn.startswith("arn:"):
        parts = name_or_arn.split(":", 5)
        if len(parts) == 6 and parts[2] == "dynamodb" and parts[5].startswith("table/"):
            return parts[4], parts[3], parts[5][len("table/") :].split("/", 1)[0]
    return ctx.account_id, ctx.region, name_or_arn


def require_table(ctx: RequestContext, db: Database, name_or_arn: str, *, detailed: bool = False) -> Table:
    """The table, or ResourceNotFoundException worded as the operation words it: the control plane
    names the table (`detailed`), item operations do not."""
    account_id, region, name = _named(ctx, name_or_arn)
    table = find_table(db, account_id, region, name)
    if table is None:
        if detailed:
            raise ResourceNotFoundException(f"Requested resource not found: Table: {name} not found")
        raise ResourceNotFoundException("Requested resource not found")
    return table


def save_definition(db: Database, table: Table, definition: dict) -> None:
    db.execute(
        "UPDATE ddb_tables SET definition = ? WHERE table_id = ?", (json.dumps(definition), table.table_id)
    )
