"""Amazon DynamoDB Streams: ListStreams, DescribeStream, GetShardIterator, GetRecords.

The streams live in DynamoDB's own database (stream_store.py); item writes add their records in
the same transaction as the write. Shard iterators are opaque strings in AWS's form
(`<stream ARN>|1|<token>`) that carry the shard, the position and when they were handed out:
they expire 15 minutes of Stratus clock time later, as AWS's do.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime

from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.base import Provider
from stratus.services.dynamodb import stream_store
from stratus.services.dynamodb.common import ResourceNotFoundException, ValidationException
from stratus.services.dynamodb.schema import DYNAMODB_DATABASE, MIGRATIONS
from stratus.services.dynamodb.stream_store import Shard, Stream
from stratus.store import Database

ITERATOR_LIFETIME = 15 * 60.0
MAX_LIST_STREAMS = 100
MAX_DESCRIBE_SHARDS = 100
MAX_GET_RECORDS = 1000
MAX_RECORD_BYTES = 1024 * 1024
ITERATOR_VERSION = "1"
_STREAM_ARN = re.compile(
    r"arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table/[a-zA-Z0-9_.-]{3,255}/stream/[0-9A-Za-z:._-]+"
)
POSITIONED = ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER")

INVALID_ARN = "Invalid StreamArn"
SHARD_NOT_FOUND = "Requested resource not found: Shard does not exist"
ITERATOR_EXPIRED = "Shard iterator has expired"
TRIMMED = "The data you are trying to access has been trimmed"
INVALID_ITERATOR = "Invalid ShardIterator"  # guessed wording (DynamoDB Streams' is not documented)


class ExpiredIteratorException(ServiceError):
    code = "ExpiredIteratorException"
    status = 400


class TrimmedDataAccessException(ServiceError):
    code = "TrimmedDataAccessException"
    status = 400


def stream_not_found(arn: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Requested resource not found: Stream: {arn} not found")


def check_limit(req: dict, maximum: int) -> int:
    """The request's Limit (the model checks its minimum of 1), at most `maximum`."""
    limit = req.get("Limit")
    if limit is None:
        return maximum
    if limit > maximum:
        raise ValidationException(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: "
            f"Member must have value less than or equal to {maximum}"
        )
    return limit


def check_arn(arn: str) -> str:
    if not _STREAM_ARN.fullmatch(arn):
        raise ValidationException(INVALID_ARN)
    return arn


# -- shard iterators -------------------------------------------------------------------------------


def encode_iterator(stream: Stream, shard: Shard, position: int, issued_at: float) -> str:
    token = f"{shard.shard_id}|{position}|{int(issued_at * 1000)}".encode()
    return f"{stream.arn}|{ITERATOR_VERSION}|{base64.b64encode(token).decode('ascii')}"


def decode_iterator(iterator: str) -> tuple[str, str, int, float]:
    """(stream ARN, shard id, position, issued at) of an iterator we handed out."""
    try:
        arn, version, token = iterator.rsplit("|", 2)
        shard_id, position, issued_ms = base64.b64decode(token, validate=True).decode("ascii").split("|")
        if version != ITERATOR_VERSION or not _STREAM_ARN.fullmatch(arn):
            raise ValueError(version)
        return arn, shard_id, int(position), int(issued_ms) / 1000
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationException(INVALID_ITERATOR) from None


def start_position(req: dict, stream: Stream, shard: Shard) -> int:
    """The sequence number a new iterator reads from first."""
    kind = req["ShardIteratorType"]
    text = req.get("SequenceNumber")
    if kind in POSITIONED:
        if text is None:
            # guessed wording
            raise ValidationException(f"SequenceNumber is required for ShardIteratorType {kind}")
        seq = stream_store.parse_sequence_number(text)
        if seq is None or not shard.first_seq <= seq <= shard.end(stream):
            # guessed wording
            raise ValidationException(
                f"Invalid SequenceNumber {text} for ShardIteratorType {kind}: "
                f"it is not in the range of shard {shard.shard_id}"
            )
        if seq <= stream.trimmed_seq:
            raise TrimmedDataAccessException(TRIMMED)
        return seq if kind == "AT_SEQUENCE_NUMBER" else seq + 1
    if text is not None:
        # guessed wording
        raise ValidationException(f"SequenceNumber must not be given for ShardIteratorType {kind}")
    if kind == "TRIM_HORIZON":
        return max(shard.first_seq, stream.trimmed_seq + 1)
    return shard.latest(stream) + 1  # LATEST: just after the most recent record


# -- the provider ----------------------------------------------------------------------------------


def describe_shard(shard: Shard) -> dict:
    numbers = {"StartingSequenceNumber": stream_store.sequence_number(shard.first_seq)}
    if shard.last_seq is not None:
        numbers["EndingSequenceNumber"] = stream_store.sequence_number(shard.last_seq)
    shown: dict = {"ShardId": shard.shard_id, "SequenceNumberRange": numbers}
    if shard.parent_shard_id is not None:
        shown["ParentShardId"] = shard.parent_shard_id
    return shown


