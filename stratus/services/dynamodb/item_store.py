"""Items and their index entries in SQLite: read one, write one (indexes and counts kept in step).

Callers hold the transaction: an item write, its index entries, the table's counts (and, with
streams, its stream record) commit together. Index entries exist only for items that carry the
index's key attributes (a sparse index), holding the projected attributes. Every index is updated
in the same transaction as its table, so GSIs are immediately consistent here (DynamoDB's are
eventually consistent: an application that reads its own GSI write at once works here and may
not in AWS).
"""

from __future__ import annotations

from dataclasses import dataclass

from stratus.services.dynamodb import item_json, ttl_index
from stratus.services.dynamodb.capacity import write_units
from stratus.services.dynamodb.item_size import item_size
from stratus.services.dynamodb.key_codec import encode_key_value, partition_hash
from stratus.services.dynamodb.table_store import IndexKeys, Table
from stratus.store import Database


@dataclass(frozen=True, slots=True)
class StoredKey:
    hash: int
    pk: bytes
    sk: bytes


def key_of(keys: IndexKeys, item: dict) -> StoredKey | None:
    """The stored key of `item` under `keys`, or None when the item lacks a key attribute (or has
    it with another type: such items are simply not in a sparse index)."""
    partition = item.get(keys.partition.name)
    if partition is None or keys.partition.type not in partition:
        return None
    pk = encode_key_value(partition)
    sk = b""
    if keys.sort is not None:
        sort = item.get(keys.sort.name)
        if sort is None or keys.sort.type not in sort:
            return None
        sk = encode_key_value(sort)
    return StoredKey(partition_hash(pk), pk, sk)


def table_key(table: Table, item: dict) -> StoredKey:
    key = key_of(table.keys, item)
    assert key is not None, "the item's key was validated before"
    return key


def read_item(db: Database, table: Table, key: StoredKey) -> dict | None:
    return read_sized(db, table, key)[0]


def read_sized(db: Database, table: Table, key: StoredKey) -> tuple[dict | None, int]:
    """The stored item and its size (0 when there is none), the size as stored with it."""
    row = db.query_one(
        "SELECT item, size FROM ddb_items WHERE table_id = ? AND hash = ? AND pk = ? AND sk = ?",
        (table.table_id, key.hash, key.pk, key.sk),
    )
    return (item_json.loads(row[0]), row[1]) if row is not None else (None, 0)


def projected(table: Table, index: IndexKeys, item: dict) -> dict:
    """The attributes of `item` an index holds: its keys and the table's, plus the projection."""
    projection = index.projection
    if projection["ProjectionType"] == "ALL":
        return item
    wanted = set(table.key_attribute_names)
    wanted.add(index.partition.name)
    if index.sort is not None:
        wanted.add(index.sort.name)
    wanted.update(projection.get("NonKeyAttributes") or ())
    return {name: value for name, value in item.items() if name in wanted}


def write_item(
    db: Database,
    table: Table,
    key: StoredKey,
    new: dict | None,
    old: dict | None,
    *,
    new_size: int | None = None,
    old_size: int | None = None,
) -> list[tuple[IndexKeys, float]]:
    """Store `new` (None deletes) in place of `old` (None when absent), with index entries and
    counts; returns the write units each touched secondary index consumed. Sizes the caller
    already knows may be passed, to spare computing them again."""
    if new_size is None:
        new_size = item_size(new) if new is not None else 0
    if old_size is None:
        old_size = item_size(old) if old is not None else 0
    if new is None:
        db.execute(
            "DELETE FROM ddb_items WHERE table_id = ? AND hash = ? AND pk = ? AND sk = ?",
            (table.table_id, key.hash, key.pk, key.sk),
        )
    else:
        db.execute(
            "INSERT INTO ddb_items (table_id, hash, pk, sk, item, size) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (table_id, hash, pk, sk) DO UPDATE SET item = excluded.item, size = excluded.size",
            (table.table_id, key.hash, key.pk, key.sk, item_json.dumps(new), new_size),
        )
    ttl_attribute = table.definition.get("TimeToLive")
    if ttl_attribute:
        ttl_index.track(db, table.table_id, ttl_attribute, key, old, new)
    count_delta = (new is not None) - (old is not None)
    if count_delta or new_size != old_size:
        db.execute(
            "UPDATE ddb_tables SET item_count = item_count + ?, size_bytes = size_bytes + ? WHERE table_id = ?",
            (count_delta, new_size - old_size, table.table_id),
        )
    touched = []
    for index in table.indexes.values():
        units = write_index_entry(db, table, index, key, new, old)
        if units:
            touched.append((index, units))
    return touched


def write_index_entry(
    db: Database, table: Table, index: IndexKeys, key: StoredKey, new: dict | None, old: dict | None
) -> float:
    """Replace the item's entry in `index`; the write units it cost (0 when nothing changed): an
    update in place is one write of the larger entry, a key change a delete and a put."""
    old_key = key_of(index, old) if old is not None else None
    new_key = key_of(index, new) if new is not None else None
    if old_key is None and new_key is None:
        return 0.0
    new_entry = projected(table, index, new) if new_key is not None and new is not None else None
    old_entry = projected(table, index, old) if old_key is not None and old is not None else None
    if old_key == new_key and new_entry == old_entry:
        return 0.0  # the entry would not change
    new_size = item_size(new_entry) if new_entry is not None else 0
    old_size = item_size(old_entry) if old_entry is not None else 0
    if old_key is not None and new_key == old_key:
        units = write_units(max(new_size, old_size))
    else:
        units = (write_units(old_size) if old_key is not None else 0.0) + (
            write_units(new_size) if new_key is not None else 0.0
        )
    if old_key is not None:
        db.execute(
            "DELETE FROM ddb_index_items WHERE table_id = ? AND index_name = ? AND hash = ? AND ipk = ?"
            " AND isk = ? AND pk = ? AND sk = ?",
            (table.table_id, index.name, old_key.hash, old_key.pk, old_key.sk, key.pk, key.sk),
        )
    if new_key is not None and new_entry is not None:
        db.execute(
            "INSERT INTO ddb_index_items (table_id, index_name, hash, ipk, isk, pk, sk, item, size)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                table.table_id,
                index.name,
                new_key.hash,
                new_key.pk,
                new_key.sk,
                key.pk,
                key.sk,
                item_json.dumps(new_entry),
                new_size,
            ),
        )
    return units
