"""Finding and creating log groups and streams, and handing out their never-reused ids."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.logs.common import (
    NO_GROUP,
    NO_STREAM,
    InvalidParameterException,
    LogGroup,
    LogStream,
    ResourceNotFoundException,
    ValidationException,
)
from stratus.store import Database, Row

# AWS's answer when both or neither of logGroupName and logGroupIdentifier are given. The first is
# the wording LocalStack records from AWS; the second is guessed.
BOTH_NAME_AND_IDENTIFIER = "LogGroup name and LogGroup ARN are mutually exclusive parameters."
NEITHER_NAME_NOR_IDENTIFIER = "Either logGroupName or logGroupIdentifier must be specified."


def allocate(db: Database, name: str, count: int = 1) -> int:
    """Reserve `count` ids of sequence `name`; returns the first. Call inside a transaction."""
    db.execute(
        "INSERT INTO logs_sequences (name, last) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET last = logs_sequences.last + ?",
        (name, count, count),
    )
    row = db.query_one("SELECT last FROM logs_sequences WHERE name = ?", (name,))
    return row["last"] - count + 1


def group_from_row(row: Row) -> LogGroup:
    return LogGroup(
        group_id=row["group_id"],
        account_id=row["account_id"],
        region=row["region"],
        name=row["name"],
        created_ms=row["created_ms"],
        retention_days=row["retention_days"],
        kms_key_id=row["kms_key_id"],
        group_class=row["group_class"],
        deletion_protection=bool(row["deletion_protection"]),
    )


def stream_from_row(row: Row) -> LogStream:
    return LogStream(
        stream_id=row["stream_id"],
        group_id=row["group_id"],
        name=row["name"],
        created_ms=row["created_ms"],
        first_event_ms=row["first_event_ms"],
        last_event_ms=row["last_event_ms"],
        last_ingestion_ms=row["last_ingestion_ms"],
        uploads=row["uploads"],
        stored_bytes=row["stored_bytes"],
    )


def find_group(db: Database, account_id: str, region: str, name: str) -> LogGroup | None:
    row = db.query_one(
        "SELECT * FROM logs_groups WHERE account_id = ? AND region = ? AND name = ?",
        (account_id, region, name),
    )
    return group_from_row(row) if row is not None else None


def require_group(ctx: RequestContext, db: Database, name: str) -> LogGroup:
    group = find_group(db, ctx.account_id, ctx.region, name)
    if group is None:
        raise ResourceNotFoundException(NO_GROUP)
    return group


def parse_group_arn(arn: str) -> tuple[str, str, str] | None:
    """(region, account, name) of `arn:<partition>:logs:<region>:<account>:log-group:<name>[:*]`."""
    parts = arn.split(":", 6)
    if len(parts) != 7 or parts[0] != "arn" or parts[2] != "logs" or parts[5] != "log-group":
        return None
    name = parts[6]
    if name.endswith(":*"):
        name = name[:-2]
    if not name or ":" in name:
        return None
    return parts[3], parts[4], name


def group_by_identifier(ctx: RequestContext, db: Database, identifier: str) -> LogGroup:
    """The group a logGroupIdentifier names: its name, or its ARN (with or without `:*`).

    A group of another account would need CloudWatch cross-account observability, which Stratus
    does not have: it is not found, as in an account that is not a monitoring account.
    """
    if not identifier.startswith("arn:"):
        return require_group(ctx, db, identifier)
    parsed = parse_group_arn(identifier)
    if parsed is None or parsed[0] != ctx.region or parsed[1] != ctx.account_id:
        raise ResourceNotFoundException(NO_GROUP)
    return require_group(ctx, db, parsed[2])


def group_from_request(ctx: RequestContext, db: Database, req: dict) -> LogGroup:
    """The group of an operation that takes logGroupName or logGroupIdentifier (exactly one)."""
    name, identifier = req.get("logGroupName"), req.get("logGroupIdentifier")
    if name is not None and identifier is not None:
        raise ValidationException(BOTH_NAME_AND_IDENTIFIER)
    if name is None and identifier is None:
        raise InvalidParameterException(NEITHER_NAME_NOR_IDENTIFIER)
    if name is not None:
        return require_group(ctx, db, name)
    return group_by_identifier(ctx, db, identifier)


def insert_group(
    db: Database,
    account_id: str,
    region: str,
    name: str,
    created_ms: int,
    *,
    group_class: str = "STANDARD",
    retention_days: int | None = None,
    kms_key_id: str | None = None,
    deletion_protection: bool = False,
) -> int:
    """Add a group (the caller checked that the name is free); returns its id."""
    group_id = allocate(db, "group")
    db.execute(
        "INSERT INTO logs_groups (group_id, account_id, region, name, created_ms, retention_days, "
        "kms_key_id, group_class, deletion_protection) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            group_id,
            account_id,
            region,
            name,
            created_ms,
            retention_days,
            kms_key_id,
            group_class,
            int(deletion_protection),
        ),
    )
    return group_id


def find_stream(db: Database, group: LogGroup, name: str) -> LogStream | None:
    row = db.query_one("SELECT * FROM logs_streams WHERE group_id = ? AND name = ?", (group.group_id, name))
    return stream_from_row(row) if row is not None else None


def require_stream(db: Database, group: LogGroup, name: str) -> LogStream:
    stream = find_stream(db, group, name)
    if stream is None:
        raise ResourceNotFoundException(NO_STREAM)
    return stream


def insert_stream(db: Database, group_id: int, name: str, created_ms: int) -> int:
    """Add a stream (the caller checked that the name is free); returns its id."""
    stream_id = allocate(db, "stream")
    db.execute(
        "INSERT INTO logs_streams (stream_id, group_id, name, created_ms) VALUES (?, ?, ?, ?)",
        (stream_id, group_id, name, created_ms),
    )
    return stream_id


def read_tags(db: Database, group_id: int) -> dict[str, str]:
    rows = db.query("SELECT key, value FROM logs_group_tags WHERE group_id = ? ORDER BY key", (group_id,))
    return {row["key"]: row["value"] for row in rows}