class DynamoDbStreamsProvider(Provider):
    service = "dynamodbstreams"
    iam_prefix = "dynamodb"  # dynamodb:DescribeStream, dynamodb:GetRecords ...

    def resource_policy(self, ctx: RequestContext, resource_arn: str) -> str | None:
        from stratus.services.dynamodb.resource_policies import policy_for

        return policy_for(self.db(), resource_arn)

    def db(self) -> Database:
        return self.runtime.state.database(DYNAMODB_DATABASE, MIGRATIONS)

    def _stream(self, db: Database, arn: str, now: float) -> Stream:
        """The stream `arn` names, brought up to `now` (inside the caller's transaction)."""
        stream = stream_store.find_stream(db, check_arn(arn), now)
        if stream is None:
            raise stream_not_found(arn)
        return stream_store.maintain(db, stream, now)

    def list_streams(self, ctx: RequestContext, req: dict) -> dict:
        limit = check_limit(req, MAX_LIST_STREAMS)
        start = req.get("ExclusiveStartStreamArn")
        if start is not None:
            check_arn(start)
        table_name = req.get("TableName")
        db = self.db()
        now = ctx.time.timestamp()
        with db.transaction():
            stream_store.purge_expired(db, ctx.account_id, ctx.region, now)
            streams = stream_store.list_streams(db, ctx.account_id, ctx.region, table_name, start, limit + 1)
            if table_name is not None and not streams and start is None:
                table = db.query_one(
                    "SELECT 1 FROM ddb_tables WHERE account_id = ? AND region = ? AND name = ?",
                    (ctx.account_id, ctx.region, table_name),
                )
                if table is None:  # guessed: the model lists ResourceNotFoundException for it
                    raise ResourceNotFoundException(
                        f"Requested resource not found: Table: {table_name} not found"
                    )
        result: dict = {
            "Streams": [
                {"StreamArn": stream.arn, "TableName": stream.table_name, "StreamLabel": stream.label}
                for stream in streams[:limit]
            ]
        }
        if len(streams) > limit:
            result["LastEvaluatedStreamArn"] = streams[limit - 1].arn
        return result

    def describe_stream(self, ctx: RequestContext, req: dict) -> dict:
        limit = check_limit(req, MAX_DESCRIBE_SHARDS)
        db = self.db()
        now = ctx.time.timestamp()
        shard_filter = req.get("ShardFilter") or {}
        if shard_filter and not shard_filter.get("ShardId"):
            # guessed wording: a CHILD_SHARDS filter names the parent whose children it lists
            raise ValidationException("ShardFilter of type CHILD_SHARDS must specify a ShardId")
        with db.transaction():
            stream = self._stream(db, req["StreamArn"], now)
            shards = stream_store.list_shards(
                db, stream, req.get("ExclusiveStartShardId"), limit + 1, shard_filter.get("ShardId")
            )
        description: dict = {
            "StreamArn": stream.arn,
            "StreamLabel": stream.label,
            "StreamStatus": "ENABLED" if stream.enabled else "DISABLED",
            "StreamViewType": stream.view_type,
            "CreationRequestDateTime": datetime.fromtimestamp(stream.created_at, UTC),
            "TableName": stream.table_name,
            "KeySchema": stream.key_schema,
            "Shards": [describe_shard(shard) for shard in shards[:limit]],
        }
        if len(shards) > limit:
            description["LastEvaluatedShardId"] = shards[limit - 1].shard_id
        return {"StreamDescription": description}

    def get_shard_iterator(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        now = ctx.time.timestamp()
        with db.transaction():
            stream = self._stream(db, req["StreamArn"], now)
            shard = stream_store.find_shard(db, stream, req["ShardId"])
            if shard is None:
                raise ResourceNotFoundException(SHARD_NOT_FOUND)
            position = start_position(req, stream, shard)
        return {"ShardIterator": encode_iterator(stream, shard, position, now)}

    def get_records(self, ctx: RequestContext, req: dict) -> dict:
        limit = check_limit(req, MAX_GET_RECORDS)
        arn, shard_id, position, issued_at = decode_iterator(req["ShardIterator"])
        now = ctx.time.timestamp()
        if now - issued_at > ITERATOR_LIFETIME:
            raise ExpiredIteratorException(ITERATOR_EXPIRED)
        db = self.db()
        with db.transaction():
            stream = self._stream(db, arn, now)
            shard = stream_store.find_shard(db, stream, shard_id)
            # Trimmed: records the iterator still had to read are gone (a shard goes with its last record).
            if position <= stream.trimmed_seq and (shard is None or position <= shard.end(stream)):
                raise TrimmedDataAccessException(TRIMMED)
            if shard is None:
                raise ResourceNotFoundException(SHARD_NOT_FOUND)
            batch = stream_store.read_records(db, stream, shard, position, limit, MAX_RECORD_BYTES)
        result: dict = {"Records": batch.records}
        if not batch.at_end:
            result["NextShardIterator"] = encode_iterator(stream, shard, batch.next_position, now)
        return result
