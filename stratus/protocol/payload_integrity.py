"""What a request's headers promise about its body, and S3's errors when the body breaks the promise.

`payload_integrity(headers)` reads `Content-Encoding: aws-chunked`, `x-amz-decoded-content-length`,
`x-amz-trailer`, `x-amz-checksum-*` and `Content-MD5`, refusing malformed ones before any body is
read; aws_chunked.py then holds the body to these promises as it is decoded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stratus.protocol import checksums
from stratus.protocol.errors import ServiceError

# x-amz-checksum-* request headers that name something other than a checksum value.
_NOT_CHECKSUM_VALUES = frozenset({"algorithm", "type", "mode"})

# ---- S3's errors ----------------------------------------------------------------------------------


class IncompleteBody(ServiceError):
    code = "IncompleteBody"
    status = 400


class InvalidChunkSizeError(ServiceError):
    code = "InvalidChunkSizeError"
    status = 400


class MalformedTrailerError(ServiceError):
    code = "MalformedTrailerError"
    status = 400


class BadDigest(ServiceError):
    code = "BadDigest"
    status = 400


class InvalidDigest(ServiceError):
    code = "InvalidDigest"
    status = 400


class InvalidRequest(ServiceError):
    code = "InvalidRequest"
    status = 400


def terminated() -> IncompleteBody:
    return IncompleteBody("The request body terminated unexpectedly")


def length_mismatch() -> IncompleteBody:
    return IncompleteBody(
        "You did not provide the number of bytes specified by the Content-Length HTTP header"
    )


def malformed_trailer() -> MalformedTrailerError:
    return MalformedTrailerError(
        "The request contained trailing data that was not well-formed or did not conform to our published schema."
    )


# ---- what the headers promise ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PayloadIntegrity:
    """What a request's headers say about its body: framing, length and the checksums to verify."""

    chunked: bool = False
    decoded_length: int | None = None  # x-amz-decoded-content-length, for aws-chunked bodies
    trailer: str | None = None  # the algorithm whose value follows the last chunk
    expected: dict[str, bytes] = field(default_factory=dict)  # algorithm -> digest from a header
    content_md5: bytes | None = None

    @property
    def needs_wrapping(self) -> bool:
        return self.chunked or bool(self.expected) or self.content_md5 is not None


def is_aws_chunked(headers: dict[str, str]) -> bool:
    encodings = {token.strip().lower() for token in headers.get("content-encoding", "").split(",")}
    return "aws-chunked" in encodings or headers.get("x-amz-content-sha256", "").startswith("STREAMING-")


def payload_integrity(headers: dict[str, str]) -> PayloadIntegrity:
    """Read the integrity headers (lower-cased names); malformed ones raise S3's error before any body is read."""
    chunked = is_aws_chunked(headers)
    expected = _header_checksums(headers)
    trailer = _trailer_algorithm(headers) if chunked else None
    if trailer is not None and expected:
        raise _multiple_checksums()
    sdk_algorithm = headers.get("x-amz-sdk-checksum-algorithm")
    if sdk_algorithm and not expected and trailer is None:
        raise InvalidRequest(
            "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* "
            "or x-amz-trailer headers were found."
        )
    return PayloadIntegrity(
        chunked=chunked,
        decoded_length=_decoded_length(headers) if chunked else None,
        trailer=trailer,
        expected=expected,
        content_md5=_content_md5(headers),
    )


def _multiple_checksums() -> InvalidRequest:
    return InvalidRequest(
        "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."
    )


def require_computable(algorithm: str) -> None:
    if algorithm not in checksums.ALGORITHMS:
        raise ServiceError(
            f"Stratus cannot compute {algorithm} checksums here (install awscrt)",
            code="NotImplemented",
            status=501,
            sender_fault=False,
        )


def _header_checksums(headers: dict[str, str]) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for name, value in headers.items():
        if not name.startswith("x-amz-checksum-"):
            continue
        suffix = name[len("x-amz-checksum-") :]
        if suffix in _NOT_CHECKSUM_VALUES:
            continue
        algorithm = suffix.upper()
        if algorithm not in checksums.DIGEST_SIZES:
            raise InvalidRequest("The algorithm type you specified in x-amz-checksum- header is invalid.")
        if found:
            raise _multiple_checksums()
        digest = checksums.decode_checksum(algorithm, value)
        if digest is None:
            raise InvalidRequest(f"Value for {name} header is invalid.")
        require_computable(algorithm)
        found[algorithm] = digest
    return found


def _trailer_algorithm(headers: dict[str, str]) -> str | None:
    declared = [item.strip().lower() for item in headers.get("x-amz-trailer", "").split(",") if item.strip()]
    if not declared:
        return None
    if len(declared) > 1:
        raise _multiple_checksums()
    name = declared[0]
    algorithm = name[len("x-amz-checksum-") :].upper() if name.startswith("x-amz-checksum-") else ""
    if algorithm not in checksums.DIGEST_SIZES:
        raise InvalidRequest("The value specified in the x-amz-trailer header is not supported")
    require_computable(algorithm)
    return algorithm


def _decoded_length(headers: dict[str, str]) -> int | None:
    text = headers.get("x-amz-decoded-content-length")
    if text is None:
        return None
    text = text.strip()
    if not text.isdigit() or not text.isascii():
        raise ServiceError(
            "Invalid value for x-amz-decoded-content-length header", code="InvalidArgument", status=400
        )
    return int(text)


def _content_md5(headers: dict[str, str]) -> bytes | None:
    text = headers.get("content-md5")
    if text is None:
        return None
    digest = checksums.decode_checksum("MD5", text)
    if digest is None:
        raise InvalidDigest("The Content-MD5 you specified was invalid.", **{"Content-MD5": text})
    return digest
