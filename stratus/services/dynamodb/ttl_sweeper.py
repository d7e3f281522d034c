"""The TTL sweeper: deletes expired items of TTL-enabled tables, on the Stratus clock.

DynamoDB deletes expired items "within a few days"; Stratus sweeps every second of clock time, so
a test that moves the clock past an item's expiry sees it deleted at once (poll briefly: the sweep
runs in the background). Each deletion is an ordinary item delete — index entries, counts — and
appears in the table's stream as a REMOVE whose userIdentity is the DynamoDB service.
"""

from __future__ import annotations

from stratus.services.dynamodb import pitr, stream_store, ttl_index
from stratus.services.dynamodb.item_store import StoredKey, read_item, write_item
from stratus.services.dynamodb.table_store import Table, table_by_id
from stratus.store import Database

SWEEP_SECONDS = 1.0
BATCH = 200
BATCHES_PER_SWEEP = 10  # the rest waits for the next tick: a sweep never holds the loop for long


def sweep(db: Database, now: float) -> int:
    """Delete what has expired by `now`; returns how many items were deleted."""
    deleted = 0
    for _ in range(BATCHES_PER_SWEEP):
        due = ttl_index.expired(db, now, BATCH)
        if not due:
            break
        tables: dict[int, Table | None] = {}
        with db.transaction():
            for row in due:
                key = StoredKey(row["hash"], row["pk"], row["sk"])
                if row["table_id"] not in tables:
                    tables[row["table_id"]] = table_by_id(db, row["table_id"])
                table = tables[row["table_id"]]
                attribute = table.definition.get("TimeToLive") if table is not None else None
                item = read_item(db, table, key) if table is not None else None
                if (
                    table is None
                    or item is None
                    or ttl_index.expiry_of(item, attribute or "") != row["expires_at"]
                ):
                    db.execute(
                        "DELETE FROM ddb_ttl WHERE table_id = ? AND hash = ? AND pk = ? AND sk = ?",
                        (row["table_id"], key.hash, key.pk, key.sk),
                    )
                    continue
                write_item(db, table, key, None, item)  # drops the ddb_ttl entry too
                if table.definition.get("PointInTimeRecovery"):
                    pitr.record_history(db, table, item, None, now)
                if table.definition.get("StreamSpecification"):
                    stream_store.record_change(db, table, item, None, now, service_identity=True)
                deleted += 1
        if len(due) < BATCH:
            break
    return deleted
