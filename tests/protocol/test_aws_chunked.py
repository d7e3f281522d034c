"""aws-chunked bodies and checksums, decoded as a stream, with botocore's own encoder as the oracle."""

from __future__ import annotations

import hashlib
import io
import random
import shutil
from collections.abc import Iterable

import boto3
import pytest
from botocore.compat import HAS_CRT
from botocore.httpchecksum import AwsChunkedWrapper, Crc32Checksum

from stratus.protocol import checksums
from stratus.protocol.aws_chunked import (
    MAX_LINE,
    READ_BLOCK,
    AwsChunkedReader,
    VerifiedBody,
    decoded_payload_stream,
)
from stratus.protocol.errors import ServiceError
from stratus.protocol.http import HttpRequest, RequestBody
from stratus.protocol.loader import operation_model
from stratus.protocol.parsers import parse_request

# botocore computes these only with awscrt installed (`botocore[crt]`); without it no SDK sends them.
_NEEDS_CRT = {"CRC32C", "CRC64NVME", "XXHASH64", "XXHASH3", "XXHASH128"}


def _sdk_algorithms(names: list[str]) -> list:
    return [
        pytest.param(
            name, marks=pytest.mark.skipif(name in _NEEDS_CRT and not HAS_CRT, reason="needs botocore[crt]")
        )
        for name in names
    ]


TRAILER_ALGORITHMS = ["CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME", "SHA512"]
TRAILER_ALGORITHMS += [name for name in ("XXHASH64", "XXHASH3", "XXHASH128") if name in checksums.ALGORITHMS]


# ---- building requests ----------------------------------------------------------------------------


class Captured(Exception):
    def __init__(self, request) -> None:
        super().__init__("captured")
        self.request = request


def _raise_captured(request, **_) -> None:
    raise Captured(request)


def _client(endpoint: str):
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="000000000000",
        aws_secret_access_key="secret",
    )
    client.meta.events.register("before-send.s3.*", _raise_captured)
    return client


@pytest.fixture(scope="module")
def tls_client():
    # botocore sends trailing checksums (aws-chunked) only over https; nothing is sent anyway
    return _client("https://localhost:4566")


@pytest.fixture(scope="module")
def plain_client():
    # over http botocore puts the checksum in a header of an unchunked body
    return _client("http://localhost:4566")


def captured_put(client, **kwargs) -> HttpRequest:
    """The HttpRequest botocore would send for put_object(**kwargs)."""
    with pytest.raises(Captured) as caught:
        client.put_object(Bucket="b", Key="k", **kwargs)
    prepared = caught.value.request
    body = prepared.body
    if body is None:
        raw = b""
    elif isinstance(body, bytes | bytearray):
        raw = bytes(body)
    elif hasattr(body, "read"):
        raw = body.read()
    else:
        raw = b"".join(body)
    headers = {}
    for name, value in prepared.headers.items():
        name = name.decode() if isinstance(name, bytes) else name
        headers[name.lower()] = value.decode() if isinstance(value, bytes) else value
    return HttpRequest("PUT", "/b/k", headers=headers, body=_body(raw))


def _body(raw: bytes) -> RequestBody:
    writer = RequestBody.spooled()  # large bodies spill to a file, as the gateway does
    for start in range(0, len(raw), 65536):
        writer.write(raw[start : start + 65536])
    return writer.finish()


def chunked_request(encoded: bytes, decoded_length: int | None, **headers: str) -> HttpRequest:
    all_headers = {
        "content-encoding": "aws-chunked",
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
    }
    if decoded_length is not None:
        all_headers["x-amz-decoded-content-length"] = str(decoded_length)
    all_headers.update({name.replace("_", "-"): value for name, value in headers.items()})
    return HttpRequest("PUT", "/b/k", headers=all_headers, body=_body(encoded))


def botocore_encoded(data: bytes, chunk_size: int, trailer: bool = True) -> bytes:
    """aws-chunked bytes as botocore writes them, with a CRC32 trailer."""
    wrapper = AwsChunkedWrapper(
        io.BytesIO(data),
        checksum_cls=Crc32Checksum if trailer else None,
        checksum_name="x-amz-checksum-crc32",
        chunk_size=chunk_size,
    )
    return b"".join(wrapper)


