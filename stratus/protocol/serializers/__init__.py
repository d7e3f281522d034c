"""Response and error serializers, one per wire protocol, driven by botocore's service models.

The gateway calls `serialize_response` with a provider's output dict and `serialize_error`
with a raised `ServiceError`; both answer an `HttpResponse` in the protocol the request used.
"""

from __future__ import annotations

from collections.abc import Callable

from botocore.model import OperationModel, ServiceModel

from stratus.protocol.errors import ServiceError
from stratus.protocol.http import HttpResponse
from stratus.protocol.serializers.cbor import serialize_cbor_error, serialize_cbor_response
from stratus.protocol.serializers.json_ import serialize_json_error, serialize_json_response
from stratus.protocol.serializers.query import (
    serialize_ec2_error,
    serialize_ec2_response,
    serialize_query_error,
    serialize_query_response,
)
from stratus.protocol.serializers.rest_json import serialize_rest_json_error, serialize_rest_json_response
from stratus.protocol.serializers.rest_xml import serialize_rest_xml_error, serialize_rest_xml_response

__all__ = ["serialize_error", "serialize_response", "PROTOCOLS"]

_RESPONSE_SERIALIZERS: dict[str, Callable[[OperationModel, dict, str], HttpResponse]] = {
    "query": serialize_query_response,
    "ec2": serialize_ec2_response,
    "json": serialize_json_response,
    "rest-json": serialize_rest_json_response,
    "rest-xml": serialize_rest_xml_response,
    "smithy-rpc-v2-cbor": serialize_cbor_response,
}

_ERROR_SERIALIZERS: dict[str, Callable[[ServiceModel | None, ServiceError, str], HttpResponse]] = {
    "query": serialize_query_error,
    "ec2": serialize_ec2_error,
    "json": serialize_json_error,
    "rest-json": serialize_rest_json_error,
    "rest-xml": serialize_rest_xml_error,
    "smithy-rpc-v2-cbor": serialize_cbor_error,
}

PROTOCOLS = frozenset(_RESPONSE_SERIALIZERS)


def serialize_response(
    protocol: str, operation: OperationModel, output: dict, request_id: str
) -> HttpResponse:
    """`output` (shaped like the operation's output, as boto3 returns it) as `protocol` sends it."""
    try:
        serializer = _RESPONSE_SERIALIZERS[protocol]
    except KeyError:
        raise ValueError(f"unknown protocol {protocol!r}") from None
    return serializer(operation, output if output is not None else {}, request_id)


def serialize_error(
    protocol: str,
    service: ServiceModel | None,
    operation: OperationModel | None,
    error: ServiceError,
    request_id: str,
) -> HttpResponse:
    """`error` in `protocol`'s error format; `service`/`operation` may be None before routing."""
    if service is None and operation is not None:
        service = operation.service_model
    serializer = _ERROR_SERIALIZERS.get(protocol, serialize_json_error)
    return serializer(service, error, request_id)
