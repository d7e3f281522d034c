"""Log streams: CreateLogStream, DeleteLogStream, DescribeLogStreams. LogsProvider supplies `db`."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.logs.common import (
    INVALID_TOKEN,
    STREAM_EXISTS,
    InvalidParameterException,
    LogGroup,
    LogStream,
    ResourceAlreadyExistsException,
    ValidationException,
    now_ms,
    sequence_token,
)
from stratus.services.logs.group_store import (
    find_stream,
    group_from_request,
    insert_stream,
    require_group,
    require_stream,
    stream_from_row,
)
from stratus.services.logs.input_patterns import check_input_patterns
from stratus.services.logs.paging import decode_token, encode_token
from stratus.store import Database

DEFAULT_LIMIT = 50
PREFIX_WITH_TIME_ORDER = "Cannot order by LastEventTime with a logStreamNamePrefix."
# Deletion protection "blocks all deletion operations"; this wording for streams is guessed.
PROTECTED = (
    "Cannot delete log stream in a log group with deletion protection enabled. "
    "Disable deletion protection first."
)


def describe_stream(group: LogGroup, stream: LogStream) -> dict:
    out: dict = {
        "logStreamName": stream.name,
        "creationTime": stream.created_ms,
        "arn": group.stream_arn(stream.name),
        # Documented: "always reported as zero" for log streams since June 2019.
        "storedBytes": 0,
    }
    if stream.first_event_ms is not None:
        out["firstEventTimestamp"] = stream.first_event_ms
        out["lastEventTimestamp"] = stream.last_event_ms
    if stream.last_ingestion_ms is not None:
        out["lastIngestionTime"] = stream.last_ingestion_ms
    if stream.uploads:
        out["uploadSequenceToken"] = sequence_token(stream, stream.uploads)
    return out


def _stream_page(db: Database, group: LogGroup, req: dict) -> tuple[list[LogStream], str | None]:
    by_time = req.get("orderBy") == "LastEventTime"
    prefix = req.get("logStreamNamePrefix")
    descending = bool(req.get("descending"))
    limit = req.get("limit") or DEFAULT_LIMIT
    position = decode_token(req.get("nextToken"), "key")
    sort = "COALESCE(last_event_ms, 0)" if by_time else None
    sql = "SELECT * FROM logs_streams WHERE group_id = ?"
    params: list = [group.group_id]
    if prefix is not None:
        sql += " AND name >= ? AND substr(name, 1, ?) = ?"
        params += [prefix, len(prefix), prefix]
    comparison = "<" if descending else ">"
    if position is not None:
        key = position["key"]
        if by_time:
            if not (isinstance(key, list) and len(key) == 2):
                raise InvalidParameterException(INVALID_TOKEN)
            sql += f" AND ({sort}, name) {comparison} (?, ?)"
            params += key
        else:
            sql += f" AND name {comparison} ?"
            params.append(key)
    order = "DESC" if descending else "ASC"
    sql += f" ORDER BY {sort} {order}, name {order}" if by_time else f" ORDER BY name {order}"
    rows = db.query(sql + " LIMIT ?", (*params, limit + 1))
    streams = [stream_from_row(row) for row in rows[:limit]]
    token = None
    if len(rows) > limit:
        last = streams[-1]
        token = encode_token({"key": [last.last_event_ms or 0, last.name] if by_time else last.name})
    return streams, token


class StreamOperations:
    def db(self) -> Database:
        raise NotImplementedError

    def create_log_stream(self, ctx: RequestContext, req: dict) -> dict:
        check_input_patterns(ctx.operation, req)
        db = self.db()
        with db.transaction():
            group = require_group(ctx, db, req["logGroupName"])
            if find_stream(db, group, req["logStreamName"]) is not None:
                raise ResourceAlreadyExistsException(STREAM_EXISTS)
            insert_stream(db, group.group_id, req["logStreamName"], now_ms(ctx))
        return {}

    def delete_log_stream(self, ctx: RequestContext, req: dict) -> dict:
        check_input_patterns(ctx.operation, req)
        db = self.db()
        with db.transaction():
            group = require_group(ctx, db, req["logGroupName"])
            stream = require_stream(db, group, req["logStreamName"])
            if group.deletion_protection:
                raise ValidationException(PROTECTED)
            db.execute("DELETE FROM logs_streams WHERE stream_id = ?", (stream.stream_id,))
            # Its events may be many: the background sweep removes them in batches.
            db.execute("INSERT INTO logs_purges (kind, id) VALUES ('stream', ?)", (stream.stream_id,))
        return {}

    def describe_log_streams(self, ctx: RequestContext, req: dict) -> dict:
        check_input_patterns(ctx.operation, req)
        if req.get("orderBy") == "LastEventTime" and req.get("logStreamNamePrefix") is not None:
            raise InvalidParameterException(PREFIX_WITH_TIME_ORDER)
        db = self.db()
        group = group_from_request(ctx, db, req)
        streams, token = _stream_page(db, group, req)
        out: dict = {"logStreams": [describe_stream(group, stream) for stream in streams]}
        if token is not None:
            out["nextToken"] = token
        return out
