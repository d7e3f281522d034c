"""The load loop: replay pre-built requests over keep-alive sockets and measure the answers.

Each client thread owns one persistent connection and sends one request at a time (no
pipelining), so latency is a request's full round trip and ops/s is what N synchronous
clients get. The response reader is a minimal HTTP/1.1 parser over a raw socket: it only
finds the status, the body length and whether the connection stays open, which keeps the
client's own cost per request to a few microseconds.
"""

from __future__ import annotations

import math
import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bench.workloads import RawRequest

RECV_SIZE = 65536
ERROR_SAMPLE_BYTES = 400
# A thread gives up after this many failures in a row (refused connections, timeouts ...).
MAX_CONSECUTIVE_FAILURES = 20


class ConnectionLost(Exception):
    """The server closed the connection before a whole response arrived."""


def endpoint_address(endpoint: str) -> tuple[str, int]:
    url = urlsplit(endpoint)
    if url.scheme != "http":
        raise ValueError(f"only http:// endpoints are supported, not {endpoint!r}")
    return url.hostname or "127.0.0.1", url.port or 80


class KeepAliveConnection:
    """One persistent HTTP/1.1 connection; reconnects (and counts it) when the server closes."""

    def __init__(self, host: str, port: int, timeout: float = 30.0) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.connects = 0
        self._sock: socket.socket | None = None
        self._leftover = b""

    def connect(self) -> None:
        self.close()
        sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock
        self._leftover = b""
        self.connects += 1

    def ensure_connected(self) -> None:
        if self._sock is None:
            self.connect()

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def exchange(self, request: RawRequest) -> tuple[int, bytes]:
        """Send one request and return (status, body); retries once on a stale connection."""
        fresh = self._sock is None
        if fresh:
            self.connect()
        try:
            self._sock.sendall(request.wire)
            return self._read_response(request.expects_body)
        except (ConnectionLost, ConnectionResetError, BrokenPipeError):
            if fresh:
                raise
            # The server dropped an idle keep-alive connection: what any client does is retry.
            self.connect()
            self._sock.sendall(request.wire)
            return self._read_response(request.expects_body)

    def _recv(self) -> bytes:
        chunk = self._sock.recv(RECV_SIZE)
        if not chunk:
            raise ConnectionLost("connection closed by the server")
        return chunk

    def _read_response(self, expects_body: bool) -> tuple[int, bytes]:
        buffer = self._leftover
        while True:
            head_end = buffer.find(b"\r\n\r\n")
            while head_end < 0:
                buffer += self._recv()
                head_end = buffer.find(b"\r\n\r\n")
            head = buffer[:head_end]
            buffer = buffer[head_end + 4 :]
            status = int(head[9:12])
            if status >= 200 or status == 101:
                break
            # 1xx interim answer (100 Continue): the real one follows.

        lower = head.lower()
        keep_alive = b"\r\nconnection: close" not in lower
        if head.startswith(b"HTTP/1.0"):
            keep_alive = b"\r\nconnection: keep-alive" in lower

        if not expects_body or status in (204, 304):
            body = b""
        elif (length := _header_int(lower, b"\r\ncontent-length:")) is not None:
            while len(buffer) < length:
                buffer += self._recv()
            body, buffer = buffer[:length], buffer[length:]
        elif b"\r\ntransfer-encoding: chunked" in lower:
            body, buffer = self._read_chunked(buffer)
        else:  # no framing: the body runs until the server closes
            parts = [buffer]
            while chunk := self._sock.recv(RECV_SIZE):
                parts.append(chunk)
            body, buffer, keep_alive = b"".join(parts), b"", False

        self._leftover = buffer
        if not keep_alive:
            self.close()
        return status, body

    def _read_chunked(self, buffer: bytes) -> tuple[bytes, bytes]:
        parts = []
        while True:
            while (line_end := buffer.find(b"\r\n")) < 0:
                buffer += self._recv()
            size = int(buffer[:line_end].split(b";", 1)[0], 16)
            buffer = buffer[line_end + 2 :]
            if size == 0:  # last chunk; trailer lines follow, up to an empty line
                while True:
                    while (line_end := buffer.find(b"\r\n")) < 0:
                        buffer += self._recv()
                    line, buffer = buffer[:line_end], buffer[line_end + 2 :]
                    if not line:
                        return b"".join(parts), buffer
            while len(buffer) < size + 2:
                buffer += self._recv()
            parts.append(buffer[:size])
            buffer = buffer[size + 2 :]


