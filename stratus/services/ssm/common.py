"""What every Parameter Store module shares: AWS's errors and messages, the records, the ARN."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from stratus.core.ids import partition_for_region
from stratus.protocol.errors import ServiceError


class ValidationException(ServiceError):
    code = "ValidationException"


class AccessDeniedException(ServiceError):
    code = "AccessDeniedException"


class ParameterNotFound(ServiceError):
    code = "ParameterNotFound"


class ParameterAlreadyExists(ServiceError):
    code = "ParameterAlreadyExists"


class ParameterVersionNotFound(ServiceError):
    code = "ParameterVersionNotFound"


class ParameterLimitExceeded(ServiceError):
    code = "ParameterLimitExceeded"


class ParameterMaxVersionLimitExceeded(ServiceError):
    code = "ParameterMaxVersionLimitExceeded"


class ParameterVersionLabelLimitExceeded(ServiceError):
    code = "ParameterVersionLabelLimitExceeded"


class ParameterPatternMismatchException(ServiceError):
    code = "ParameterPatternMismatchException"


class InvalidAllowedPatternException(ServiceError):
    code = "InvalidAllowedPatternException"


class HierarchyLevelLimitExceededException(ServiceError):
    code = "HierarchyLevelLimitExceededException"


class InvalidKeyId(ServiceError):
    code = "InvalidKeyId"


class InvalidPolicyTypeException(ServiceError):
    code = "InvalidPolicyTypeException"


class InvalidPolicyAttributeException(ServiceError):
    code = "InvalidPolicyAttributeException"


class IncompatiblePolicyException(ServiceError):
    code = "IncompatiblePolicyException"


class PoliciesLimitExceededException(ServiceError):
    code = "PoliciesLimitExceededException"


class InvalidFilterKey(ServiceError):
    code = "InvalidFilterKey"


class InvalidFilterOption(ServiceError):
    code = "InvalidFilterOption"


class InvalidFilterValue(ServiceError):
    code = "InvalidFilterValue"


class InvalidNextToken(ServiceError):
    code = "InvalidNextToken"


class InvalidResourceId(ServiceError):
    code = "InvalidResourceId"


class TooManyTagsError(ServiceError):
    code = "TooManyTagsError"


# AWS answers ParameterNotFound with no message at all for GetParameter and DeleteParameter.
NOT_FOUND = ""
ALREADY_EXISTS = (
    "The parameter already exists. To overwrite this value, set the overwrite option in the request to true."
)
INVALID_TOKEN = "The specified token isn't valid."  # the API reference's description of InvalidNextToken

TYPES = ("String", "StringList", "SecureString")
SECURE_STRING = "SecureString"
STANDARD, ADVANCED, INTELLIGENT = "Standard", "Advanced", "Intelligent-Tiering"
TEXT = "text"


def version_not_found(name: str, selector: str) -> ParameterVersionNotFound:
    return ParameterVersionNotFound(
        f"Systems Manager could not find version {selector} of {name}. Verify the version and try again."
    )


def parameter_arn(partition: str, region: str, account_id: str, name: str) -> str:
    """`arn:aws:ssm:us-east-1:123456789012:parameter/a/b` for both `/a/b` and `a/b`."""
    return f"arn:{partition}:ssm:{region}:{account_id}:parameter/{name.lstrip('/')}"


def timestamp(epoch_seconds: float) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, tz=UTC)


@dataclass(frozen=True, slots=True)
class ParameterVersion:
    """One version of a parameter, as GetParameterHistory lists it."""

    name: str
    version: int
    type: str
    value: str  # as stored: a SecureString's is the base64 KMS ciphertext AWS answers without decryption
    tier: str
    data_type: str
    description: str | None
    allowed_pattern: str | None
    key_id: str | None
    policies: str | None  # the normalized JSON list of the parameter's policies
    modified: float  # epoch seconds on the Stratus clock
    modified_user: str


@dataclass(frozen=True, slots=True)
class Parameter:
    """A parameter and its latest version."""

    parameter_id: int
    account_id: str
    region: str
    latest: ParameterVersion
    expires_at: float | None

    @property
    def name(self) -> str:
        return self.latest.name

    @property
    def arn(self) -> str:
        return parameter_arn(partition_for_region(self.region), self.region, self.account_id, self.name)
