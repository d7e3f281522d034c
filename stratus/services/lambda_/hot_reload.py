"""Hot reload: a function whose code is `S3Bucket="hot-reload"`, `S3Key="/absolute/dir"` (LocalStack's
convention, so existing scripts work) runs straight from that local directory. Nothing is copied;
before each invocation the directory's fingerprint (every file's path, size and mtime) is taken, at
most every FINGERPRINT_TTL seconds, and a change retires the warm environments, so the next
invocation starts with the edited code.

The function's code id (`code_blob_id`) is `hot-reload:<dir>`: no blob, nothing to discard.
"""

from __future__ import annotations

import base64
import hashlib
import os
import time
from dataclasses import dataclass, field

from stratus.services.lambda_.code_store import CheckedCode
from stratus.services.lambda_.common import InvalidParameterValue

HOT_RELOAD_BUCKET = "hot-reload"
CODE_ID_PREFIX = "hot-reload:"
FINGERPRINT_TTL = 0.3  # seconds between two walks of one directory
_SKIPPED_DIRS = frozenset({"__pycache__", ".git", ".mypy_cache", ".pytest_cache", ".ruff_cache"})


@dataclass(frozen=True, slots=True)
class HotReloadSource:
    directory: str


def source_of(bucket: str | None, key: str | None) -> HotReloadSource | None:
    """The directory a Code structure names for hot reload, checked; None for ordinary code."""
    if bucket != HOT_RELOAD_BUCKET or key is None:
        return None
    if not os.path.isabs(key) or not os.path.isdir(key):
        # Stratus's wording: the directory must exist on the machine Stratus runs on.
        raise InvalidParameterValue(
            f"Hot reload needs S3Key to be the absolute path of a directory on this machine; {key!r} is not one."
        )
    return HotReloadSource(os.path.normpath(key))


def checked(source: HotReloadSource) -> CheckedCode:
    """What the configuration shows: no package, so size 0 and the path's hash as CodeSha256."""
    digest = hashlib.sha256(source.directory.encode("utf-8")).digest()
    return CheckedCode(sha256=base64.b64encode(digest).decode("ascii"), size=0, unzipped_size=0)


def code_id(source: HotReloadSource) -> str:
    return CODE_ID_PREFIX + source.directory


def directory_of(code_blob_id: str) -> str | None:
    return code_blob_id[len(CODE_ID_PREFIX) :] if code_blob_id.startswith(CODE_ID_PREFIX) else None


def fingerprint(directory: str) -> str:
    """A digest of every file's relative path, size and modification time (blocking: a walk)."""
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS)
        for name in sorted(files):
            path = os.path.join(root, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue  # removed while walking
            digest.update(
                f"{os.path.relpath(path, directory)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode()
            )
    return digest.hexdigest()


@dataclass
class Fingerprints:
    """Recent fingerprints by directory, so a burst of invocations walks the directory once."""

    _cache: dict[str, tuple[float, str]] = field(default_factory=dict)

    def cached(self, directory: str) -> str | None:
        found = self._cache.get(directory)
        if found is not None and time.monotonic() - found[0] < FINGERPRINT_TTL:
            return found[1]
        return None

    def remember(self, directory: str, value: str) -> str:
        self._cache[directory] = (time.monotonic(), value)
        return value
