"""What every Lambda module shares: AWS's Lambda errors, function names and ARNs, timestamps."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from stratus.protocol.errors import ServiceError

LATEST = "$LATEST"
MAX_NAME_LENGTH = 64
# The FunctionName member's pattern (botocore's model): a name, a partial ARN or a full ARN.
FUNCTION_NAME_PATTERN = (
    r"(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?"
    r"([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?"
)
_FUNCTION_NAME = re.compile(
    r"(?:arn:(?P<partition>aws[a-zA-Z-]*)?:lambda:)?(?:(?P<region>[a-z]{2}(?:-gov)?-[a-z]+-\d):)?"
    r"(?:(?P<account>\d{12}):)?(?:function:)?(?P<name>[a-zA-Z0-9-_]+)(?::(?P<qualifier>\$LATEST|[a-zA-Z0-9-_]+))?"
)


class LambdaError(ServiceError):
    """Lambda's error documents carry `Type` ("User" for the caller's faults) and `Message`."""

    def __init__(self, message: str = "", **fields: object) -> None:
        fields.setdefault("Type", "User")
        super().__init__(message, **fields)


class InvalidParameterValue(LambdaError):
    code = "InvalidParameterValueException"
    status = 400


class ResourceNotFound(LambdaError):
    code = "ResourceNotFoundException"
    status = 404


class ResourceConflict(LambdaError):
    code = "ResourceConflictException"
    status = 409


class PreconditionFailed(LambdaError):
    code = "PreconditionFailedException"
    status = 412


class RequestEntityTooLarge(LambdaError):
    code = "RequestEntityTooLargeException"
    status = 413


class ValidationError(ServiceError):
    code = "ValidationException"
    status = 400


def validation_message(value: object, member: str, constraint: str) -> str:
    return f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"


@dataclass(frozen=True, slots=True)
class FunctionRef:
    """A FunctionName as given: the bare name, and the account/region/qualifier it named, if any."""

    name: str
    account_id: str | None
    region: str | None
    qualifier: str | None


def parse_function_name(value: str, member: str = "functionName") -> FunctionRef:
    """Name, partial ARN (`123456789012:function:name`) or ARN; AWS's ValidationException otherwise."""
    match = _FUNCTION_NAME.fullmatch(value or "")
    if match is None:
        raise ValidationError(
            validation_message(
                value, member, f"Member must satisfy regular expression pattern: {FUNCTION_NAME_PATTERN}"
            )
        )
    return FunctionRef(match["name"], match["account"], match["region"], match["qualifier"])


def function_arn(partition: str, region: str, account_id: str, name: str) -> str:
    return f"arn:{partition}:lambda:{region}:{account_id}:function:{name}"


def not_found(arn: str) -> ResourceNotFound:
    return ResourceNotFound(f"Function not found: {arn}")


def last_modified(epoch: float) -> str:
    """Lambda's LastModified text: `2026-11-27T08:19:00.000+0000`."""
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"
