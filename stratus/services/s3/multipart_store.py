"""Multipart uploads and their parts: the records, upload ids, and the queries on `s3_uploads` and
`s3_parts`.

A part's body is a blob that belongs to its row; replacing or dropping the row returns the blob id
to the caller, which deletes the blob after the commit (object_store.py does the same for versions).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from stratus.services.s3.common import NoSuchUpload, dumps, loads, s3_error
from stratus.store import Database

# Upload ids sort in creation order (AWS lists the uploads of one key by initiation time, and pages
# through them with an upload-id marker compared lexicographically): a fixed-width timestamp in an
# alphabet whose ASCII order is its numeric order, then random characters.
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_TIME_WIDTH = 10
_RANDOM_WIDTH = 48


@dataclass(frozen=True, slots=True)
class Upload:
    upload_id: str
    bucket: str
    key: str
    initiated_at: float
    owner_id: str
    storage_class: str = "STANDARD"
    headers: dict = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)
    checksum_algorithm: str | None = None  # CRC32, SHA256, ... or None: the object gets CRC64NVME
    checksum_type: str | None = None  # COMPOSITE | FULL_OBJECT, set with the algorithm
    tags: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)  # initiator, encryption, object lock, ACL headers


@dataclass(frozen=True, slots=True)
class Part:
    upload_id: str
    part_number: int
    blob_id: str | None  # None for an empty part
    size: int
    etag: str  # with its quotes
    checksums: dict  # algorithm -> base64, as verified or computed on upload
    last_modified: float


def new_upload_id(now: float) -> str:
    micros = int(now * 1_000_000)
    stamp = []
    for _ in range(_TIME_WIDTH):
        micros, digit = divmod(micros, len(_ALPHABET))
        stamp.append(_ALPHABET[digit])
    random_part = "".join(secrets.choice(_ALPHABET) for _ in range(_RANDOM_WIDTH))
    return "".join(reversed(stamp)) + random_part


def _upload(row) -> Upload:
    return Upload(
        upload_id=row["upload_id"],
        bucket=row["bucket"],
        key=row["key"],
        initiated_at=row["initiated_at"],
        owner_id=row["owner_id"],
        storage_class=row["storage_class"],
        headers=loads(row["headers"], {}),
        metadata=loads(row["metadata"], {}),
        checksum_algorithm=row["checksum_algorithm"],
        checksum_type=row["checksum_type"],
        tags=loads(row["tags"], {}),
        extra=loads(row["extra"], {}),
    )


def _part(row) -> Part:
    return Part(
        upload_id=row["upload_id"],
        part_number=row["part_number"],
        blob_id=row["blob_id"],
        size=row["size"],
        etag=row["etag"],
        checksums=loads(row["checksums"], {}),
        last_modified=row["last_modified"],
    )


def insert_upload(db: Database, upload: Upload) -> None:
    db.execute(
        "INSERT INTO s3_uploads (upload_id, bucket, key, initiated_at, owner_id, storage_class, headers, "
        "metadata, checksum_algorithm, checksum_type, tags, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            upload.upload_id,
            upload.bucket,
            upload.key,
            upload.initiated_at,
            upload.owner_id,
            upload.storage_class,
            dumps(upload.headers),
            dumps(upload.metadata),
            upload.checksum_algorithm,
            upload.checksum_type,
            dumps(upload.tags),
            dumps(upload.extra),
        ),
    )


def find_upload(db: Database, bucket: str, key: str, upload_id: object) -> Upload | None:
    """The in-progress upload with this id for this bucket and key (an id is only good with its key)."""
    if not isinstance(upload_id, str) or not upload_id:
        return None
    row = db.query_one(
        "SELECT * FROM s3_uploads WHERE upload_id = ? AND bucket = ? AND key = ?", (upload_id, bucket, key)
    )
    return _upload(row) if row is not None else None


def require_upload(db: Database, bucket: str, key: str, upload_id: object) -> Upload:
    upload = find_upload(db, bucket, key, upload_id)
    if upload is None:
        raise s3_error(NoSuchUpload, UploadId=upload_id if isinstance(upload_id, str) else "")
    return upload


def uploads_from(db: Database, bucket: str, first_key: str) -> list[Upload]:
    """The bucket's uploads whose key is at least `first_key`, by key then creation order."""
    rows = db.query(
        "SELECT * FROM s3_uploads WHERE bucket = ? AND key >= ? ORDER BY key, upload_id", (bucket, first_key)
    )
    return [_upload(row) for row in rows]


def find_part(db: Database, upload_id: str, part_number: int) -> Part | None:
    row = db.query_one(
        "SELECT * FROM s3_parts WHERE upload_id = ? AND part_number = ?", (upload_id, part_number)
    )
    return _part(row) if row is not None else None


def parts_after(db: Database, upload_id: str, marker: int = 0, limit: int | None = None) -> list[Part]:
    """The upload's parts numbered above `marker`, in order (at most `limit` of them)."""
    sql = "SELECT * FROM s3_parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number"
    params: tuple = (upload_id, marker)
    if limit is not None:
        sql += " LIMIT ?"
        params += (limit,)
    return [_part(row) for row in db.query(sql, params)]


def put_part(db: Database, part: Part) -> list[str]:
    """Store `part`, replacing an earlier upload of the same number (inside a transaction); returns
    the blob ids no longer referenced."""
    previous = find_part(db, part.upload_id, part.part_number)
    db.execute(
        "INSERT INTO s3_parts (upload_id, part_number, blob_id, size, etag, checksums, last_modified) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (upload_id, part_number) DO UPDATE SET "
        "blob_id = excluded.blob_id, size = excluded.size, etag = excluded.etag, "
        "checksums = excluded.checksums, last_modified = excluded.last_modified",
        (
            part.upload_id,
            part.part_number,
            part.blob_id,
            part.size,
            part.etag,
            dumps(part.checksums),
            part.last_modified,
        ),
    )
    if previous is not None and previous.blob_id and previous.blob_id != part.blob_id:
        return [previous.blob_id]
    return []


def delete_upload(db: Database, upload_id: str) -> list[str]:
    """Drop an upload and its parts (inside a transaction); returns the part blob ids to delete."""
    blobs = [
        row[0] for row in db.query("SELECT blob_id FROM s3_parts WHERE upload_id = ?", (upload_id,)) if row[0]
    ]
    db.execute("DELETE FROM s3_parts WHERE upload_id = ?", (upload_id,))
    db.execute("DELETE FROM s3_uploads WHERE upload_id = ?", (upload_id,))
    return blobs
