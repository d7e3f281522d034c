"""The benchmark tool's plumbing works: arguments, request building, response framing.

No timing is asserted here; benchmarks report figures, they do not pass or fail on them.
"""

from __future__ import annotations

import socket
import threading

import pytest

from bench import runner
from bench.__main__ import DEFAULT_ENDPOINT, parse_args
from bench.workloads import WORKLOADS, RawRequest, Workload, build_requests, get_workload, register


def test_defaults_match_make_bench() -> None:
    args = parse_args([])
    assert args.endpoint == DEFAULT_ENDPOINT == "http://127.0.0.1:4566"
    assert args.threads == [1, 4]
    assert args.compare is None
    assert "sts.GetCallerIdentity" in args.workloads


def test_arguments_are_parsed() -> None:
    args = parse_args(
        [
            "--endpoint",
            "http://127.0.0.1:5000",
            "--compare",
            "http://127.0.0.1:4566",
            "--workload",
            "sts.GetCallerIdentity",
            "--duration",
            "2",
            "--threads",
            "1,2,8",
            "--json",
        ]
    )
    assert args.compare == "http://127.0.0.1:4566"
    assert args.workloads == ["sts.GetCallerIdentity"]
    assert args.duration == 2.0
    assert args.threads == [1, 2, 8]
    assert args.json


def test_unknown_workload_is_refused() -> None:
    with pytest.raises(SystemExit):
        parse_args(["--workload", "nope.Nothing"])


def test_get_caller_identity_request_is_signed_like_boto3() -> None:
    [request] = build_requests(get_workload("sts.GetCallerIdentity"), "http://127.0.0.1:4566")
    head, _, body = request.wire.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST / HTTP/1.1"
    headers = dict(line.split(": ", 1) for line in lines[1:])
    assert headers["Host"] == "127.0.0.1:4566"
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=test/")
    assert "/us-east-1/sts/aws4_request" in headers["Authorization"]
    assert int(headers["Content-Length"]) == len(body)
    assert body == b"Action=GetCallerIdentity&Version=2011-06-15"


def test_a_pool_varies_its_parameter() -> None:
    workload = Workload(
        name="sqs.GetQueueUrl-test",
        service="sqs",
        operation="GetQueueUrl",
        params=lambda prefix, i: {"QueueName": f"{prefix}-{i}"},
        pool_size=3,
    )
    requests = build_requests(workload, "http://127.0.0.1:4566", state="bench")
    assert len(requests) == 3
    assert [b"bench-%d" % i in r.wire for i, r in enumerate(requests)] == [True, True, True]
    assert workload.name not in WORKLOADS


def test_a_pool_without_varying_params_is_refused() -> None:
    with pytest.raises(ValueError):
        register(Workload(name="x.Y", service="sts", operation="GetCallerIdentity", pool_size=4))


def _serve_once(listener: socket.socket, replies: list[bytes]) -> None:
    """Accept one connection; answer each request (headers only, no body) with the next reply."""
    connection, _ = listener.accept()
    with connection:
        for reply in replies:
            received = b""
            while b"\r\n\r\n" not in received:
                received += connection.recv(4096)
            connection.sendall(reply)


@pytest.mark.parametrize(
    ("reply", "status", "body"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 200, b"hello"),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n",
            200,
            b"hello",
        ),
        (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno", 403, b"no"),
    ],
)
def test_responses_are_framed_on_a_kept_alive_connection(reply: bytes, status: int, body: bytes) -> None:
    request = RawRequest(method="GET", target="/", wire=b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    with socket.create_server(("127.0.0.1", 0)) as listener:
        server = threading.Thread(target=_serve_once, args=(listener, [reply, reply]), daemon=True)
        server.start()
        connection = runner.KeepAliveConnection("127.0.0.1", listener.getsockname()[1], timeout=5.0)
        assert connection.exchange(request) == (status, body)
        assert connection.exchange(request) == (status, body)
        assert connection.connects == 1
        connection.close()
        server.join(timeout=5)


def test_error_answers_are_counted_apart_from_throughput() -> None:
    tallies = [runner.ThreadTally(latencies_ns=[1_000_000, 2_000_000]), runner.ThreadTally(errors=3)]
    tallies[1].status_counts[500] = 3
    result = runner.summarise("w", "http://e", 2, 1.0, tallies)
    assert (result.ok, result.errors, result.error_statuses) == (2, 3, {500: 3})
    everything_failed = runner.summarise("w", "http://e", 1, 1.0, [runner.ThreadTally(errors=4)])
    assert everything_failed.all_errors
    assert everything_failed.ops_per_s is None
