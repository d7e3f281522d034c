"""Export and import records (`ddb_exports`, `ddb_imports`): saving, finding by ARN or ClientToken,
and paging through them. A record keeps its description as JSON with times in epoch seconds."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime

from stratus.core.context import RequestContext
from stratus.services.dynamodb.common import ValidationException
from stratus.store import Database

TOKEN_SECONDS = 8 * 3600  # a ClientToken names the same job for 8 hours
DEFAULT_PAGE = 10
_TABLES = ("ddb_exports", "ddb_imports")


def _table(name: str) -> str:
    assert name in _TABLES  # table names are never taken from a request
    return name


def stored_times(described: dict) -> str:
    """The description as stored: JSON without empty members (times are already epoch seconds)."""
    return json.dumps({key: value for key, value in described.items() if value is not None})


def shown_times(stored: dict, time_members: tuple[str, ...]) -> dict:
    """A stored description as the API shows it: the time members as datetimes."""
    shown = {key: value for key, value in stored.items() if value is not None}
    for member in time_members:
        if isinstance(shown.get(member), int | float):
            shown[member] = datetime.fromtimestamp(shown[member], UTC)
    return shown


def save_job(
    db: Database,
    table: str,
    ctx: RequestContext,
    resource: str,
    arn: str,
    columns: dict,
    token: str | None,
    description: str,
) -> int:
    names = ["account_id", "region", "resource", "arn", "client_token", "created_at", "description", *columns]
    values = [
        ctx.account_id,
        ctx.region,
        resource,
        arn,
        token,
        ctx.time.timestamp(),
        description,
        *columns.values(),
    ]
    cursor = db.execute(
        f"INSERT INTO {_table(table)} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})", values
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def update_job(db: Database, table: str, row_id: int, description: str) -> None:
    key = "export_id" if table == "ddb_exports" else "import_id"
    db.execute(f"UPDATE {_table(table)} SET description = ? WHERE {key} = ?", (description, row_id))


def find_job(db: Database, table: str, account_id: str, region: str, resource: str):
    return db.query_one(
        f"SELECT * FROM {_table(table)} WHERE account_id = ? AND region = ? AND resource = ?",
        (account_id, region, resource),
    )


def find_by_token(db: Database, table: str, account_id: str, region: str, token: str, now: float):
    """The job this ClientToken started in the last 8 hours, if any."""
    return db.query_one(
        f"SELECT * FROM {_table(table)} WHERE account_id = ? AND region = ? AND client_token = ?"
        " AND created_at > ? ORDER BY created_at DESC LIMIT 1",
        (account_id, region, token, now - TOKEN_SECONDS),
    )


def page_token(kind: str, arn: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"kind": kind, "after": arn}).encode()).decode("ascii")


def resume_after(token: str | None, kind: str) -> str | None:
    """The ARN a NextToken resumes after; a token of another listing (or none of ours) is refused."""
    if not token:
        return None
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
        if decoded["kind"] == kind and isinstance(decoded["after"], str):
            return decoded["after"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        pass
    raise ValidationException(f"Invalid Request: Provided nextToken is invalid: {token}")


def list_page(
    db: Database,
    table: str,
    ctx: RequestContext,
    where: tuple[str, str] | None,
    after: str | None,
    page_size: int | None,
) -> tuple[list, bool]:
    """One page of jobs, newest first: (rows, whether more follow). Exports are listed in reverse
    ARN order (as DynamoDB documents), imports newest first."""
    sql = f"SELECT * FROM {_table(table)} WHERE account_id = ? AND region = ?"
    params: list = [ctx.account_id, ctx.region]
    if where is not None:
        column, value = where
        assert column in ("table_uuid", "table_arn")
        sql += f" AND {column} = ?"
        params.append(value)
    if table == "ddb_exports":
        if after is not None:
            sql += " AND arn < ?"
            params.append(after)
        sql += " ORDER BY arn DESC"
    else:
        if after is not None:
            cursor = db.query_one(f"SELECT created_at FROM {_table(table)} WHERE arn = ?", (after,))
            if cursor is not None:
                sql += " AND (created_at < ? OR (created_at = ? AND arn < ?))"
                params.extend((cursor["created_at"], cursor["created_at"], after))
        sql += " ORDER BY created_at DESC, arn DESC"
    size = page_size or DEFAULT_PAGE
    rows = db.query(sql + " LIMIT ?", (*params, size + 1))
    return rows[:size], len(rows) > size
