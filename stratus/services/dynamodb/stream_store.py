"""DynamoDB Streams in SQLite: streams, their shards and the records item writes leave in them.

Every function runs inside the caller's transaction. A stream numbers its records 1, 2, 3...
(`last_seq` on the stream row); its shards hold consecutive ranges of those numbers, one shard open
at a time, so a record belongs to the shard whose range holds it. Shards roll over (close, and a
child shard opens) every 4 hours of Stratus clock time, as DynamoDB's do roughly. Records older
than 24 hours are trimmed, lazily: when a shard rolls over and before any read. A disabled stream
(UpdateTable, or its table deleted) closes its open shard and stays readable for 24 hours.

Time is only looked at when something happens, so a stream left alone for days rolls over once
(one child shard) on its next use rather than once per 4 hours missed.
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from stratus.core.context import RequestContext
from stratus.services.dynamodb import item_json
from stratus.services.dynamodb.item_size import item_size
from stratus.services.dynamodb.table_store import Table
from stratus.store import Database

SHARD_LIFETIME = 4 * 3600.0
RETENTION = 24 * 3600.0
# Sequence numbers are decimal strings of 21 digits (AWS's are 21 and more): equal lengths keep
# string order and number order the same.
SEQUENCE_BASE = 10**20
SEQUENCE_DIGITS = 21
NEW_IMAGE_VIEWS = ("NEW_IMAGE", "NEW_AND_OLD_IMAGES")
OLD_IMAGE_VIEWS = ("OLD_IMAGE", "NEW_AND_OLD_IMAGES")
TTL_IDENTITY = {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}


@dataclass(frozen=True, slots=True)
class Stream:
    stream_id: int
    account_id: str
    region: str
    arn: str
    table_name: str
    label: str
    view_type: str
    key_schema: list
    created_at: float
    disabled_at: float | None
    last_seq: int
    trimmed_seq: int

    @property
    def enabled(self) -> bool:
        return self.disabled_at is None


@dataclass(frozen=True, slots=True)
class Shard:
    shard_id: str
    parent_shard_id: str | None
    first_seq: int
    last_seq: int | None  # None while open
    opened_at: float
    closed_at: float | None

    @property
    def is_open(self) -> bool:
        return self.last_seq is None

    def latest(self, stream: Stream) -> int:
        """The sequence number of the shard's latest record (first_seq - 1 while open and empty)."""
        return self.last_seq if self.last_seq is not None else stream.last_seq

    def end(self, stream: Stream) -> int:
        """The highest sequence number the shard holds (its first, while open and empty)."""
        return max(self.latest(stream), self.first_seq)


def sequence_number(seq: int) -> str:
    return str(SEQUENCE_BASE + seq)


def parse_sequence_number(text: str) -> int | None:
    """The stream position a SequenceNumber names, or None when it is not one of ours."""
    if len(text) != SEQUENCE_DIGITS or not text.isascii() or not text.isdigit():
        return None
    seq = int(text) - SEQUENCE_BASE
    return seq if seq > 0 else None


def stream_arn(table: Table, label: str) -> str:
    return f"{table.arn}/stream/{label}"


def _stream(row) -> Stream:
    return Stream(
        stream_id=row["stream_id"],
        account_id=row["account_id"],
        region=row["region"],
        arn=row["arn"],
        table_name=row["table_name"],
        label=row["label"],
        view_type=row["view_type"],
        key_schema=json.loads(row["key_schema"]),
        created_at=row["created_at"],
        disabled_at=row["disabled_at"],
        last_seq=row["last_seq"],
        trimmed_seq=row["trimmed_seq"],
    )


def _shard(row) -> Shard:
    return Shard(
        shard_id=row["shard_id"],
        parent_shard_id=row["parent_shard_id"],
        first_seq=row["first_seq"],
        last_seq=row["last_seq"],
        opened_at=row["opened_at"],
        closed_at=row["closed_at"],
    )


def _new_shard_id(now: float) -> str:
    """`shardId-<creation time, ms, 20 digits>-<8 hex>`: as DynamoDB writes them, and in creation
    order when sorted (DescribeStream lists shards sorted)."""
    return f"shardId-{int(now * 1000):020d}-{secrets.token_hex(4)}"


