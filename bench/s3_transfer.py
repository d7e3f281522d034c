"""S3 transfer figures the ops/s runner does not give: a 100 MiB multipart upload, and 1 MiB
GETs against the physical limit (the same client reading a local 1 MiB file).

    python -m bench.s3_transfer --endpoint http://127.0.0.1:4566 [--compare URL] [--megabytes 100]

Reports seconds and MB/s of `upload_fileobj` (boto3's managed transfer, 8 MiB parts, 1 thread so
the figure is the server's, not the client's concurrency), and MB/s of 1 MiB GETs on one
keep-alive connection next to the same client's ceiling (a socket answering a canned 1 MiB reply)
and MB/s of reading a 1 MiB file from disk in a loop.
"""

from __future__ import annotations

import argparse
import http.client
import io
import os
import socket
import tempfile
import threading
import time
from urllib.parse import urlsplit

from boto3.s3.transfer import TransferConfig

from bench.workloads import _empty_bucket, _unique, boto3_client

MIB = 1024 * 1024


def multipart_upload(endpoint: str, megabytes: int) -> dict:
    s3 = boto3_client("s3", endpoint)
    bucket = _unique("bench-transfer")
    s3.create_bucket(Bucket=bucket)
    body = os.urandom(MIB) * megabytes
    config = TransferConfig(multipart_threshold=8 * MIB, multipart_chunksize=8 * MIB, max_concurrency=1)
    try:
        started = time.perf_counter()
        s3.upload_fileobj(io.BytesIO(body), bucket, "big", Config=config)
        seconds = time.perf_counter() - started
    finally:
        _empty_bucket(endpoint, bucket)
    return {
        "endpoint": endpoint,
        "upload_mib": megabytes,
        "seconds": round(seconds, 2),
        "MB/s": round(megabytes / seconds, 1),
    }


def get_throughput(endpoint: str, seconds: float = 3.0) -> dict:
    s3 = boto3_client("s3", endpoint)
    bucket = _unique("bench-get")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="one-mib", Body=os.urandom(MIB))
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "one-mib"}, ExpiresIn=600)
    parts = urlsplit(url)
    try:
        rate = _get_loop(parts.netloc, f"{parts.path}?{parts.query}", seconds)
    finally:
        _empty_bucket(endpoint, bucket)
    return {"endpoint": endpoint, "get_1mib_MB/s": rate}


def _get_loop(netloc: str, target: str, seconds: float) -> float:
    """MB/s of 1 MiB GETs of `target`, one at a time on one keep-alive connection."""
    connection = http.client.HTTPConnection(netloc)
    count, started = 0, time.perf_counter()
    try:
        while time.perf_counter() - started < seconds:
            connection.request("GET", target)
            answer = connection.getresponse()
            data = answer.read()
            if answer.status != 200 or len(data) != MIB:
                raise RuntimeError(f"GET answered {answer.status} with {len(data)} bytes")
            if answer.getheader("connection", "").lower() == "close":
                connection.close()
                connection = http.client.HTTPConnection(netloc)
            count += 1
        return round(count / (time.perf_counter() - started), 1)
    finally:
        connection.close()


def http_ceiling_throughput(seconds: float = 3.0) -> float:
    """The same GET loop against a socket that answers every request with a canned 1 MiB reply:
    what this client can receive over loopback HTTP at all (the physical limit for any server)."""
    reply = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % MIB + os.urandom(MIB)
    listener = socket.create_server(("127.0.0.1", 0))

    def answer_all() -> None:
        peer, _ = listener.accept()
        with peer:
            pending = b""
            while data := peer.recv(65536):
                pending += data
                while b"\r\n\r\n" in pending:
                    _, pending = pending.split(b"\r\n\r\n", 1)
                    peer.sendall(reply)

    threading.Thread(target=answer_all, daemon=True).start()
    try:
        return _get_loop(f"127.0.0.1:{listener.getsockname()[1]}", "/one-mib", seconds)
    finally:
        listener.close()


def file_read_throughput(seconds: float = 3.0) -> float:
    with tempfile.NamedTemporaryFile() as handle:
        handle.write(os.urandom(MIB))
        handle.flush()
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            with open(handle.name, "rb") as source:
                source.read()
            count += 1
        return round(count / (time.perf_counter() - started), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", default="http://127.0.0.1:4566")
    parser.add_argument("--compare", default=None)
    parser.add_argument("--megabytes", type=int, default=100)
    args = parser.parse_args()
    endpoints = [args.endpoint] + ([args.compare] if args.compare else [])
    for endpoint in endpoints:
        print(multipart_upload(endpoint, args.megabytes))
    for endpoint in endpoints:
        print(get_throughput(endpoint))
    print({"loopback_http_ceiling_1mib_MB/s": http_ceiling_throughput()})
    print({"local_file_read_1mib_MB/s": file_read_throughput()})


if __name__ == "__main__":
    main()
