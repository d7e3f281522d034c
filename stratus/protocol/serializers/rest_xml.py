"""The `rest-xml` protocol (S3, S3 Control, Route 53, CloudFront).

The body is one XML document: the structure payload member, or the output's body members
under a root element. botocore's models drop most S3 root names, so they are listed here.
S3 errors are a bare `<Error>`; the others wrap it in `<ErrorResponse>`.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from botocore.model import OperationModel, ServiceModel

from stratus.protocol.errors import ServiceError
from stratus.protocol.http import HttpResponse
from stratus.protocol.serializers.error_codes import identify
from stratus.protocol.serializers.model_cache import PerModel
from stratus.protocol.serializers.rest import (
    RestOutputPlan,
    has_header,
    is_raw_payload,
    start_rest_response,
)
from stratus.protocol.serializers.xml_errors import write_error_fields
from stratus.protocol.serializers.xml_shapes import Writer, XmlWriters, namespace_attribute
from stratus.protocol.serializers.xml_text import element, escape_text

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

# Root elements of S3 answers, as S3 writes them (the model names only the payload ones).
S3_ROOT_ELEMENTS = {
    "CompleteMultipartUpload": "CompleteMultipartUploadResult",
    "CreateMultipartUpload": "InitiateMultipartUploadResult",
    "CreateSession": "CreateSessionResult",
    "DeleteObjects": "DeleteResult",
    "GetBucketAccelerateConfiguration": "AccelerateConfiguration",
    "GetBucketAcl": "AccessControlPolicy",
    "GetBucketCors": "CORSConfiguration",
    "GetBucketLifecycle": "LifecycleConfiguration",
    "GetBucketLifecycleConfiguration": "LifecycleConfiguration",
    "GetBucketLogging": "BucketLoggingStatus",
    "GetBucketNotification": "NotificationConfiguration",
    "GetBucketNotificationConfiguration": "NotificationConfiguration",
    "GetBucketRequestPayment": "RequestPaymentConfiguration",
    "GetBucketTagging": "Tagging",
    "GetBucketVersioning": "VersioningConfiguration",
    "GetBucketWebsite": "WebsiteConfiguration",
    "GetObjectAcl": "AccessControlPolicy",
    "GetObjectAttributes": "GetObjectAttributesResponse",
    "GetObjectTagging": "Tagging",
    "ListBucketAnalyticsConfigurations": "ListBucketAnalyticsConfigurationResult",
    "ListBucketIntelligentTieringConfigurations": "ListBucketIntelligentTieringConfigurationsOutput",
    "ListBucketInventoryConfigurations": "ListInventoryConfigurationsResult",
    "ListBucketMetricsConfigurations": "ListMetricsConfigurationsResult",
    "ListBuckets": "ListAllMyBucketsResult",
    "ListDirectoryBuckets": "ListAllMyDirectoryBucketsResult",
    "ListMultipartUploads": "ListMultipartUploadsResult",
    "ListObjectVersions": "ListVersionsResult",
    "ListObjects": "ListBucketResult",
    "ListObjectsV2": "ListBucketResult",
    "ListParts": "ListPartsResult",
}


def _is_s3_family(service: ServiceModel) -> bool:
    return service.signing_name == "s3"


def document_namespace(service: ServiceModel) -> str:
    """The namespace the service's documents are in, as its model declares it on request bodies."""
    for name in service.operation_names:
        shape = service.operation_model(name).input_shape
        if shape is None:
            continue
        for candidate in (shape, *shape.members.values()):
            namespace = candidate.serialization.get("xmlNamespace")
            if isinstance(namespace, dict) and namespace.get("uri") and not namespace.get("prefix"):
                return namespace["uri"]
            if isinstance(namespace, str) and namespace:
                return namespace
    return f"https://{service.endpoint_prefix}.amazonaws.com/doc/{service.api_version}/"


@dataclass(frozen=True, slots=True)
class _ServicePlan:
    writers: XmlWriters
    namespace: str
    s3_family: bool
    content_type: str


def _service_plan(service: ServiceModel) -> _ServicePlan:
    s3_family = _is_s3_family(service)
    return _ServicePlan(
        writers=XmlWriters("member"),
        namespace=document_namespace(service),
        s3_family=s3_family,
        content_type="application/xml" if s3_family else "text/xml",
    )


_service_plans: PerModel[ServiceModel, _ServicePlan] = PerModel(_service_plan)


@dataclass(frozen=True, slots=True)
class _Plan:
    service: _ServicePlan
    http: RestOutputPlan
    document: Writer | None  # writes the whole XML document from the output (or the payload)
    raw_payload: bool


