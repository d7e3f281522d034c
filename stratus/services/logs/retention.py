"""Retention: PutRetentionPolicy / DeleteRetentionPolicy, and the background sweep that deletes
events past their group's retention and the events of deleted groups and streams.

AWS deletes expired events "typically up to 72 hours" after they expire; Stratus sweeps every few
seconds of clock time, so a test that advances the clock past the retention sees them go at once
(poll briefly: the sweep runs in the background). Each sweep deletes a bounded number of events, so
it never holds the event loop for long; whatever is left waits for the next tick.
"""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.logs.common import MS_PER_DAY, InvalidParameterException
from stratus.services.logs.group_store import require_group
from stratus.services.logs.input_patterns import check_input_patterns
from stratus.store import Database

RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip
SWEEP_SECONDS = 5.0
BATCH = 500
BATCHES_PER_SWEEP = 20


def _bad_retention(days: int) -> InvalidParameterException:
    # Coral's wording for a value outside the documented set (guessed: Days is an int in the model).
    allowed = ", ".join(str(value) for value in RETENTION_DAYS)
    return InvalidParameterException(
        f"1 validation error detected: Value '{days}' at 'retentionInDays' failed to satisfy "
        f"constraint: Member must satisfy enum value set: [{allowed}]"
    )


class RetentionOperations:
    def db(self) -> Database:
        raise NotImplementedError

    def put_retention_policy(self, ctx: RequestContext, req: dict) -> dict:
        check_input_patterns(ctx.operation, req)
        days = req["retentionInDays"]
        if days not in RETENTION_DAYS:
            raise _bad_retention(days)
        db = self.db()
        with db.transaction():
            group = require_group(ctx, db, req["logGroupName"])
            db.execute("UPDATE logs_groups SET retention_days = ? WHERE group_id = ?", (days, group.group_id))
        return {}

    def delete_retention_policy(self, ctx: RequestContext, req: dict) -> dict:
        check_input_patterns(ctx.operation, req)
        db = self.db()
        with db.transaction():
            group = require_group(ctx, db, req["logGroupName"])
            db.execute("UPDATE logs_groups SET retention_days = NULL WHERE group_id = ?", (group.group_id,))
        return {}


def _delete_batch(db: Database, rows: list) -> None:
    """Delete these events (seq, stream_id, size) and take their bytes off their streams."""
    freed: dict[int, int] = {}
    for row in rows:
        freed[row["stream_id"]] = freed.get(row["stream_id"], 0) + row["size"]
    db.executemany("DELETE FROM logs_events WHERE seq = ?", [(row["seq"],) for row in rows])
    db.executemany(
        "UPDATE logs_streams SET stored_bytes = stored_bytes - ? WHERE stream_id = ?",
        [(size, stream_id) for stream_id, size in freed.items()],
    )


def sweep(db: Database, now_ms: int) -> int:
    """One tick: purge deleted groups' and streams' events, then expire events past retention.
    Returns how many events were deleted."""
    budget = BATCHES_PER_SWEEP
    deleted = 0
    for purge in db.query("SELECT kind, id FROM logs_purges"):
        column = "group_id" if purge["kind"] == "group" else "stream_id"
        while budget:
            budget -= 1
            with db.transaction():
                rows = db.query(
                    f"SELECT seq FROM logs_events WHERE {column} = ? LIMIT ?", (purge["id"], BATCH)
                )
                db.executemany("DELETE FROM logs_events WHERE seq = ?", [(row["seq"],) for row in rows])
                if len(rows) < BATCH:
                    db.execute(
                        "DELETE FROM logs_purges WHERE kind = ? AND id = ?", (purge["kind"], purge["id"])
                    )
            deleted += len(rows)
            if len(rows) < BATCH:
                break
    groups = db.query("SELECT group_id, retention_days FROM logs_groups WHERE retention_days IS NOT NULL")
    for group in groups:
        cutoff = now_ms - group["retention_days"] * MS_PER_DAY
        while budget:
            budget -= 1
            with db.transaction():
                rows = db.query(
                    "SELECT seq, stream_id, size FROM logs_events WHERE group_id = ? AND timestamp < ? "
                    "ORDER BY timestamp LIMIT ?",
                    (group["group_id"], cutoff, BATCH),
                )
                _delete_batch(db, rows)
            deleted += len(rows)
            if len(rows) < BATCH:
                break
    return deleted
