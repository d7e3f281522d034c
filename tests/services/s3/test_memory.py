"""Large bodies stream through the server: uploading and downloading an object far larger than
the spool does not raise the server's peak resident memory by more than a few MiB."""

from __future__ import annotations

import hashlib
import os
import signal
import sys

import pytest

from stratus.testing.process import client as new_client
from stratus.testing.process import free_port, start_server

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(os.environ.get("STRATUS_ENDPOINT")), reason="measures its own server's memory"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/<pid>/status"),
]

MIB = 1024 * 1024
BODY_MIB = int(os.environ.get("STRATUS_TEST_BODY_MIB", "384"))  # 5120 for the 5 GiB figure
ALLOWED_GROWTH_MIB = 24  # buffers in flight (1 MiB chunks, socket buffers), not the body


def _peak_rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc status")


class _PatternFile:
    """A readable, seekable file of `size` bytes generated on the fly (never whole in memory)."""

    def __init__(self, size: int) -> None:
        self._block = hashlib.sha256(b"stratus").digest() * (MIB // 32)
        self._size = size
        self._position = 0

    def read(self, size: int = -1) -> bytes:
        remaining = self._size - self._position
        wanted = remaining if size is None or size < 0 else min(size, remaining)
        wanted = min(wanted, MIB)
        offset = self._position % MIB
        data = (self._block[offset:] + self._block[:offset])[:wanted]
        self._position += len(data)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._position, 2: self._size}[whence]
        self._position = base + offset
        return self._position

    def tell(self) -> int:
        return self._position


def test_large_put_and_get_stream(tmp_path):
    port = free_port()
    server = start_server(tmp_path / "data", port)
    try:
        # The answer comes once the spooled body is hashed and stored: seconds for gigabytes.
        s3 = new_client("s3", port, read_timeout=600)
        s3.create_bucket(Bucket="big-bodies")
        s3.put_object(Bucket="big-bodies", Key="warm-up", Body=b"x" * (2 * MIB))  # touch every path once
        s3.get_object(Bucket="big-bodies", Key="warm-up")["Body"].read()
        before = _peak_rss_mib(server.pid)

        size = BODY_MIB * MIB
        expected = hashlib.md5(usedforsecurity=False)
        source = _PatternFile(size)
        while chunk := source.read(MIB):
            expected.update(chunk)
        put = s3.put_object(Bucket="big-bodies", Key="large", Body=_PatternFile(size), ContentLength=size)
        assert put["ETag"] == f'"{expected.hexdigest()}"'

        answer = s3.get_object(Bucket="big-bodies", Key="large")
        assert answer["ContentLength"] == size
        received = hashlib.md5(usedforsecurity=False)
        for chunk in answer["Body"].iter_chunks(MIB):
            received.update(chunk)
        assert received.hexdigest() == expected.hexdigest()

        growth = _peak_rss_mib(server.pid) - before
        print(f"peak RSS growth {growth:.1f} MiB for {BODY_MIB} MiB")
        assert growth < ALLOWED_GROWTH_MIB, f"peak RSS grew by {growth:.1f} MiB for a {BODY_MIB} MiB body"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
