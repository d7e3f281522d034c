"""Point-in-time recovery: the undo log of PITR-enabled tables, and a table's items at a past moment.

Every item change of a table with PITR on is logged with the item before and after it
(`record_history`, called inside the write's transaction). The table at moment T is the table now
with every change made after T undone: for each key changed after T, the item it had before its
first change after T. So enabling PITR needs no snapshot, a restore or export reads the live table
plus the log, and log entries older than the recovery window are never needed again (`prune`).

The recovery window is DynamoDB's: from max(enable time, now - RecoveryPeriodInDays) to
LatestRestorableDateTime, which trails the current time by five minutes but never precedes the
earliest time (right after enabling, both are the enable time).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from stratus.services.dynamodb import item_json
from stratus.services.dynamodb.item_store import table_key
from stratus.services.dynamodb.table_store import Table
from stratus.store import Database

LATEST_RESTORABLE_LAG_SECONDS = 300
PRUNE_EVERY = 1024  # every this many logged changes (of any table), the logging table drops its stale entries
# Times travel as milliseconds, and boto3 sends request timestamps in whole seconds: a bound read
# back from an answer and sent again may be up to a second off, so bounds are checked that loosely.
TIME_TOLERANCE = 1.0


@dataclass(frozen=True, slots=True)
class RecoveryWindow:
    earliest: float
    latest: float

    def holds(self, moment: float) -> bool:
        return self.earliest - TIME_TOLERANCE <= moment <= self.latest + TIME_TOLERANCE


def recovery_window(definition: dict, now: float) -> RecoveryWindow | None:
    """EarliestRestorableDateTime..LatestRestorableDateTime, or None while PITR is off."""
    pitr = definition.get("PointInTimeRecovery")
    if not pitr:
        return None
    earliest = max(pitr["Since"], now - pitr["Days"] * 86400)
    return RecoveryWindow(earliest, max(earliest, now - LATEST_RESTORABLE_LAG_SECONDS))


def record_history(db: Database, table: Table, old: dict | None, new: dict | None, now: float) -> None:
    """Log one item change of a PITR-enabled table (the caller checks PITR is on). One INSERT; every
    PRUNE_EVERY-th entry also drops this table's entries the recovery window no longer reaches."""
    item = new if new is not None else old
    if item is None:
        return
    key = table_key(table, item)
    cursor = db.execute(
        "INSERT INTO ddb_pitr_changes (table_id, at, hash, pk, sk, old_item, new_item)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            table.table_id,
            now,
            key.hash,
            key.pk,
            key.sk,
            item_json.dumps(old) if old is not None else None,
            item_json.dumps(new) if new is not None else None,
        ),
    )
    if cursor.lastrowid is not None and cursor.lastrowid % PRUNE_EVERY == 0:
        prune(db, table, now)


def prune(db: Database, table: Table, now: float) -> None:
    """Drop the log entries before the earliest restorable time: no restore can need them."""
    window = recovery_window(table.definition, now)
    if window is None:
        forget(db, table.table_id)
        return
    db.execute(
        "DELETE FROM ddb_pitr_changes WHERE table_id = ? AND at < ?", (table.table_id, window.earliest)
    )


def forget(db: Database, table_id: int) -> None:
    """Drop a table's whole log (the table is deleted, or PITR was switched off)."""
    db.execute("DELETE FROM ddb_pitr_changes WHERE table_id = ?", (table_id,))


def items_at(db: Database, table: Table, moment: float) -> list[str]:
    """The table's items (stored JSON text) as they were at `moment`."""
    rows = db.query(
        "WITH firsts AS ("
        "  SELECT hash, pk, sk, MIN(seq) AS seq FROM ddb_pitr_changes"
        "  WHERE table_id = ? AND at > ? GROUP BY hash, pk, sk)"
        " SELECT c.old_item AS item FROM firsts f JOIN ddb_pitr_changes c ON c.seq = f.seq"
        " WHERE c.old_item IS NOT NULL"
        " UNION ALL"
        " SELECT i.item AS item FROM ddb_items i WHERE i.table_id = ? AND NOT EXISTS ("
        "  SELECT 1 FROM firsts f WHERE f.hash = i.hash AND f.pk = i.pk AND f.sk = i.sk)",
        (table.table_id, moment, table.table_id),
    )
    return [row["item"] for row in rows]


@dataclass(frozen=True, slots=True)
class ItemChange:
    """What happened to one item between two moments (an incremental export's line)."""

    old: str | None  # the item at the start (JSON text), None when it did not exist
    new: str | None  # the item at the end, None when it was deleted
    at: float  # the last write to it in the period


def changes_between(db: Database, table: Table, start: float, end: float) -> Iterator[ItemChange]:
    """The items changed in (start, end], each with its state at both ends of the period."""
    rows = db.query(
        "WITH span AS ("
        "  SELECT MIN(seq) AS first, MAX(seq) AS last FROM ddb_pitr_changes"
        "  WHERE table_id = ? AND at > ? AND at <= ? GROUP BY hash, pk, sk)"
        " SELECT f.old_item AS old_item, l.new_item AS new_item, l.at AS at FROM span s"
        " JOIN ddb_pitr_changes f ON f.seq = s.first JOIN ddb_pitr_changes l ON l.seq = s.last"
        " ORDER BY l.seq",
        (table.table_id, start, end),
    )
    for row in rows:
        if row["old_item"] is None and row["new_item"] is None:
            continue  # made and deleted inside the period: nothing to tell
        yield ItemChange(row["old_item"], row["new_item"], row["at"])
