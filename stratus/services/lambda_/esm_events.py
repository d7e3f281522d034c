"""What functions receive from event source mappings and what they may answer.

- SQS: `{"Records": [...]}` with one record per message, as Lambda builds it from ReceiveMessage.
- DynamoDB Streams: the records as GetRecords returns them (in their JSON form), plus
  `eventSourceARN`.
- Partial batch responses (`batchItemFailures`), judged by AWS's documented rules.
- The record a stream mapping sends to its on-failure destination (`DDBStreamBatchInfo`).
- What a filter pattern sees of a record (an SQS body that is JSON is matched as JSON).
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

from stratus.lambda_runtime import MAX_SYNC_REQUEST_BYTES

# Record attributes in the order Lambda writes them.
_SQS_ATTRIBUTE_ORDER = (
    "ApproximateReceiveCount",
    "AWSTraceHeader",
    "SentTimestamp",
    "SequenceNumber",
    "MessageGroupId",
    "SenderId",
    "MessageDeduplicationId",
    "ApproximateFirstReceiveTimestamp",
    "DeadLetterQueueSourceArn",
)
# A batch's event must fit in a synchronous invocation's payload; this leaves room for the
# `{"Records": [...]}` around the records.
MAX_BATCH_BYTES = MAX_SYNC_REQUEST_BYTES - 1024


# ---------------------------------------------------------------- SQS


def sqs_record(message: dict, queue_arn: str, region: str) -> dict:
    """One received message (ReceiveMessage's shape) as a record of Lambda's SQS event."""
    attributes = message.get("Attributes") or {}
    ordered = {name: attributes[name] for name in _SQS_ATTRIBUTE_ORDER if name in attributes}
    ordered.update({name: value for name, value in attributes.items() if name not in ordered})
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": ordered,
        "messageAttributes": {
            name: _message_attribute(value)
            for name, value in (message.get("MessageAttributes") or {}).items()
        },
        "md5OfMessageAttributes": message.get("MD5OfMessageAttributes"),
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def _message_attribute(value: dict) -> dict:
    shown: dict = {}
    if "StringValue" in value:
        shown["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        shown["binaryValue"] = base64.b64encode(bytes(value["BinaryValue"])).decode("ascii")
    shown["stringListValues"] = list(value.get("StringListValues") or [])
    shown["binaryListValues"] = [
        base64.b64encode(bytes(item)).decode("ascii") for item in value.get("BinaryListValues") or []
    ]
    shown["dataType"] = value["DataType"]
    return shown


def sqs_filter_view(record: dict) -> dict:
    """The record as a filter pattern sees it: a body holding JSON is matched as JSON."""
    try:
        body = json.loads(record["body"])
    except ValueError:
        return record
    return {**record, "body": body}


def message_group(record: dict) -> str:
    return record["attributes"].get("MessageGroupId", "")


# ---------------------------------------------------------------- DynamoDB Streams


def stream_record(record: dict, stream_arn: str) -> dict:
    """A GetRecords record (the internal client's dict) as Lambda passes it: JSON values
    (binaries in base64, times in epoch seconds) and the stream's ARN."""
    shown = _json_ready(record)
    shown["eventSourceARN"] = stream_arn
    return shown


def _json_ready(value: object) -> object:
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime):
        seconds = value.timestamp()
        return int(seconds) if seconds.is_integer() else seconds
    return value


def sequence_number(record: dict) -> str:
    return record["dynamodb"]["SequenceNumber"]


def created_at(record: dict) -> float:
    return float(record["dynamodb"]["ApproximateCreationDateTime"])


def stream_failure_record(
    *,
    request_id: str,
    function_arn: str,
    condition: str,
    invoke_count: int,
    response: tuple[str, str] | None,
    now: float,
    shard_id: str,
    records: list[dict],
    stream_arn: str,
) -> dict:
    """What a stream mapping sends to its OnFailure destination: where the discarded records are,
    not the records. `response` is (executed version, function error) of the last invocation."""
    response_context: dict = {"statusCode": 0, "executedVersion": "", "functionError": ""}
    if response is not None:
        executed_version, function_error = response
        response_context = {
            "statusCode": 200,
            "executedVersion": executed_version,
            "functionError": function_error,
        }
    return {
        "requestContext": {
            "requestId": request_id,
            "functionArn": function_arn,
            "condition": condition,
            "approximateInvokeCount": invoke_count,
        },
        "responseContext": response_context,
        "version": "1.0",
        "timestamp": _timestamp(now, milliseconds=True),
        "DDBStreamBatchInfo": {
            "shardId": shard_id,
            "startSequenceNumber": sequence_number(records[0]),
            "endSequenceNumber": sequence_number(records[-1]),
            "approximateArrivalOfFirstRecord": _timestamp(created_at(records[0])),
            "approximateArrivalOfLastRecord": _timestamp(created_at(records[-1])),
            "batchSize": len(records),
            "streamArn": stream_arn,
        },
    }


def _timestamp(epoch: float, *, milliseconds: bool = False) -> str:
    moment = datetime.fromtimestamp(epoch, UTC)
    if milliseconds:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- batches


def record_size(record: dict) -> int:
    return len(json.dumps(record, separators=(",", ":")).encode("utf-8")) + 1


def split_by_size(records: list[dict], limit: int = MAX_BATCH_BYTES) -> list[list[dict]]:
    """Consecutive batches whose events fit in one invocation (a record alone always makes one)."""
    batches: list[list[dict]] = []
    current: list[dict] = []
    size = 0
    for record in records:
        record_bytes = record_size(record)
        if current and size + record_bytes > limit:
            batches.append(current)
            current, size = [], 0
        current.append(record)
        size += record_bytes
    if current:
        batches.append(current)
    return batches


def event_payload(records: list[dict]) -> bytes:
    return json.dumps({"Records": records}, separators=(",", ":")).encode("utf-8")


def batch_item_failures(payload: bytes, identifiers: list[str]) -> list[str] | None:
    """The identifiers a ReportBatchItemFailures response names ([] when the whole batch
    succeeded), or None when the response is invalid and the whole batch counts as failed.

    AWS's rules: an empty or null response, or an empty or null `batchItemFailures`, is a complete
    success; an item whose `itemIdentifier` is missing, null, empty, or not in the batch makes the
    whole batch a failure, as does a response that is not a JSON object.
    """
    text = payload.strip()
    if not text:
        return []
    try:
        response = json.loads(text)
    except ValueError:
        return None
    if response is None:
        return []
    if not isinstance(response, dict):
        return None
    failures = response.get("batchItemFailures")
    if not failures:
        return [] if failures is None or failures == [] else None
    if not isinstance(failures, list):
        return None
    known = set(identifiers)
    reported = []
    for item in failures:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not isinstance(identifier, str) or not identifier or identifier not in known:
            return None
        reported.append(identifier)
    return reported
