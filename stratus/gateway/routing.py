"""From a raw request to (botocore service name, operation, wire protocol, URI parameters).

The signals are tried from the most to the least reliable (DESIGN.md §1):

1. `X-Amz-Target: <targetPrefix>.<Operation>` (json protocol);
2. the smithy RPC v2 path `/service/<ServiceName>/operation/<Operation>` (CBOR);
3. the SigV4 credential scope, which narrows to the services sharing that signing name;
4. `Action` (+ `Version`) in the query string or an urlencoded body (query/ec2 protocols);
5. the Host header (S3 virtual hosts, S3 Control, `<endpointPrefix>.<region>...`);
6. the REST URI templates of the candidate services;
7. nothing else: S3, as LocalStack users expect (`curl localhost:4566/bucket/key`).

Tables are built per service on its first request (route_index, route_rest) and cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stratus.gateway.route_index import (
    BEARER_REST_SERVICES,
    SUPERSEDED_SERVICES,
    UNSIGNED_REST_SERVICES,
    operations_of,
    query_protocol_of,
    rest_protocol_of,
    service_index,
    speaks_query,
    speaks_rest,
    unversioned_query_services,
)
from stratus.gateway.route_rest import RestMatch, rest_table, split_path
from stratus.gateway.route_signals import (
    QueryAction,
    has_bearer_token,
    host_name,
    query_action,
    s3_host,
    signing_name,
)
from stratus.protocol.errors import ServiceError
from stratus.protocol.http import HttpRequest


@dataclass(frozen=True, slots=True)
class Route:
    service: str  # botocore service name, e.g. "sqs", "elbv2", "dynamodbstreams"
    operation: str  # operation name as in the model, e.g. "SendMessage"
    protocol: str  # the wire protocol the request used: query|ec2|json|rest-json|rest-xml|smithy-rpc-v2-cbor
    uri_params: dict[str, str] = field(default_factory=dict)  # decoded URI labels of rest protocols


class RoutingError(ServiceError):
    """No operation matches. `protocol` (and `service` when known) say how to render the error."""

    def __init__(
        self, message: str, *, code: str, protocol: str, service: str | None = None, status: int = 400
    ) -> None:
        super().__init__(message, code=code, status=status)
        self.protocol = protocol
        self.service = service


# Longer REST paths are refused before they are split and matched.
MAX_PATH_LENGTH = 8192

CBOR_PROTOCOL = "smithy-rpc-v2-cbor"
S3_CONTROL_PATH_PREFIX = "/v20180820"
S3_SIGNING_NAMES = frozenset({"s3", "s3express", "s3-object-lambda"})


def route(request: HttpRequest) -> Route:
    target = request.headers.get("x-amz-target")
    if target:
        return _route_target(request, target)
    if request.path.startswith("/service/"):
        found = _route_smithy_rpc(request)
        if found is not None:
            return found

    scope_service = signing_name(request)
    index = service_index()
    candidates = index.by_signing_name.get(scope_service) if scope_service else None

    if candidates is None or any(speaks_query(name) for name in candidates):
        action = query_action(request)
        if action is not None:
            return _route_action(action, candidates)

    if scope_service in S3_SIGNING_NAMES:
        found = _route_s3(request, host_name(request))
        if scope_service == "s3express" and found.operation == "ListBuckets":
            # Same wire form; only the S3 Express control endpoint's signing name tells them apart.
            return Route("s3", "ListDirectoryBuckets", "rest-xml", {})
        return found
    if candidates:
        rest_services = [name for name in candidates if speaks_rest(name)]
        if not rest_services:
            raise _no_operation(candidates)
        found = _best_rest_match(request, rest_services, host_name(request))
        if found is None:
            raise _unknown_rest_operation(request, rest_services)
        return found
    return _route_unsigned(request)


# --- 1 and 2: operation named in a header or the smithy path -----------------------------------


def _route_target(request: HttpRequest, target: str) -> Route:
    prefix, _, operation = target.rpartition(".")
    services = service_index().by_target_prefix.get(prefix, ())
    for service in _prefer_by_scope_and_host(request, services):
        if operation in operations_of(service):
            return Route(service, operation, "json", {})
    raise RoutingError(
        f"Unknown operation {target}",
        code="UnknownOperationException",
        protocol="json",
        service=services[0] if services else None,
    )


def _route_smithy_rpc(request: HttpRequest) -> Route | None:
    parts = request.path.split("/")  # "", "service", <name>, "operation", <operation>
    declared = request.headers.get("smithy-protocol") == "rpc-v2-cbor"
    if len(parts) != 5 or parts[3] != "operation":
        if declared:
            raise RoutingError(
                "Malformed smithy RPC v2 path", code="UnknownOperationException", protocol=CBOR_PROTOCOL
            )
        return None
    services = service_index().by_target_prefix.get(parts[2], ())
    operation = parts[4]
    for service in _prefer_by_scope_and_host(request, services):
        if operation in operations_of(service):
            return Route(service, operation, CBOR_PROTOCOL, {})
    if declared:
        raise RoutingError(
            f"Unknown operation {parts[2]}.{operation}",
            code="UnknownOperationException",
            protocol=CBOR_PROTOCOL,
            service=services[0] if services else None,
        )
    return None


def _prefer_by_scope_and_host(request: HttpRequest, services: tuple[str, ...]) -> tuple[str, ...]:
    """Services sharing a target prefix (timestream-query/-write) told apart by scope, then host."""
    if len(services) < 2:
        return services
    metas = service_index().services
    scope_service = signing_name(request)
    host = host_name(request)
    return tuple(
        sorted(
            services,
            key=lambda name: (
                metas[name].signing_name != scope_service,
                not _host_names_endpoint(host, metas[name].endpoint_prefix),
            ),
        )
    )


# --- 4: query and ec2 protocols -----------------------------------------------------------------


def _route_action(action: QueryAction, candidates: tuple[str, ...] | None) -> Route:
    index = service_index()
    if candidates:
        pool = [name for name in candidates if speaks_query(name)]
    else:
        versioned = index.by_api_version.get(action.version or "", ())
        pool = [name for name in versioned if speaks_query(name)] or list(unversioned_query_services())
    metas = index.services
    # The service of the request's Version first; among services sharing one wire API
    # (rds/docdb/neptune), the one named like its endpoint (rds).
    pool.sort(
        key=lambda name: (metas[name].api_version != action.version, name != metas[name].endpoint_prefix)
    )
    for service in pool:
        if action.action in operations_of(service):
            return Route(service, action.action, query_protocol_of(service), {})
    # Render the error as the service the request was most likely meant for would.
    likely = pool[0] if pool and (len(pool) == 1 or metas[pool[0]].api_version == action.version) else None
    raise RoutingError(
        f"The action {action.action} is not valid for this web service.",
        code="InvalidAction",
        protocol=query_protocol_of(likely) if likely else "query",
        service=likely,
    )


def _no_operation(candidates: tuple[str, ...]) -> RoutingError:
    """A signed request for RPC services that names no operation (no target, no Action)."""
    service = candidates[0]
    if all(
        speaks_query(name) and "json" not in service_index().services[name].protocols for name in candidates
    ):
        return RoutingError(
            "The request must contain the parameter Action.",
            code="MissingAction",
            protocol=query_protocol_of(service),
            service=service if len(candidates) == 1 else None,
        )
    return RoutingError(
        "The request names no operation (missing X-Amz-Target header).",
        code="UnknownOperationException",
        protocol="json",
        service=service if len(candidates) == 1 else None,
    )


# --- 5 to 7: REST services, the Host header and the S3 default -------------------------------


def _route_unsigned(request: HttpRequest) -> Route:
    host = host_name(request)
    s3 = s3_host(host)
    if s3.control or s3.bucket is not None:
        return _route_s3(request, host)
    by_host = _services_named_by_host(host)
    if "s3" in by_host:
        return _route_s3(request, host)
    if by_host:
        found = _best_rest_match(request, by_host, host)
        if found is not None:
            return found
    if has_bearer_token(request):
        found = _best_rest_match(request, BEARER_REST_SERVICES, host)
        if found is not None:
            return found
    # Operations without a signature (SSO token exchange ...) only when they match in full,
    # so a plain S3 request never lands there.
    found = _best_rest_match(request, UNSIGNED_REST_SERVICES, host, complete_only=True)
    if found is not None:
        return found
    return _route_s3(request, host)


def _services_named_by_host(host: str) -> list[str]:
    """`sqs.us-east-1.localhost.localstack.cloud` names sqs; `query.timestream.<...>` timestream-query."""
    if not host:
        return []
    by_prefix = service_index().by_endpoint_prefix
    labels = host.split(".", 2)
    found: list[str] = []
    if len(labels) >= 3:
        found.extend(by_prefix.get(f"{labels[0]}.{labels[1]}", ()))
    if len(labels) >= 2:
        found.extend(by_prefix.get(labels[0], ()))
    return [name for name in found if speaks_rest(name)]


def _host_names_endpoint(host: str, endpoint_prefix: str) -> bool:
    return host.startswith(endpoint_prefix) and host[len(endpoint_prefix) : len(endpoint_prefix) + 1] == "."


def _check_path(request: HttpRequest, protocol: str, service: str | None) -> None:
    """Paths only matter to REST protocols; there they must be sane before they are split."""
    path = request.path
    if len(path) > MAX_PATH_LENGTH:
        raise RoutingError(
            "The request URI is too long.",
            code="RequestURITooLong",
            protocol=protocol,
            service=service,
            status=414,
        )
    if "\x00" in path or "%00" in path:
        raise RoutingError(
            "Couldn't parse the specified URI.", code="InvalidURI", protocol=protocol, service=service
        )


def _best_rest_match(
    request: HttpRequest,
    services: tuple[str, ...] | list[str],
    host: str,
    *,
    complete_only: bool = False,
) -> Route | None:
    _check_path(request, rest_protocol_of(services[0]), services[0] if len(services) == 1 else None)
    segments = split_path(request.path)
    query = request.query
    metas = service_index().services
    best: RestMatch | None = None
    best_key: tuple = ()
    best_service = ""
    for service in services:
        found = rest_table(service).match(request.method, segments, query, request.headers)
        if found is None or (complete_only and not found.complete):
            continue
        # Same score in two services: the host may name one; else the newer namespace wins.
        key = (
            found.score,
            _host_names_endpoint(host, metas[service].endpoint_prefix),
            service not in SUPERSEDED_SERVICES,
        )
        if best is None or key > best_key:
            best, best_key, best_service = found, key, service
    if best is None:
        return None
    return Route(best_service, best.endpoint.operation, rest_protocol_of(best_service), best.uri_params)


def _unknown_rest_operation(request: HttpRequest, services: list[str]) -> RoutingError:
    return RoutingError(
        f"No operation matches {request.method} {request.path[:200]}",
        code="UnknownOperationException",
        protocol=rest_protocol_of(services[0]),
        service=services[0] if len(services) == 1 else None,
        status=404,
    )


def _route_s3(request: HttpRequest, host: str) -> Route:
    path = request.path
    s3 = s3_host(host)
    if s3.control or path == S3_CONTROL_PATH_PREFIX or path.startswith(S3_CONTROL_PATH_PREFIX + "/"):
        found = _best_rest_match(request, ("s3control",), host)
        if found is None:
            raise _unknown_rest_operation(request, ["s3control"])
        return found
    _check_path(request, "rest-xml", "s3")
    table = rest_table("s3")
    segments = split_path(path)
    method, query, headers = request.method, request.query, request.headers
    found = None
    if s3.bucket:
        found = table.match(method, [s3.bucket, *segments], query, headers)
        if found is None or not found.complete:
            # A host prefix such as WriteGetObjectResponse's `{RequestRoute}.` looks like a bucket.
            plain = table.match(method, segments, query, headers)
            if plain is not None and plain.complete:
                found = plain
    else:
        found = table.match(method, segments, query, headers)
    if found is None:
        # Every S3 path shape has operations; only the method can be wrong.
        raise RoutingError(
            "The specified method is not allowed against this resource.",
            code="MethodNotAllowed",
            protocol="rest-xml",
            service="s3",
            status=405,
        )
    return Route("s3", found.endpoint.operation, "rest-xml", found.uri_params)
