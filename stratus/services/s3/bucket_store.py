"""Finding buckets: the record, name rules, lookups (names are global), and the canonical owner."""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass

from stratus.services.s3.common import InvalidBucketName, NoSuchBucket, s3_error
from stratus.store import Database

NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


@dataclass(frozen=True, slots=True)
class Bucket:
    name: str
    account_id: str
    region: str
    created_at: float
    versioning: str  # '' | Enabled | Suspended
    mfa_delete: str
    object_lock: bool

    @property
    def versioned(self) -> bool:
        """New writes get their own version id (else they are the `null` version)."""
        return self.versioning == "Enabled"


def valid_bucket_name(name: str) -> bool:
    if not NAME.match(name) or ".." in name or ".-" in name or "-." in name:
        return False
    if name.startswith(RESERVED_PREFIXES) or name.endswith(RESERVED_SUFFIXES):
        return False
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return True
    return False


def canonical_user_id(account_id: str) -> str:
    """The 64-hex canonical user id S3 shows for an account (stable per account)."""
    return hashlib.sha256(f"stratus-canonical-user:{account_id}".encode()).hexdigest()


def _bucket(row) -> Bucket:
    return Bucket(
        name=row["name"],
        account_id=row["account_id"],
        region=row["region"],
        created_at=row["created_at"],
        versioning=row["versioning"],
        mfa_delete=row["mfa_delete"],
        object_lock=bool(row["object_lock"]),
    )


def find_bucket(db: Database, name: str) -> Bucket | None:
    row = db.query_one("SELECT * FROM s3_buckets WHERE name = ?", (name,))
    return _bucket(row) if row is not None else None


def require_bucket(db: Database, name: object) -> Bucket:
    """The bucket, or NoSuchBucket (InvalidBucketName for a name no bucket can have)."""
    if not isinstance(name, str) or not name:
        raise s3_error(NoSuchBucket, BucketName=name or "")
    bucket = find_bucket(db, name)
    if bucket is None:
        raise s3_error(NoSuchBucket, BucketName=name)
    return bucket


def check_bucket_name(name: str) -> None:
    if not valid_bucket_name(name):
        raise s3_error(InvalidBucketName, BucketName=name)
