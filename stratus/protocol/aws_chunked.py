"""Streaming request bodies as the provider should see them: aws-chunked framing removed, checksums verified.

Current SDKs upload S3 object bodies as `Content-Encoding: aws-chunked`:

    <hex size>[;chunk-signature=<sig>]\\r\\n<data>\\r\\n      (repeated)
    0[;chunk-signature=<sig>]\\r\\n
    x-amz-checksum-crc32:<base64>\\r\\n                      (trailers named by x-amz-trailer)
    [x-amz-trailer-signature:<sig>\\r\\n]
    \\r\\n

`decoded_payload_stream(request)` gives the provider a file object of the decoded bytes. It decodes
as it is read, keeping only a small buffer, and computes the checksums the request names
(`x-amz-checksum-*` header or trailer, `Content-MD5`). S3's error is raised from `read()` at the
point a problem shows: broken framing, a decoded length that differs from
`x-amz-decoded-content-length`, or a checksum that does not match. Once the end is reached the
verified values are on the stream (`checksums`, `content_md5`, `decoded_size`).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable
from typing import BinaryIO, Protocol

from stratus.protocol import checksums
from stratus.protocol.errors import ServiceError
from stratus.protocol.http import HttpRequest
from stratus.protocol.payload_integrity import (
    BadDigest,
    InvalidChunkSizeError,
    InvalidRequest,
    PayloadIntegrity,
    length_mismatch,
    malformed_trailer,
    payload_integrity,
    require_computable,
    terminated,
)

# Every chunk but the last must carry at least this much data (S3's rule for aws-chunked bodies).
MIN_CHUNK_SIZE = 8192
# Bytes pulled from the raw body at a time while parsing framing.
READ_BLOCK = 64 * 1024
# A chunk header or trailer line longer than this is garbage, not a header: stop buffering it.
MAX_LINE = 4096
MAX_TRAILER_LINES = 16

_CHUNK_SIZE = re.compile(rb"[0-9a-fA-F]{1,16}")
_TRAILER_SIGNATURE = "x-amz-trailer-signature"


# ---- the aws-chunked framing ----------------------------------------------------------------------


class ChunkSignatureCheck(Protocol):
    """Verifies the per-chunk signatures of a signed aws-chunked body (STREAMING-AWS4-*).

    Hook for SigV4 verification (auth/sigv4.py): it knows the seed signature and signing key;
    the decoder hands it each chunk's signature and the SHA-256 of that chunk's data, in order, and
    then the trailer's signature with the trailing headers. Raise a ServiceError to reject.
    """

    def chunk(self, signature: str | None, data_sha256: bytes) -> None: ...

    def trailer(self, signature: str | None, headers: list[tuple[str, str]]) -> None: ...


class _DecodingStream(io.RawIOBase):
    """A readable stream over another one; subclasses implement `read(size)`."""

    def __init__(self, source: BinaryIO) -> None:
        super().__init__()
        self._source = source

    def readable(self) -> bool:
        return True

    def readall(self) -> bytes:
        parts = []
        while piece := self.read(READ_BLOCK * 16):
            parts.append(piece)
        return b"".join(parts)

    def readinto(self, buffer) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._source.close()
        super().close()


class AwsChunkedReader(_DecodingStream):
    """The data of an aws-chunked body, decoded as it is read; framing errors raise S3's error.

    `read(n)` returns n bytes unless the end is reached. After the end, `trailers` holds the
    trailing headers (lower-cased names) and `decoded_size` the number of data bytes.
    """

    def __init__(
        self,
        raw: BinaryIO,
        *,
        decoded_length: int | None = None,
        trailer_names: Iterable[str] = (),
        signature_check: ChunkSignatureCheck | None = None,
    ) -> None:
        super().__init__(raw)
        self._decoded_length = decoded_length
        self._trailer_names = frozenset(name.lower() for name in trailer_names)
        self._signature_check = signature_check
        self._buffer = bytearray()
        self._pos = 0
        self._chunk_left = 0  # data bytes of the current chunk not yet returned
        self._after_data = False  # a chunk's data was read and its CRLF is still to come
        self._chunk_count = 0
        self._last_chunk_size = 0
        self._chunk_signature: str | None = None
        self._chunk_hash = None
        self._declared_total = 0
        self._failure: ServiceError | None = None
        self.finished = False
        self.decoded_size = 0
        self.trailers: dict[str, str] = {}

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self.readall()
        parts: list[bytes] = []
        wanted = size
        while wanted > 0:
            piece = self._read_some(wanted)
            if not piece:
                break
            parts.append(piece)
            wanted -= len(piece)
        return b"".join(parts)

    # -- decoding --

    def _read_some(self, limit: int) -> bytes:
        """Up to `limit` data bytes from the current chunk, parsing framing as needed; b"" at the end."""
        if self._failure is not None:
            raise self._failure
        try:
            while not self.finished:
                if self._chunk_left == 0:
                    self._next_chunk()
                    continue
                piece = self._take(min(limit, self._chunk_left))
                if not piece:
                    raise terminated()
                self._chunk_left -= len(piece)
                self.decoded_size += len(piece)
                if self._chunk_hash is not None:
                    self._chunk_hash.update(piece)
                return piece
            return b""
        except ServiceError as error:
            self._failure = error
            raise

    def _next_chunk(self) -> None:
        if self._after_data:
            self._expect_crlf()
            self._after_data = False
            self._check_signature()
        line = self._read_line()
        if line is None:
            raise terminated()
        size_text, _, extensions = line.partition(b";")
        size_text = size_text.strip(b" \t")
        if not _CHUNK_SIZE.fullmatch(size_text):
            raise terminated()
        size = int(size_text, 16)
        self._chunk_signature = _chunk_signature(extensions)
        self._chunk_hash = hashlib.sha256() if self._signature_check is not None else None
        if size and self._chunk_count and self._last_chunk_size < MIN_CHUNK_SIZE:
            raise InvalidChunkSizeError(
                "Only the last chunk is allowed to have a size less than 8192 bytes",
                Chunk=self._chunk_count,
                BadChunkSize=self._last_chunk_size,
            )
        self._chunk_count += 1
        self._last_chunk_size = size
        self._declared_total += size
        expected = self._decoded_length
        if expected is not None and (
            self._declared_total > expected or (size == 0 and self._declared_total != expected)
        ):
            raise length_mismatch()
        if size == 0:
            self._check_signature()
            self._read_trailers()
            self.finished = True
            return
        self._chunk_left = size
        self._after_data = True

    def _check_signature(self) -> None:
        # The SigV4 chunk-signature chain is verified by the hook, when auth provides one.
        if self._signature_check is not None and self._chunk_hash is not None:
            self._signature_check.chunk(self._chunk_signature, self._chunk_hash.digest())

    def _read_trailers(self) -> None:
        headers: list[tuple[str, str]] = []
        signature: str | None = None
        while True:
            line = self._read_line()
            if line is None:
                raise terminated()
            if not line:
                break
            if len(headers) >= MAX_TRAILER_LINES:
                raise malformed_trailer()
            name, colon, value = line.partition(b":")
            if not colon:
                raise malformed_trailer()
            try:
                key, text = name.decode("ascii").strip().lower(), value.decode("ascii").strip()
            except UnicodeDecodeError:
                raise malformed_trailer() from None
            if key == _TRAILER_SIGNATURE:
                signature = text
            elif key in self._trailer_names and key not in self.trailers:
                self.trailers[key] = text
                headers.append((key, text))
            else:
                raise malformed_trailer()
        if self._signature_check is not None:
            self._signature_check.trailer(signature, headers)

    # -- the raw body, through a small buffer --

    def _fill(self) -> bool:
        data = self._source.read(READ_BLOCK)
        if not data:
            return False
        if self._pos:
            del self._buffer[: self._pos]
            self._pos = 0
        self._buffer += data
        return True

    def _read_line(self) -> bytes | None:
        """The next CRLF-terminated line without its CRLF; None if the body ends first."""
        searched = self._pos
        while True:
            end = self._buffer.find(b"\r\n", searched)
            if end >= 0:
                line = bytes(self._buffer[self._pos : end])
                self._pos = end + 2
                return line
            if len(self._buffer) - self._pos > MAX_LINE:
                raise terminated()
            # resume the search where it stopped (less one byte: a CR may end the buffer)
            searched = max(self._pos, len(self._buffer) - 1)
            unread = searched - self._pos
            if not self._fill():
                return None
            searched = self._pos + unread

    def _expect_crlf(self) -> None:
        while len(self._buffer) - self._pos < 2:
            if not self._fill():
                raise terminated()
        if self._buffer[self._pos : self._pos + 2] != b"\r\n":
            raise terminated()
        self._pos += 2

    def _take(self, limit: int) -> bytes:
        """Up to `limit` raw bytes: what is buffered first, else straight from the body."""
        available = len(self._buffer) - self._pos
        if available:
            count = min(available, limit)
            data = bytes(self._buffer[self._pos : self._pos + count])
            self._pos += count
            return data
        return self._source.read(limit)


def _chunk_signature(extensions: bytes) -> str | None:
    for extension in extensions.split(b";"):
        name, _, value = extension.partition(b"=")
        if name.strip() == b"chunk-signature":
            return value.strip().decode("ascii", "replace")
    return None


# ---- checksums over the decoded bytes -------------------------------------------------------------


class VerifiedBody(_DecodingStream):
    """Passes a body through, computing its checksums; at the end verifies them and the framing.

    Reading is where errors surface: the final `read()` raises BadDigest (or the framing error)
    instead of returning the last bytes. Afterwards `checksums` maps each x-amz-checksum algorithm
    to its verified (or computed) base64 value, `content_md5` is the verified Content-MD5, and
    `decoded_size` the number of bytes delivered.
    """

    def __init__(
        self,
        source: BinaryIO,
        integrity: PayloadIntegrity,
        *,
        expected_size: int | None = None,
        compute: Iterable[str] = (),
    ) -> None:
        super().__init__(source)
        self._integrity = integrity
        # When the size is known, the end is checked as soon as the last byte is read, so a caller
        # that reads exactly the length and stops still gets the verification.
        self._expected_size = expected_size
        algorithms = [*integrity.expected, *([integrity.trailer] if integrity.trailer else [])]
        algorithms += [name.upper() for name in compute if name.upper() not in algorithms]
        for name in algorithms:
            require_computable(name)
        self._running = {name: checksums.new_checksum(name) for name in algorithms}
        self._md5 = hashlib.md5(usedforsecurity=False) if integrity.content_md5 is not None else None
        self._pending = b""
        self._failure: ServiceError | None = None
        self.finished = False
        self.decoded_size = 0
        self.checksums: dict[str, str] = {}
        self.content_md5: str | None = None

    def read(self, size: int | None = -1) -> bytes:
        if self._failure is not None:
            raise self._failure
        if size is None or size < 0:
            return self.readall()
        if size == 0:
            return b""
        try:
            return self._read(size)
        except ServiceError as error:
            self._failure = error
            raise

    def _read(self, size: int) -> bytes:
        parts: list[bytes] = []
        wanted = size
        if self._pending and wanted:
            parts.append(self._pending[:wanted])
            self._pending = self._pending[wanted:]
            wanted -= len(parts[0])
        while wanted > 0 and not self.finished:
            piece = self._source.read(wanted)
            if not piece:
                self._finish()
                break
            self._update(piece)
            parts.append(piece)
            wanted -= len(piece)
        if not self.finished and not self._pending and self._reached_expected_size():
            probe = self._source.read(1)
            if probe:
                self._update(probe)
                self._pending = probe
            else:
                self._finish()
        return b"".join(parts)

    def _reached_expected_size(self) -> bool:
        return self._expected_size is not None and self.decoded_size >= self._expected_size

    def _update(self, data: bytes) -> None:
        self.decoded_size += len(data)
        for running in self._running.values():
            running.update(data)
        if self._md5 is not None:
            self._md5.update(data)

    def _finish(self) -> None:
        integrity = self._integrity
        trailers = getattr(self._source, "trailers", {})
        expected = dict(integrity.expected)
        if integrity.trailer is not None:
            name = checksums.header_name(integrity.trailer)
            text = trailers.get(name)
            if text is None:
                raise malformed_trailer()
            digest = checksums.decode_checksum(integrity.trailer, text)
            if digest is None:
                raise InvalidRequest(f"Value for {name} trailing header is invalid.")
            expected[integrity.trailer] = digest
        computed = {name: running.digest() for name, running in self._running.items()}
        for name, digest in expected.items():
            if computed[name] != digest:
                raise BadDigest(f"The {name} you specified did not match the calculated checksum.")
        if self._md5 is not None:
            calculated = self._md5.digest()
            if calculated != integrity.content_md5:
                raise BadDigest(
                    "The Content-MD5 you specified did not match what we received.",
                    ExpectedDigest=checksums.to_base64(integrity.content_md5 or b""),
                    CalculatedDigest=checksums.to_base64(calculated),
                )
            self.content_md5 = checksums.to_base64(calculated)
        self.checksums = {name: checksums.to_base64(digest) for name, digest in computed.items()}
        self.finished = True


# ---- the entry point ------------------------------------------------------------------------------


def decoded_payload_stream(
    request: HttpRequest,
    *,
    compute: Iterable[str] = (),
    signature_check: ChunkSignatureCheck | None = None,
) -> BinaryIO:
    """The request's streaming payload, decoded and verified as it is read.

    Returns `request.body.stream()` itself when the body is neither aws-chunked nor carries a
    checksum (and `compute` asks for none); otherwise a `VerifiedBody`. `compute` names extra
    algorithms to calculate without verifying (S3 stores a CRC64NVME for every new object).
    Malformed integrity headers raise S3's error here, before any body is read.
    """
    integrity = payload_integrity(request.headers)
    compute = tuple(compute)
    if not integrity.needs_wrapping and not compute:
        return request.body.stream()
    source: BinaryIO = request.body.stream()
    expected_size: int | None = request.body.size
    if integrity.chunked:
        source = AwsChunkedReader(  # type: ignore[assignment]
            source,
            decoded_length=integrity.decoded_length,
            trailer_names=[checksums.header_name(integrity.trailer)] if integrity.trailer else [],
            signature_check=signature_check,
        )
        expected_size = integrity.decoded_length
    return VerifiedBody(source, integrity, expected_size=expected_size, compute=compute)  # type: ignore[return-value]
