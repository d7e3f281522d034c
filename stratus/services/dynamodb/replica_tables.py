"""The tables behind a global table's replicas: making one in another region (a copy of the source's
schema, indexes, synchronized settings and current items) and dropping one.

The copy is taken once, when the replica is added, as DynamoDB's initial replication does; later
writes are not replicated between regions yet (see global_tables.py). Callers hold the transaction.
"""

from __future__ import annotations

import copy
import json
import uuid

from stratus.services.dynamodb import stream_store
from stratus.services.dynamodb.table_store import Table, find_table
from stratus.store import Database

# Settings that stay with one region's table (DynamoDB does not synchronize them to replicas).
REGIONAL_SETTINGS = (
    "DeletionProtectionEnabled",
    "PointInTimeRecovery",
    "ResourcePolicy",
    "ResourcePolicyTombstone",
    "StreamPolicies",
    "ContributorInsights",
    "KinesisDestinations",
    "LastIncreaseAt",
    "LastDecreaseAt",
    "DecreasesToday",
    "PayPerRequestSince",
    "LatestStreamLabel",
)


def replica_definition(source: Table, entry: dict, stream_label: str | None) -> dict:
    """The definition of a new replica of `source`, with the overrides of its group `entry`."""
    definition = copy.deepcopy(source.definition)
    for name in REGIONAL_SETTINGS:
        definition.pop(name, None)
    definition["DeletionProtectionEnabled"] = False
    if entry.get("TableClassOverride"):
        definition["TableClass"] = entry["TableClassOverride"]
        definition["TableClassSet"] = True
    override = entry.get("ProvisionedThroughputOverride")
    if override and definition.get("ProvisionedThroughput"):
        definition["ProvisionedThroughput"] = {
            **definition["ProvisionedThroughput"],
            "ReadCapacityUnits": override["ReadCapacityUnits"],
        }
    if definition.get("StreamSpecification") and stream_label:
        definition["LatestStreamLabel"] = stream_label
    return definition


def create_replica_table(
    db: Database, source: Table, region: str, definition: dict, now: float, partition: str
) -> Table:
    """A table named as `source` in `region`, holding a copy of the source's items and index entries."""
    arn = f"arn:{partition}:dynamodb:{region}:{source.account_id}:table/{source.name}"
    cursor = db.execute(
        "INSERT INTO ddb_tables (account_id, region, name, arn, uuid, created_at, definition,"
        " item_count, size_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            source.account_id,
            region,
            source.name,
            arn,
            str(uuid.uuid4()),
            now,
            json.dumps(definition),
            source.item_count,
            source.size_bytes,
        ),
    )
    table_id = cursor.lastrowid
    db.execute(
        "INSERT INTO ddb_items (table_id, hash, pk, sk, item, size)"
        " SELECT ?, hash, pk, sk, item, size FROM ddb_items WHERE table_id = ?",
        (table_id, source.table_id),
    )
    db.execute(
        "INSERT INTO ddb_index_items (table_id, index_name, hash, ipk, isk, pk, sk, item, size)"
        " SELECT ?, index_name, hash, ipk, isk, pk, sk, item, size FROM ddb_index_items WHERE table_id = ?",
        (table_id, source.table_id),
    )
    if definition.get("TimeToLive"):
        db.execute(
            "INSERT INTO ddb_ttl (table_id, hash, pk, sk, expires_at)"
            " SELECT ?, hash, pk, sk, expires_at FROM ddb_ttl WHERE table_id = ?",
            (table_id, source.table_id),
        )
    replica = find_table(db, source.account_id, region, source.name)
    assert replica is not None
    stream = definition.get("StreamSpecification")
    if stream:
        stream_store.stream_enabled(
            db, replica, definition["LatestStreamLabel"], stream["StreamViewType"], now
        )
    return replica


def drop_replica_table(db: Database, table: Table, now: float) -> None:
    """Delete a replica's table with its items, index entries, tags and expiry entries; its streams
    stay readable 24 hours, as a deleted table's do."""
    if table.definition.get("StreamSpecification"):
        stream_store.stream_disabled(db, table, now, table_deleted=True)
    else:
        db.execute("UPDATE ddb_streams SET table_id = NULL WHERE table_id = ?", (table.table_id,))
    for statement in (
        "DELETE FROM ddb_items WHERE table_id = ?",
        "DELETE FROM ddb_index_items WHERE table_id = ?",
        "DELETE FROM ddb_ttl WHERE table_id = ?",
        "DELETE FROM ddb_tags WHERE table_id = ?",
        "DELETE FROM ddb_tables WHERE table_id = ?",
    ):
        db.execute(statement, (table.table_id,))
