"""A small asyncio HTTP/1.1 client for SNS's HTTP/S deliveries: one POST per connection.

SNS only needs the status code of a POST (and a little of the body for the delivery log), so this
is a client for exactly that: `Connection: close`, no redirects, no keep-alive pool, no new
dependency, and it runs on uvloop as well as on the plain asyncio loop. Every failure to get a
status line back (DNS, refused, reset, TLS, timeout, garbage) is one `DeliveryConnectionError`
whose message says which, so the delivery policy can retry it.
"""

from __future__ import annotations

import asyncio
import base64
import re
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
# Longest status or header line, and most header lines, accepted from an endpoint.
MAX_LINE = 65536
MAX_HEADERS = 256
# Interim (1xx) responses skipped before the final one; a server sending more is misbehaving.
MAX_INTERIM_RESPONSES = 16
# How long closing may take (a TLS close_notify exchange) before the socket is just dropped.
CLOSE_GRACE_SECONDS = 1.0
_READ_CHUNK = 65536
# The request framing is ours: these headers from the caller would contradict it.
_FRAMING_HEADERS = frozenset({"host", "content-length", "connection", "transfer-encoding"})
# Characters left as they are in the request target; the rest (spaces, non-ASCII) is %-encoded.
_TARGET_SAFE = "/:@!$&'()*+,;=?%-._~[]"
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an HTTP field name (RFC 9110 §5.1)


@dataclass(frozen=True)
class HttpResult:
    status: int
    headers: list[tuple[str, str]]  # as received, in order (names keep the server's case)
    body: bytes  # at most max_body bytes: the rest is not read


class DeliveryConnectionError(Exception):
    """No HTTP response: the endpoint could not be reached, or did not answer properly in time."""


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # without brackets, for connecting
    port: int
    request_target: str  # path and query, as sent on the request line
    host_header: str
    authorization: str | None  # from user:password@ in the URL
    display: str  # the URL without credentials, for messages


async def post(
    url: str,
    body: bytes,
    headers: list[tuple[str, str]],
    *,
    timeout: float = 15.0,
    verify_tls: bool = True,
    max_body: int = 65536,
) -> HttpResult:
    """POST `body` to `url` and return the response; the whole exchange is bounded by `timeout`."""
    target = _parse_url(url)
    request = _request_bytes(target, body, headers)
    writer: asyncio.StreamWriter | None = None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await _connect(target, verify_tls)
            writer.write(request)
            await writer.drain()
            return await _read_response(reader, max_body)
    except _Malformed as error:
        raise DeliveryConnectionError(f"malformed response from {target.display}: {error}") from None
    except TimeoutError as error:  # asyncio's deadline, or the OS's connect timeout
        raise DeliveryConnectionError(
            f"timed out after {timeout:g} s waiting for {target.display}"
        ) from error
    except socket.gaierror as error:
        raise DeliveryConnectionError(f"DNS lookup of {target.host} failed: {error.strerror}") from error
    except ConnectionRefusedError as error:
        raise DeliveryConnectionError(f"connection to {target.display} refused") from error
    except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError) as error:
        raise DeliveryConnectionError(f"connection to {target.display} reset by the endpoint") from error
    except ssl.SSLCertVerificationError as error:
        detail = error.verify_message or error.reason or str(error)
        raise DeliveryConnectionError(
            f"TLS certificate of {target.display} failed verification: {detail}"
        ) from error
    except ssl.SSLError as error:
        raise DeliveryConnectionError(
            f"TLS handshake with {target.display} failed: {error.reason or error}"
        ) from error
    except asyncio.IncompleteReadError as error:
        raise DeliveryConnectionError(
            f"{target.display} closed the connection before a complete response"
        ) from error
    except (asyncio.LimitOverrunError, ValueError) as error:  # a line longer than MAX_LINE
        raise DeliveryConnectionError(f"malformed response from {target.display}: {error}") from error
    except OSError as error:
        raise DeliveryConnectionError(
            f"connection to {target.display} failed: {error.strerror or error}"
        ) from error
    finally:
        if writer is not None:
            await _close(writer)


# ---------------------------------------------------------------------------- request


def _parse_url(url: str) -> _Target:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise DeliveryConnectionError(f"invalid endpoint URL: {error}") from error
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise DeliveryConnectionError("invalid endpoint URL: need http:// or https:// and a host")
    host = parts.hostname  # lower-cased, IPv6 brackets removed
    default_port = DEFAULT_PORTS[scheme]
    bracketed = f"[{host}]" if ":" in host else host
    host_header = bracketed if port in (None, default_port) else f"{bracketed}:{port}"
    path = parts.path or "/"
    request_target = quote(path + (f"?{parts.query}" if parts.query else ""), safe=_TARGET_SAFE)
    authorization = None
    if parts.username is not None:
        credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        authorization = "Basic " + base64.b64encode(credentials.encode("utf-8")).decode("ascii")
    return _Target(
        scheme=scheme,
        host=host,
        port=port or default_port,
        request_target=request_target,
        host_header=host_header,
        authorization=authorization,
        display=f"{scheme}://{host_header}{path}",
    )


