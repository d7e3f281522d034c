"""Which modelled error a `ServiceError` is, and the codes each protocol writes for it.

A provider may raise with the error shape's name (`QueueDoesNotExist`), the model's error code
(`InvalidParameterValue` for CloudWatch's `InvalidParameterValueException`) or the legacy
query code (`AWS.SimpleQueueService.NonExistentQueue`); all resolve to the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.model import ServiceModel, Shape

from stratus.protocol.errors import ServiceError
from stratus.protocol.serializers.legacy_query import legacy_names
from stratus.protocol.serializers.model_cache import PerModel

# How AWS spells `__type` for the services whose JSON errors carry a shape id.
_JSON_TYPE_NAMESPACES = {
    "dynamodb": "com.amazonaws.dynamodb.v20120810#",
    "dynamodbstreams": "com.amazonaws.dynamodb.v20120810#",
    "sqs": "com.amazonaws.sqs#",
}


@dataclass(frozen=True, slots=True)
class ErrorIdentity:
    shape: Shape | None
    code: str  # what clients read as Error.Code (the model's error code)
    type_name: str  # `__type` of json / cbor bodies
    query_code: str  # the awsQuery code (query protocol, `x-amzn-query-error`)
    query_compatible: bool  # whether json / cbor answers carry `x-amzn-query-error`
    message_key: str  # "message" or "Message", as the error shape names it
    status: int  # the error's own status, else the model's httpStatusCode
    sender_fault: bool

    @property
    def sender_type(self) -> str:
        return "Sender" if self.sender_fault else "Receiver"


@dataclass(frozen=True, slots=True)
class _ServiceErrors:
    by_alias: dict[str, Shape]
    query_codes: dict[str, str]  # shape name -> query code
    query_compatible: bool
    type_namespace: str


def _build_index(service: ServiceModel) -> _ServiceErrors:
    legacy = legacy_names(service.service_name)
    by_alias: dict[str, Shape] = {}
    query_codes: dict[str, str] = {}
    for shape in service.error_shapes:
        query_code = (
            (legacy.error_codes.get(shape.name) if legacy else None) or shape.error_code or shape.name
        )
        query_codes[shape.name] = query_code
        for alias in (query_code, shape.error_code, shape.name):
            if alias:
                by_alias.setdefault(alias, shape)
    return _ServiceErrors(
        by_alias=by_alias,
        query_codes=query_codes,
        query_compatible=service.is_query_compatible,
        type_namespace=_JSON_TYPE_NAMESPACES.get(service.service_name, ""),
    )


_indexes: PerModel[ServiceModel, _ServiceErrors] = PerModel(_build_index)


def _set_by_raiser(error: ServiceError, attribute: str) -> bool:
    """Whether `attribute` was given for this error (argument or subclass) rather than defaulted."""
    if attribute in vars(error):
        return True
    for cls in type(error).__mro__:
        if cls is ServiceError:
            return False
        if attribute in cls.__dict__:
            return True
    return False


def _status_and_fault(error: ServiceError, shape: Shape | None) -> tuple[int, bool]:
    status, sender_fault = error.status, error.sender_fault
    modelled = shape.metadata.get("error") if shape is not None else None
    if modelled:
        # `ServiceError("...", code="NoSuchBucket")` answers 404 as the model says.
        if not _set_by_raiser(error, "status") and modelled.get("httpStatusCode"):
            status = int(modelled["httpStatusCode"])
        if not _set_by_raiser(error, "sender_fault") and "senderFault" in modelled:
            sender_fault = bool(modelled["senderFault"])
    return status, sender_fault


def _message_key(shape: Shape | None) -> str:
    if shape is not None and "Message" in shape.members and "message" not in shape.members:
        return "Message"
    return "message"


def identify(service: ServiceModel | None, error: ServiceError) -> ErrorIdentity:
    """The modelled identity of `error` in `service` (a plain one when unknown or unmodelled)."""
    if service is None:
        return ErrorIdentity(
            None, error.code, error.code, error.code, False, "message", error.status, error.sender_fault
        )
    index = _indexes.get(service)
    shape = index.by_alias.get(error.code)
    if shape is None:
        return ErrorIdentity(
            None,
            error.code,
            index.type_namespace + error.code,
            error.code,
            index.query_compatible,
            "message",
            error.status,
            error.sender_fault,
        )
    query_code = index.query_codes[shape.name]
    if index.query_compatible:
        # json/cbor name the shape; the query code rides in `x-amzn-query-error`.
        type_name = index.type_namespace + shape.name
    else:
        type_name = index.type_namespace + shape.error_code
    status, sender_fault = _status_and_fault(error, shape)
    return ErrorIdentity(
        shape,
        shape.error_code,
        type_name,
        query_code,
        index.query_compatible,
        _message_key(shape),
        status,
        sender_fault,
    )
