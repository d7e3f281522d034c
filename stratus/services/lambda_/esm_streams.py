"""Reading a DynamoDB stream as Lambda does, through the dynamodbstreams internal client:
DescribeStream for the shards, GetShardIterator from a checkpoint, GetRecords.

A mapping's position (the `position` column) is `{"shards": {shard id: {"seq": last processed
sequence number} | {"done": true}}}`: a shard without an entry is read from its start. Shards are
read parent first, as Lambda does, so a key's changes arrive in order across a shard roll-over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from stratus.protocol.errors import ServiceError
from stratus.services.lambda_.esm_events import MAX_BATCH_BYTES, record_size, sequence_number, stream_record
from stratus.services.lambda_.esm_sources import lambda_client

if TYPE_CHECKING:
    from stratus.runtime import Runtime

MAX_GET_RECORDS = 1000
MAX_DESCRIBE_SHARDS = 100
SHARD_GONE = "ResourceNotFoundException"
TRIMMED = "TrimmedDataAccessException"
EXPIRED = "ExpiredIteratorException"


@dataclass(frozen=True, slots=True)
class Shard:
    shard_id: str
    parent_id: str | None
    closed: bool


@dataclass(slots=True)
class Read:
    records: list[dict]  # in the event's form (eventSourceARN added)
    at_end: bool  # the shard is closed and everything in it was read
    next_iterator: str | None  # continues right after the last record read (None if unusable)


class StreamReader:
    def __init__(
        self, runtime: Runtime, account_id: str, region: str, stream_arn: str, on_behalf_of: str
    ) -> None:
        self.stream_arn = stream_arn
        self._client = lambda_client(runtime, "dynamodbstreams", account_id, region, on_behalf_of)

    async def shards(self) -> list[Shard]:
        found: list[Shard] = []
        start: str | None = None
        while True:
            params: dict = {"StreamArn": self.stream_arn, "Limit": MAX_DESCRIBE_SHARDS}
            if start:
                params["ExclusiveStartShardId"] = start
            description = (await self._client.describe_stream(**params))["StreamDescription"]
            for shard in description.get("Shards") or []:
                closed = "EndingSequenceNumber" in (shard.get("SequenceNumberRange") or {})
                found.append(Shard(shard["ShardId"], shard.get("ParentShardId"), closed))
            start = description.get("LastEvaluatedShardId")
            if not start:
                return found

    async def iterator(self, shard_id: str, after: str | None) -> str | None:
        """An iterator just after `after` (or at the shard's start); None when the shard is gone.
        Records trimmed away are skipped, as Lambda does (they are lost)."""
        params: dict = {
            "StreamArn": self.stream_arn,
            "ShardId": shard_id,
            "ShardIteratorType": "TRIM_HORIZON",
        }
        if after is not None:
            params.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=after)
        try:
            return (await self._client.get_shard_iterator(**params))["ShardIterator"]
        except ServiceError as error:
            if error.code == TRIMMED and after is not None:
                return await self.iterator(shard_id, None)
            if error.code == SHARD_GONE and "Shard" in error.message:
                return None
            raise

    async def read(self, iterator: str, limit: int, max_bytes: int = MAX_BATCH_BYTES) -> Read:
        """Up to `limit` records from `iterator` (several GetRecords when more than 1000), at most
        `max_bytes` of them (one record at least)."""
        records: list[dict] = []
        size = 0
        while len(records) < limit:
            answer = await self._client.get_records(
                ShardIterator=iterator, Limit=min(MAX_GET_RECORDS, limit - len(records))
            )
            following = answer.get("NextShardIterator")
            got = answer.get("Records") or []
            for raw in got:
                record = stream_record(raw, self.stream_arn)
                record_bytes = record_size(record)
                if records and size + record_bytes > max_bytes:
                    # The rest is read again next time; this answer's iterator cannot be reused.
                    return Read(records, False, None)
                records.append(record)
                size += record_bytes
            if following is None:
                return Read(records, True, None)
            iterator = following
            if not got:
                break
        return Read(records, False, iterator)


async def latest_positions(reader: StreamReader) -> dict:
    """A new position at LATEST: every closed shard done, every open one after its last record.

    Lambda starts a LATEST mapping after the records already in the stream. The stream's iterators
    do not say where LATEST is, so the open shard is read to its end once, here.
    """
    shards: dict = {}
    for shard in await reader.shards():
        if shard.closed:
            shards[shard.shard_id] = {"done": True}
            continue
        iterator = await reader.iterator(shard.shard_id, None)
        last: str | None = None
        while iterator is not None:
            read = await reader.read(iterator, MAX_GET_RECORDS, max_bytes=2**62)
            if read.records:
                last = sequence_number(read.records[-1])
            if not read.records or read.next_iterator is None:
                break
            iterator = read.next_iterator
        if last is not None:
            shards[shard.shard_id] = {"seq": last}
    return {"shards": shards}