def _request_bytes(target: _Target, body: bytes, headers: list[tuple[str, str]]) -> bytes:
    lines = [f"POST {target.request_target} HTTP/1.1", f"Host: {target.host_header}"]
    has_authorization = False
    for name, value in headers:
        if not _TOKEN.fullmatch(name) or any(c in value for c in "\r\n\0"):
            raise ValueError(f"invalid HTTP header {name!r}")
        lowered = name.lower()
        if lowered in _FRAMING_HEADERS:
            continue
        has_authorization = has_authorization or lowered == "authorization"
        lines.append(f"{name}: {value}")
    if target.authorization and not has_authorization:
        lines.append(f"Authorization: {target.authorization}")
    lines.append(f"Content-Length: {len(body)}")
    lines.append("Connection: close")
    head = "\r\n".join(lines) + "\r\n\r\n"
    return head.encode("utf-8") + body


async def _connect(target: _Target, verify_tls: bool) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    if target.scheme != "https":
        return await asyncio.open_connection(target.host, target.port, limit=MAX_LINE)
    return await asyncio.open_connection(
        target.host,
        target.port,
        ssl=_tls_context(verify_tls),
        server_hostname=target.host,
        limit=MAX_LINE,
    )


_tls_contexts: dict[bool, ssl.SSLContext] = {}


def _tls_context(verify: bool) -> ssl.SSLContext:
    """Built once: loading the system's CA store takes milliseconds."""
    context = _tls_contexts.get(verify)
    if context is None:
        context = ssl.create_default_context()
        if not verify:  # self-signed local endpoints
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        context = _tls_contexts.setdefault(verify, context)
    return context


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    try:
        async with asyncio.timeout(CLOSE_GRACE_SECONDS):
            await writer.wait_closed()
    except (TimeoutError, OSError):
        writer.transport.abort()
    except BaseException:  # cancelled while closing: drop the socket, then go on cancelling
        writer.transport.abort()
        raise


# ---------------------------------------------------------------------------- response


class _Malformed(Exception):
    """The endpoint answered something that is not an HTTP/1.x response."""


async def _read_response(reader: asyncio.StreamReader, max_body: int) -> HttpResult:
    for _ in range(MAX_INTERIM_RESPONSES + 1):
        status = await _read_status(reader)
        headers = await _read_headers(reader)
        if not 100 <= status < 200 or status == 101:
            break
    else:
        raise _Malformed("too many interim (1xx) responses")
    if status in (204, 304) or 100 <= status < 200:
        return HttpResult(status, headers, b"")
    return HttpResult(status, headers, await _read_body(reader, headers, max_body))


async def _read_status(reader: asyncio.StreamReader) -> int:
    line = await reader.readline()
    if not line:
        raise asyncio.IncompleteReadError(line, None)  # closed without answering
    version, _, rest = line.decode("latin-1").rstrip("\r\n").partition(" ")
    code = rest[:3]
    if (
        not version.startswith("HTTP/1.")
        or len(code) != 3
        or not code.isdigit()
        or rest[3:4] not in ("", " ")
    ):
        raise _Malformed(f"bad status line {line[:100]!r}")
    return int(code)


async def _read_headers(reader: asyncio.StreamReader) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    while True:
        raw = await reader.readline()
        if not raw:
            raise asyncio.IncompleteReadError(raw, None)
        line = raw.decode("latin-1").rstrip("\r\n")
        if not line:
            return headers
        if line[0] in " \t" and headers:  # obsolete line folding: continues the previous value
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {line.strip()}")
            continue
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            raise _Malformed(f"bad header line {raw[:100]!r}")
        headers.append((name, value.strip()))
        if len(headers) > MAX_HEADERS:
            raise _Malformed(f"more than {MAX_HEADERS} headers")


def _header_values(headers: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in headers if key.lower() == name]


async def _read_body(reader: asyncio.StreamReader, headers: list[tuple[str, str]], max_body: int) -> bytes:
    codings = [
        coding.strip().lower()
        for value in _header_values(headers, "transfer-encoding")
        for coding in value.split(",")
        if coding.strip()
    ]
    if codings:
        if codings[-1] == "chunked":
            return await _read_chunked(reader, max_body)
        return await _read_until_close(reader, max_body)  # RFC 9112 §6.3: then close delimits it
    lengths = {value.strip() for value in _header_values(headers, "content-length")}
    if not lengths:
        return await _read_until_close(reader, max_body)
    length = lengths.pop() if len(lengths) == 1 else ""
    if not length.isdigit():
        raise _Malformed("invalid Content-Length")
    return await reader.readexactly(min(int(length), max_body))


async def _read_until_close(reader: asyncio.StreamReader, max_body: int) -> bytes:
    body = bytearray()
    while len(body) < max_body:
        chunk = await reader.read(min(_READ_CHUNK, max_body - len(body)))
        if not chunk:
            break
        body += chunk
    return bytes(body)


async def _read_chunked(reader: asyncio.StreamReader, max_body: int) -> bytes:
    body = bytearray()
    while True:
        size_line = await reader.readline()
        if not size_line.endswith(b"\n"):
            raise asyncio.IncompleteReadError(size_line, None)
        size_text = size_line.split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise _Malformed(f"bad chunk size {size_line[:40]!r}") from None
        if size < 0 or not size_text.isalnum():
            raise _Malformed(f"bad chunk size {size_line[:40]!r}")
        if size == 0:
            await _read_headers(reader)  # trailers, ignored
            return bytes(body)
        wanted = max_body - len(body)
        if size >= wanted:  # enough kept: the rest is not needed (the connection is closed anyway)
            body += await reader.readexactly(wanted)
            return bytes(body)
        body += await reader.readexactly(size)
        if await reader.readexactly(2) != b"\r\n":
            raise _Malformed("chunk not followed by CRLF")