def _header_int(lower_head: bytes, marker: bytes) -> int | None:
    start = lower_head.find(marker)
    if start < 0:
        return None
    end = lower_head.find(b"\r\n", start + 2)
    return int(lower_head[start + len(marker) : end if end >= 0 else None])


@dataclass
class ThreadTally:
    """What one client thread saw; merged into a RunResult after the run."""

    latencies_ns: list[int] = field(default_factory=list)
    errors: int = 0
    status_counts: dict[int, int] = field(default_factory=dict)
    error_sample: str | None = None
    failure: str | None = None  # why the thread stopped early, if it did
    connects: int = 0


@dataclass
class RunResult:
    workload: str
    endpoint: str
    threads: int
    duration_s: float
    ok: int
    errors: int
    reconnects: int  # connections opened beyond one per thread: keep-alive not honoured
    ops_per_s: float | None  # successful answers per second; None when nothing succeeded
    p50_ms: float | None
    p99_ms: float | None
    mean_ms: float | None
    error_statuses: dict[int, int]  # status -> count, for the non-2xx answers (0: no answer)
    error_sample: str | None = None
    failure: str | None = None
    # Client CPU seconds per wall second (1.0 = one core busy). The client's threads share
    # one GIL, so near 1.0 the client, not the server, sets the pace.
    client_cpu_share: float | None = None

    @property
    def all_errors(self) -> bool:
        return self.ok == 0

    def to_json(self) -> dict:
        return {
            "workload": self.workload,
            "endpoint": self.endpoint,
            "threads": self.threads,
            "duration_s": round(self.duration_s, 3),
            "ok": self.ok,
            "errors": self.errors,
            "reconnects": self.reconnects,
            "ops_per_s": None if self.ops_per_s is None else round(self.ops_per_s, 1),
            "p50_ms": _round(self.p50_ms),
            "p99_ms": _round(self.p99_ms),
            "mean_ms": _round(self.mean_ms),
            "error_statuses": {str(code): count for code, count in sorted(self.error_statuses.items())},
            "error_sample": self.error_sample,
            "failure": self.failure,
            "client_cpu_share": _round(self.client_cpu_share),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def percentile(sorted_values: list[int], pct: float) -> int:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, math.ceil(pct / 100.0 * len(sorted_values)))
    return sorted_values[rank - 1]


def _client_loop(
    connection: KeepAliveConnection,
    requests: list[RawRequest],
    first_index: int,
    start: threading.Barrier,
    deadline_ns: list[int],
    max_requests: int,
    tally: ThreadTally,
) -> None:
    perf_ns = time.perf_counter_ns
    latencies = tally.latencies_ns
    pool_size = len(requests)
    index = first_index
    consecutive_failures = 0
    start.wait()
    deadline = deadline_ns[0]
    for _ in range(max_requests):
        request = requests[index % pool_size]
        index += 1
        began = perf_ns()
        try:
            status, body = connection.exchange(request)
        except OSError as error:  # refused, reset, timed out: an error answer, not a crash
            status, body = 0, f"{type(error).__name__}: {error}".encode()
        except (ConnectionLost, ValueError) as error:
            status, body = 0, f"{type(error).__name__}: {error}".encode()
        ended = perf_ns()
        if 200 <= status < 300:
            latencies.append(ended - began)
            consecutive_failures = 0
        else:
            tally.errors += 1
            tally.status_counts[status] = tally.status_counts.get(status, 0) + 1
            if tally.error_sample is None:
                tally.error_sample = f"{status} {request.method} {request.target}: " + body[
                    :ERROR_SAMPLE_BYTES
                ].decode("utf-8", "replace")
            if status == 0:
                connection.close()
                consecutive_failures += 1
                if consecutive_failures >= MAX_CONSECUTIVE_FAILURES:
                    tally.failure = f"stopped after {consecutive_failures} failed requests in a row"
                    break
        if ended >= deadline:
            break
    tally.connects = connection.connects


