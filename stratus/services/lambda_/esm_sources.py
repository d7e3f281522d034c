"""What an event source mapping reads from: the EventSourceArn's kind, and whether the source exists.

Lambda checks the source when a mapping is created, as the function's service would see it: an
SQS queue through GetQueueAttributes, a DynamoDB stream through DescribeStream (both as the
Lambda service principal, through the internal client).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stratus.auth.credentials import Principal
from stratus.core.ids import queue_url_for_arn
from stratus.core.internal_client import InternalClient
from stratus.protocol.errors import ServiceError
from stratus.services.lambda_.checks import LAMBDA_PRINCIPAL
from stratus.services.lambda_.common import InvalidParameterValue
from stratus.services.lambda_.esm_store import DYNAMODB, SQS

if TYPE_CHECKING:
    from stratus.runtime import Runtime

_ARN = re.compile(
    r"arn:(?P<partition>[^:]+):(?P<service>[^:]+):(?P<region>[^:]*):(?P<account>[^:]*):(?P<resource>.+)"
)
_STREAM = re.compile(r"table/(?P<table>[^/]+)/stream/(?P<label>.+)")
# Sources Lambda supports that Stratus does not poll yet: an honest error rather than a mapping
# that silently never runs.
_NOT_YET = {
    "kinesis": "Amazon Kinesis",
    "kafka": "Amazon MSK",
    "mq": "Amazon MQ",
    "rds": "Amazon DocumentDB",
    "docdb": "Amazon DocumentDB",
}
# Guessed wording (AWS's is not documented).
UNRECOGNIZED_SOURCE = "Unrecognized event source, must be kafka or specify an EventSourceArn"
QUEUE_NOT_FOUND = (
    "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. "
    "SQS Error Message: The specified queue does not exist or you do not have access to it."
)


class NotImplementedSource(ServiceError):
    code = "NotImplemented"
    status = 501
    sender_fault = False


@dataclass(frozen=True, slots=True)
class Source:
    kind: str  # SQS or DYNAMODB
    arn: str
    region: str
    account_id: str
    name: str  # the queue's name, or the stream's table

    @property
    def fifo(self) -> bool:
        return self.kind == SQS and self.name.endswith(".fifo")

    @property
    def queue_url(self) -> str:
        """A URL the SQS provider resolves to this queue (path form: account and name)."""
        return queue_url_for_arn(self.arn)


def not_implemented(what: str) -> NotImplementedSource:
    return NotImplementedSource(f"Stratus does not support {what} event source mappings yet.")


def parse_source(arn: str | None, self_managed: bool = False) -> Source:
    """The kind of source an EventSourceArn names, or AWS's (or an honest 501) error."""
    if not arn:
        if self_managed:
            raise not_implemented("self-managed Apache Kafka")
        raise InvalidParameterValue(UNRECOGNIZED_SOURCE)
    match = _ARN.fullmatch(arn)
    if match is None:
        raise InvalidParameterValue(UNRECOGNIZED_SOURCE)
    service = match["service"]
    if service in _NOT_YET:
        raise not_implemented(_NOT_YET[service])
    if service == "sqs" and match["region"] and match["account"]:
        return Source(SQS, arn, match["region"], match["account"], match["resource"])
    if service == "dynamodb":
        stream = _STREAM.fullmatch(match["resource"])
        if stream is None:
            raise InvalidParameterValue(stream_not_found(arn))
        return Source(DYNAMODB, arn, match["region"], match["account"], stream["table"])
    raise InvalidParameterValue(UNRECOGNIZED_SOURCE)


def stream_not_found(arn: str) -> str:
    return f"Stream not found: {arn}"


def lambda_client(
    runtime: Runtime, service: str, account_id: str, region: str, source_arn: str
) -> InternalClient:
    """A client for `service`, called as Lambda on behalf of a function of `account_id`."""
    return InternalClient(
        runtime,
        service,
        Principal.service(account_id, LAMBDA_PRINCIPAL),
        region=region,
        account_id=account_id,
        source_arn=source_arn,
    )


async def check_exists(
    runtime: Runtime, source: Source, account_id: str, region: str, function_arn: str, function_timeout: int
) -> None:
    """AWS's InvalidParameterValueException when the source is not there (or in another region),
    or when a queue would hand a message to another poller while the function still runs on it."""
    if source.kind == SQS:
        if source.region != region:
            raise InvalidParameterValue(QUEUE_NOT_FOUND)
        sqs = lambda_client(runtime, "sqs", account_id, region, function_arn)
        try:
            answer = await sqs.get_queue_attributes(
                QueueUrl=source.queue_url, AttributeNames=["VisibilityTimeout"]
            )
        except ServiceError:
            raise InvalidParameterValue(QUEUE_NOT_FOUND) from None
        visibility = int(answer["Attributes"]["VisibilityTimeout"])
        if visibility < function_timeout:
            raise InvalidParameterValue(
                f"Queue visibility timeout: {visibility} seconds is less than Function timeout: "
                f"{function_timeout} seconds"
            )
        return
    if source.region != region:
        raise InvalidParameterValue(stream_not_found(source.arn))
    streams = lambda_client(runtime, "dynamodbstreams", account_id, region, function_arn)
    try:
        await streams.describe_stream(StreamArn=source.arn, Limit=1)
    except ServiceError:
        raise InvalidParameterValue(stream_not_found(source.arn)) from None
