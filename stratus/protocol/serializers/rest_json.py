"""The `rest-json` protocol: status, headers and a JSON (or raw payload) body per answer."""

from __future__ import annotations

from dataclasses import dataclass

from botocore.model import OperationModel, ServiceModel, Shape

from stratus.protocol.errors import ServiceError
from stratus.protocol.http import HttpResponse
from stratus.protocol.serializers.document_shapes import Converter
from stratus.protocol.serializers.error_codes import identify
from stratus.protocol.serializers.json_ import convert_fields, json_bytes, json_converters
from stratus.protocol.serializers.model_cache import PerModel
from stratus.protocol.serializers.rest import (
    RestOutputPlan,
    apply_http_members,
    has_header,
    is_raw_payload,
    start_rest_response,
)

JSON_CONTENT_TYPE = "application/json"


@dataclass(frozen=True, slots=True)
class _Plan:
    http: RestOutputPlan
    body: Converter | None  # the JSON body: the whole body members, or a structure payload
    raw_payload: bool  # the payload member is a blob or string sent as the body itself


def _plan(operation: OperationModel) -> _Plan:
    http = RestOutputPlan.for_operation(operation)
    shape = operation.output_shape
    if shape is None:
        return _Plan(http, None, False)
    converters = json_converters.get(operation.service_model)
    payload = http.payload_shape
    if payload is not None:
        if is_raw_payload(payload):
            return _Plan(http, None, True)
        return _Plan(http, converters.structure(payload), False)
    body = converters.structure(shape, body_only=True) if http.body_members else None
    return _Plan(http, body, False)


_plans: PerModel[OperationModel, _Plan] = PerModel(_plan)


def serialize_rest_json_response(operation: OperationModel, output: dict, request_id: str) -> HttpResponse:
    plan = _plans.get(operation)
    status, headers, body = start_rest_response(plan.http, output, raw=plan.raw_payload)
    if not plan.raw_payload:
        if plan.body is not None:
            value = output if plan.http.payload_member is None else output.get(plan.http.payload_member)
            if value is not None:
                body = json_bytes(plan.body(value))
        if not has_header(headers, "Content-Type"):
            headers.append(("Content-Type", JSON_CONTENT_TYPE))
    headers.append(("x-amzn-RequestId", request_id))
    return HttpResponse(status=status, headers=headers, body=body)


_error_plans: PerModel[Shape, RestOutputPlan] = PerModel(RestOutputPlan.for_shape)


def serialize_rest_json_error(
    service: ServiceModel | None, error: ServiceError, request_id: str
) -> HttpResponse:
    identity = identify(service, error)
    headers = [
        ("Content-Type", JSON_CONTENT_TYPE),
        ("x-amzn-RequestId", request_id),
        ("x-amzn-ErrorType", identity.code),
    ]
    document: dict[str, object] = {identity.message_key: error.message}
    if error.fields:
        shape = identity.shape
        converters = json_converters.get(service) if service is not None else None
        if shape is not None:
            apply_http_members(_error_plans.get(shape), error.fields, headers)
        document.update(convert_fields(shape, error.fields, converters))
    headers.extend(error.headers.items())
    return HttpResponse(status=identity.status, headers=headers, body=json_bytes(document))