def signed_encoded(chunks: Iterable[bytes], trailer: str | None = None) -> bytes:
    """aws-chunked bytes in the signed (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) layout."""
    out = bytearray()
    for number, chunk in enumerate([*chunks, b""]):
        signature = f"{number:064x}"
        out += b"%x;chunk-signature=%s\r\n" % (len(chunk), signature.encode())
        if chunk:
            out += chunk + b"\r\n"
    if trailer is not None:
        out += trailer.encode() + b"\r\n" + b"x-amz-trailer-signature:" + b"f" * 64 + b"\r\n"
    out += b"\r\n"
    return bytes(out)


def read_in_pieces(stream, size: int) -> bytes:
    parts = []
    while piece := stream.read(size):
        assert len(piece) <= size
        parts.append(piece)
    return b"".join(parts)


def read_error(request: HttpRequest, size: int = 1000) -> ServiceError:
    stream = decoded_payload_stream(request)
    with pytest.raises(ServiceError) as caught:
        read_in_pieces(stream, size)
    return caught.value


def payload(size: int, seed: int = 1) -> bytes:
    return random.Random(seed).randbytes(size)


# ---- bodies from botocore -------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", _sdk_algorithms(TRAILER_ALGORITHMS))
def test_botocore_trailer_checksum_round_trip(tls_client, algorithm: str) -> None:
    data = payload(2_500_000)  # three 1 MiB chunks as botocore cuts them
    request = captured_put(tls_client, Body=data, ChecksumAlgorithm=algorithm)
    assert request.headers["content-encoding"] == "aws-chunked"
    trailer_name = checksums.header_name(algorithm)
    assert request.headers["x-amz-trailer"] == trailer_name
    sent = request.body.read().rsplit(b"\r\n", 3)[-3].decode().partition(":")[2]

    stream = decoded_payload_stream(request)
    assert read_in_pieces(stream, 4096) == data
    assert stream.checksums == {algorithm: sent}
    assert stream.checksums[algorithm] == checksums.checksum_base64(algorithm, data)
    assert stream.decoded_size == len(data)


def test_botocore_default_checksum_is_crc32(tls_client) -> None:
    data = b"hello, stratus"
    request = captured_put(tls_client, Body=data)
    stream = decoded_payload_stream(request)
    assert stream.read() == data
    assert stream.checksums == {"CRC32": checksums.checksum_base64("CRC32", data)}


def test_botocore_empty_body(tls_client) -> None:
    request = captured_put(tls_client, Body=b"", ChecksumAlgorithm="SHA256")
    stream = decoded_payload_stream(request)
    assert stream.read(0) == b""
    assert not stream.finished  # read(0) reads nothing, not even the framing
    assert stream.read(10) == b""
    assert stream.finished
    assert stream.checksums == {"SHA256": checksums.checksum_base64("SHA256", b"")}
    assert stream.decoded_size == 0


def test_botocore_file_body(tls_client, tmp_path) -> None:
    data = payload(1_300_000, seed=5)
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    with path.open("rb") as handle:
        request = captured_put(tls_client, Body=handle, ChecksumAlgorithm="SHA256")
    stream = decoded_payload_stream(request)
    target = io.BytesIO()
    shutil.copyfileobj(stream, target, 10_000)
    assert target.getvalue() == data
    assert stream.checksums["SHA256"] == checksums.checksum_base64("SHA256", data)


@pytest.mark.parametrize("algorithm", _sdk_algorithms(["CRC32", "SHA256", "CRC64NVME"]))
def test_botocore_header_checksum_on_unchunked_body(plain_client, algorithm: str) -> None:
    data = payload(300_000, seed=2)
    request = captured_put(plain_client, Body=data, ChecksumAlgorithm=algorithm)
    assert "content-encoding" not in request.headers
    assert checksums.header_name(algorithm) in request.headers
    stream = decoded_payload_stream(request)
    assert read_in_pieces(stream, 7000) == data
    assert stream.checksums == {algorithm: request.headers[checksums.header_name(algorithm)]}


def test_botocore_content_md5(plain_client) -> None:
    data = b"some bytes"
    request = captured_put(plain_client, Body=data, ContentMD5=checksums.checksum_base64("MD5", data))
    stream = decoded_payload_stream(request)
    assert stream.read() == data
    assert stream.content_md5 == checksums.checksum_base64("MD5", data)


