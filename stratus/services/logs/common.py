"""What every CloudWatch Logs module shares: AWS's errors and messages, the records, the clock."""

from __future__ import annotations

from dataclasses import dataclass

from stratus.core.context import RequestContext
from stratus.core.ids import partition_for_region
from stratus.protocol.errors import ServiceError


class InvalidParameterException(ServiceError):
    code = "InvalidParameterException"


class ResourceNotFoundException(ServiceError):
    code = "ResourceNotFoundException"


class ResourceAlreadyExistsException(ServiceError):
    code = "ResourceAlreadyExistsException"


class ValidationException(ServiceError):
    code = "ValidationException"


class TooManyTagsException(ServiceError):
    code = "TooManyTagsException"


NO_GROUP = "The specified log group does not exist."
NO_STREAM = "The specified log stream does not exist."
GROUP_EXISTS = "The specified log group already exists"
STREAM_EXISTS = "The specified log stream already exists"
INVALID_TOKEN = "The specified nextToken is invalid."  # guessed: AWS does not document it

GROUP_CLASSES = ("STANDARD", "INFREQUENT_ACCESS", "DELIVERY")
MS_PER_DAY = 86_400_000


def now_ms(ctx: RequestContext) -> int:
    """The request's time on the Stratus clock, in the epoch milliseconds the API speaks."""
    return int(ctx.time.timestamp() * 1000)


@dataclass(frozen=True, slots=True)
class LogGroup:
    group_id: int
    account_id: str
    region: str
    name: str
    created_ms: int
    retention_days: int | None
    kms_key_id: str | None
    group_class: str
    deletion_protection: bool

    @property
    def arn(self) -> str:
        """The ARN without the trailing `:*` (AWS's `logGroupArn`, and what tagging APIs take)."""
        partition = partition_for_region(self.region)
        return f"arn:{partition}:logs:{self.region}:{self.account_id}:log-group:{self.name}"

    def stream_arn(self, stream_name: str) -> str:
        return f"{self.arn}:log-stream:{stream_name}"


@dataclass(frozen=True, slots=True)
class LogStream:
    stream_id: int
    group_id: int
    name: str
    created_ms: int
    first_event_ms: int | None
    last_event_ms: int | None
    last_ingestion_ms: int | None
    uploads: int
    stored_bytes: int


def sequence_token(stream: LogStream, uploads: int) -> str:
    """A sequence token in AWS's 56-digit form. AWS ignores it on input since 2023 but still answers
    it (PutLogEvents nextSequenceToken, DescribeLogStreams uploadSequenceToken)."""
    return f"{stream.stream_id * 10**20 + uploads:056d}"
