"""Signed streaming uploads: the chunk-signature chain, checked against AWS's documented examples.

Values from "Signature Calculations for the Authorization Header: Transferring Payload in Multiple
Chunks (Chunked Upload)" and its "Including Trailing Headers" sibling in the S3 API reference.
"""

from __future__ import annotations

import io

import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest

from stratus.auth.amz_time import parse_amz_date
from stratus.auth.sigv4 import SIGV4, SignatureInfo, chunk_signature_check
from stratus.core.clock import Clock
from stratus.protocol.aws_chunked import AwsChunkedReader, decoded_payload_stream
from stratus.protocol.errors import ServiceError
from stratus.protocol.http import HttpRequest, RequestBody
from stratus.protocol.loader import operation_model
from stratus.protocol.parsers import parse_request

from .test_sigv4_support import ENDPOINT, credentials, to_http, verify

DOC_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
DOC_KEY = "AKIAIOSFODNN7EXAMPLE"
DOC_DATE = "20130524T000000Z"
DOC_SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
DOC_CHUNKS = (
    "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
)
TRAILER_SEED = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"
TRAILER_CHUNKS = (
    "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
    "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
    "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
)
TRAILER_SIGNATURE = "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435"
DATA = b"a" * 66560


def chunked(signatures, *, data: bytes = DATA, trailer: str = "") -> bytes:
    first, second = data[:65536], data[65536:]
    return (
        f"10000;chunk-signature={signatures[0]}\r\n".encode()
        + first
        + b"\r\n"
        + f"400;chunk-signature={signatures[1]}\r\n".encode()
        + second
        + b"\r\n"
        + f"0;chunk-signature={signatures[2]}\r\n".encode()
        + trailer.encode()
        + b"\r\n"
    )


def doc_request(body: bytes | None = None) -> HttpRequest:
    """The documented PUT Object, exactly as sent."""
    body = chunked(DOC_CHUNKS) if body is None else body
    authorization = (
        f"AWS4-HMAC-SHA256 Credential={DOC_KEY}/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
        f"x-amz-decoded-content-length;x-amz-storage-class,Signature={DOC_SEED}"
    )
    headers = {
        "host": "s3.amazonaws.com",
        "x-amz-date": DOC_DATE,
        "x-amz-storage-class": "REDUCED_REDUNDANCY",
        "authorization": authorization,
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "content-encoding": "aws-chunked",
        "x-amz-decoded-content-length": "66560",
        "content-length": "66824",
    }
    return HttpRequest("PUT", "/examplebucket/chunkObject.txt", "", headers, RequestBody(body))


def verified_doc_request(body: bytes | None = None) -> HttpRequest:
    request = doc_request(body)
    verify(request, "s3", secret=DOC_SECRET, now=parse_amz_date(DOC_DATE), clock=Clock())
    return request


def test_the_documented_seed_signature_verifies():
    request = verified_doc_request()
    assert len(request.body.read()) == 66824
    assert request.chunk_signature_check is not None


def test_the_documented_chunks_decode():
    request = verified_doc_request()
    stream = decoded_payload_stream(request, signature_check=request.chunk_signature_check)
    assert stream.read() == DATA


def test_the_rest_parser_checks_the_chunks():
    request = verified_doc_request(chunked(DOC_CHUNKS, data=b"b" + DATA[1:]))
    params = parse_request(
        "rest-xml",
        operation_model("s3", "PutObject"),
        request,
        {"Bucket": "examplebucket", "Key": "chunkObject.txt"},
    )
    with pytest.raises(ServiceError) as caught:
        params["Body"].read()
    assert (caught.value.code, caught.value.status) == ("SignatureDoesNotMatch", 403)
    assert caught.value.fields["StringToSign"].startswith("AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n")


@pytest.mark.parametrize(
    "body",
    [
        chunked(DOC_CHUNKS, data=DATA[:-1] + b"b"),  # a byte of the second chunk
        chunked((DOC_CHUNKS[0], DOC_CHUNKS[0], DOC_CHUNKS[2])),  # a replayed signature
        chunked((DOC_CHUNKS[0], DOC_CHUNKS[1], "0" * 64)),  # the final chunk's signature
        chunked(DOC_CHUNKS).replace(
            f";chunk-signature={DOC_CHUNKS[1]}".encode(), b""
        ),  # a signature left out
    ],
    ids=["data", "replayed", "final", "missing"],
)
def test_a_broken_chain_is_refused(body):
    request = verified_doc_request(body)
    with pytest.raises(ServiceError) as caught:
        decoded_payload_stream(request, signature_check=request.chunk_signature_check).read()
    assert caught.value.code == "SignatureDoesNotMatch"


def trailer_info() -> SignatureInfo:
    return SignatureInfo(
        algorithm=SIGV4,
        access_key_id=DOC_KEY,
        session_token=None,
        region="us-east-1",
        service="s3",
        amz_date=DOC_DATE,
        signed_at=parse_amz_date(DOC_DATE),
        presigned=False,
        expires_in=None,
        signed_headers=(),
        signature=TRAILER_SEED,
        credential_scope="20130524/us-east-1/s3/aws4_request",
        content_sha256="STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
    )


def trailer_body(checksum: str = "sOO8/Q==", signature: str = TRAILER_SIGNATURE) -> bytes:
    trailer = f"x-amz-checksum-crc32c:{checksum}\r\nx-amz-trailer-signature:{signature}\r\n"
    return chunked(TRAILER_CHUNKS, trailer=trailer)


def read_trailer_body(body: bytes) -> AwsChunkedReader:
    check = chunk_signature_check(trailer_info(), DOC_SECRET)
    reader = AwsChunkedReader(
        io.BytesIO(body), decoded_length=66560, trailer_names=["x-amz-checksum-crc32c"], signature_check=check
    )
    assert reader.read() == DATA
    return reader


def test_the_documented_trailer_signature_verifies():
    reader = read_trailer_body(trailer_body())
    assert reader.trailers == {"x-amz-checksum-crc32c": "sOO8/Q=="}


@pytest.mark.parametrize(
    "body",
    [trailer_body(checksum="AAAAAA=="), trailer_body(signature="0" * 64)],
    ids=["changed trailer", "wrong signature"],
)
def test_a_broken_trailer_is_refused(body):
    with pytest.raises(ServiceError) as caught:
        read_trailer_body(body)
    assert caught.value.code == "SignatureDoesNotMatch"
    assert caught.value.fields["StringToSign"].startswith("AWS4-HMAC-SHA256-TRAILER\n")


def test_a_missing_trailer_signature_is_refused():
    body = chunked(TRAILER_CHUNKS, trailer="x-amz-checksum-crc32c:sOO8/Q==\r\n")
    with pytest.raises(ServiceError):
        read_trailer_body(body)


def test_an_unsigned_trailer_stream_gets_no_chunk_check():
    class UnsignedTrailer(S3SigV4Auth):
        def payload(self, request):
            return "STREAMING-UNSIGNED-PAYLOAD-TRAILER"

    request = AWSRequest("PUT", ENDPOINT + "/bucket/key", data=b"5\r\nhello\r\n0\r\n\r\n")
    UnsignedTrailer(credentials(), "s3", "us-east-1").add_auth(request)
    http = to_http(request)
    verify(http, "s3")
    assert http.chunk_signature_check is None
