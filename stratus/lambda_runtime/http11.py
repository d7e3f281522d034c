"""Just enough HTTP/1.1 for the Lambda Runtime API: one request at a time per connection,
keep-alive, Content-Length and chunked bodies, `Expect: 100-continue`.

The runtime clients we serve (awslambdaric's libcurl-based client, `curl` in a shell
bootstrap, the Node.js and Go runtime libraries) only use this small subset, and a
hand-written reader lets us cap a body at the payload limit while still draining it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from email.utils import formatdate

MAX_HEADER_BYTES = 64 * 1024
_READ_CHUNK = 256 * 1024

REASONS = {
    100: "Continue",
    200: "OK",
    202: "Accepted",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Request Entity Too Large",
    500: "Internal Server Error",
}


class BadRequest(Exception):
    """The bytes on the connection are not an HTTP/1.x request we can answer."""


@dataclass
class Request:
    method: str
    path: str
    version: str
    headers: dict[str, str]  # lower-cased names
    body: bytes = b""
    body_size: int = 0  # the full size, also when `body` was cut at the limit
    body_truncated: bool = False
    keep_alive: bool = True

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    def encode(self, *, keep_alive: bool) -> bytes:
        lines = [f"HTTP/1.1 {self.status} {REASONS.get(self.status, 'Unknown')}"]
        lines.extend(f"{name}: {value}" for name, value in self.headers)
        lines.append(f"Date: {formatdate(usegmt=True)}")
        lines.append(f"Content-Length: {len(self.body)}")
        if not keep_alive:
            lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + self.body


async def read_request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, max_body: int
) -> Request | None:
    """Read one request; None when the peer closed the connection between requests.

    A body longer than `max_body` is read to its end (so the connection stays usable)
    but only its first `max_body + 1` bytes are kept.
    """
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if not exc.partial.strip():
            return None
        raise BadRequest("connection closed inside the request head") from exc
    except asyncio.LimitOverrunError as exc:
        raise BadRequest("request head too large") from exc
    if len(head) > MAX_HEADER_BYTES:
        raise BadRequest("request head too large")
    request = _parse_head(head)
    if request.header("expect") and request.header("expect").lower() == "100-continue":
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        await writer.drain()
    sink = _BodySink(max_body)
    transfer_encoding = (request.header("transfer-encoding") or "").lower()
    if "chunked" in transfer_encoding:
        await _read_chunked(reader, sink)
    elif request.header("content-length") is not None:
        try:
            length = int(request.header("content-length"))
        except ValueError as exc:
            raise BadRequest("bad Content-Length") from exc
        if length < 0:
            raise BadRequest("bad Content-Length")
        await _read_exactly(reader, length, sink)
    request.body, request.body_size, request.body_truncated = sink.result()
    return request


def _parse_head(head: bytes) -> Request:
    try:
        text = head.decode("latin-1")
    except UnicodeDecodeError as exc:  # pragma: no cover - latin-1 decodes anything
        raise BadRequest("undecodable head") from exc
    request_line, *header_lines = text[:-4].split("\r\n")
    parts = request_line.split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise BadRequest(f"bad request line {request_line!r}")
    method, target, version = parts
    headers: dict[str, str] = {}
    for line in header_lines:
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            raise BadRequest(f"bad header line {line!r}")
        headers[name.lower()] = value.strip()
    connection = headers.get("connection", "").lower()
    keep_alive = "close" not in connection and (version == "HTTP/1.1" or "keep-alive" in connection)
    path = target.split("?", 1)[0]
    return Request(method=method, path=path, version=version, headers=headers, keep_alive=keep_alive)


class _BodySink:
    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._parts: list[bytes] = []
        self._kept = 0
        self._size = 0

    def feed(self, data: bytes) -> None:
        self._size += len(data)
        room = self._limit + 1 - self._kept
        if room > 0:
            piece = data[:room]
            self._parts.append(piece)
            self._kept += len(piece)

    def result(self) -> tuple[bytes, int, bool]:
        return b"".join(self._parts), self._size, self._size > self._limit


async def _read_exactly(reader: asyncio.StreamReader, length: int, sink: _BodySink) -> None:
    remaining = length
    while remaining:
        data = await reader.read(min(remaining, _READ_CHUNK))
        if not data:
            raise BadRequest("connection closed inside the body")
        sink.feed(data)
        remaining -= len(data)


async def _read_chunked(reader: asyncio.StreamReader, sink: _BodySink) -> None:
    while True:
        try:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";", 1)[0].strip(), 16)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            raise BadRequest("bad chunk size line") from exc
        if size == 0:
            break
        await _read_exactly(reader, size, sink)
        if await _read_line(reader) != b"\r\n":
            raise BadRequest("chunk not followed by CRLF")
    while await _read_line(reader) != b"\r\n":  # trailers, ignored
        pass


async def _read_line(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readuntil(b"\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
        raise BadRequest("truncated chunked body") from exc