def _open_shard(db: Database, stream_id: int, first_seq: int, parent: str | None, now: float) -> None:
    db.execute(
        "INSERT INTO ddb_stream_shards (stream_id, shard_id, parent_shard_id, first_seq, opened_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (stream_id, _new_shard_id(now), parent, first_seq, now),
    )


def _close_shard(db: Database, stream: Stream, shard: Shard, closed_at: float) -> int:
    """Close `shard`; returns its last sequence number. An empty shard reserves its first number,
    so every closed shard has an EndingSequenceNumber and ranges never overlap."""
    last_seq = max(stream.last_seq, shard.first_seq)
    db.execute(
        "UPDATE ddb_stream_shards SET last_seq = ?, closed_at = ? WHERE stream_id = ? AND shard_id = ?",
        (last_seq, closed_at, stream.stream_id, shard.shard_id),
    )
    if last_seq != stream.last_seq:
        db.execute("UPDATE ddb_streams SET last_seq = ? WHERE stream_id = ?", (last_seq, stream.stream_id))
    return last_seq


def open_shard(db: Database, stream: Stream) -> Shard | None:
    row = db.query_one(
        "SELECT * FROM ddb_stream_shards WHERE stream_id = ? AND last_seq IS NULL", (stream.stream_id,)
    )
    return _shard(row) if row is not None else None


def _roll_over(db: Database, stream: Stream, shard: Shard, now: float) -> None:
    """Close the open shard when it is due (at the moment it was due) and open its child."""
    last_seq = _close_shard(db, stream, shard, min(now, shard.opened_at + SHARD_LIFETIME))
    _open_shard(db, stream.stream_id, last_seq + 1, shard.shard_id, now)


def _reload(db: Database, stream_id: int) -> Stream:
    return _stream(db.query_one("SELECT * FROM ddb_streams WHERE stream_id = ?", (stream_id,)))


# -- the DynamoDB side: tables turn streams on and off, item writes leave records ------------------


def stream_enabled(db: Database, table: Table, label: str, view_type: str, now: float) -> None:
    """A new stream for `table` (CreateTable with a StreamSpecification, or UpdateTable enabling
    one) with its first open shard."""
    purge_expired(db, table.account_id, table.region, now)
    arn = stream_arn(table, label)
    same = db.query_one("SELECT stream_id, disabled_at FROM ddb_streams WHERE arn = ?", (arn,))
    if same is not None:
        if same["disabled_at"] is None:
            return  # already enabled under this label
        # Disabled and re-enabled within the label's millisecond: the new stream takes the ARN.
        _delete_streams(db, [same["stream_id"]])
    cursor = db.execute(
        "INSERT INTO ddb_streams (account_id, region, arn, table_name, table_id, label, view_type,"
        " key_schema, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            table.account_id,
            table.region,
            arn,
            table.name,
            table.table_id,
            label,
            view_type,
            json.dumps(table.definition["KeySchema"]),
            now,
        ),
    )
    _open_shard(db, cursor.lastrowid, 1, None, now)


def stream_disabled(db: Database, table: Table, now: float, *, table_deleted: bool = False) -> None:
    """The table's enabled stream turns DISABLED and its open shard closes (UpdateTable disabling
    the stream, or DeleteTable); it stays readable 24 hours. `table_deleted` also detaches every
    stream of the table from it (they outlive the table)."""
    row = db.query_one(
        "SELECT * FROM ddb_streams WHERE table_id = ? AND disabled_at IS NULL", (table.table_id,)
    )
    if row is not None:
        stream = _stream(row)
        shard = open_shard(db, stream)
        if shard is not None:
            _close_shard(db, stream, shard, min(now, shard.opened_at + SHARD_LIFETIME))
        db.execute("UPDATE ddb_streams SET disabled_at = ? WHERE stream_id = ?", (now, stream.stream_id))
    if table_deleted:
        db.execute("UPDATE ddb_streams SET table_id = NULL WHERE table_id = ?", (table.table_id,))
    purge_expired(db, table.account_id, table.region, now)


