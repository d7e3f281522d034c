"""Stored bucket configurations: one JSON document per (bucket, kind, config id) in `s3_bucket_configs`.

Documents are in the model's shape (what Get answers), with timestamps kept as `{"$date": iso}`
so they round-trip as `datetime`. A few kinds have a value on a bucket that was never configured
(public access block, ownership controls: the 2023 defaults) but answer "not found" once deleted:
their deletion is remembered as a tombstone document (`null`).

The other S3 modules use `read_config` / `write_config` (e.g. CreateBucket storing the ownership
chosen by `x-amz-object-ownership`) and `delete_bucket_configs` when a bucket is deleted.
"""

from __future__ import annotations

import base64
import re
import uuid
from datetime import datetime
from typing import Any

from stratus.core.context import RequestContext
from stratus.services.s3.bucket_store import Bucket, require_bucket
from stratus.services.s3.common import AccessDenied, dumps, loads, s3_error
from stratus.services.s3.config_errors import InvalidBucketOwnerAWSAccountID
from stratus.store import Database

ACCOUNT_ID = re.compile(r"^\d{12}$")
_DATE_KEY = "$date"
TOMBSTONE = object()  # read_config's answer for a deleted configuration that has a default

# Kinds (schema.py lists them) and the id-keyed ones.
POLICY = "policy"
CORS = "cors"
LIFECYCLE = "lifecycle"
ENCRYPTION = "encryption"
TAGGING = "tagging"
ACL = "acl"
WEBSITE = "website"
LOGGING = "logging"
NOTIFICATION = "notification"
REQUEST_PAYMENT = "request-payment"
ACCELERATE = "accelerate"
OWNERSHIP_CONTROLS = "ownership-controls"
PUBLIC_ACCESS_BLOCK = "public-access-block"
OBJECT_LOCK = "object-lock"
REPLICATION = "replication"
INVENTORY = "inventory"
METRICS = "metrics"
ANALYTICS = "analytics"
INTELLIGENT_TIERING = "intelligent-tiering"


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {_DATE_KEY: value.isoformat()}
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and _DATE_KEY in value:
            return datetime.fromisoformat(value[_DATE_KEY])
        return {key: _decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode(item) for item in value]
    return value


def read_config(db: Database, bucket: str, kind: str, config_id: str = "") -> Any:
    """The stored document, None if never stored, TOMBSTONE if deleted where a default exists."""
    row = db.query_one(
        "SELECT document FROM s3_bucket_configs WHERE bucket = ? AND kind = ? AND config_id = ?",
        (bucket, kind, config_id),
    )
    if row is None:
        return None
    document = loads(row["document"])
    return TOMBSTONE if document is None else _decode(document)


def write_config(db: Database, bucket: str, kind: str, document: Any, config_id: str = "") -> None:
    """Store (or replace) a document; `None` stores a tombstone."""
    db.execute(
        "INSERT INTO s3_bucket_configs (bucket, kind, config_id, document) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (bucket, kind, config_id) DO UPDATE SET document = excluded.document",
        (bucket, kind, config_id, dumps(_encode(document))),
    )


def delete_config(db: Database, bucket: str, kind: str, config_id: str = "") -> bool:
    """Remove a document; whether one was there."""
    cursor = db.execute(
        "DELETE FROM s3_bucket_configs WHERE bucket = ? AND kind = ? AND config_id = ?",
        (bucket, kind, config_id),
    )
    return cursor.rowcount > 0


def list_configs(
    db: Database, bucket: str, kind: str, after: str | None, limit: int
) -> list[tuple[str, Any]]:
    """Up to `limit` (id, document) of an id-keyed kind, by id, after the id `after`."""
    rows = db.query(
        "SELECT config_id, document FROM s3_bucket_configs WHERE bucket = ? AND kind = ? AND config_id > ? "
        "ORDER BY config_id LIMIT ?",
        (bucket, kind, after or "", limit),
    )
    return [(row["config_id"], _decode(loads(row["document"]))) for row in rows]


def count_configs(db: Database, bucket: str, kind: str) -> int:
    row = db.query_one(
        "SELECT COUNT(*) AS n FROM s3_bucket_configs WHERE bucket = ? AND kind = ?", (bucket, kind)
    )
    return int(row["n"])


def delete_bucket_configs(db: Database, bucket: str) -> None:
    """Forget every configuration of a deleted bucket (a new bucket of that name starts fresh)."""
    db.execute("DELETE FROM s3_bucket_configs WHERE bucket = ?", (bucket,))


def generated_id() -> str:
    """An id S3 makes up for a rule or notification configuration given none (base64 of a UUID)."""
    return base64.b64encode(str(uuid.uuid4()).encode()).decode().rstrip("=")


class ConfigOperationsBase:
    """What every configuration mixin needs: the database and the bucket the request names."""

    def db(self) -> Database:  # supplied by S3Provider
        raise NotImplementedError

    def _target(self, ctx: RequestContext, req: dict) -> Bucket:
        """The bucket of the request; AccessDenied when it is not the expected owner's."""
        bucket = require_bucket(self.db(), req.get("Bucket"))
        expected = req.get("ExpectedBucketOwner")
        if expected is not None:
            if not ACCOUNT_ID.match(expected):
                raise s3_error(
                    InvalidBucketOwnerAWSAccountID,
                    f"The value of the expected bucket owner parameter must be an AWS Account ID... [{expected}]",
                )
            if expected != bucket.account_id:
                raise s3_error(AccessDenied)
        return bucket
