"""What every SQS module shares: AWS's SQS errors (JSON `__type` and query codes), the queue record."""

from __future__ import annotations

from dataclasses import dataclass

from stratus.protocol.errors import ServiceError


class QueueDoesNotExist(ServiceError):
    # JSON: __type com.amazonaws.sqs#QueueDoesNotExist, x-amzn-query-error AWS.SimpleQueueService.NonExistentQueue
    code = "QueueDoesNotExist"
    status = 400


class InvalidParameterValue(ServiceError):
    code = "InvalidParameterValue"
    status = 400


class InvalidAttributeName(ServiceError):
    code = "InvalidAttributeName"
    status = 400


class InvalidAttributeValue(ServiceError):
    code = "InvalidAttributeValue"
    status = 400


class MissingParameter(ServiceError):
    code = "MissingParameter"
    status = 400


@dataclass(frozen=True, slots=True)
class Queue:
    queue_id: int
    account_id: str
    region: str
    name: str
    arn: str
    fifo: bool
    attributes: dict[str, str]  # settable attributes with their current (or default) values
    created_at: float
    modified_at: float

    def number(self, name: str) -> int:
        return int(self.attributes[name])
