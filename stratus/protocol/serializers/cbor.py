"""The `smithy-rpc-v2-cbor` protocol: CBOR maps keyed by member name, timestamps as tag 1."""

from __future__ import annotations

from datetime import UTC

import cbor2
from botocore.model import OperationModel, ServiceModel

from stratus.protocol.errors import ServiceError
from stratus.protocol.http import HttpResponse
from stratus.protocol.serializers.document_shapes import Converter, DocumentConverters
from stratus.protocol.serializers.error_codes import identify
from stratus.protocol.serializers.json_ import event_stream_body, query_error_header
from stratus.protocol.serializers.model_cache import PerModel
from stratus.protocol.serializers.rest import EVENT_STREAM_CONTENT_TYPE

CBOR_CONTENT_TYPE = "application/cbor"
_PROTOCOL_HEADER = ("smithy-protocol", "rpc-v2-cbor")

cbor_converters: PerModel[ServiceModel, DocumentConverters] = PerModel(
    lambda _: DocumentConverters(cbor=True)
)


def _output_converter(operation: OperationModel) -> Converter | None:
    shape = operation.output_shape
    if shape is None:
        return None
    return cbor_converters.get(operation.service_model).structure(shape)


_output_converters: PerModel[OperationModel, Converter | None] = PerModel(_output_converter)


def _encode(document: object) -> bytes:
    # Unmodelled error fields may hold datetimes; tag 1 is what the protocol uses for them.
    return cbor2.dumps(document, datetime_as_timestamp=True, timezone=UTC)


def serialize_cbor_response(operation: OperationModel, output: dict, request_id: str) -> HttpResponse:
    convert = _output_converters.get(operation)
    headers = [_PROTOCOL_HEADER, ("x-amzn-RequestId", request_id)]
    stream = event_stream_body(operation, output)
    if stream is not None:
        headers.append(("Content-Type", EVENT_STREAM_CONTENT_TYPE))
        return HttpResponse(status=200, headers=headers, body=stream)
    if convert is None:
        # No output at all: no body, and so no content type.
        return HttpResponse(status=200, headers=headers, body=b"")
    headers.append(("Content-Type", CBOR_CONTENT_TYPE))
    return HttpResponse(status=200, headers=headers, body=_encode(convert(output)))


def serialize_cbor_error(service: ServiceModel | None, error: ServiceError, request_id: str) -> HttpResponse:
    identity = identify(service, error)
    document: dict[str, object] = {"__type": identity.type_name, identity.message_key: error.message}
    if error.fields:
        if identity.shape is not None and service is not None:
            document.update(
                cbor_converters.get(service).structure(identity.shape, body_only=True)(error.fields)
            )
        else:
            document.update({name: value for name, value in error.fields.items() if value is not None})
    headers = [_PROTOCOL_HEADER, ("Content-Type", CBOR_CONTENT_TYPE), ("x-amzn-RequestId", request_id)]
    if identity.query_compatible:
        headers.append(query_error_header(identity))
    headers.extend(error.headers.items())
    return HttpResponse(status=identity.status, headers=headers, body=_encode(document))
