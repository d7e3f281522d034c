"""What every DynamoDB module shares: AWS's DynamoDB errors (awsJson 1.0 `__type` names)."""

from __future__ import annotations

from stratus.protocol.errors import ServiceError


class ValidationException(ServiceError):
    code = "ValidationException"
    status = 400


class ResourceNotFoundException(ServiceError):
    code = "ResourceNotFoundException"
    status = 400


class ResourceInUseException(ServiceError):
    code = "ResourceInUseException"
    status = 400


class LimitExceededException(ServiceError):
    code = "LimitExceededException"
    status = 400


class ConditionalCheckFailedException(ServiceError):
    code = "ConditionalCheckFailedException"
    status = 400


class TransactionCanceledException(ServiceError):
    code = "TransactionCanceledException"
    status = 400


class TransactionConflictException(ServiceError):
    code = "TransactionConflictException"
    status = 400


class IdempotentParameterMismatchException(ServiceError):
    code = "IdempotentParameterMismatchException"
    status = 400


class ProvisionedThroughputExceededException(ServiceError):
    code = "ProvisionedThroughputExceededException"
    status = 400


class ItemCollectionSizeLimitExceededException(ServiceError):
    code = "ItemCollectionSizeLimitExceededException"
    status = 400


def validation(message: str) -> ValidationException:
    return ValidationException(message)
