"""Large bodies (S3 objects, Lambda code, layer zips) as files named by generated ids (DESIGN.md §4).

A body is streamed in chunks into a temporary file in the same tree (digests computed on the way),
fsynced, then renamed into place: a blob is either absent or complete, never partial. Blob ids are
ours (random hex), never a user-supplied key, and are validated on every call, so no path can
escape the root. Files live in sharded directories (`ab/cd/abcd...`) so none holds millions.

Ordering with the database: write the blob first, then commit the row that references it; delete
the row first, then the blob after commit (`Database.notify`/listeners or simply after the `with`).
A crash in between leaves an unreferenced blob, which `ids()` lets a service collect; it never
leaves a row pointing at a missing body.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

CHUNK_SIZE = 1024 * 1024
TEMP_DIR = "tmp"
_BLOB_ID = re.compile(r"[0-9a-f]{32}")
_SHARD = re.compile(r"[0-9a-f]{2}")


class BlobNotFoundError(FileNotFoundError):
    pass


@dataclass(frozen=True, slots=True)
class BlobInfo:
    id: str
    size: int
    md5: str  # hex; S3's ETag of a single-part upload
    digests: dict[str, str] = field(default_factory=dict)  # extra hashlib algorithms asked for, hex


def new_blob_id() -> str:
    return secrets.token_hex(16)


def validate_blob_id(blob_id: str) -> str:
    if not isinstance(blob_id, str) or not _BLOB_ID.fullmatch(blob_id):
        raise ValueError(f"invalid blob id {blob_id!r:.80}")
    return blob_id


class BlobWriter:
    """An incremental write: `write()` chunks as they arrive, then `commit()` (or `abort()`).

    Lets a caller stream an async request body without this module knowing about asyncio.
    """

    def __init__(self, store: BlobStore, digests: Iterable[str] = ()) -> None:
        self._store = store
        self._md5 = hashlib.md5(usedforsecurity=False)
        self._extra = {name: hashlib.new(name) for name in digests}
        self.size = 0
        fd, temp_name = tempfile.mkstemp(dir=store.temp_dir, suffix=".tmp")
        self._temp_path = Path(temp_name)
        self._file: BinaryIO | None = os.fdopen(fd, "wb")

    def write(self, chunk: bytes | bytearray | memoryview) -> None:
        if self._file is None:
            raise ValueError("blob writer is already committed or aborted")
        self._file.write(chunk)
        self._md5.update(chunk)
        for digest in self._extra.values():
            digest.update(chunk)
        self.size += len(chunk)

    def commit(self) -> BlobInfo:
        if self._file is None:
            raise ValueError("blob writer is already committed or aborted")
        blob_id = new_blob_id()
        target = self._store.path(blob_id)
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self._temp_path, target)
        except BaseException:
            self.abort()
            raise
        if self._store.fsync_directories:
            _fsync_directory(target.parent)
        return BlobInfo(
            id=blob_id,
            size=self.size,
            md5=self._md5.hexdigest(),
            digests={name: digest.hexdigest() for name, digest in self._extra.items()},
        )

    def abort(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._temp_path.unlink(missing_ok=True)

    def __enter__(self) -> BlobWriter:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is not None or self._file is not None:
            self.abort()  # an exception, or the caller never committed


class BlobStore:
    def __init__(self, root: Path, *, fsync_directories: bool = False) -> None:
        self.root = Path(root)
        self.temp_dir = self.root / TEMP_DIR
        # fsyncing the directory after the rename makes the new name survive power loss, not just
        # a process crash; worth its cost only when the store runs with synchronous=FULL.
        self.fsync_directories = fsync_directories
        self.temp_dir.mkdir(parents=True, exist_ok=True)
        self.clean_temp()

    def path(self, blob_id: str) -> Path:
        validate_blob_id(blob_id)
        return self.root / blob_id[:2] / blob_id[2:4] / blob_id

    def writer(self, *, digests: Iterable[str] = ()) -> BlobWriter:
        self.temp_dir.mkdir(parents=True, exist_ok=True)  # clear() may have removed it
        return BlobWriter(self, digests)

    def write(
        self,
        source: Iterable[bytes] | BinaryIO | bytes | bytearray | memoryview,
        *,
        digests: Iterable[str] = (),
    ) -> BlobInfo:
        """Stream `source` (chunks, a binary file, or bytes) into a new blob."""
        with self.writer(digests=digests) as writer:
            if isinstance(source, bytes | bytearray | memoryview):
                writer.write(source)
            elif hasattr(source, "read"):
                while chunk := source.read(CHUNK_SIZE):
                    writer.write(chunk)
            else:
                for chunk in source:
                    writer.write(chunk)
            return writer.commit()

    def open(self, blob_id: str) -> BinaryIO:
        try:
            return open(self.path(blob_id), "rb")  # noqa: SIM115 - the caller closes it
        except FileNotFoundError:
            raise BlobNotFoundError(f"no blob {blob_id}") from None

    def read(self, blob_id: str) -> bytes:
        """The whole body; for small blobs only."""
        with self.open(blob_id) as file:
            return file.read()

    def exists(self, blob_id: str) -> bool:
        return self.path(blob_id).is_file()

    def size(self, blob_id: str) -> int:
        try:
            return self.path(blob_id).stat().st_size
        except FileNotFoundError:
            raise BlobNotFoundError(f"no blob {blob_id}") from None

    def delete(self, blob_id: str) -> bool:
        """Remove a blob; False if it was not there. Readers holding it open keep reading (POSIX)."""
        try:
            self.path(blob_id).unlink()
            return True
        except FileNotFoundError:
            return False

    def ids(self) -> Iterator[str]:
        """Every stored blob id (for collecting blobs no row references after a crash)."""
        for first in _shards(self.root):
            for second in _shards(first):
                for entry in second.iterdir():
                    if _BLOB_ID.fullmatch(entry.name) and entry.name.startswith(first.name + second.name):
                        yield entry.name

    def clean_temp(self) -> int:
        """Remove temporary files of writes that never committed (run at start). Returns how many."""
        removed = 0
        if self.temp_dir.is_dir():
            for entry in self.temp_dir.iterdir():
                with contextlib.suppress(FileNotFoundError):
                    entry.unlink()
                    removed += 1
        return removed

    def clear(self) -> None:
        """Remove every blob and temporary file (state reset)."""
        for shard in _shards(self.root):
            shutil.rmtree(shard, ignore_errors=True)
        self.clean_temp()


def _shards(directory: Path) -> Iterator[Path]:
    if not directory.is_dir():
        return
    for entry in directory.iterdir():
        if _SHARD.fullmatch(entry.name) and entry.is_dir():
            yield entry


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # e.g. Windows cannot open directories
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
