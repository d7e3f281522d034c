"""Part and object bodies of multipart uploads: streaming a part (uploaded or copied) into a blob,
and concatenating parts into the object's blob, hashing on the way.

These functions only touch files, never the database, so the operations run them on a worker thread
for big bodies (`ctx.offload`) and do every write of rows back on the event loop. The caller opens
the source blobs before handing them over, which pins them: a blob deleted meanwhile stays
readable through the open file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import BinaryIO

from stratus.protocol import checksums
from stratus.services.s3.bodies import RangeReader
from stratus.services.s3.common import EntityTooLarge, _error, s3_error
from stratus.store import BlobStore

CHUNK = 1024 * 1024
MAX_PART_BYTES = 5 * 1024**3
EMPTY_MD5 = hashlib.md5(b"", usedforsecurity=False).hexdigest()
InternalError = _error("InternalError", 500, "We encountered an internal error. Please try again.")


@dataclass(frozen=True, slots=True)
class StoredPart:
    blob_id: str | None  # None for an empty body
    size: int
    md5: str  # hex
    checksum: str | None  # base64 of the algorithm asked for, if any


def store_stream(
    store: BlobStore, source: BinaryIO, algorithm: str | None = None, *, limit: int = MAX_PART_BYTES
) -> StoredPart:
    """Read `source` to its end into a new blob, computing its MD5 and, if asked, `algorithm`.

    Errors raised by the source while it is read (BadDigest from a verified request body) propagate
    and leave no blob behind.
    """
    running = checksums.new_checksum(algorithm) if algorithm else None
    with store.writer() as writer:
        while chunk := source.read(CHUNK):
            writer.write(chunk)
            if running is not None:
                running.update(chunk)
            if writer.size > limit:
                raise s3_error(EntityTooLarge, ProposedSize=writer.size, MaxSizeAllowed=limit)
        checksum = checksums.to_base64(running.digest()) if running is not None else None
        if writer.size == 0:
            return StoredPart(None, 0, EMPTY_MD5, checksum)  # the writer discards its empty file
        info = writer.commit()
    return StoredPart(info.id, info.size, info.md5, checksum)


def copy_range(
    store: BlobStore, source: BinaryIO | None, start: int, length: int, algorithm: str | None
) -> StoredPart:
    """A new blob of bytes [start, start + length) of an open blob (closed here), for UploadPartCopy."""
    if source is None or length == 0:
        if source is not None:
            source.close()
        return store_stream(store, _Empty(), algorithm)
    with RangeReader(source, length) as reader:
        source.seek(start)
        stored = store_stream(store, reader, algorithm)  # type: ignore[arg-type]
    if stored.size != length:
        raise s3_error(InternalError)
    return stored


def open_blobs(store: BlobStore, blobs: list[tuple[str | None, int]]) -> list[tuple[BinaryIO | None, int]]:
    """Open each (blob id, size) for `concatenate` (None for an empty part), all or none."""
    opened: list[tuple[BinaryIO | None, int]] = []
    try:
        for blob_id, size in blobs:
            opened.append((store.open(blob_id) if blob_id else None, size))
    except BaseException:
        for source, _ in opened:
            if source is not None:
                source.close()
        raise
    return opened


def concatenate(
    store: BlobStore, sources: list[tuple[BinaryIO | None, int]], algorithm: str | None
) -> StoredPart:
    """One new blob holding the open part blobs (closed here) one after another; `checksum` is the
    full-object `algorithm` over the result, if asked."""
    running = checksums.new_checksum(algorithm) if algorithm else None
    try:
        with store.writer() as writer:
            for source, size in sources:
                copied = 0
                while source is not None and (chunk := source.read(CHUNK)):
                    writer.write(chunk)
                    if running is not None:
                        running.update(chunk)
                    copied += len(chunk)
                if copied != size:  # a part's blob does not hold what its row says
                    raise s3_error(InternalError)
            checksum = checksums.to_base64(running.digest()) if running is not None else None
            if writer.size == 0:
                return StoredPart(None, 0, EMPTY_MD5, checksum)
            info = writer.commit()
    finally:
        for source, _ in sources:
            if source is not None:
                source.close()
    return StoredPart(info.id, info.size, info.md5, checksum)


class _Empty:
    def read(self, size: int = -1) -> bytes:
        return b""
