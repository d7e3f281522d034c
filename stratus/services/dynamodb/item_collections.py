"""Item collections of tables with local secondary indexes: an item collection is every item of
one partition key value, with their LSI entries. DynamoDB reports its estimated size when a write
asks (ReturnItemCollectionMetrics=SIZE) and refuses writes that would grow one past 10 GB."""

from __future__ import annotations

import math

from stratus.services.dynamodb.common import ItemCollectionSizeLimitExceededException
from stratus.services.dynamodb.item_store import StoredKey
from stratus.services.dynamodb.table_store import Table
from stratus.store import Database

GB = 1024**3
MAX_COLLECTION_BYTES = 10 * GB
TOO_LARGE = "Item collection size limit exceeded"


def has_collections(table: Table) -> bool:
    return any(not index.is_global for index in table.indexes.values())


def collection_bytes(db: Database, table: Table, key: StoredKey) -> int:
    row = db.query_one(
        "SELECT COALESCE(SUM(size), 0) FROM ddb_items WHERE table_id = ? AND hash = ? AND pk = ?",
        (table.table_id, key.hash, key.pk),
    )
    total = row[0] if row is not None else 0
    for index in table.indexes.values():
        if index.is_global:
            continue
        row = db.query_one(
            "SELECT COALESCE(SUM(size), 0) FROM ddb_index_items WHERE table_id = ? AND index_name = ?"
            " AND hash = ? AND ipk = ?",
            (table.table_id, index.name, key.hash, key.pk),
        )
        total += row[0] if row is not None else 0
    return total


def check_collection(db: Database, table: Table, key: StoredKey) -> None:
    """After a write (inside its transaction): refuse it if its collection outgrew 10 GB."""
    if has_collections(table) and collection_bytes(db, table, key) > MAX_COLLECTION_BYTES:
        raise ItemCollectionSizeLimitExceededException(TOO_LARGE)


def collection_metrics(db: Database, table: Table, key: StoredKey, key_item: dict) -> dict | None:
    """ItemCollectionMetrics of the collection `key` belongs to (None for tables without LSIs)."""
    if not has_collections(table):
        return None
    gigabytes = collection_bytes(db, table, key) / GB
    low = float(math.floor(gigabytes))
    partition = table.keys.partition.name
    return {"ItemCollectionKey": {partition: key_item[partition]}, "SizeEstimateRangeGB": [low, low + 1.0]}
