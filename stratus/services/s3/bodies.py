"""Object bodies: streaming a request body into a blob (hashing on the way), and reading a blob
back whole or as a byte range, never holding a whole body in memory."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import BinaryIO

from stratus.services.s3.common import EntityTooLarge, s3_error
from stratus.store import BlobStore

CHUNK = 1024 * 1024
MAX_OBJECT_BYTES = 5 * 1024**4  # 5 TiB (a single PUT is limited to 5 GiB)
MAX_SINGLE_PUT_BYTES = 5 * 1024**3
OFFLOAD_ABOVE_BYTES = 256 * 1024  # bigger bodies are hashed and written on a worker thread
INLINE_MAX_BYTES = 64 * 1024  # object bodies up to this size live in their row, not in a file


@dataclass(frozen=True, slots=True)
class StoredBody:
    blob_id: str | None  # None for an empty or inline body (no file)
    size: int
    md5: str  # hex
    checksums: dict[str, str]  # algorithm -> base64, those the request carried (verified)
    inline: bytes | None = None  # a small body, to be kept in its row


def store_body(
    store: BlobStore, body: object, *, limit: int = MAX_SINGLE_PUT_BYTES, inline_max: int = INLINE_MAX_BYTES
) -> StoredBody:
    """Read `body` (a stream, bytes or None) to its end: at most `inline_max` bytes are returned
    inline, more go into a new blob. Verification errors of the stream (BadDigest, ...) propagate
    and leave nothing behind."""
    source: BinaryIO = io.BytesIO(body) if isinstance(body, bytes | bytearray) else body  # type: ignore[assignment]
    head = b""
    if source is not None:
        while len(head) <= inline_max:  # a stream may answer a read with fewer bytes than asked
            chunk = source.read(inline_max + 1 - len(head))
            if not chunk:
                break
            head += chunk
    if len(head) <= inline_max:
        checksums = dict(getattr(source, "checksums", None) or {})
        md5 = hashlib.md5(head, usedforsecurity=False).hexdigest()
        return StoredBody(None, len(head), md5, checksums, inline=head if head else None)
    with store.writer() as writer:
        writer.write(head)
        while chunk := source.read(CHUNK):
            writer.write(chunk)
            if writer.size > limit:
                raise s3_error(EntityTooLarge, ProposedSize=writer.size, MaxSizeAllowed=limit)
        info = writer.commit()
    checksums = dict(getattr(source, "checksums", None) or {})
    return StoredBody(info.id, info.size, info.md5, checksums)


def copy_body(store: BlobStore, blob_id: str | None, inline: bytes | None) -> StoredBody:
    """A copy of a version's body (each version owns its file, so deletes never share one)."""
    if blob_id is None:
        return store_body(store, inline or b"")
    with store.open(blob_id) as source:
        return store_body(store, source, limit=MAX_OBJECT_BYTES)


def open_body(
    store: BlobStore, blob_id: str | None, inline: bytes | None, start: int, length: int
) -> BinaryIO:
    """The bytes [start, start+length) of a body, wherever it is kept."""
    if blob_id is None:
        return io.BytesIO((inline or b"")[start : start + length])
    return open_range(store, blob_id, start, length)


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
