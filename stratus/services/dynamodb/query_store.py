"""Reading items in key order straight off the primary-key indexes: one partition's sort-key range
(Query), or a whole table or index in hash order (Scan, optionally one parallel-scan segment).

Rows come lazily from the cursor, so a page costs what it reads. Positions are encoded keys:
a table row is (hash, pk, sk); an index row (hash, ipk, isk, pk, sk), the table key breaking ties
between items with equal index keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from stratus.store import Database

HASH_SPACE = 1 << 63  # partition hashes are in [0, 2**63)


@dataclass(frozen=True, slots=True)
class SortRange:
    """Bounds on the encoded sort key; None means unbounded."""

    low: bytes | None = None
    low_inclusive: bool = True
    high: bytes | None = None
    high_inclusive: bool = True


@dataclass(frozen=True, slots=True)
class Row:
    hash: int
    pk: bytes  # the table's encoded partition key
    sk: bytes  # the table's encoded sort key
    ipk: bytes  # the index's (equal to pk/sk when reading the table itself)
    isk: bytes
    item: str  # stored JSON
    size: int


def prefix_range(prefix: bytes) -> SortRange:
    """The encoded keys starting with `prefix` (begins_with on strings and binaries)."""
    for position in range(len(prefix) - 1, -1, -1):
        if prefix[position] != 0xFF:
            return SortRange(prefix, True, prefix[:position] + bytes([prefix[position] + 1]), False)
    return SortRange(prefix, True, None)


def _range_clause(column: str, bounds: SortRange) -> tuple[str, list]:
    clause, params = "", []
    if bounds.low is not None:
        clause += f" AND {column} {'>=' if bounds.low_inclusive else '>'} ?"
        params.append(bounds.low)
    if bounds.high is not None:
        clause += f" AND {column} {'<=' if bounds.high_inclusive else '<'} ?"
        params.append(bounds.high)
    return clause, params


def query_partition(
    db: Database,
    table_id: int,
    index_name: str | None,
    hash_value: int,
    partition: bytes,
    bounds: SortRange,
    *,
    forward: bool,
    after: tuple[bytes, bytes, bytes] | None,
) -> Iterator[Row]:
    """Items of one partition in sort order (`forward`) or reverse, after the position `after`
    ((isk, pk, sk) for an index, (sk, pk, sk) for the table)."""
    order = "ASC" if forward else "DESC"
    compare = ">" if forward else "<"
    if index_name is None:
        clause, params = _range_clause("sk", bounds)
        if after is not None:
            clause += f" AND sk {compare} ?"
            params.append(after[0])
        cursor = db.execute(
            "SELECT hash, pk, sk, item, size FROM ddb_items WHERE table_id = ? AND hash = ? AND pk = ?"
            f"{clause} ORDER BY sk {order}",
            (table_id, hash_value, partition, *params),
        )
        for row in cursor:
            yield Row(row[0], row[1], row[2], row[1], row[2], row[3], row[4])
        return
    clause, params = _range_clause("isk", bounds)
    if after is not None:
        clause += f" AND (isk, pk, sk) {compare} (?, ?, ?)"
        params.extend(after)
    cursor = db.execute(
        "SELECT hash, pk, sk, ipk, isk, item, size FROM ddb_index_items WHERE table_id = ? AND index_name = ?"
        f" AND hash = ? AND ipk = ?{clause} ORDER BY isk {order}, pk {order}, sk {order}",
        (table_id, index_name, hash_value, partition, *params),
    )
    for row in cursor:
        yield Row(*row)


def scan_rows(
    db: Database,
    table_id: int,
    index_name: str | None,
    hash_bounds: tuple[int, int] | None,
    after: tuple | None,
) -> Iterator[Row]:
    """Every item of a table or index in (hash, key) order, within `hash_bounds` [low, high) (a
    parallel-scan segment), after the position `after` ((hash, pk, sk) for the table,
    (hash, ipk, isk, pk, sk) for an index)."""
    clause, params = "", []
    if hash_bounds is not None:
        low, high = hash_bounds
        if after is None:  # else the position (inside the segment) is the tighter start
            clause += " AND hash >= ?"
            params.append(low)
        if high < HASH_SPACE:  # the last segment's end (2**63) is past SQLite's integers
            clause += " AND hash < ?"
            params.append(high)
    if index_name is None:
        if after is not None:
            clause += " AND (hash, pk, sk) > (?, ?, ?)"
            params.extend(after)
        cursor = db.execute(
            f"SELECT hash, pk, sk, item, size FROM ddb_items WHERE table_id = ?{clause} ORDER BY hash, pk, sk",
            (table_id, *params),
        )
        for row in cursor:
            yield Row(row[0], row[1], row[2], row[1], row[2], row[3], row[4])
        return
    if after is not None:
        clause += " AND (hash, ipk, isk, pk, sk) > (?, ?, ?, ?, ?)"
        params.extend(after)
    cursor = db.execute(
        "SELECT hash, pk, sk, ipk, isk, item, size FROM ddb_index_items WHERE table_id = ? AND index_name = ?"
        f"{clause} ORDER BY hash, ipk, isk, pk, sk",
        (table_id, index_name, *params),
    )
    for row in cursor:
        yield Row(*row)
