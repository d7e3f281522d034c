"""Request parsers: raw HTTP request -> the operation's input as a dict keyed by member names.

One module per protocol family, all driven by botocore's model of the operation. `parse_request`
is the only entry point the gateway needs; whatever goes wrong inside a parser comes out as a
`ServiceError` in the protocol's (and service's) own terms, never as a raw exception.
"""

from __future__ import annotations

import logging

from botocore.model import OperationModel

from stratus.protocol.errors import ServiceError
from stratus.protocol.http import HttpRequest
from stratus.protocol.parsers.cbor import parse_cbor
from stratus.protocol.parsers.failures import BODY, MalformedInput, to_service_error
from stratus.protocol.parsers.json_ import parse_json
from stratus.protocol.parsers.query import parse_ec2, parse_query
from stratus.protocol.parsers.rest_json import parse_rest_json
from stratus.protocol.parsers.rest_xml import parse_rest_xml

__all__ = ["parse_request", "PARSERS"]

log = logging.getLogger(__name__)

PARSERS = {
    "query": parse_query,
    "ec2": parse_ec2,
    "json": parse_json,
    "rest-json": parse_rest_json,
    "rest-xml": parse_rest_xml,
    "smithy-rpc-v2-cbor": parse_cbor,
}


def parse_request(
    protocol: str, operation: OperationModel, request: HttpRequest, uri_params: dict[str, str]
) -> dict:
    """The operation's input parameters, like the `**kwargs` a boto3 user passed.

    Raises a ServiceError (SerializationError or the protocol's own code) for input that cannot
    be read.
    """
    parser = PARSERS.get(protocol)
    if parser is None:
        raise ServiceError(f"Unsupported protocol {protocol!r}", code="InternalFailure", status=500)
    service = operation.service_model.service_name
    try:
        return parser(operation, request, uri_params)
    except ServiceError:
        raise
    except MalformedInput as failure:
        raise to_service_error(protocol, service, failure) from None
    except RecursionError:
        failure = MalformedInput("The request is nested too deeply", BODY, syntax=True)
        raise to_service_error(protocol, service, failure) from None
    except Exception as error:  # a parser must never let a raw exception escape
        log.debug("unexpected parser failure for %s.%s", service, operation.name, exc_info=True)
        failure = MalformedInput(f"The request could not be read: {type(error).__name__}", BODY, syntax=True)
        raise to_service_error(protocol, service, failure) from None
