"""The HTTP/S client of SNS deliveries, against real scripted servers on the loopback interface."""

import asyncio
import base64
import datetime
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass, field

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from stratus.services.sns import http_client
from stratus.services.sns.http_client import DeliveryConnectionError, HttpResult

try:
    import uvloop
except ImportError:  # not on Windows
    uvloop = None

LOOPS = ["asyncio", pytest.param("uvloop", marks=pytest.mark.skipif(uvloop is None, reason="no uvloop"))]


def run(coroutine, loop="asyncio"):
    factory = uvloop.new_event_loop if loop == "uvloop" else None
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(asyncio.wait_for(coroutine, 10))


# ---------------------------------------------------------------------------- a scripted server


@dataclass
class ReceivedRequest:
    request_line: str
    headers: list[tuple[str, str]]
    body: bytes


@dataclass
class Endpoint:
    """Answers every request with the bytes of `response`; records what arrived.

    close_after: close the connection after answering (else wait for the client to close it).
    silent: read the request, then never answer.
    """

    response: bytes = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    close_after: bool = False
    silent: bool = False
    host: str = "127.0.0.1"
    tls: ssl.SSLContext | None = None
    requests: list[ReceivedRequest] = field(default_factory=list)
    client_closed: asyncio.Event = field(default_factory=asyncio.Event)

    async def __aenter__(self):
        self._server = await asyncio.start_server(self._handle, self.host, 0, ssl=self.tls)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info):
        self._server.close()
        await self._server.wait_closed()

    def url(self, path="/", scheme=None, userinfo=""):
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme or ('https' if self.tls else 'http')}://{userinfo}{host}:{self.port}{path}"

    async def _handle(self, reader, writer):
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *lines = head.decode("utf-8").split("\r\n")[:-2]
            headers = [tuple(line.split(": ", 1)) for line in lines]
            length = int(next(v for k, v in headers if k.lower() == "content-length"))
            self.requests.append(ReceivedRequest(request_line, headers, await reader.readexactly(length)))
            if not self.silent:
                writer.write(self.response)
                await writer.drain()
            if self.close_after:
                return
            while await reader.read(65536):  # until the client closes its end
                pass
            self.client_closed.set()
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            self.client_closed.set()
        finally:
            writer.close()


async def exchange(endpoint, path="/", *, body=b"{}", headers=(), userinfo="", **options):
    async with endpoint:
        result = await http_client.post(endpoint.url(path, userinfo=userinfo), body, list(headers), **options)
        # The client must have closed its connection (and the server seen it) by the time post returns.
        if not endpoint.close_after:
            await asyncio.wait_for(endpoint.client_closed.wait(), 2)
        return result


# ---------------------------------------------------------------------------- responses


@pytest.mark.parametrize("loop", LOOPS)
def test_content_length_response(loop):
    endpoint = Endpoint(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Reply: yes\r\n\r\nhello")
    result = run(exchange(endpoint), loop)
    assert result == HttpResult(200, [("Content-Length", "5"), ("X-Reply", "yes")], b"hello")


def test_chunked_response():
    response = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
    )
    result = run(exchange(Endpoint(response)))
    assert result.status == 200
    assert result.body == b"hello world"
    assert ("Transfer-Encoding", "chunked") in result.headers


def test_close_delimited_response():
    endpoint = Endpoint(
        b"HTTP/1.0 202 Accepted\r\nContent-Type: text/plain\r\n\r\nuntil the end", close_after=True
    )
    result = run(exchange(endpoint))
    assert result == HttpResult(202, [("Content-Type", "text/plain")], b"until the end")