def _root_name(operation: OperationModel) -> str:
    shape = operation.output_shape
    if operation.service_model.service_name == "s3" and operation.name in S3_ROOT_ELEMENTS:
        return S3_ROOT_ELEMENTS[operation.name]
    return shape.serialization.get("name") or shape.name


def _plan(operation: OperationModel) -> _Plan:
    service_plan = _service_plans.get(operation.service_model)
    http = RestOutputPlan.for_operation(operation)
    shape = operation.output_shape
    if shape is None:
        return _Plan(service_plan, http, None, False)
    writers = service_plan.writers
    payload = http.payload_shape
    if payload is not None:
        if is_raw_payload(payload):
            return _Plan(service_plan, http, None, True)
        tag = payload.serialization.get("name") or http.payload_member
        return _Plan(service_plan, http, writers.root(payload, tag, service_plan.namespace), False)
    if not http.body_members:
        return _Plan(service_plan, http, None, False)
    if operation.service_model.service_name == "s3" and operation.name == "GetBucketLocation":
        return _Plan(service_plan, http, _bare_location_writer(service_plan.namespace), False)
    root = _root_name(operation)
    opening, closing = f"<{root}{namespace_attribute(service_plan.namespace)}>", f"</{root}>"
    members = writers.members(shape)

    def write_document(out: list[str], output: dict) -> None:
        out.append(opening)
        members(out, output)
        out.append(closing)

    return _Plan(service_plan, http, write_document, False)


def _bare_location_writer(namespace: str) -> Writer:
    # GetBucketLocation's answer is the bare constraint, empty for us-east-1.
    attribute = namespace_attribute(namespace)

    def write_location(out: list[str], output: dict) -> None:
        region = output.get("LocationConstraint")
        if region:
            out.append(f"<LocationConstraint{attribute}>{escape_text(region)}</LocationConstraint>")
        else:
            out.append(f"<LocationConstraint{attribute}/>")

    return write_location


_plans: PerModel[OperationModel, _Plan] = PerModel(_plan)


def host_id(request_id: str) -> str:
    """S3's `x-amz-id-2`, derived from the request id so a response is reproducible."""
    return base64.b64encode(hashlib.sha256(request_id.encode("utf-8")).digest()).decode("ascii")


def _request_id_headers(headers: list[tuple[str, str]], s3_family: bool, request_id: str) -> None:
    if s3_family:
        headers.append(("x-amz-request-id", request_id))
        headers.append(("x-amz-id-2", host_id(request_id)))
    else:
        headers.append(("x-amzn-RequestId", request_id))


def serialize_rest_xml_response(operation: OperationModel, output: dict, request_id: str) -> HttpResponse:
    plan = _plans.get(operation)
    status, headers, body = start_rest_response(plan.http, output, raw=plan.raw_payload)
    if not plan.raw_payload and plan.document is not None:
        value = output if plan.http.payload_member is None else output.get(plan.http.payload_member)
        if value is not None:
            parts = [XML_DECLARATION]
            plan.document(parts, value)
            body = "".join(parts).encode("utf-8")
            if not has_header(headers, "Content-Type"):
                headers.append(("Content-Type", plan.service.content_type))
    _request_id_headers(headers, plan.service.s3_family, request_id)
    return HttpResponse(status=status, headers=headers, body=body)


def serialize_rest_xml_error(
    service: ServiceModel | None, error: ServiceError, request_id: str
) -> HttpResponse:
    identity = identify(service, error)
    service_plan = _service_plans.get(service) if service is not None else None
    writers = service_plan.writers if service_plan is not None else None
    s3_family = service_plan.s3_family if service_plan is not None else True
    bare_error = service is None or service.service_name == "s3"
    parts = [XML_DECLARATION]
    if bare_error:
        parts.append("<Error>")
    else:
        parts.append(f"<ErrorResponse{namespace_attribute(service_plan.namespace)}><Error>")  # type: ignore[union-attr]
        parts.append(element("Type", identity.sender_type))
    parts.append(element("Code", identity.code))
    parts.append(element("Message", error.message))
    write_error_fields(parts, writers, identity.shape, error.fields)
    if not bare_error:
        parts.append("</Error>")
    parts.append(element("RequestId", request_id))
    if s3_family:
        parts.append(element("HostId", host_id(request_id)))
    parts.append("</Error>" if bare_error else "</ErrorResponse>")
    headers = [("Content-Type", service_plan.content_type if service_plan is not None else "application/xml")]
    _request_id_headers(headers, s3_family, request_id)
    headers.extend(error.headers.items())
    return HttpResponse(status=identity.status, headers=headers, body="".join(parts).encode("utf-8"))
