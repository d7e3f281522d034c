"""What every Secrets Manager module shares: AWS's errors and messages, the records, the clock."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError


class ResourceNotFoundException(ServiceError):
    code = "ResourceNotFoundException"


class InvalidParameterException(ServiceError):
    code = "InvalidParameterException"


class InvalidRequestException(ServiceError):
    code = "InvalidRequestException"


class ResourceExistsException(ServiceError):
    code = "ResourceExistsException"


class LimitExceededException(ServiceError):
    code = "LimitExceededException"


class EncryptionFailure(ServiceError):
    code = "EncryptionFailure"


class DecryptionFailure(ServiceError):
    code = "DecryptionFailure"


class MalformedPolicyDocumentException(ServiceError):
    code = "MalformedPolicyDocumentException"


class PublicPolicyException(ServiceError):
    code = "PublicPolicyException"


class InvalidNextTokenException(ServiceError):
    code = "InvalidNextTokenException"


class ValidationException(ServiceError):
    code = "ValidationException"


class AccessDeniedException(ServiceError):
    code = "AccessDeniedException"


# AWS's wordings (recorded from AWS unless marked guessed).
NOT_FOUND = "Secrets Manager can't find the specified secret."
MARKED_FOR_DELETION = "You can't perform this operation on the secret because it was marked for deletion."
CREATE_WHILE_SCHEDULED = (
    "You can't create this secret because a secret with this name is already scheduled for deletion."
)
INVALID_NAME = (
    "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!"
)
NO_TOKEN = "You must provide a ClientRequestToken value. We recommend a UUID-type value."
NO_VALUE_FOR_STAGE = "Secrets Manager can't find the specified secret value for staging label: {stage}"
NO_VALUE_FOR_VERSION = "Secrets Manager can't find the specified secret value for VersionId: {version_id}"
STAGE_NOT_ON_VERSION = "You provided a VersionStage that is not associated to the provided VersionId."
REPLICA_OPERATION = (
    "Operation not permitted on a replica secret. Call must be made in primary secret's region."
)
CROSS_ACCOUNT_DEFAULT_KEY = (
    "You can't access a secret from a different AWS account if you encrypt the secret with the "
    "default KMS service key."
)
LAMBDA_ACCESS = (
    "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy "
    "grants access to the principal secretsmanager.amazonaws.com."
)
KMS_ACCESS = "Access to KMS is not allowed"


def exists_message(name: str) -> str:
    return f"The operation failed because the secret {name} already exists."


AWSCURRENT = "AWSCURRENT"
AWSPREVIOUS = "AWSPREVIOUS"
AWSPENDING = "AWSPENDING"
DEFAULT_KMS_ALIAS = "alias/aws/secretsmanager"
# What ListSecretVersionIds answers in KmsKeyIds for a version under aws/secretsmanager.
DEFAULT_KMS_LABEL = "DefaultEncryptionKey"
SECRETS_MANAGER_PRINCIPAL = "secretsmanager.amazonaws.com"
DAY = 86_400.0


def now(ctx: RequestContext) -> float:
    """The request's time on the Stratus clock, in epoch seconds."""
    return ctx.time.timestamp()


def as_datetime(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def start_of_day(seconds: float) -> float:
    """Midnight (UTC) of the day `seconds` falls in: LastAccessedDate has no time of day."""
    return seconds - seconds % DAY


@dataclass(frozen=True, slots=True)
class Secret:
    secret_id: int
    account_id: str
    region: str
    name: str
    arn: str
    description: str | None
    kms_key_id: str | None
    secret_type: str | None
    owning_service: str | None
    created_at: float
    last_changed_at: float
    last_accessed_at: float | None
    deleted_at: float | None
    deletion_due_at: float | None
    rotation_enabled: bool | None
    rotation_lambda_arn: str | None
    rotation_days: int | None
    rotation_schedule: str | None
    rotation_duration: str | None
    external_rotation_metadata: list[dict] | None
    external_rotation_role_arn: str | None
    last_rotated_at: float | None
    rotation_base_at: float | None
    next_rotation_at: float | None
    next_rotation_end_at: float | None
    policy: str | None
    tags_shown: bool
    primary_secret_id: int | None

    @property
    def is_replica(self) -> bool:
        return self.primary_secret_id is not None

    @property
    def scheduled_for_deletion(self) -> bool:
        return self.deleted_at is not None

    @property
    def rotation_rules(self) -> dict | None:
        rules: dict = {}
        if self.rotation_days is not None:
            rules["AutomaticallyAfterDays"] = self.rotation_days
        if self.rotation_schedule is not None:
            rules["ScheduleExpression"] = self.rotation_schedule
        if self.rotation_duration is not None:
            rules["Duration"] = self.rotation_duration
        return rules or None


def secret_from_row(row) -> Secret:
    metadata = row["external_rotation_metadata"]
    return Secret(
        secret_id=row["secret_id"],
        account_id=row["account_id"],
        region=row["region"],
        name=row["name"],
        arn=row["arn"],
        description=row["description"],
        kms_key_id=row["kms_key_id"],
        secret_type=row["secret_type"],
        owning_service=row["owning_service"],
        created_at=row["created_at"],
        last_changed_at=row["last_changed_at"],
        last_accessed_at=row["last_accessed_at"],
        deleted_at=row["deleted_at"],
        deletion_due_at=row["deletion_due_at"],
        rotation_enabled=None if row["rotation_enabled"] is None else bool(row["rotation_enabled"]),
        rotation_lambda_arn=row["rotation_lambda_arn"],
        rotation_days=row["rotation_days"],
        rotation_schedule=row["rotation_schedule"],
        rotation_duration=row["rotation_duration"],
        external_rotation_metadata=json.loads(metadata) if metadata else None,
        external_rotation_role_arn=row["external_rotation_role_arn"],
        last_rotated_at=row["last_rotated_at"],
        rotation_base_at=row["rotation_base_at"],
        next_rotation_at=row["next_rotation_at"],
        next_rotation_end_at=row["next_rotation_end_at"],
        policy=row["policy"],
        tags_shown=bool(row["tags_shown"]),
        primary_secret_id=row["primary_secret_id"],
    )


@dataclass(frozen=True, slots=True)
class Version:
    secret_id: int
    version_id: str
    seq: int
    created_at: float
    last_accessed_at: float | None
    value_type: str | None  # string | binary | None (empty)
    kms_key_id: str | None
    encrypted_data_key: bytes | None
    nonce: bytes | None
    ciphertext: bytes | None

    @property
    def has_value(self) -> bool:
        return self.value_type is not None


def version_from_row(row) -> Version:
    return Version(
        secret_id=row["secret_id"],
        version_id=row["version_id"],
        seq=row["seq"],
        created_at=row["created_at"],
        last_accessed_at=row["last_accessed_at"],
        value_type=row["value_type"],
        kms_key_id=row["kms_key_id"],
        encrypted_data_key=row["encrypted_data_key"],
        nonce=row["nonce"],
        ciphertext=row["ciphertext"],
    )


@dataclass(frozen=True, slots=True)
class EncryptedValue:
    """A secret value as stored: AES-256-GCM under a KMS data key, and that data key encrypted."""

    value_type: str  # string | binary
    kms_key_id: str | None  # as the caller named it; None: aws/secretsmanager
    encrypted_data_key: bytes
    nonce: bytes
    ciphertext: bytes
