"""Plain HTTP request/response records passed between the gateway and the protocol layer.

Nothing below the gateway sees ASGI; nothing above the provider sees these.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass, field
from typing import BinaryIO
from urllib.parse import parse_qsl, unquote

# Bodies up to this size stay in memory; larger ones spill to a temporary file.
SPOOL_IN_MEMORY_BYTES = 1024 * 1024


class RequestBody:
    """A request body that may be larger than memory.

    `read()` gives the whole body as bytes (for the protocols whose payload is a document);
    `stream()` gives a file object positioned at the start (for streaming blob payloads).
    """

    __slots__ = ("_memory", "_file", "size")

    def __init__(self, data: bytes = b"", file: BinaryIO | None = None, size: int | None = None):
        self._memory = data
        self._file = file
        self.size = len(data) if file is None else (size or 0)

    @classmethod
    def spooled(cls) -> SpoolingWriter:
        return SpoolingWriter()

    def read(self) -> bytes:
        if self._file is None:
            return self._memory
        self._file.seek(0)
        return self._file.read()

    def stream(self) -> BinaryIO:
        if self._file is None:
            return io.BytesIO(self._memory)
        self._file.seek(0)
        return self._file

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


class SpoolingWriter:
    """Collects body chunks in memory, moving them to a temporary file past the spool size."""

    __slots__ = ("_chunks", "_size", "_file")

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._size = 0
        self._file: BinaryIO | None = None

    def write(self, chunk: bytes) -> None:
        if not chunk:
            return
        self._size += len(chunk)
        if self._file is not None:
            self._file.write(chunk)
            return
        self._chunks.append(chunk)
        if self._size > SPOOL_IN_MEMORY_BYTES:
            self._file = tempfile.TemporaryFile(prefix="stratus-body-")  # noqa: SIM115 - closed with the request
            for part in self._chunks:
                self._file.write(part)
            self._chunks = []

    @property
    def size(self) -> int:
        return self._size

    def finish(self) -> RequestBody:
        if self._file is None:
            return RequestBody(b"".join(self._chunks))
        self._file.flush()
        return RequestBody(file=self._file, size=self._size)


@dataclass(slots=True)
class HttpRequest:
    method: str
    path: str  # percent-encoded, as received (without the query string)
    query_string: str = ""  # raw, as received
    headers: dict[str, str] = field(default_factory=dict)  # keys lower-cased; repeats joined by ","
    body: RequestBody = field(default_factory=RequestBody)
    _query: dict[str, list[str]] | None = None
    # Set by signature verification on a signed streaming upload (aws_chunked.ChunkSignatureCheck).
    chunk_signature_check: object | None = None

    @property
    def query(self) -> dict[str, list[str]]:
        """Query parameters, decoded; a name without '=' maps to ['']."""
        if self._query is None:
            parsed: dict[str, list[str]] = {}
            for name, value in parse_qsl(self.query_string, keep_blank_values=True):
                parsed.setdefault(name, []).append(value)
            self._query = parsed
        return self._query

    @property
    def decoded_path(self) -> str:
        return unquote(self.path)

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)


@dataclass(slots=True)
class HttpResponse:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    # bytes, or a binary file object / iterator of bytes for streaming payloads
    body: object = b""

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None
