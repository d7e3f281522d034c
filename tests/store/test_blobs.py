"""BlobStore: atomic streamed writes, sharding, hostile ids, crash clean-up."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from stratus.store import BlobNotFoundError, BlobStore


def visible_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def test_write_read_delete(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "blobs")
    info = store.write([b"hello ", b"world"], digests=["sha256"])
    assert info.size == 11
    assert info.md5 == hashlib.md5(b"hello world").hexdigest()
    assert info.digests == {"sha256": hashlib.sha256(b"hello world").hexdigest()}
    assert store.exists(info.id)
    assert store.size(info.id) == 11
    with store.open(info.id) as body:
        assert body.read() == b"hello world"
    # sharded: ab/cd/abcd...
    assert store.path(info.id).relative_to(store.root).parts == (info.id[:2], info.id[2:4], info.id)
    assert list(store.ids()) == [info.id]
    assert store.delete(info.id) is True
    assert store.delete(info.id) is False
    assert not store.exists(info.id)
    with pytest.raises(BlobNotFoundError):
        store.open(info.id)


def test_sources_bytes_and_file(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    assert store.read(store.write(b"raw").id) == b"raw"
    assert store.read(store.write(io.BytesIO(b"from a file")).id) == b"from a file"
    assert store.write([]).size == 0


@pytest.mark.parametrize(
    "hostile",
    [
        "../x",
        "../../etc/passwd",
        "/etc/passwd",
        "a\x00b",
        "ab/cd",
        "",
        "A" * 32,
        "a" * 4096,
        "..",
        "0" * 31,
        "0" * 33,
    ],
)
def test_hostile_ids_rejected(tmp_path: Path, hostile: str) -> None:
    store = BlobStore(tmp_path)
    for call in (store.path, store.open, store.exists, store.delete, store.size):
        with pytest.raises(ValueError):
            call(hostile)


def test_crash_mid_stream_leaves_nothing(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)

    def failing_body() -> Iterator[bytes]:
        yield b"x" * 1000
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        store.write(failing_body())
    assert visible_files(tmp_path) == []
    assert list(store.ids()) == []


def test_orphaned_temp_files_cleaned_at_start(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    writer = store.writer()
    writer.write(b"half a body")  # the process "dies" here: never committed, never aborted
    assert len(visible_files(tmp_path)) == 1
    assert list(store.ids()) == []  # a temporary file is never a visible blob

    restarted = BlobStore(tmp_path)
    assert visible_files(tmp_path) == []
    assert list(restarted.ids()) == []


def test_incremental_writer_commit_and_abort(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    with store.writer() as writer:
        writer.write(b"abc")
        writer.write(memoryview(b"def"))
        info = writer.commit()
    assert store.read(info.id) == b"abcdef"
    with store.writer() as writer:
        writer.write(b"dropped")  # leaving the block without commit aborts
    assert list(store.ids()) == [info.id]
    assert visible_files(store.temp_dir) == []


def test_large_blob_streamed_in_chunks(tmp_path: Path) -> None:
    chunk = os.urandom(1024 * 1024)
    count = 50
    store = BlobStore(tmp_path)

    def body() -> Iterator[bytes]:
        for _ in range(count):
            yield chunk

    tracemalloc.start()
    try:
        info = store.write(body())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    expected = hashlib.md5()
    for _ in range(count):
        expected.update(chunk)
    assert info.size == count * len(chunk)
    assert info.md5 == expected.hexdigest()
    assert store.size(info.id) == info.size
    assert peak < 10 * len(chunk)  # a few chunks at most, never the whole 50 MB


def test_clear_removes_everything(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    ids = [store.write(b"x").id for _ in range(5)]
    store.writer().write(b"pending")
    store.clear()
    assert visible_files(tmp_path) == []
    assert not any(store.exists(blob_id) for blob_id in ids)
    assert store.read(store.write(b"after").id) == b"after"