def test_put_object_parse_gives_the_decoded_body(tls_client) -> None:
    data = payload(1_100_000, seed=9)
    request = captured_put(tls_client, Body=data, ChecksumAlgorithm="CRC32")
    params = parse_request(
        "rest-xml", operation_model("s3", "PutObject"), request, {"Bucket": "b", "Key": "k"}
    )
    body = params["Body"]
    assert body.read() == data
    assert body.checksums["CRC32"] == checksums.checksum_base64("CRC32", data)
    assert params["ChecksumAlgorithm"] == "CRC32"


def test_put_object_parse_rejects_a_malformed_checksum_header() -> None:
    request = HttpRequest("PUT", "/b/k", headers={"x-amz-checksum-crc32": "nope"}, body=RequestBody(b"x"))
    with pytest.raises(ServiceError) as caught:
        parse_request("rest-xml", operation_model("s3", "PutObject"), request, {"Bucket": "b", "Key": "k"})
    assert (caught.value.code, caught.value.message) == (
        "InvalidRequest",
        "Value for x-amz-checksum-crc32 header is invalid.",
    )


# ---- pass-through ---------------------------------------------------------------------------------


def test_plain_body_is_returned_unchanged() -> None:
    raw = payload(2 * 1024 * 1024)
    request = HttpRequest("PUT", "/b/k", headers={"content-type": "binary/octet-stream"}, body=_body(raw))
    stream = decoded_payload_stream(request)
    assert not isinstance(stream, VerifiedBody)
    assert stream.read() == raw


def test_compute_asks_for_checksums_of_a_plain_body() -> None:
    request = HttpRequest("PUT", "/b/k", body=RequestBody(b"abc"))
    stream = decoded_payload_stream(request, compute=["crc64nvme"])
    assert stream.read() == b"abc"
    assert stream.checksums == {"CRC64NVME": checksums.checksum_base64("CRC64NVME", b"abc")}


# ---- checksums that do not match ------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"])
def test_wrong_trailer_checksum(algorithm: str) -> None:
    data = payload(20_000)
    wrong = checksums.checksum_base64(algorithm, b"something else")
    encoded = botocore_encoded(data, 8192, trailer=False)
    encoded = encoded[: -len(b"\r\n")] + f"{checksums.header_name(algorithm)}:{wrong}\r\n\r\n".encode()
    request = chunked_request(encoded, len(data), x_amz_trailer=checksums.header_name(algorithm))
    error = read_error(request)
    assert (error.code, error.status) == ("BadDigest", 400)
    assert error.message == f"The {algorithm} you specified did not match the calculated checksum."


def test_wrong_header_checksum_on_unchunked_body() -> None:
    data = b"payload"
    request = HttpRequest(
        "PUT",
        "/b/k",
        headers={"x-amz-checksum-sha256": checksums.checksum_base64("SHA256", b"other")},
        body=RequestBody(data),
    )
    error = read_error(request)
    assert (error.code, error.message) == (
        "BadDigest",
        "The SHA256 you specified did not match the calculated checksum.",
    )


def test_right_header_checksum_on_unchunked_body() -> None:
    data = b"payload"
    value = checksums.checksum_base64("SHA256", data)
    request = HttpRequest("PUT", "/b/k", headers={"x-amz-checksum-sha256": value}, body=RequestBody(data))
    stream = decoded_payload_stream(request)
    assert stream.read() == data
    assert stream.checksums == {"SHA256": value}


def test_header_checksum_on_chunked_body_without_trailer() -> None:
    data = payload(9000)
    encoded = botocore_encoded(data, 8192, trailer=False)
    request = chunked_request(
        encoded, len(data), x_amz_checksum_crc32c=checksums.checksum_base64("CRC32C", b"no")
    )
    assert read_error(request).message == "The CRC32C you specified did not match the calculated checksum."


def test_content_md5_mismatch() -> None:
    given = checksums.checksum_base64("MD5", b"expected")
    request = HttpRequest("PUT", "/b/k", headers={"content-md5": given}, body=RequestBody(b"received"))
    error = read_error(request)
    assert (error.code, error.status) == ("BadDigest", 400)
    assert error.message == "The Content-MD5 you specified did not match what we received."
    assert error.fields == {
        "ExpectedDigest": given,
        "CalculatedDigest": checksums.checksum_base64("MD5", b"received"),
    }


def test_content_md5_on_chunked_body_covers_the_decoded_bytes() -> None:
    data = payload(20_000)
    request = chunked_request(
        botocore_encoded(data, 10_000),
        len(data),
        x_amz_trailer="x-amz-checksum-crc32",
        content_md5=checksums.checksum_base64("MD5", data),
    )
    stream = decoded_payload_stream(request)
    assert read_in_pieces(stream, 333) == data
    assert stream.content_md5 == checksums.checksum_base64("MD5", data)
    assert set(stream.checksums) == {"CRC32"}


