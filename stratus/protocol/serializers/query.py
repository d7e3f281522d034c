"""The `query` and `ec2` protocols: XML answers to form-encoded requests.

query: `<OpResponse xmlns=..><OpResult>..</OpResult><ResponseMetadata><RequestId>..`.
ec2:   `<OpResponse xmlns=..><requestId>..</requestId>..members..</OpResponse>`, lists of `<item>`.
Any service model can be spoken in query (SQS's model is JSON): element names, the result
wrapper and the namespace then come from the model's shapes plus `legacy_query`.
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.model import OperationModel, ServiceModel

from stratus.protocol.errors import ServiceError
from stratus.protocol.http import HttpResponse
from stratus.protocol.serializers.error_codes import identify
from stratus.protocol.serializers.legacy_query import legacy_names
from stratus.protocol.serializers.model_cache import PerModel
from stratus.protocol.serializers.xml_errors import write_error_fields
from stratus.protocol.serializers.xml_shapes import Writer, XmlWriters, namespace_attribute
from stratus.protocol.serializers.xml_text import element, escape_text

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
_CONTENT_TYPE = ("Content-Type", "text/xml")


def xml_namespace(service: ServiceModel) -> str:
    """The service's XML namespace: from the model, the legacy table, or AWS's usual pattern."""
    namespace = service.metadata.get("xmlNamespace")
    if not namespace:
        legacy = legacy_names(service.service_name)
        if legacy is not None:
            return legacy.namespace
        namespace = f"https://{service.endpoint_prefix}.amazonaws.com/doc/{service.api_version}/"
    if isinstance(namespace, dict):
        namespace = namespace.get("uri", "")
    return namespace if namespace.endswith("/") else namespace + "/"


def _speaks_query_natively(service: ServiceModel) -> bool:
    return "query" in (service.metadata.get("protocols") or [service.metadata.get("protocol")])


def _query_writers(service: ServiceModel) -> XmlWriters:
    legacy = None if _speaks_query_natively(service) else legacy_names(service.service_name)
    return XmlWriters("member", legacy)


def _ec2_writers(service: ServiceModel) -> XmlWriters:
    return XmlWriters("item")


_query_writers_by_service: PerModel[ServiceModel, XmlWriters] = PerModel(_query_writers)
_ec2_writers_by_service: PerModel[ServiceModel, XmlWriters] = PerModel(_ec2_writers)


@dataclass(frozen=True, slots=True)
class _ResponsePlan:
    head: str  # everything before the output members
    members: Writer | None
    tail: str  # between the members and the request id
    end: str


def _query_plan(operation: OperationModel) -> _ResponsePlan:
    service = operation.service_model
    name = operation.name
    head = f"<{name}Response{namespace_attribute(xml_namespace(service))}>"
    end = f"</RequestId></ResponseMetadata></{name}Response>"
    shape = operation.output_shape
    if shape is None:
        return _ResponsePlan(head, None, "<ResponseMetadata><RequestId>", end)
    wrapper = shape.serialization.get("resultWrapper")
    if wrapper is None and not _speaks_query_natively(service):
        wrapper = f"{name}Result"  # what the service sent before it moved off query
    members = _query_writers_by_service.get(service).members(shape)
    if wrapper is None:
        return _ResponsePlan(head, members, "<ResponseMetadata><RequestId>", end)
    return _ResponsePlan(head + f"<{wrapper}>", members, f"</{wrapper}><ResponseMetadata><RequestId>", end)


def _ec2_plan(operation: OperationModel) -> _ResponsePlan:
    service = operation.service_model
    name = operation.name
    head = f"{XML_DECLARATION}<{name}Response{namespace_attribute(xml_namespace(service))}><requestId>"
    shape = operation.output_shape
    members = _ec2_writers_by_service.get(service).members(shape) if shape is not None else None
    # The request id comes first in EC2 answers, so the members follow the "end".
    return _ResponsePlan(head, members, "", "</requestId>")


_query_plans: PerModel[OperationModel, _ResponsePlan] = PerModel(_query_plan)
_ec2_plans: PerModel[OperationModel, _ResponsePlan] = PerModel(_ec2_plan)


def serialize_query_response(operation: OperationModel, output: dict, request_id: str) -> HttpResponse:
    plan = _query_plans.get(operation)
    parts = [plan.head]
    if plan.members is not None:
        plan.members(parts, output)
    parts.append(plan.tail)
    parts.append(escape_text(request_id))
    parts.append(plan.end)
    return _xml_response(200, parts, request_id)


def serialize_ec2_response(operation: OperationModel, output: dict, request_id: str) -> HttpResponse:
    plan = _ec2_plans.get(operation)
    parts = [plan.head, escape_text(request_id), plan.end]
    if plan.members is not None:
        plan.members(parts, output)
    parts.append(f"</{operation.name}Response>")
    return _xml_response(200, parts, request_id)


def serialize_query_error(service: ServiceModel | None, error: ServiceError, request_id: str) -> HttpResponse:
    identity = identify(service, error)
    namespace = namespace_attribute(xml_namespace(service)) if service is not None else ""
    parts = [
        f"<ErrorResponse{namespace}><Error>",
        element("Type", identity.sender_type),
        element("Code", identity.query_code),
        element("Message", error.message),
    ]
    writers = _query_writers_by_service.get(service) if service is not None else None
    write_error_fields(parts, writers, identity.shape, error.fields)
    parts.append("</Error>")
    parts.append(element("RequestId", request_id))
    parts.append("</ErrorResponse>")
    return _xml_response(identity.status, parts, request_id, error.headers)


def serialize_ec2_error(service: ServiceModel | None, error: ServiceError, request_id: str) -> HttpResponse:
    identity = identify(service, error)
    parts = [
        f"{XML_DECLARATION}<Response><Errors><Error>",
        element("Code", identity.code),
        element("Message", error.message),
    ]
    writers = _ec2_writers_by_service.get(service) if service is not None else None
    write_error_fields(parts, writers, identity.shape, error.fields)
    parts.append("</Error></Errors>")
    parts.append(element("RequestID", request_id))
    parts.append("</Response>")
    return _xml_response(identity.status, parts, request_id, error.headers)


def _xml_response(
    status: int, parts: list[str], request_id: str, extra_headers: dict[str, str] | None = None
) -> HttpResponse:
    headers = [_CONTENT_TYPE, ("x-amzn-RequestId", request_id)]
    if extra_headers:
        headers.extend(extra_headers.items())
    return HttpResponse(status=status, headers=headers, body="".join(parts).encode("utf-8"))
