"""Object bodies: streaming a request body into a blob (hashing on the way), and reading a blob
back whole or as a byte range, never holding a whole body in memory."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import BinaryIO

from stratus.services.s3.common import EntityTooLarge, s3_error
from stratus.store import BlobStore

CHUNK = 1024 * 1024
MAX_OBJECT_BYTES = 5 * 1024**4  # 5 TiB (a single PUT is limited to 5 GiB)
MAX_SINGLE_PUT_BYTES = 5 * 1024**3
OFFLOAD_ABOVE_BYTES = 256 * 1024  # bigger bodies are hashed and written on a worker thread


@dataclass(frozen=True, slots=True)
class StoredBody:
    blob_id: str | None  # None for an empty body (no file needed)
    size: int
    md5: str  # hex
    checksums: dict[str, str]  # algorithm -> base64, those the request carried (verified)


def store_body(store: BlobStore, body: object, *, limit: int = MAX_SINGLE_PUT_BYTES) -> StoredBody:
    """Read `body` (a stream, bytes or None) to its end into a new blob. Verification errors of
    the stream (BadDigest, ...) propagate and leave nothing behind."""
    source: BinaryIO = io.BytesIO(body) if isinstance(body, bytes | bytearray) else body  # type: ignore[assignment]
    with store.writer() as writer:
        if source is not None:
            while chunk := source.read(CHUNK):
                writer.write(chunk)
                if writer.size > limit:
                    raise s3_error(EntityTooLarge, ProposedSize=writer.size, MaxSizeAllowed=limit)
        info = None if writer.size == 0 else writer.commit()
    checksums = dict(getattr(source, "checksums", None) or {})
    if info is None:
        import hashlib

        return StoredBody(None, 0, hashlib.md5(b"", usedforsecurity=False).hexdigest(), checksums)
    return StoredBody(info.id, info.size, info.md5, checksums)


def copy_blob(store: BlobStore, blob_id: str | None, start: int = 0, length: int | None = None) -> StoredBody:
    """A new blob holding bytes [start, start+length) of another (a copy, so each version owns its file)."""
    if blob_id is None:
        return store_body(store, b"")
    with store.open(blob_id) as source:
        source.seek(start)
        return store_body(
            store, RangeReader(source, length) if length is not None else source, limit=MAX_OBJECT_BYTES
        )


class RangeReader(io.RawIOBase):
    """At most `length` bytes of a file from its current position; closes the file when closed."""

    def __init__(self, source: BinaryIO, length: int) -> None:
        self._source = source
        self._remaining = length

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._remaining <= 0:
            return b""
        wanted = self._remaining if size is None or size < 0 else min(size, self._remaining)
        data = self._source.read(wanted)
        self._remaining -= len(data)
        return data

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._source.close()
        super().close()


def open_range(store: BlobStore, blob_id: str | None, start: int, length: int) -> BinaryIO:
    """The body to send: the blob's bytes [start, start+length)."""
    if blob_id is None or length == 0:
        return io.BytesIO(b"")
    source = store.open(blob_id)
    source.seek(start)
    return RangeReader(source, length)  # type: ignore[return-value]
