"""Object versions: the record, lookups, and the writes that keep versioning right.

Every write is one transaction: the new version row is inserted (its body blob already complete),
the key's previous latest version loses `is_latest`, and in an unversioned or suspended bucket the
previous `null` version is replaced. The blobs of replaced versions are returned to the caller,
which deletes them after the commit (a crash in between leaves an unreferenced blob, collected at
the next start; never a row without its body).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from stratus.services.s3.bucket_store import Bucket
from stratus.services.s3.common import dumps, loads
from stratus.store import Database

NULL_VERSION = "null"
VERSION_ID = re.compile(r"^[A-Za-z0-9._-]{1,1024}$")
MAX_KEY_BYTES = 1024


@dataclass(frozen=True, slots=True)
class ObjectVersion:
    object_id: int
    bucket: str
    key: str
    version_id: str
    is_latest: bool
    delete_marker: bool
    blob_id: str | None
    size: int
    etag: str
    last_modified: float
    storage_class: str
    owner_id: str
    headers: dict = field(default_factory=dict)  # ContentType, CacheControl, ... as the model names them
    metadata: dict = field(default_factory=dict)
    checksums: dict = field(default_factory=dict)  # {"CRC32": b64, ..., "type": "FULL_OBJECT" | "COMPOSITE"}
    parts: list | None = None  # [[size, checksums], ...] for a multipart object
    tags: dict = field(default_factory=dict)
    acl: dict | None = None
    extra: dict = field(default_factory=dict)
    inline_body: bytes | None = None  # a small body kept in the row instead of a blob


@dataclass(slots=True)
class NewVersion:
    """What a write stores; the store fills in ids, latest flags and times."""

    key: str
    owner_id: str
    last_modified: float
    blob_id: str | None = None
    size: int = 0
    etag: str = ""
    storage_class: str = "STANDARD"
    headers: dict = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)
    checksums: dict = field(default_factory=dict)
    parts: list | None = None
    tags: dict = field(default_factory=dict)
    acl: dict | None = None
    extra: dict = field(default_factory=dict)
    delete_marker: bool = False
    inline_body: bytes | None = None


def _version(row) -> ObjectVersion:
    return ObjectVersion(
        object_id=row["object_id"],
        bucket=row["bucket"],
        key=row["key"],
        version_id=row["version_id"],
        is_latest=bool(row["is_latest"]),
        delete_marker=bool(row["delete_marker"]),
        blob_id=row["blob_id"],
        size=row["size"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        storage_class=row["storage_class"],
        owner_id=row["owner_id"],
        headers=loads(row["headers"], {}),
        metadata=loads(row["metadata"], {}),
        checksums=loads(row["checksums"], {}),
        parts=loads(row["parts"]),
        tags=loads(row["tags"], {}),
        acl=loads(row["acl"]),
        extra=loads(row["extra"], {}),
        inline_body=row["inline_body"],
    )


def new_version_id() -> str:
    return secrets.token_urlsafe(24)  # 32 URL-safe characters, like S3's


def current(db: Database, bucket: str, key: str) -> ObjectVersion | None:
    """The key's latest version (possibly a delete marker), or None."""
    row = db.query_one(
        "SELECT * FROM s3_objects WHERE bucket = ? AND key = ? AND is_latest = 1", (bucket, key)
    )
    return _version(row) if row is not None else None


def by_version(db: Database, bucket: str, key: str, version_id: str) -> ObjectVersion | None:
    row = db.query_one(
        "SELECT * FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?", (bucket, key, version_id)
    )
    return _version(row) if row is not None else None


def from_row(row) -> ObjectVersion:
    return _version(row)


def write(db: Database, bucket: Bucket, new: NewVersion) -> tuple[ObjectVersion, list[str]]:
    """Store `new` as the key's latest version (call inside db.transaction()); returns it and the
    blob ids no longer referenced."""
    reclaimed: list[str] = []
    version_id = new_version_id() if bucket.versioned else NULL_VERSION
    if version_id == NULL_VERSION:
        reclaimed += _remove_version_rows(db, bucket.name, new.key, NULL_VERSION)
    db.execute(
        "UPDATE s3_objects SET is_latest = 0 WHERE bucket = ? AND key = ? AND is_latest = 1",
        (bucket.name, new.key),
    )
    cursor = db.execute(
        "INSERT INTO s3_objects (bucket, key, version_id, is_latest, delete_marker, blob_id, inline_body, size, "
        "etag, last_modified, storage_class, owner_id, headers, metadata, checksums, parts, tags, acl, extra) "
        "VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            bucket.name,
            new.key,
            version_id,
            int(new.delete_marker),
            new.blob_id,
            new.inline_body,
            new.size,
            new.etag,
            new.last_modified,
            new.storage_class,
            new.owner_id,
            dumps(new.headers),
            dumps(new.metadata),
            dumps(new.checksums),
            dumps(new.parts) if new.parts is not None else None,
            dumps(new.tags),
            dumps(new.acl) if new.acl is not None else None,
            dumps(new.extra),
        ),
    )
    row = db.query_one("SELECT * FROM s3_objects WHERE object_id = ?", (cursor.lastrowid,))
    return _version(row), reclaimed


def remove_version(
    db: Database, bucket: str, key: str, version_id: str
) -> tuple[ObjectVersion | None, list[str]]:
    """Delete one version for good (inside a transaction); the newest remaining one becomes latest."""
    removed = by_version(db, bucket, key, version_id)
    if removed is None:
        return None, []
    reclaimed = _remove_version_rows(db, bucket, key, version_id)
    if removed.is_latest:
        newest = db.query_one(
            "SELECT object_id FROM s3_objects WHERE bucket = ? AND key = ? ORDER BY object_id DESC LIMIT 1",
            (bucket, key),
        )
        if newest is not None:
            db.execute("UPDATE s3_objects SET is_latest = 1 WHERE object_id = ?", (newest[0],))
    return removed, reclaimed


def update(db: Database, version: ObjectVersion, **columns: object) -> None:
    """Change stored fields of one version in place (tags, acl, extra): JSON columns given as objects."""
    assignments, values = [], []
    for name, value in columns.items():
        assignments.append(f"{name} = ?")
        values.append(dumps(value) if isinstance(value, dict | list) else value)
    db.execute(
        f"UPDATE s3_objects SET {', '.join(assignments)} WHERE object_id = ?", (*values, version.object_id)
    )


def _remove_version_rows(db: Database, bucket: str, key: str, version_id: str) -> list[str]:
    rows = db.query(
        "SELECT object_id, blob_id FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?",
        (bucket, key, version_id),
    )
    for row in rows:
        db.execute("DELETE FROM s3_objects WHERE object_id = ?", (row["object_id"],))
    return [row["blob_id"] for row in rows if row["blob_id"]]
