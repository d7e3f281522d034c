"""From a raw request to (botocore service name, operation, wire protocol, URI parameters)."""

from __future__ import annotations

from dataclasses import dataclass, field

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

    def __init__(self, message: str, *, code: str, protocol: str, service: str | None = None,
                 status: int = 400) -> None:
        super().__init__(message, code=code, status=status)
        self.protocol = protocol
        self.service = service


def route(request: HttpRequest) -> Route:
    raise NotImplementedError("routing is being written")
