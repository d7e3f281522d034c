"""A trivial keep-alive HTTP server that answers every request with a fixed STS-like reply.

Benchmarking it shows the ceiling of the client itself (request replay, response parsing,
loopback TCP) on this machine: no server measured with this tool can appear faster.

    python -m bench.ceiling --port 8999
"""

from __future__ import annotations

import argparse
import asyncio
import signal

# About the size of a real GetCallerIdentity answer, so the client parses a realistic reply.
_BODY = (
    b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
    b"<GetCallerIdentityResult><Arn>arn:aws:iam::000000000000:root</Arn>"
    b"<UserId>000000000000</UserId><Account>000000000000</Account></GetCallerIdentityResult>"
    b"<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId>"
    b"</ResponseMetadata></GetCallerIdentityResponse>"
)
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: "
    + str(len(_BODY)).encode()
    + b"\r\nx-amzn-RequestId: 00000000-0000-0000-0000-000000000000\r\n\r\n"
    + _BODY
)


class FixedReplyProtocol(asyncio.Protocol):
    """Frames requests by Content-Length (no chunked uploads) and answers each one."""

    def __init__(self) -> None:
        self._buffer = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer + data
        while (head_end := buffer.find(b"\r\n\r\n")) >= 0:
            head = buffer[:head_end].lower()
            marker = head.find(b"\r\ncontent-length:")
            length = 0
            if marker >= 0:
                line_end = head.find(b"\r\n", marker + 2)
                length = int(head[marker + 17 : line_end if line_end >= 0 else None])
            request_end = head_end + 4 + length
            if len(buffer) < request_end:
                break
            buffer = buffer[request_end:]
            self._transport.write(RESPONSE)
        self._buffer = buffer


async def serve(host: str, port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(FixedReplyProtocol, host, port, reuse_address=True)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with server:
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ceiling", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    try:
        import uvloop
    except ImportError:  # the stdlib loop is slower, but still well ahead of the client
        asyncio.run(serve(args.host, args.port))
    else:
        uvloop.run(serve(args.host, args.port))


if __name__ == "__main__":
    main()