@pytest.mark.parametrize("value", ["abc", "AAAA", "not base64 at all!!"])
def test_malformed_content_md5(value: str) -> None:
    request = HttpRequest("PUT", "/b/k", headers={"content-md5": value}, body=RequestBody(b"x"))
    with pytest.raises(ServiceError) as caught:
        decoded_payload_stream(request)
    assert (caught.value.code, caught.value.message) == (
        "InvalidDigest",
        "The Content-MD5 you specified was invalid.",
    )
    assert caught.value.fields == {"Content-MD5": value}


def test_verification_happens_when_exactly_the_length_is_read() -> None:
    # a provider that reads the announced length and stops must still get the error
    data = payload(20_000)
    wrong = checksums.checksum_base64("CRC32", b"x")
    encoded = (
        botocore_encoded(data, 10_000, trailer=False)[:-2] + f"x-amz-checksum-crc32:{wrong}\r\n\r\n".encode()
    )
    stream = decoded_payload_stream(chunked_request(encoded, len(data), x_amz_trailer="x-amz-checksum-crc32"))
    assert stream.read(10_000) == data[:10_000]
    with pytest.raises(ServiceError, match="CRC32 you specified"):
        stream.read(10_000)

    plain = HttpRequest("PUT", "/b/k", headers={"x-amz-checksum-crc32": wrong}, body=RequestBody(b"12345"))
    with pytest.raises(ServiceError, match="CRC32 you specified"):
        decoded_payload_stream(plain).read(5)


def test_errors_are_sticky() -> None:
    request = HttpRequest(
        "PUT",
        "/b/k",
        headers={"x-amz-checksum-crc32": checksums.checksum_base64("CRC32", b"x")},
        body=RequestBody(b"y"),
    )
    stream = decoded_payload_stream(request)
    for _ in range(2):
        with pytest.raises(ServiceError, match="BadDigest|CRC32"):
            stream.read(100)


# ---- framing --------------------------------------------------------------------------------------


def test_truncated_bodies_are_incomplete() -> None:
    data = payload(20_000)
    encoded = botocore_encoded(data, 9000)
    # every cut inside the framing lines, a few inside the data
    cuts = [cut for cut in range(len(encoded)) if not 20 < cut < len(encoded) - 60 or cut % 997 == 0]
    for cut in cuts:
        request = chunked_request(encoded[:cut], None, x_amz_trailer="x-amz-checksum-crc32")
        error = read_error(request, size=4096)
        assert (error.code, error.message) == (
            "IncompleteBody",
            "The request body terminated unexpectedly",
        ), cut


def test_complete_encoded_body_decodes() -> None:
    data = payload(20_000)
    request = chunked_request(botocore_encoded(data, 9000), len(data), x_amz_trailer="x-amz-checksum-crc32")
    stream = decoded_payload_stream(request)
    assert read_in_pieces(stream, 1500) == data
    assert stream.decoded_size == len(data)


def test_decoded_length_too_small_fails_as_soon_as_exceeded() -> None:
    data = payload(30_000)
    encoded = botocore_encoded(data, 10_000)
    stream = decoded_payload_stream(chunked_request(encoded, 15_000, x_amz_trailer="x-amz-checksum-crc32"))
    assert stream.read(10_000) == data[:10_000]
    with pytest.raises(ServiceError) as caught:
        stream.read(10_000)
    assert (caught.value.code, caught.value.message) == (
        "IncompleteBody",
        "You did not provide the number of bytes specified by the Content-Length HTTP header",
    )


def test_decoded_length_too_large() -> None:
    data = payload(30_000)
    request = chunked_request(botocore_encoded(data, 10_000), 30_001, x_amz_trailer="x-amz-checksum-crc32")
    error = read_error(request)
    assert error.code == "IncompleteBody"
    assert error.message.startswith("You did not provide the number of bytes")


def test_missing_decoded_length_is_not_checked() -> None:
    data = payload(30_000)
    stream = decoded_payload_stream(
        chunked_request(botocore_encoded(data, 10_000), None, x_amz_trailer="x-amz-checksum-crc32")
    )
    assert stream.read() == data


