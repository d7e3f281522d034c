"""Uploads interrupted by SIGKILL: every acknowledged object reads back byte-identical after a
restart, no partial object is visible, and no orphan body file outlives the next start."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import threading

import pytest

from stratus.testing.process import client as new_client
from stratus.testing.process import free_port, kill_during, start_server

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(os.environ.get("STRATUS_ENDPOINT")), reason="starts and kills its own servers"),
]


def _body(worker: int, n: int) -> bytes:
    # Mixed sizes: small bodies written inline, bigger ones on a worker thread.
    size = (1 + (n * 7919 + worker) % 40) * 16 * 1024
    return hashlib.sha256(f"{worker}-{n}".encode()).digest() * (size // 32)


def _blob_files(data_dir) -> set[str]:
    root = data_dir / "blobs" / "s3"
    return {path.name for path in root.rglob("*") if path.is_file() and path.parent.name != "tmp"}


def test_kill_9_during_uploads(tmp_path):
    port = free_port()
    server = start_server(tmp_path, port)
    new_client("s3", port).create_bucket(Bucket="durable")
    acknowledged: dict[str, str] = {}
    stop, lock = threading.Event(), threading.Lock()

    def uploader(worker: int) -> None:
        client, n = new_client("s3", port), 0
        while not stop.is_set():
            key, body = f"w{worker}/object-{n}", _body(worker, n)
            try:
                client.put_object(Bucket="durable", Key=key, Body=body)
            except Exception:
                return  # the server is gone: not acknowledged
            with lock:
                acknowledged[key] = hashlib.sha256(body).hexdigest()
            n += 1

    kill_during(server, [lambda i=i: uploader(i) for i in range(3)], stop)
    assert len(acknowledged) > 20, len(acknowledged)

    server = start_server(tmp_path, port)
    try:
        s3 = new_client("s3", port)
        for key, digest in acknowledged.items():
            body = s3.get_object(Bucket="durable", Key=key)["Body"].read()
            assert hashlib.sha256(body).hexdigest() == digest, key
        with sqlite3.connect(tmp_path / "s3.db") as db:
            rows = db.execute("SELECT key, size, blob_id FROM s3_objects").fetchall()
        for key, size, _ in rows:  # whatever got committed is whole
            assert size == len(s3.get_object(Bucket="durable", Key=key)["Body"].read()), key
        referenced = {blob_id for _, _, blob_id in rows if blob_id}
        assert _blob_files(tmp_path) == referenced  # no orphan body after the restart
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=15)
