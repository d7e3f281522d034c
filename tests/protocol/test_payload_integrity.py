"""What the headers promise about a body: malformed integrity headers are refused before any body is read."""

from __future__ import annotations

import pytest

from stratus.protocol.aws_chunked import decoded_payload_stream
from stratus.protocol.errors import ServiceError
from stratus.protocol.http import HttpRequest, RequestBody
from stratus.protocol.payload_integrity import is_aws_chunked, payload_integrity

# ---- headers refused before the body is read ------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (
            {"x-amz-checksum-crc32": "AAAAAA==", "x-amz-checksum-sha1": "2jmj7l5rSw0yVb/vlWAYkK/YBwk="},
            "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.",
        ),
        ({"x-amz-checksum-crc32": "AAAAAAAA"}, "Value for x-amz-checksum-crc32 header is invalid."),
        (
            {"x-amz-checksum-crc16": "AAA="},
            "The algorithm type you specified in x-amz-checksum- header is invalid.",
        ),
        (
            {"x-amz-sdk-checksum-algorithm": "CRC32"},
            "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.",
        ),
        (
            {"content-encoding": "aws-chunked", "x-amz-trailer": "x-amz-checksum-crc16"},
            "The value specified in the x-amz-trailer header is not supported",
        ),
        (
            {"content-encoding": "aws-chunked", "x-amz-trailer": "x-amz-meta-foo"},
            "The value specified in the x-amz-trailer header is not supported",
        ),
        (
            {
                "content-encoding": "aws-chunked",
                "x-amz-trailer": "x-amz-checksum-crc32",
                "x-amz-checksum-crc32": "AAAAAA==",
            },
            "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.",
        ),
    ],
)
def test_bad_integrity_headers(headers: dict[str, str], message: str) -> None:
    request = HttpRequest("PUT", "/b/k", headers=headers, body=RequestBody(b"0\r\n\r\n"))
    with pytest.raises(ServiceError) as caught:
        decoded_payload_stream(request)
    assert (caught.value.code, caught.value.status, caught.value.message) == ("InvalidRequest", 400, message)


def test_checksum_mode_and_type_headers_are_not_checksums() -> None:
    headers = {
        "x-amz-checksum-mode": "ENABLED",
        "x-amz-checksum-type": "FULL_OBJECT",
        "x-amz-checksum-algorithm": "CRC32",
    }
    integrity = payload_integrity(headers)
    assert not integrity.needs_wrapping


def test_content_encoding_list_with_aws_chunked() -> None:
    assert is_aws_chunked({"content-encoding": "gzip, aws-chunked"})
    assert is_aws_chunked({"x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER"})
    assert not is_aws_chunked({"content-encoding": "gzip", "x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