def test_malformed_decoded_length() -> None:
    request = chunked_request(b"0\r\n\r\n", None, x_amz_decoded_content_length="12a")
    with pytest.raises(ServiceError) as caught:
        decoded_payload_stream(request)
    assert caught.value.code == "InvalidArgument"


@pytest.mark.parametrize(
    "encoded",
    [
        b"zz\r\nabc\r\n0\r\n\r\n",
        b"-3\r\nabc\r\n0\r\n\r\n",
        b"0x3\r\nabc\r\n0\r\n\r\n",
        b"\r\nabc\r\n0\r\n\r\n",
        b"3 3\r\nabc\r\n0\r\n\r\n",
        b"11111111111111111\r\n",  # more than 64 bits
        b"3\r\nabcd\r\n0\r\n\r\n",  # more data than declared
        b"3\r\nabc0\r\n\r\n",  # no CRLF after the data
        b"3\nabc\n0\n\n",  # bare LFs
        b"1" * (MAX_LINE + 10),  # a "header" that never ends
    ],
)
def test_garbage_chunk_framing(encoded: bytes) -> None:
    error = read_error(chunked_request(encoded, None))
    assert (error.code, error.status) == ("IncompleteBody", 400)


def test_chunk_size_in_upper_case_hex_and_padded() -> None:
    data = b"a" * 0x2A
    encoded = b"002A\r\n" + data + b"\r\n0\r\n\r\n"
    stream = decoded_payload_stream(chunked_request(encoded, len(data)))
    assert stream.read() == data


def test_small_chunk_before_the_last_is_refused() -> None:
    data = payload(3000)
    encoded = botocore_encoded(data, 1000)  # chunks of 1000, 1000, 1000
    error = read_error(chunked_request(encoded, len(data), x_amz_trailer="x-amz-checksum-crc32"))
    assert (error.code, error.status) == ("InvalidChunkSizeError", 400)
    assert error.message == "Only the last chunk is allowed to have a size less than 8192 bytes"
    assert error.fields == {"Chunk": 1, "BadChunkSize": 1000}


def test_only_the_last_chunk_may_be_small() -> None:
    data = payload(8192 * 2 + 5)
    stream = decoded_payload_stream(
        chunked_request(botocore_encoded(data, 8192), len(data), x_amz_trailer="x-amz-checksum-crc32")
    )
    assert read_in_pieces(stream, 100) == data


def test_large_body_is_decoded_with_a_small_buffer() -> None:
    data = payload(6 * 1024 * 1024, seed=4)
    request = chunked_request(
        botocore_encoded(data, 1024 * 1024), len(data), x_amz_trailer="x-amz-checksum-crc32"
    )
    stream = decoded_payload_stream(request)
    reader = stream._source
    assert isinstance(reader, AwsChunkedReader)
    digest = hashlib.sha256()
    largest_buffer = 0
    while piece := stream.read(8191):
        digest.update(piece)
        largest_buffer = max(largest_buffer, len(reader._buffer))
    assert digest.digest() == hashlib.sha256(data).digest()
    assert largest_buffer <= READ_BLOCK + MAX_LINE
    assert stream.checksums["CRC32"] == checksums.checksum_base64("CRC32", data)


def test_readinto_and_readall() -> None:
    data = payload(50_000)
    request = chunked_request(botocore_encoded(data, 10_000), len(data), x_amz_trailer="x-amz-checksum-crc32")
    stream = decoded_payload_stream(request)
    buffer = bytearray(12_345)
    assert stream.readinto(buffer) == 12_345
    assert bytes(buffer) == data[:12_345]
    assert stream.read() == data[12_345:]
    assert stream.read(10) == b""
    assert stream.read(0) == b""
    stream.close()
    assert stream.closed


# ---- trailers -------------------------------------------------------------------------------------


def test_missing_declared_trailer() -> None:
    data = payload(9000)
    request = chunked_request(
        botocore_encoded(data, 9000, trailer=False), len(data), x_amz_trailer="x-amz-checksum-crc32"
    )
    assert read_error(request).code == "MalformedTrailerError"


def test_undeclared_trailer() -> None:
    data = b"abc"
    encoded = (
        b"3\r\nabc\r\n0\r\nx-amz-checksum-crc32:"
        + checksums.checksum_base64("CRC32", data).encode()
        + b"\r\n\r\n"
    )
    error = read_error(chunked_request(encoded, 3))
    assert error.code == "MalformedTrailerError"
    assert error.message.startswith("The request contained trailing data that was not well-formed")


