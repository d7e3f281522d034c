"""Which items of a TTL-enabled table expire when: `ddb_ttl`, kept in step with every item write
(in the write's transaction), so the sweeper finds expired items with one index range read.

DynamoDB's rules: the TTL attribute must be a Number holding epoch seconds; any other type, or no
attribute, never expires; items whose time is more than five years in the past are not deleted.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from stratus.services.dynamodb import item_json
from stratus.store import Database

FIVE_YEARS = 5 * 365 * 86400


def expiry_of(item: dict | None, attribute: str) -> float | None:
    value = (item or {}).get(attribute)
    if not value or "N" not in value:
        return None
    try:
        return float(Decimal(value["N"]))
    except (InvalidOperation, OverflowError):
        return None


def track(db: Database, table_id: int, attribute: str, key, old: dict | None, new: dict | None) -> None:
    """Keep the expiry entry of one item (StoredKey `key`) in step with its write."""
    before, after = expiry_of(old, attribute), expiry_of(new, attribute)
    if before == after:
        return
    if after is None:
        db.execute(
            "DELETE FROM ddb_ttl WHERE table_id = ? AND hash = ? AND pk = ? AND sk = ?",
            (table_id, key.hash, key.pk, key.sk),
        )
        return
    db.execute(
        "INSERT INTO ddb_ttl (table_id, hash, pk, sk, expires_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (table_id, hash, pk, sk) DO UPDATE SET expires_at = excluded.expires_at",
        (table_id, key.hash, key.pk, key.sk, after),
    )


def backfill(db: Database, table_id: int, attribute: str) -> None:
    """TTL just enabled: an entry for every item that already carries the attribute."""
    rows = db.query("SELECT hash, pk, sk, item FROM ddb_items WHERE table_id = ?", (table_id,))
    entries = []
    for row in rows:
        expires_at = expiry_of(item_json.loads(row["item"]), attribute)
        if expires_at is not None:
            entries.append((table_id, row["hash"], row["pk"], row["sk"], expires_at))
    db.executemany(
        "INSERT OR REPLACE INTO ddb_ttl (table_id, hash, pk, sk, expires_at) VALUES (?, ?, ?, ?, ?)", entries
    )


def forget(db: Database, table_id: int) -> None:
    db.execute("DELETE FROM ddb_ttl WHERE table_id = ?", (table_id,))


def expired(db: Database, now: float, limit: int) -> list:
    """Up to `limit` entries due at `now` (and not more than five years overdue)."""
    return db.query(
        "SELECT table_id, hash, pk, sk, expires_at FROM ddb_ttl WHERE expires_at <= ? AND expires_at >= ?"
        " ORDER BY expires_at LIMIT ?",
        (now, now - FIVE_YEARS, limit),
    )
