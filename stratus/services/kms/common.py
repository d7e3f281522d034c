"""What every KMS module shares: AWS's errors and the wording of its messages, and the clock."""

from __future__ import annotations

from datetime import UTC, datetime

from stratus.core.context import RequestContext
from stratus.core.ids import partition_for_region
from stratus.protocol.errors import ServiceError


class KmsError(ServiceError):
    status = 400


class NotFoundException(KmsError):
    code = "NotFoundException"


class AlreadyExistsException(KmsError):
    code = "AlreadyExistsException"


class DisabledException(KmsError):
    code = "DisabledException"


class KMSInvalidStateException(KmsError):
    code = "KMSInvalidStateException"


class InvalidArnException(KmsError):
    code = "InvalidArnException"


class InvalidAliasNameException(KmsError):
    code = "InvalidAliasNameException"


class InvalidCiphertextException(KmsError):
    code = "InvalidCiphertextException"


class IncorrectKeyException(KmsError):
    code = "IncorrectKeyException"


class InvalidKeyUsageException(KmsError):
    code = "InvalidKeyUsageException"


class KMSInvalidSignatureException(KmsError):
    code = "KMSInvalidSignatureException"


class KMSInvalidMacException(KmsError):
    code = "KMSInvalidMacException"


class InvalidGrantIdException(KmsError):
    code = "InvalidGrantIdException"


class InvalidGrantTokenException(KmsError):
    code = "InvalidGrantTokenException"


class InvalidMarkerException(KmsError):
    code = "InvalidMarkerException"


class LimitExceededException(KmsError):
    code = "LimitExceededException"


class MalformedPolicyDocumentException(KmsError):
    code = "MalformedPolicyDocumentException"


class TagException(KmsError):
    code = "TagException"


class UnsupportedOperationException(KmsError):
    code = "UnsupportedOperationException"


class ValidationException(KmsError):
    code = "ValidationException"


class ExpiredImportTokenException(KmsError):
    code = "ExpiredImportTokenException"


class InvalidImportTokenException(KmsError):
    code = "InvalidImportTokenException"


class IncorrectKeyMaterialException(KmsError):
    code = "IncorrectKeyMaterialException"


class ConflictException(KmsError):
    code = "ConflictException"


class DryRunOperationException(KmsError):
    code = "DryRunOperationException"
    status = 412


class NotAuthorizedException(KmsError):
    # Not in the model; AWS answers it for the reserved `alias/aws/` names (as moto records it).
    code = "NotAuthorizedException"


# -- messages -------------------------------------------------------------------------------

DRY_RUN = "The request would have succeeded, but the DryRun option is set."  # guessed (EC2's wording)


def key_arn(partition: str, region: str, account_id: str, key_id: str) -> str:
    return f"arn:{partition}:kms:{region}:{account_id}:key/{key_id}"


def alias_arn(region: str, account_id: str, alias_name: str) -> str:
    return f"arn:{partition_for_region(region)}:kms:{region}:{account_id}:{alias_name}"


def key_not_found(arn: str) -> NotFoundException:
    return NotFoundException(f"Key '{arn}' does not exist")


def invalid_key_id(key_id: str) -> NotFoundException:
    return NotFoundException(f"Invalid keyId '{key_id}'")


def alias_not_found(arn: str) -> NotFoundException:
    return NotFoundException(f"Alias {arn} is not found.")


def usage_not_valid(arn: str, usage: str, operation: str) -> InvalidKeyUsageException:
    return InvalidKeyUsageException(f"{arn} key usage is {usage} which is not valid for {operation}.")


def algorithm_incompatible(algorithm: str, key_spec: str) -> InvalidKeyUsageException:
    return InvalidKeyUsageException(f"Algorithm {algorithm} is incompatible with key spec {key_spec}.")


def origin_not_valid(arn: str, origin: str) -> UnsupportedOperationException:
    return UnsupportedOperationException(f"{arn} origin is {origin} which is not valid for this operation.")


# -- time -----------------------------------------------------------------------------------

DAY = 86_400.0


def now(ctx: RequestContext) -> float:
    """The request's time on the Stratus clock, in epoch seconds."""
    return ctx.time.timestamp()


def as_datetime(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)