def record_change(
    db: Database,
    table: Table,
    old: dict | None,
    new: dict | None,
    now: float,
    *,
    service_identity: bool = False,
) -> None:
    """The stream record of one item write: INSERT (`old` None), REMOVE (`new` None) or MODIFY;
    nothing when the item did not change or the table has no enabled stream. `service_identity`
    marks a deletion by Time to Live."""
    if old == new:
        return
    definition = table.definition
    label = definition.get("LatestStreamLabel")
    if not definition.get("StreamSpecification") or not label:
        return
    row = db.query_one(
        "SELECT * FROM ddb_streams WHERE arn = ? AND disabled_at IS NULL", (stream_arn(table, label),)
    )
    if row is None:
        return
    stream = _roll_over_if_due(db, _stream(row), now)
    seq = stream.last_seq + 1
    event_name = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
    current = new if new is not None else old
    assert current is not None
    images = {"Keys": {name: current[name] for name in table.key_attribute_names if name in current}}
    if new is not None and stream.view_type in NEW_IMAGE_VIEWS:
        images["NewImage"] = new
    if old is not None and stream.view_type in OLD_IMAGE_VIEWS:
        images["OldImage"] = old
    size = sum(item_size(image) for image in images.values())
    db.execute(
        "INSERT INTO ddb_stream_records (stream_id, seq, created_at, event_id, event_name, size_bytes,"
        " by_service, images) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            stream.stream_id,
            seq,
            now,
            uuid.uuid4().hex,
            event_name,
            size,
            1 if service_identity else 0,
            item_json.dumps({name: {"M": image} for name, image in images.items()}),
        ),
    )
    db.execute("UPDATE ddb_streams SET last_seq = ? WHERE stream_id = ?", (seq, stream.stream_id))


# -- upkeep: roll-over, trimming, expiry ---------------------------------------------------------


def trim(db: Database, stream: Stream, now: float) -> Stream:
    """Drop the records older than 24 hours and the shards closed more than 24 hours ago."""
    cutoff = now - RETENTION
    row = db.query_one(
        "SELECT seq FROM ddb_stream_records WHERE stream_id = ? AND created_at < ?"
        " ORDER BY created_at DESC, seq DESC LIMIT 1",
        (stream.stream_id, cutoff),
    )
    if row is not None and row["seq"] > stream.trimmed_seq:
        db.execute(
            "DELETE FROM ddb_stream_records WHERE stream_id = ? AND seq <= ?", (stream.stream_id, row["seq"])
        )
        db.execute(
            "UPDATE ddb_streams SET trimmed_seq = ? WHERE stream_id = ?", (row["seq"], stream.stream_id)
        )
        stream = _reload(db, stream.stream_id)
    db.execute(
        "DELETE FROM ddb_stream_shards WHERE stream_id = ? AND closed_at IS NOT NULL AND closed_at < ?",
        (stream.stream_id, cutoff),
    )
    return stream


def _roll_over_if_due(db: Database, stream: Stream, now: float) -> Stream:
    """Roll the enabled stream's open shard over when it is 4 hours old (trimming on the way)."""
    shard = open_shard(db, stream)
    if shard is None:  # cannot happen for an enabled stream; heal rather than lose records
        _open_shard(db, stream.stream_id, stream.last_seq + 1, None, now)
    elif now >= shard.opened_at + SHARD_LIFETIME:
        _roll_over(db, stream, shard, now)
        stream = trim(db, _reload(db, stream.stream_id), now)
    return stream


def maintain(db: Database, stream: Stream, now: float) -> Stream:
    """Bring a stream up to `now` before it is read: roll its open shard over if due, then trim."""
    if stream.enabled:
        stream = _roll_over_if_due(db, stream, now)
    return trim(db, stream, now)


def _delete_streams(db: Database, stream_ids: list[int]) -> None:
    for stream_id in stream_ids:
        for statement in (
            "DELETE FROM ddb_stream_records WHERE stream_id = ?",
            "DELETE FROM ddb_stream_shards WHERE stream_id = ?",
            "DELETE FROM ddb_streams WHERE stream_id = ?",
        ):
            db.execute(statement, (stream_id,))


def purge_expired(db: Database, account_id: str, region: str, now: float) -> None:
    """Delete the account's streams disabled more than 24 hours ago."""
    rows = db.query(
        "SELECT stream_id FROM ddb_streams WHERE account_id = ? AND region = ? AND disabled_at < ?",
        (account_id, region, now - RETENTION),
    )
    _delete_streams(db, [row["stream_id"] for row in rows])


