"""Errors a provider (or the protocol layer) raises; serializers render them per protocol."""

from __future__ import annotations


class ServiceError(Exception):
    """An AWS error answer: code, message, HTTP status and any extra members of the error shape.

    Subclass it per error (`class NoSuchBucket(ServiceError): code = "NoSuchBucket"; status = 404`)
    or raise it directly with `code=` for one-off errors.
    """

    code: str = "InternalFailure"
    status: int = 400
    sender_fault: bool = True

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        status: int | None = None,
        sender_fault: bool | None = None,
        headers: dict[str, str] | None = None,
        **fields: object,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        if sender_fault is not None:
            self.sender_fault = sender_fault
        self.headers = headers or {}
        self.fields = fields  # extra members of the error shape, e.g. BucketName

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r}, status={self.status})"


class NotImplementedOperation(ServiceError):
    code = "NotImplemented"
    status = 501
    sender_fault = False

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(f"Stratus does not implement {service}.{operation} yet")
        self.service = service
        self.operation = operation


class NotImplementedFeature(ServiceError):
    """A parameter or setting of an implemented operation that Stratus cannot honour yet: refused
    honestly rather than silently ignored."""

    code = "NotImplemented"
    status = 501
    sender_fault = False


class InternalError(ServiceError):
    code = "InternalFailure"
    status = 500
    sender_fault = False


class ValidationError(ServiceError):
    """Input that breaks the model's constraints. The code is set per protocol by the parser."""

    code = "ValidationException"
    status = 400


class SerializationError(ServiceError):
    """A body the protocol cannot decode (broken JSON/XML/CBOR, wrong types)."""

    code = "SerializationException"
    status = 400


class UnknownOperation(ServiceError):
    code = "UnknownOperationException"
    status = 400