@pytest.mark.parametrize("line", [b"no colon here", b"x-amz-checksum-crc32\xff:AAAAAA=="])
def test_malformed_trailer_line(line: bytes) -> None:
    encoded = b"3\r\nabc\r\n0\r\n" + line + b"\r\n\r\n"
    assert (
        read_error(chunked_request(encoded, 3, x_amz_trailer="x-amz-checksum-crc32")).code
        == "MalformedTrailerError"
    )


def test_malformed_trailer_value() -> None:
    encoded = b"3\r\nabc\r\n0\r\nx-amz-checksum-crc32:????\r\n\r\n"
    error = read_error(chunked_request(encoded, 3, x_amz_trailer="x-amz-checksum-crc32"))
    assert (error.code, error.message) == (
        "InvalidRequest",
        "Value for x-amz-checksum-crc32 trailing header is invalid.",
    )


def test_trailer_name_and_value_whitespace_is_tolerated() -> None:
    value = checksums.checksum_base64("CRC32", b"abc")
    encoded = b"3\r\nabc\r\n0\r\nX-Amz-Checksum-CRC32: " + value.encode() + b" \r\n\r\n"
    stream = decoded_payload_stream(chunked_request(encoded, 3, x_amz_trailer="x-amz-checksum-crc32"))
    assert stream.read() == b"abc"
    assert stream.checksums == {"CRC32": value}


# ---- signed chunks --------------------------------------------------------------------------------


class RecordingSignatureCheck:
    def __init__(self) -> None:
        self.chunks: list[tuple[str | None, bytes]] = []
        self.trailers: list[tuple[str | None, list[tuple[str, str]]]] = []

    def chunk(self, signature: str | None, data_sha256: bytes) -> None:
        self.chunks.append((signature, data_sha256))

    def trailer(self, signature: str | None, headers: list[tuple[str, str]]) -> None:
        self.trailers.append((signature, headers))


def test_signed_chunks_without_trailer() -> None:
    parts = [payload(65536, seed=1), payload(65536, seed=2), payload(100, seed=3)]
    data = b"".join(parts)
    request = chunked_request(
        signed_encoded(parts), len(data), x_amz_content_sha256="STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    )
    check = RecordingSignatureCheck()
    stream = decoded_payload_stream(request, signature_check=check)
    assert read_in_pieces(stream, 5000) == data
    assert stream.checksums == {}
    expected = [
        (f"{number:064x}", hashlib.sha256(part).digest()) for number, part in enumerate([*parts, b""])
    ]
    assert check.chunks == expected
    assert check.trailers == [(None, [])]


def test_signed_chunks_without_a_signature_check_are_just_decoded() -> None:
    parts = [payload(10_000), payload(10)]
    data = b"".join(parts)
    request = chunked_request(
        signed_encoded(parts), len(data), x_amz_content_sha256="STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    )
    # Content-Encoding is optional for the signed variants: x-amz-content-sha256 says it all
    del request.headers["content-encoding"]
    assert decoded_payload_stream(request).read() == data


@pytest.mark.parametrize(
    "variant",
    ["STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"],
)
def test_signed_chunks_with_trailer(variant: str) -> None:
    parts = [payload(9000), payload(3)]
    data = b"".join(parts)
    value = checksums.checksum_base64("CRC32C", data)
    request = chunked_request(
        signed_encoded(parts, trailer=f"x-amz-checksum-crc32c:{value}"),
        len(data),
        x_amz_content_sha256=variant,
        x_amz_trailer="x-amz-checksum-crc32c",
    )
    check = RecordingSignatureCheck()
    stream = decoded_payload_stream(request, signature_check=check)
    assert stream.read() == data
    assert stream.checksums == {"CRC32C": value}
    assert len(check.chunks) == 3
    assert check.trailers == [("f" * 64, [("x-amz-checksum-crc32c", value)])]


def test_signature_check_can_refuse() -> None:
    class Refuse(RecordingSignatureCheck):
        def chunk(self, signature, data_sha256) -> None:
            raise ServiceError("no", code="SignatureDoesNotMatch", status=403)

    request = chunked_request(
        signed_encoded([b"abc"]), 3, x_amz_content_sha256="STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    )
    with pytest.raises(ServiceError) as caught:
        decoded_payload_stream(request, signature_check=Refuse()).read()
    assert caught.value.code == "SignatureDoesNotMatch"
