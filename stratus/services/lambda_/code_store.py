"""Deployment packages: checked, stored as blobs by generated id, extracted on demand.

A zip is checked as Lambda checks it (zipped 50 MB, unzipped 250 MB, must unzip), hashed
(CodeSha256 is the base64 SHA-256 of the zip) and written to the lambda blob store. Extraction
(for the execution core) goes to `<data_dir>/lambda-code/<blob id>/`, named by the blob id and
never by anything a user chose. Entries whose path is absolute or climbs out with `..` are
skipped, as are symlinks pointing outside the tree; Unix permission bits are kept, so a custom
runtime's `bootstrap` stays executable.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from stratus.services.lambda_.common import InvalidParameterValue, RequestEntityTooLarge
from stratus.store.blobs import BlobStore, validate_blob_id

MAX_ZIPPED_BYTES = 50 * 1024 * 1024  # a direct upload
MAX_UNZIPPED_BYTES = 262_144_000  # code and layers, unzipped
EXTRACT_DIR = "lambda-code"

BAD_ZIP_MESSAGE = "Could not unzip uploaded file. Please check your file, then try to upload again."
UNZIPPED_TOO_LARGE_MESSAGE = f"Unzipped size must be smaller than {MAX_UNZIPPED_BYTES} bytes"


def upload_too_large(operation: str) -> RequestEntityTooLarge:
    # Lambda measures the request, i.e. the base64 form of 50 MB: ceil(50 MiB / 3) * 4 + 3 bytes.
    return RequestEntityTooLarge(f"Request must be smaller than 69905067 bytes for the {operation} operation")


@dataclass(frozen=True, slots=True)
class CheckedCode:
    sha256: str  # base64, as CodeSha256
    size: int
    unzipped_size: int


def check_zip(body: bytes) -> CheckedCode:
    """Lambda's checks of a deployment package; CPU-bound for big zips (call through ctx.offload)."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise InvalidParameterValue(BAD_ZIP_MESSAGE) from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise InvalidParameterValue(UNZIPPED_TOO_LARGE_MESSAGE)
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    return CheckedCode(sha256=digest, size=len(body), unzipped_size=unzipped)


def store_zip(store: BlobStore, body: bytes) -> str:
    """Write the zip as a new blob; its id."""
    return store.write(body).id


def extract_dir(data_dir: Path, blob_id: str) -> Path:
    return Path(data_dir) / EXTRACT_DIR / validate_blob_id(blob_id)


def extracted_code(store: BlobStore, data_dir: Path, blob_id: str) -> Path:
    """The code's directory, extracted once (into a temporary directory renamed into place)."""
    target = extract_dir(data_dir, blob_id)
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{blob_id}.{os.getpid()}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        with store.open(blob_id) as file, zipfile.ZipFile(file) as archive:
            for info in archive.infolist():
                _extract_entry(archive, info, staging)
        try:
            os.rename(staging, target)
        except OSError:
            if not target.is_dir():  # another thread won the race otherwise
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def remove_extracted(data_dir: Path, blob_id: str) -> None:
    shutil.rmtree(extract_dir(data_dir, blob_id), ignore_errors=True)


def safe_member_path(name: str) -> PurePosixPath | None:
    """The relative path of a zip entry, or None when it is absolute or climbs out with `..`."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts or ":" in path.parts[0]:
        return None
    return path


def _extract_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, root: Path) -> None:
    relative = safe_member_path(info.filename)
    if relative is None:
        return
    destination = root.joinpath(*relative.parts)
    mode = info.external_attr >> 16
    if info.is_dir():
        destination.mkdir(parents=True, exist_ok=True)
        return
    destination.parent.mkdir(parents=True, exist_ok=True)
    if stat.S_ISLNK(mode):
        link = archive.read(info).decode("utf-8", "replace")
        resolved = PurePosixPath(*relative.parts[:-1], link)
        if PurePosixPath(link).is_absolute() or _climbs_out(resolved):
            return
        os.symlink(link, destination)
        return
    with archive.open(info) as source, open(destination, "wb") as sink:
        shutil.copyfileobj(source, sink, 1024 * 1024)
    permissions = stat.S_IMODE(mode)
    # Zips made without Unix attributes (e.g. on Windows) get Lambda's default: readable by all.
    os.chmod(destination, permissions | 0o444 if permissions else 0o644)


def _climbs_out(path: PurePosixPath) -> bool:
    depth = 0
    for part in path.parts:
        depth += -1 if part == ".." else (0 if part == "." else 1)
        if depth < 0:
            return True
    return False
