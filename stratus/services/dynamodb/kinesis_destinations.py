"""Kinesis Data Streams destinations of a table: EnableKinesisStreamingDestination,
DisableKinesisStreamingDestination, UpdateKinesisStreamingDestination,
DescribeKinesisStreamingDestination.

Kinesis is not in Stratus yet, so no change records are delivered anywhere. The destinations are
kept and answered as DynamoDB answers for a stream it cannot use: Enable accepts any well-formed ARN
(DynamoDB never checks the stream synchronously) and answers ENABLING; the destination then reads
ENABLE_FAILED with DynamoDB's description for that case (a missing stream is reported as "User does
not have a permission to use kinesis stream"). A table keeps one entry per stream ARN, newest first;
at most one may be live (ENABLING, ACTIVE, UPDATING or DISABLING). Once Stratus has Kinesis,
`stream_usable` is where a reachable stream makes the destination ACTIVE.
"""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.table_store import Table, require_table, save_definition
from stratus.store import Database

ENABLING, ACTIVE, DISABLING, DISABLED = "ENABLING", "ACTIVE", "DISABLING", "DISABLED"
UPDATING, ENABLE_FAILED = "UPDATING", "ENABLE_FAILED"
LIVE = (ENABLING, ACTIVE, UPDATING, DISABLING)
PRECISION = "ApproximateCreationDateTimePrecision"

INVALID_STATE = "Table is not in a valid state to enable Kinesis Streaming Destination: "
ENABLE_REFUSED = (
    INVALID_STATE
    + "EnableKinesisStreamingDestination must be DISABLED or ENABLE_FAILED to perform ENABLE operation."
)
DISABLE_REFUSED = INVALID_STATE + "KinesisStreamingDestination must be ACTIVE to perform DISABLE operation."
NO_PERMISSION = "User does not have a permission to use kinesis stream"
OTHER_REGION = "The kinesis Arn used to enable kinesis replication belongs to a stream which is not in the current region"
NOT_ACTIVE_STREAM = (
    "The kinesis Arn used to enable kinesis replication belongs to a stream which is not in Active state"
)
DISABLE_WITH_CONFIGURATION = "Stream cannot be disabled using EnableKinesisStreamingConfiguration parameters"
UPDATE_WITHOUT_CONFIGURATION = (
    "Streaming destination cannot be updated with given parameters: UpdateKinesisStreamingConfiguration "
    "cannot be null or contain only null values"
)


def stream_usable(ctx: RequestContext, stream_arn: str) -> str | None:
    """None when DynamoDB could stream to `stream_arn`, else the reason it fails (the destination's
    DestinationStatusDescription). Kinesis is not in Stratus yet: no stream is usable."""
    parts = stream_arn.split(":", 5)
    if len(parts) == 6 and parts[2] == "kinesis" and parts[5].startswith("stream/"):
        if parts[3] != ctx.region:
            return OTHER_REGION
        if parts[4] != ctx.account_id:
            return NOT_ACTIVE_STREAM
    return NO_PERMISSION


def _entries(table: Table) -> list[dict]:
    return [dict(entry) for entry in table.definition.get("KinesisDestinations") or ()]


def _shown(entry: dict) -> dict:
    shown = {"StreamArn": entry["StreamArn"], "DestinationStatus": entry["DestinationStatus"]}
    if entry.get("DestinationStatusDescription"):
        shown["DestinationStatusDescription"] = entry["DestinationStatusDescription"]
    if entry.get(PRECISION):
        shown[PRECISION] = entry[PRECISION]
    return shown


class KinesisDestinationOperations:
    def db(self) -> Database:  # supplied by DynamoDbProvider
        raise NotImplementedError

    def _save(self, table: Table, entries: list[dict]) -> None:
        db = self.db()
        with db.transaction():
            save_definition(db, table, {**table.definition, "KinesisDestinations": entries})

    def describe_kinesis_streaming_destination(self, ctx: RequestContext, req: dict) -> dict:
        table = require_table(ctx, self.db(), req["TableName"], detailed=True)
        return {
            "TableName": table.name,
            "KinesisDataStreamDestinations": [_shown(e) for e in _entries(table)],
        }

    def enable_kinesis_streaming_destination(self, ctx: RequestContext, req: dict) -> dict:
        table = require_table(ctx, self.db(), req["TableName"], detailed=True)
        entries = _entries(table)
        if any(entry["DestinationStatus"] in LIVE for entry in entries):
            raise ValidationException(ENABLE_REFUSED)
        configuration = req.get("EnableKinesisStreamingConfiguration") or {}
        failure = stream_usable(ctx, req["StreamArn"])
        entry: dict = {
            "StreamArn": req["StreamArn"],
            "DestinationStatus": ACTIVE if failure is None else ENABLE_FAILED,
        }
        if failure is not None:
            entry["DestinationStatusDescription"] = failure
        if configuration.get(PRECISION):
            entry[PRECISION] = configuration[PRECISION]
        others = [e for e in entries if e["StreamArn"] != req["StreamArn"]]
        position = next((i for i, e in enumerate(entries) if e["StreamArn"] == req["StreamArn"]), None)
        if position is None:
            entries = [entry, *others]
        else:
            entries[position] = entry  # a re-Enable flips the stream's entry rather than adding one
        self._save(table, entries)
        return {
            "TableName": table.name,
            "StreamArn": req["StreamArn"],
            "DestinationStatus": ENABLING,
            "EnableKinesisStreamingConfiguration": configuration,
        }

    def disable_kinesis_streaming_destination(self, ctx: RequestContext, req: dict) -> dict:
        table = require_table(ctx, self.db(), req["TableName"], detailed=True)
        if req.get("EnableKinesisStreamingConfiguration"):
            raise ValidationException(DISABLE_WITH_CONFIGURATION)
        entries = _entries(table)
        entry = next((e for e in entries if e["StreamArn"] == req["StreamArn"]), None)
        if entry is None or entry["DestinationStatus"] != ACTIVE:
            raise ValidationException(DISABLE_REFUSED)
        entry["DestinationStatus"] = DISABLED
        entry.pop(PRECISION, None)
        self._save(table, entries)
        return {"TableName": table.name, "StreamArn": req["StreamArn"], "DestinationStatus": DISABLING}

    def update_kinesis_streaming_destination(self, ctx: RequestContext, req: dict) -> dict:
        table = require_table(ctx, self.db(), req["TableName"], detailed=True)
        configuration = req.get("UpdateKinesisStreamingConfiguration") or {}
        if not any(value is not None for value in configuration.values()):
            raise ValidationException(UPDATE_WITHOUT_CONFIGURATION)
        entries = _entries(table)
        entry = next((e for e in entries if e["StreamArn"] == req["StreamArn"]), None)
        if entry is None or entry["DestinationStatus"] != ACTIVE:
            raise ValidationException(
                INVALID_STATE + "Kinesis streaming is not in ACTIVE state. Updates are only allowed in "
                f"ACTIVE state. TableName: {table.name}"
            )
        precision = configuration[PRECISION]
        if entry.get(PRECISION, "MILLISECOND") == precision:
            raise ValidationException(
                f"Invalid Request: Precision is already set to the desired value of {precision} for "
                f"tableId: {table.uuid}, kdsArn: {req['StreamArn']}"
            )
        entry[PRECISION] = precision
        self._save(table, entries)
        return {
            "TableName": table.name,
            "StreamArn": req["StreamArn"],
            "DestinationStatus": UPDATING,
            "UpdateKinesisStreamingConfiguration": configuration,
        }