def test_error_status_is_a_result_not_an_exception():
    endpoint = Endpoint(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops")
    result = run(exchange(endpoint))
    assert result.status == 500 and result.body == b"oops"


def test_status_line_without_reason_and_no_content_status():
    result = run(exchange(Endpoint(b"HTTP/1.1 204\r\nX: y\r\n\r\n")))
    assert result == HttpResult(204, [("X", "y")], b"")


def test_interim_responses_are_skipped():
    response = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
    result = run(exchange(Endpoint(response)))
    assert result == HttpResult(201, [("Content-Length", "2")], b"ok")


@pytest.mark.parametrize(
    "framing",
    [
        b"Content-Length: 100000\r\n\r\n" + b"x" * 100000,
        b"Transfer-Encoding: chunked\r\n\r\n" + (b"2710\r\n" + b"x" * 10000 + b"\r\n") * 10 + b"0\r\n\r\n",
    ],
    ids=["content-length", "chunked"],
)
def test_body_is_cut_at_max_body(framing):
    result = run(exchange(Endpoint(b"HTTP/1.1 200 OK\r\n" + framing), max_body=1000))
    assert result.body == b"x" * 1000


def test_close_delimited_body_is_cut_at_max_body():
    endpoint = Endpoint(b"HTTP/1.1 200 OK\r\n\r\n" + b"y" * 50000, close_after=True)
    assert run(exchange(endpoint, max_body=10)).body == b"y" * 10


# ---------------------------------------------------------------------------- the request


def test_request_is_exactly_what_was_asked_for():
    endpoint = Endpoint()
    body = '{"Type" : "Notification", "Message" : "héllo"}'.encode()
    headers = [
        ("x-amz-sns-message-type", "Notification"),
        ("x-amz-sns-message-id", "165545c9-2a5c-472c-8df2-7ff2be2b3b1b"),
        ("x-amz-sns-topic-arn", "arn:aws:sns:us-west-2:123456789012:MyTopic"),
        ("x-amz-sns-subscription-arn", "arn:aws:sns:us-west-2:123456789012:MyTopic:2bcfbf39"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("User-Agent", "Amazon Simple Notification Service Agent"),
    ]
    run(exchange(endpoint, "/hooks/sns?topic=a%2Fb&x=1&x=2", body=body, headers=headers))
    [request] = endpoint.requests
    assert request.request_line == "POST /hooks/sns?topic=a%2Fb&x=1&x=2 HTTP/1.1"
    assert request.headers == [
        ("Host", f"127.0.0.1:{endpoint.port}"),
        *headers,
        ("Content-Length", str(len(body))),
        ("Connection", "close"),
    ]
    assert request.body == body


def test_empty_path_is_sent_as_slash():
    endpoint = Endpoint()
    run(exchange(endpoint, ""))
    assert endpoint.requests[0].request_line == "POST / HTTP/1.1"


def test_callers_framing_headers_are_replaced():
    endpoint = Endpoint()
    headers = [("Content-Length", "999"), ("Connection", "keep-alive"), ("Host", "evil"), ("X-Keep", "1")]
    run(exchange(endpoint, body=b"abc", headers=headers))
    assert endpoint.requests[0].headers == [
        ("Host", f"127.0.0.1:{endpoint.port}"),
        ("X-Keep", "1"),
        ("Content-Length", "3"),
        ("Connection", "close"),
    ]


def test_basic_auth_from_the_url():
    endpoint = Endpoint()
    run(exchange(endpoint, "/secure", userinfo="sns-user:p%40ss:word@"))
    [request] = endpoint.requests
    expected = base64.b64encode(b"sns-user:p@ss:word").decode()
    assert ("Authorization", f"Basic {expected}") in request.headers
    assert ("Host", f"127.0.0.1:{endpoint.port}") in request.headers  # no credentials in Host


def test_explicit_authorization_header_wins_over_url_credentials():
    endpoint = Endpoint()
    run(exchange(endpoint, userinfo="a:b@", headers=[("Authorization", "Bearer t")]))
    assert [v for k, v in endpoint.requests[0].headers if k == "Authorization"] == ["Bearer t"]


def test_header_injection_is_refused():
    with pytest.raises(ValueError):
        run(http_client.post("http://127.0.0.1:9/", b"", [("X-A", "b\r\nX-Injected: 1")]))
    with pytest.raises(ValueError):
        run(http_client.post("http://127.0.0.1:9/", b"", [("Bad Name", "v")]))


@pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6")
def test_ipv6_literal_host():
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        pytest.skip("::1 is not available")
    endpoint = Endpoint(host="::1")
    result = run(exchange(endpoint, "/v6"))
    assert result.status == 200
    [request] = endpoint.requests
    assert request.request_line == "POST /v6 HTTP/1.1"
    assert ("Host", f"[::1]:{endpoint.port}") in request.headers


@pytest.mark.parametrize(
    "url, host_header, port, target",
    [
        ("http://example.com", "example.com", 80, "/"),
        ("http://Example.COM:80/a", "example.com", 80, "/a"),
        ("https://example.com:443/a?b=c", "example.com", 443, "/a?b=c"),
        ("https://example.com:8443/", "example.com:8443", 8443, "/"),
        ("http://[2001:db8::1]/x", "[2001:db8::1]", 80, "/x"),
        ("http://[2001:db8::1]:8080/x#fragment", "[2001:db8::1]:8080", 8080, "/x"),
        ("http://h/a b/ü?q=a b", "h", 80, "/a%20b/%C3%BC?q=a%20b"),
        ("http://h/%7Euser/a%2Fb?x=%41", "h", 80, "/%7Euser/a%2Fb?x=%41"),
    ],
)
def test_url_parts(url, host_header, port, target):
    parsed = http_client._parse_url(url)
    assert (parsed.host_header, parsed.port, parsed.request_target) == (host_header, port, target)


@pytest.mark.parametrize(
    "url", ["ftp://example.com/", "http:///path", "http://example.com:99999/", "example.com"]
)
def test_invalid_urls(url):
    with pytest.raises(DeliveryConnectionError, match="invalid endpoint URL"):
        run(http_client.post(url, b"", []))


# ---------------------------------------------------------------------------- failures


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("loop", LOOPS)
def test_connection_refused(loop):
    url = f"http://127.0.0.1:{free_port()}/"
    with pytest.raises(DeliveryConnectionError, match="refused"):
        run(http_client.post(url, b"{}", []), loop)


@pytest.mark.parametrize("loop", LOOPS)
def test_silent_server_times_out(loop):
    endpoint = Endpoint(silent=True)
    started = time.monotonic()
    with pytest.raises(DeliveryConnectionError, match=r"timed out after 0\.3 s"):
        run(exchange(endpoint, timeout=0.3), loop)
    assert time.monotonic() - started < 1.5
    assert len(endpoint.requests) == 1  # the request did arrive; the answer never came


def test_timeout_bounds_a_slow_body():
    # Headers arrive at once, the promised body never does: the whole exchange is bounded.
    endpoint = Endpoint(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
    with pytest.raises(DeliveryConnectionError, match="timed out"):
        run(exchange(endpoint, timeout=0.3))


def test_dns_failure():
    with pytest.raises(DeliveryConnectionError, match="DNS lookup of no-such-host.invalid failed"):
        run(http_client.post("http://no-such-host.invalid/", b"", [], timeout=5))


@pytest.mark.parametrize(
    "response, message",
    [
        (b"", "closed the connection before a complete response"),
        (b"SSH-2.0-OpenSSH_9.6\r\n", "malformed response"),
        (b"HTTP/1.1 2000 OK\r\n\r\n", "malformed response"),
        (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "malformed response"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n", "malformed response"),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
            "closed the connection before a complete response",
        ),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "malformed response"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n", "closed the connection before a complete response"),
    ],
    ids=[
        "nothing",
        "not-http",
        "bad-status",
        "bad-header",
        "bad-length",
        "short-body",
        "bad-chunk",
        "no-blank-line",
    ],
)
def test_broken_responses(response, message):
    endpoint = Endpoint(response, close_after=True)
    with pytest.raises(DeliveryConnectionError, match=message):
        run(exchange(endpoint))


def test_reset_by_the_server():
    async def scenario():
        async def reset(reader, writer):
            await reader.readuntil(b"\r\n\r\n")
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            writer.transport.abort()  # linger 0: the close sends RST

        server = await asyncio.start_server(reset, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            await http_client.post(f"http://127.0.0.1:{port}/", b"", [])
        finally:
            server.close()

    with pytest.raises(DeliveryConnectionError, match="reset by the endpoint"):
        run(scenario())


def test_error_messages_do_not_reveal_url_credentials():
    port = free_port()
    with pytest.raises(DeliveryConnectionError) as caught:
        run(http_client.post(f"http://user:secret@127.0.0.1:{port}/path?token=x", b"", []))
    assert str(caught.value) == f"connection to http://127.0.0.1:{port}/path refused"


@pytest.mark.parametrize(
    "endpoint, options",
    [
        (lambda: Endpoint(), {}),
        (lambda: Endpoint(b"HTTP/1.1 200 OK\r\nbroken\r\n\r\n"), {}),
        (lambda: Endpoint(silent=True), {"timeout": 0.2}),
    ],
    ids=["success", "malformed", "timeout"],
)
def test_connection_is_closed_whatever_the_outcome(monkeypatch, endpoint, options):
    # Holding the writers keeps them from being closed by garbage collection: only post() may close them.
    writers = []
    open_connection = asyncio.open_connection

    async def recording_open_connection(*args, **kwargs):
        reader, writer = await open_connection(*args, **kwargs)
        writers.append(writer)
        return reader, writer

    monkeypatch.setattr(asyncio, "open_connection", recording_open_connection)

    async def scenario():
        server = endpoint()
        async with server:
            try:
                await http_client.post(server.url(), b"{}", [], **options)
            except DeliveryConnectionError:
                pass
            await asyncio.wait_for(server.client_closed.wait(), 2)  # the server saw the close
        return [writer.is_closing() for writer in writers]

    assert run(scenario()) == [True]


# ---------------------------------------------------------------------------- https


@pytest.fixture(scope="module")
def server_tls(tmp_path_factory):
    """A TLS server context with a fresh self-signed certificate for localhost and 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    directory = tmp_path_factory.mktemp("tls")
    (directory / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (directory / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(directory / "cert.pem", directory / "key.pem")
    return context


@pytest.mark.parametrize("loop", LOOPS)
def test_https_to_a_self_signed_endpoint_without_verification(server_tls, loop):
    endpoint = Endpoint(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecure", tls=server_tls)
    result = run(exchange(endpoint, "/tls?x=1", body=b"payload", userinfo="u:p@", verify_tls=False), loop)
    assert result.status == 200 and result.body == b"secure"
    [request] = endpoint.requests
    assert request.request_line == "POST /tls?x=1 HTTP/1.1"
    assert request.body == b"payload"
    assert ("Authorization", "Basic " + base64.b64encode(b"u:p").decode()) in request.headers


@pytest.mark.parametrize("loop", LOOPS)
def test_https_to_a_self_signed_endpoint_with_verification_fails(server_tls, loop):
    endpoint = Endpoint(tls=server_tls)
    with pytest.raises(DeliveryConnectionError, match="TLS certificate of .* failed verification"):
        run(exchange(endpoint, verify_tls=True), loop)
    assert endpoint.requests == []  # nothing was sent to an unverified endpoint


def test_https_to_a_plain_http_server_fails():
    async def scenario():
        async def plain_http(reader, writer):
            writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(plain_http, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            await http_client.post(f"https://127.0.0.1:{port}/", b"", [], verify_tls=False, timeout=2)
        finally:
            server.close()

    with pytest.raises(DeliveryConnectionError, match="TLS handshake with https://127.0.0.1:.* failed"):
        run(scenario())