# -- the DynamoDB Streams side: finding streams and shards, reading records -----------------------


def find_stream(db: Database, arn: str, now: float) -> Stream | None:
    """The stream, unless unknown or gone (disabled more than 24 hours ago)."""
    row = db.query_one("SELECT * FROM ddb_streams WHERE arn = ?", (arn,))
    if row is None:
        return None
    stream = _stream(row)
    if stream.disabled_at is not None and stream.disabled_at < now - RETENTION:
        _delete_streams(db, [stream.stream_id])
        return None
    return stream


def list_streams(
    db: Database, account_id: str, region: str, table_name: str | None, after: str | None, limit: int
) -> list[Stream]:
    """Streams by ARN, after `after`, at most `limit` (purge_expired first)."""
    sql = "SELECT * FROM ddb_streams WHERE account_id = ? AND region = ? AND arn > ?"
    params: list = [account_id, region, after or ""]
    if table_name is not None:
        sql += " AND table_name = ?"
        params.append(table_name)
    rows = db.query(sql + " ORDER BY arn LIMIT ?", (*params, limit))
    return [_stream(row) for row in rows]


def list_shards(
    db: Database, stream: Stream, after: str | None, limit: int, parent: str | None = None
) -> list[Shard]:
    """Shards in ShardId order after `after`, at most `limit`; only `parent`'s children if given."""
    sql = "SELECT * FROM ddb_stream_shards WHERE stream_id = ? AND shard_id > ?"
    params: list = [stream.stream_id, after or ""]
    if parent is not None:
        sql += " AND parent_shard_id = ?"
        params.append(parent)
    return [_shard(row) for row in db.query(sql + " ORDER BY shard_id LIMIT ?", (*params, limit))]


def find_shard(db: Database, stream: Stream, shard_id: str) -> Shard | None:
    row = db.query_one(
        "SELECT * FROM ddb_stream_shards WHERE stream_id = ? AND shard_id = ?", (stream.stream_id, shard_id)
    )
    return _shard(row) if row is not None else None


@dataclass(frozen=True, slots=True)
class Batch:
    records: list[dict]  # Records as GetRecords answers them
    next_position: int  # the sequence number to read from next
    at_end: bool  # the shard is closed and nothing is left in it after `next_position`


def read_records(
    db: Database, stream: Stream, shard: Shard, position: int, limit: int, max_bytes: int
) -> Batch:
    """Up to `limit` records of `shard` from sequence number `position` on, stopping before
    `max_bytes` of records (at least one is always returned)."""
    end = shard.end(stream)
    rows = db.query(
        "SELECT * FROM ddb_stream_records WHERE stream_id = ? AND seq >= ? AND seq <= ? ORDER BY seq LIMIT ?",
        (stream.stream_id, position, end, limit + 1),
    )
    records: list[dict] = []
    total = 0
    for row in rows[:limit]:
        total += row["size_bytes"]
        if records and total > max_bytes:
            break
        records.append(record_output(stream, row))
        position = row["seq"] + 1
    more = len(records) < len(rows)
    return Batch(records, position, at_end=not shard.is_open and not more)


def record_output(stream: Stream, row) -> dict:
    """A stored record as the Record shape of GetRecords."""
    images = {name: value["M"] for name, value in item_json.loads(row["images"]).items()}
    change: dict = {
        "ApproximateCreationDateTime": datetime.fromtimestamp(int(row["created_at"]), UTC),
        "Keys": images["Keys"],
    }
    if "NewImage" in images:
        change["NewImage"] = images["NewImage"]
    if "OldImage" in images:
        change["OldImage"] = images["OldImage"]
    change["SequenceNumber"] = sequence_number(row["seq"])
    change["SizeBytes"] = row["size_bytes"]
    change["StreamViewType"] = stream.view_type
    record = {
        "eventID": row["event_id"],
        "eventName": row["event_name"],
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": stream.region,
        "dynamodb": change,
    }
    if row["by_service"]:
        record["userIdentity"] = dict(TTL_IDENTITY)
    return record


def stream_label(ctx: RequestContext) -> str:
    """A stream's label: the moment it was enabled, as DynamoDB writes it (ISO 8601, milliseconds)."""
    return ctx.time.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ctx.time.microsecond // 1000:03d}"
