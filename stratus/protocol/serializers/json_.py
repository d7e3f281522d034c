"""The `json` protocol (awsJson 1.0 / 1.1): a JSON document per answer, errors named by `__type`."""

from __future__ import annotations

import json
from datetime import date, datetime

from botocore.model import OperationModel, ServiceModel, Shape

from stratus.protocol.errors import ServiceError
from stratus.protocol.http import HttpResponse
from stratus.protocol.serializers.document_shapes import Converter, DocumentConverters
from stratus.protocol.serializers.error_codes import ErrorIdentity, identify
from stratus.protocol.serializers.model_cache import PerModel
from stratus.protocol.serializers.rest import EVENT_STREAM_CONTENT_TYPE
from stratus.protocol.serializers.scalars import blob_text
from stratus.protocol.serializers.timestamps import epoch_seconds


def _unmodelled_value(value: object) -> object:
    """Values of unmodelled error fields that JSON has no type for."""
    if isinstance(value, (datetime, date)):
        return epoch_seconds(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return blob_text(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_unmodelled_value)

json_converters: PerModel[ServiceModel, DocumentConverters] = PerModel(
    lambda _: DocumentConverters(cbor=False)
)


def json_bytes(document: object) -> bytes:
    # Lone surrogates cannot be UTF-8; they become "?" rather than failing the answer.
    return _encoder.encode(document).encode("utf-8", "replace")


def content_type(service: ServiceModel | None) -> str:
    version = (service.metadata.get("jsonVersion") if service is not None else None) or "1.0"
    return f"application/x-amz-json-{version}"


def _output_converter(operation: OperationModel) -> Converter | None:
    shape = operation.output_shape
    if shape is None:
        return None
    return json_converters.get(operation.service_model).structure(shape)


_output_converters: PerModel[OperationModel, Converter | None] = PerModel(_output_converter)


def event_stream_body(operation: OperationModel, output: dict) -> object | None:
    """The provider-encoded event stream of an event-stream output (Kinesis SubscribeToShard)."""
    name = operation.output_shape.event_stream_name if operation.has_event_stream_output else None
    return output.get(name) if name else None


def serialize_json_response(operation: OperationModel, output: dict, request_id: str) -> HttpResponse:
    headers = [("Content-Type", content_type(operation.service_model)), ("x-amzn-RequestId", request_id)]
    stream = event_stream_body(operation, output)
    if stream is not None:
        headers[0] = ("Content-Type", EVENT_STREAM_CONTENT_TYPE)
        return HttpResponse(status=200, headers=headers, body=stream)
    convert = _output_converters.get(operation)
    body = b"" if convert is None else json_bytes(convert(output))
    return HttpResponse(status=200, headers=headers, body=body)


def error_document(
    service: ServiceModel | None,
    identity: ErrorIdentity,
    error: ServiceError,
    converters: DocumentConverters | None,
) -> dict:
    """`__type`, the message and the error's fields, converted through the error shape when modelled."""
    document: dict[str, object] = {"__type": identity.type_name, identity.message_key: error.message}
    if error.fields:
        document.update(convert_fields(identity.shape, error.fields, converters))
    return document


def convert_fields(shape: Shape | None, fields: dict, converters: DocumentConverters | None) -> dict:
    if shape is not None and converters is not None:
        return converters.structure(shape, body_only=True)(fields)
    return {name: value for name, value in fields.items() if value is not None}


def query_error_header(identity: ErrorIdentity) -> tuple[str, str]:
    """`x-amzn-query-error: Code;Sender`, how query-compatible services keep their old codes."""
    return "x-amzn-query-error", f"{identity.query_code};{identity.sender_type}"


def serialize_json_error(service: ServiceModel | None, error: ServiceError, request_id: str) -> HttpResponse:
    identity = identify(service, error)
    converters = json_converters.get(service) if service is not None else None
    body = json_bytes(error_document(service, identity, error, converters))
    headers = [("Content-Type", content_type(service)), ("x-amzn-RequestId", request_id)]
    if identity.query_compatible:
        headers.append(query_error_header(identity))
    headers.extend(error.headers.items())
    return HttpResponse(status=identity.status, headers=headers, body=body)
