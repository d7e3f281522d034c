"""Malformed input: what the parsers raise, and the AWS error each protocol/service answers for it.

Parsers raise `MalformedInput` with a plain description and where the bad part was (the body
document, a header, the query string, a URI label); `to_service_error` turns it into the error the
service really answers:

- json, rest-json, smithy-rpc-v2-cbor: `SerializationException` (Coral's answer to a body it
  cannot read, whether broken syntax or a value of the wrong type). Lambda answers its own
  `InvalidRequestContentException` ("Could not parse request body into json: ...").
- query, ec2: `MalformedQueryString` for a query string or form body that cannot be decoded (the
  "Common Errors" page of every query service documents it, with HTTP status 404), and
  `InvalidParameterValue` for a parameter whose value has the wrong type.
- rest-xml: S3 (and S3 Control) answer `MalformedXML` with their fixed message for any body they
  cannot read, and `InvalidArgument` for a bad header or query value; Route 53 answers
  `InvalidInput`; CloudFront `InvalidArgument`; any other rest-xml service `MalformedInput`.
"""

from __future__ import annotations

from stratus.protocol.errors import SerializationError, ServiceError

S3_MALFORMED_XML = "The XML you provided was not well-formed or did not validate against our published schema"

BODY = "body"
HEADER = "header"
QUERY = "query"
URI = "uri"


class MalformedInput(Exception):
    """A request the protocol cannot read. `where` is BODY, HEADER, QUERY or URI."""

    def __init__(self, message: str, where: str = BODY, *, syntax: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.syntax = syntax  # the document itself is unreadable (vs. one value of the wrong type)
        self.wire_name: str | None = None  # an integer query parameter's name as sent (max-keys), if known
        self.value: str | None = None


def to_service_error(protocol: str, service: str, failure: MalformedInput) -> ServiceError:
    message = failure.message
    if protocol in ("json", "rest-json", "smithy-rpc-v2-cbor"):
        if service == "lambda" and failure.where == BODY:
            return ServiceError(
                f"Could not parse request body into json: {message}",
                code="InvalidRequestContentException",
                status=400,
            )
        return SerializationError(message)
    if protocol in ("query", "ec2"):
        if failure.syntax:
            return ServiceError(message, code="MalformedQueryString", status=404)
        return ServiceError(message, code="InvalidParameterValue", status=400)
    if protocol == "rest-xml":
        if service in ("s3", "s3control"):
            if failure.where == BODY:
                return ServiceError(S3_MALFORMED_XML, code="MalformedXML", status=400)
            if failure.where == QUERY and failure.wire_name:
                return ServiceError(
                    f"Provided {failure.wire_name} not an integer or within integer range",
                    code="InvalidArgument",
                    status=400,
                    ArgumentName=failure.wire_name,
                    ArgumentValue=failure.value,
                )
            return ServiceError(message, code="InvalidArgument", status=400)
        if service == "route53":
            return ServiceError(message, code="InvalidInput", status=400)
        if service == "cloudfront":
            return ServiceError(message, code="InvalidArgument", status=400)
        return ServiceError(message, code="MalformedInput", status=400)
    return SerializationError(message)