def run_load(
    workload_name: str,
    endpoint: str,
    requests: list[RawRequest],
    threads: int,
    duration_s: float,
    max_requests_per_thread: int = 2_000_000,
) -> RunResult:
    """Drive `threads` synchronous clients for `duration_s` and summarise what they measured."""
    host, port = endpoint_address(endpoint)
    connections = [KeepAliveConnection(host, port) for _ in range(threads)]
    for connection in connections:
        connection.connect()  # connect before the clock starts
    tallies = [ThreadTally() for _ in range(threads)]
    deadline_ns = [0]
    # The last party to arrive sets the deadline, so every thread starts on the same clock.
    start = threading.Barrier(threads + 1)
    workers = [
        threading.Thread(
            target=_client_loop,
            args=(
                connections[i],
                requests,
                i * len(requests) // threads,
                start,
                deadline_ns,
                max_requests_per_thread,
                tallies[i],
            ),
            name=f"bench-client-{i}",
            daemon=True,
        )
        for i in range(threads)
    ]
    for worker in workers:
        worker.start()
    cpu_began = time.process_time()  # all threads of this process: the client's own cost
    began = time.perf_counter_ns()
    deadline_ns[0] = began + int(duration_s * 1e9)
    start.wait()
    for worker in workers:
        worker.join(timeout=duration_s + 60)  # bounded even if a server stops answering
    elapsed_s = (time.perf_counter_ns() - began) / 1e9
    client_cpu_s = time.process_time() - cpu_began
    for connection in connections:
        connection.close()
    result = summarise(workload_name, endpoint, threads, elapsed_s, tallies)
    result.client_cpu_share = client_cpu_s / elapsed_s if elapsed_s > 0 else None
    return result


def summarise(
    workload_name: str, endpoint: str, threads: int, elapsed_s: float, tallies: list[ThreadTally]
) -> RunResult:
    latencies = sorted(ns for tally in tallies for ns in tally.latencies_ns)
    status_counts: dict[int, int] = {}
    for tally in tallies:
        for code, count in tally.status_counts.items():
            status_counts[code] = status_counts.get(code, 0) + count
    ok = len(latencies)
    return RunResult(
        workload=workload_name,
        endpoint=endpoint,
        threads=threads,
        duration_s=elapsed_s,
        ok=ok,
        errors=sum(t.errors for t in tallies),
        reconnects=sum(max(0, t.connects - 1) for t in tallies),
        ops_per_s=ok / elapsed_s if ok and elapsed_s > 0 else None,
        p50_ms=percentile(latencies, 50) / 1e6 if ok else None,
        p99_ms=percentile(latencies, 99) / 1e6 if ok else None,
        mean_ms=sum(latencies) / ok / 1e6 if ok else None,
        error_statuses=status_counts,
        error_sample=next((t.error_sample for t in tallies if t.error_sample), None),
        failure=next((t.failure for t in tallies if t.failure), None),
    )


def preflight(endpoint: str, request: RawRequest) -> tuple[int, bytes]:
    """Send one request on its own connection, so a broken workload is caught before timing."""
    host, port = endpoint_address(endpoint)
    connection = KeepAliveConnection(host, port, timeout=30.0)
    try:
        return connection.exchange(request)
    finally:
        connection.close()


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def wait_for_port(host: str, port: int, timeout_s: float) -> bool:
    """Poll until something accepts connections on (host, port), for at most `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=1.0).close()
            return True
        except OSError:
            time.sleep(0.01)
    return False
