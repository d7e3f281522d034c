"""Where the results of asynchronous invocations go: destinations (OnSuccess/OnFailure: SQS, SNS,
Lambda, EventBridge, S3 for failures) with Lambda's invocation record, and dead-letter queues
(SQS, SNS) with the original event. Deliveries are calls to the target service through the internal
client, as the Lambda service principal on the function's behalf (DESIGN.md §3).
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from stratus.auth.credentials import Principal
from stratus.core.ids import queue_url_for_arn
from stratus.core.internal_client import InternalClient
from stratus.protocol.errors import ServiceError

if TYPE_CHECKING:
    from stratus.runtime import Runtime

log = logging.getLogger(__name__)

LAMBDA_PRINCIPAL = "lambda.amazonaws.com"
DLQ_MESSAGE_LIMIT = 1024  # ErrorMessage attributes are truncated to 1 KB


def invocation_record(
    *,
    request_id: str,
    function_arn: str,
    condition: str,
    invoke_count: int,
    request_payload: bytes,
    now: float,
    response: tuple[str, str | None, bytes] | None,
) -> dict:
    """Lambda's destination record. `response` is (executed version, function error, payload) of
    the last attempt, None when the function never ran (e.g. the event expired while throttled)."""
    moment = datetime.fromtimestamp(now, UTC)
    record: dict = {
        "version": "1.0",
        "timestamp": moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z",
        "requestContext": {
            "requestId": request_id,
            "functionArn": function_arn,
            "condition": condition,
            "approximateInvokeCount": invoke_count,
        },
        "requestPayload": _json_or_text(request_payload),
    }
    if response is not None:
        executed_version, function_error, payload = response
        context: dict = {"statusCode": 200, "executedVersion": executed_version}
        if function_error:
            context["functionError"] = function_error
        record["responseContext"] = context
        record["responsePayload"] = _json_or_text(payload)
    return record


async def send_record(
    runtime: Runtime, source_arn: str, target_arn: str, record: dict, *, success: bool
) -> None:
    """Deliver an invocation record to a destination; a failed delivery is logged, not retried
    (AWS drops records it cannot deliver, and reports them in the DestinationDeliveryFailures metric)."""
    text = json.dumps(record, separators=(",", ":"))
    service = target_arn.split(":")[2]
    try:
        client = _client(runtime, service, source_arn, target_arn)
        if service == "sqs":
            await client.send_message(QueueUrl=queue_url_for_arn(target_arn), MessageBody=text)
        elif service == "sns":
            await client.publish(TopicArn=target_arn, Message=text)
        elif service == "lambda":
            await client.invoke(FunctionName=target_arn, InvocationType="Event", Payload=text.encode())
        elif service == "events":
            outcome = "Success" if success else "Failure"
            await client.put_events(
                Entries=[
                    {
                        "Source": "lambda",
                        "DetailType": f"Lambda Function Invocation Result - {outcome}",
                        "Detail": text,
                        "Resources": [source_arn],
                        "EventBusName": target_arn,
                    }
                ]
            )
        elif service == "s3":
            await _put_failure_object(client, source_arn, target_arn, text, record)
        else:
            log.warning("destination %s is not a service Lambda delivers to", target_arn)
    except ServiceError as error:
        log.warning(
            "delivering a Lambda invocation record to %s failed: %s: %s",
            target_arn,
            error.code,
            error.message,
        )


async def send_dead_letter(
    runtime: Runtime, source_arn: str, target_arn: str, payload: bytes, request_id: str, error_message: str
) -> None:
    """The original event, with the attributes Lambda adds (RequestID, ErrorCode, ErrorMessage)."""
    attributes = {
        "RequestID": {"DataType": "String", "StringValue": request_id},
        "ErrorCode": {"DataType": "Number", "StringValue": "200"},
        "ErrorMessage": {
            "DataType": "String",
            "StringValue": error_message[:DLQ_MESSAGE_LIMIT] or "Unhandled",
        },
    }
    body = payload.decode("utf-8", errors="replace")
    service = target_arn.split(":")[2] if target_arn.count(":") >= 5 else ""
    try:
        client = _client(runtime, service, source_arn, target_arn)
        if service == "sqs":
            await client.send_message(
                QueueUrl=queue_url_for_arn(target_arn), MessageBody=body, MessageAttributes=attributes
            )
        elif service == "sns":
            await client.publish(TopicArn=target_arn, Message=body, MessageAttributes=attributes)
        else:
            log.warning("dead-letter target %s is neither an SQS queue nor an SNS topic", target_arn)
    except ServiceError as error:
        log.warning(
            "sending a failed event to the dead-letter target %s failed: %s: %s",
            target_arn,
            error.code,
            error.message,
        )


def _client(runtime: Runtime, service: str, source_arn: str, target_arn: str) -> InternalClient:
    parts = target_arn.split(":")
    source = source_arn.split(":")
    region = parts[3] or source[3]  # S3 ARNs carry no region or account
    account_id = parts[4] or source[4]
    return InternalClient(
        runtime,
        service,
        Principal.service(source[4], LAMBDA_PRINCIPAL),
        region=region,
        account_id=account_id,
        source_arn=source_arn,
    )


async def _put_failure_object(
    client: InternalClient, source_arn: str, bucket_arn: str, text: str, record: dict
) -> None:
    """S3 on-failure destinations receive one object per record (key layout as Lambda writes it)."""
    function_name = source_arn.split(":")[6]
    moment = datetime.strptime(record["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")
    key = f"aws/lambda/async/{function_name}/{moment:%Y/%m/%d}/{moment:%Y-%m-%dT%H.%M.%S}-{uuid.uuid4()}"
    await client.put_object(Bucket=bucket_arn.split(":")[5], Key=key, Body=text.encode())


def _json_or_text(payload: bytes) -> object:
    try:
        return json.loads(payload)
    except ValueError:
        return payload.decode("utf-8", errors="replace")
