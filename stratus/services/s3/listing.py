"""Listing a bucket: ListObjects (v1, markers), ListObjectsV2 (continuation tokens) and
ListObjectVersions, with prefixes, delimiters and `encoding-type=url`, one index-driven page at a
time (`listing_scan`). The three answer in S3's shapes: v1 always names the owner, v2 only under
FetchOwner; v1's NextMarker is given only with a delimiter, as S3 does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from stratus.core.context import RequestContext
from stratus.services.s3.bucket_store import Bucket, canonical_user_id, require_bucket
from stratus.services.s3.buckets import check_owner
from stratus.services.s3.common import loads
from stratus.services.s3.listing_args import (
    Resume,
    check_text,
    check_version_marker,
    decode_token,
    encode_token,
    name_encoder,
    page_size,
    url_encoded,
)
from stratus.services.s3.listing_scan import (
    Page,
    Position,
    Scanner,
    collect,
    is_common_prefix,
    past_common_prefix,
    start_position,
)
from stratus.services.s3.restore import ARCHIVE_CLASSES, restore_status
from stratus.store import Database

CHECKSUM_ALGORITHMS = frozenset({"CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"})


def _time(epoch: float) -> datetime:
    return datetime.fromtimestamp(int(epoch), UTC)  # S3 lists whole seconds


class _Owners:
    """Canonical ids of the accounts on one page (a hash each, so computed once per account)."""

    def __init__(self) -> None:
        self._ids: dict[str, dict] = {}

    def __call__(self, account_id: str) -> dict:
        owner = self._ids.get(account_id)
        if owner is None:
            owner = self._ids[account_id] = {"ID": canonical_user_id(account_id)}
        return owner


RestoreReader = Callable[[sqlite3.Row], dict | None]


def _restore_reader(ctx: RequestContext, req: dict) -> RestoreReader | None:
    """RestoreStatus of archived rows, when the request asked for it (x-amz-optional-object-attributes)."""
    if "RestoreStatus" not in (req.get("OptionalObjectAttributes") or ()):
        return None
    now = ctx.time.timestamp()

    def status(row: sqlite3.Row) -> dict | None:
        if row["storage_class"] not in ARCHIVE_CLASSES:
            return None
        return restore_status(row["storage_class"], loads(row["extra"], {}), now)

    return status


def _object_fields(row: sqlite3.Row, entry: dict, restore: RestoreReader | None) -> dict:
    """ETag, checksum, size, storage class (and restore status, if asked) of a (non delete
    marker) row, added to `entry`."""
    entry["ETag"] = row["etag"]
    checksums_text = row["checksums"]
    if checksums_text and checksums_text != "{}":
        checksums = loads(checksums_text, {})
        algorithms = [name for name in checksums if name in CHECKSUM_ALGORITHMS]  # type: ignore[union-attr]
        if algorithms:
            entry["ChecksumAlgorithm"] = algorithms
            entry["ChecksumType"] = checksums.get("type", "FULL_OBJECT")  # type: ignore[union-attr]
    entry["Size"] = row["size"]
    entry["StorageClass"] = row["storage_class"]
    if restore is not None and (status := restore(row)) is not None:
        entry["RestoreStatus"] = status
    return entry


def _split(page: Page) -> tuple[list[sqlite3.Row], list[str]]:
    rows = [entry for entry in page.entries if not isinstance(entry, str)]
    prefixes = [entry for entry in page.entries if isinstance(entry, str)]
    return rows, prefixes


class ListingOperations:
    def db(self) -> Database:  # supplied by S3Provider
        raise NotImplementedError

    def _listed_bucket(self, ctx: RequestContext, req: dict) -> Bucket:
        bucket = require_bucket(self.db(), req.get("Bucket"))
        check_owner(ctx, bucket, req)
        return bucket

    # ------------------------------------------------------------------ ListObjects (v1)

    def list_objects(self, ctx: RequestContext, req: dict) -> dict:
        max_keys, limit = page_size(req.get("MaxKeys"))
        encode = url_encoded(req.get("EncodingType"))
        prefix = req.get("Prefix") or ""
        delimiter = req.get("Delimiter") or ""
        marker = req.get("Marker")
        check_text(prefix, "prefix")
        check_text(marker, "marker")
        bucket = self._listed_bucket(ctx, req)
        start = _after_marker(prefix, delimiter, marker)
        page = collect(
            Scanner(self.db(), bucket.name, prefix, versions=False).rows, start, prefix, delimiter, limit
        )
        name = name_encoder(encode)
        owners, restore = _Owners(), _restore_reader(ctx, req)
        rows, prefixes = _split(page)
        result: dict = {
            "IsTruncated": page.truncated,
            "Marker": name(marker or ""),
            "Contents": [self._content(row, name, owners, restore) for row in rows] or None,
            "Name": bucket.name,
            "Prefix": name(prefix),
            "MaxKeys": max_keys,
            "CommonPrefixes": [{"Prefix": name(common)} for common in prefixes] or None,
        }
        if delimiter:
            result["Delimiter"] = name(delimiter)
            if page.truncated:
                last = page.entries[-1]
                result["NextMarker"] = name(last if isinstance(last, str) else last["key"])
        if encode:
            result["EncodingType"] = "url"
        return result

    # ------------------------------------------------------------------ ListObjectsV2

    def list_objects_v2(self, ctx: RequestContext, req: dict) -> dict:
        max_keys, limit = page_size(req.get("MaxKeys"))
        encode = url_encoded(req.get("EncodingType"))
        token = req.get("ContinuationToken")
        resume = decode_token(token) if token is not None else None
        prefix = req.get("Prefix") or ""
        delimiter = req.get("Delimiter") or ""
        start_after = req.get("StartAfter")
        check_text(prefix, "prefix")
        check_text(start_after, "start-after")
        bucket = self._listed_bucket(ctx, req)
        if resume is not None:  # the token, not StartAfter, says where this page begins
            start = _after_resume(prefix, resume)
        else:
            start = start_position(prefix, start_after or None)
        page = collect(
            Scanner(self.db(), bucket.name, prefix, versions=False).rows, start, prefix, delimiter, limit
        )
        name = name_encoder(encode)
        owners = _Owners() if req.get("FetchOwner") else None
        restore = _restore_reader(ctx, req)
        rows, prefixes = _split(page)
        result: dict = {
            "IsTruncated": page.truncated,
            "Contents": [self._content(row, name, owners, restore) for row in rows] or None,
            "Name": bucket.name,
            "Prefix": name(prefix),
            "MaxKeys": max_keys,
            "CommonPrefixes": [{"Prefix": name(common)} for common in prefixes] or None,
            "KeyCount": len(page.entries),
        }
        if delimiter:
            result["Delimiter"] = name(delimiter)
        if encode:
            result["EncodingType"] = "url"
        if token is not None:
            result["ContinuationToken"] = token
        if page.truncated:
            last = page.entries[-1]
            following = Resume(last, common_prefix=True) if isinstance(last, str) else Resume(last["key"])
            result["NextContinuationToken"] = encode_token(following)
        if start_after is not None:
            result["StartAfter"] = name(start_after)
        return result

    @staticmethod
    def _content(
        row: sqlite3.Row, name: Callable[[str], str], owners: _Owners | None, restore: RestoreReader | None
    ) -> dict:
        entry: dict = {"Key": name(row["key"]), "LastModified": _time(row["last_modified"])}
        _object_fields(row, entry, restore)
        if owners is not None:
            entry["Owner"] = owners(row["owner_id"])
        return entry

    # ------------------------------------------------------------------ ListObjectVersions

    def list_object_versions(self, ctx: RequestContext, req: dict) -> dict:
        max_keys, limit = page_size(req.get("MaxKeys"), versions=True)
        key_marker = req.get("KeyMarker")
        version_id_marker = req.get("VersionIdMarker")
        check_version_marker(key_marker, version_id_marker)
        encode = url_encoded(req.get("EncodingType"))
        prefix = req.get("Prefix") or ""
        delimiter = req.get("Delimiter")
        check_text(prefix, "prefix")
        check_text(key_marker, "key-marker")
        bucket = self._listed_bucket(ctx, req)
        db = self.db()
        start = self._version_start(db, bucket, prefix, delimiter or "", key_marker, version_id_marker)
        page = collect(
            Scanner(db, bucket.name, prefix, versions=True).rows, start, prefix, delimiter or "", limit
        )
        name = name_encoder(encode)
        owners, restore = _Owners(), _restore_reader(ctx, req)
        versions, markers = [], []
        rows, prefixes = _split(page)
        for row in rows:
            entry: dict = {
                "Key": name(row["key"]),
                "VersionId": row["version_id"],
                "IsLatest": bool(row["is_latest"]),
                "LastModified": _time(row["last_modified"]),
                "Owner": owners(row["owner_id"]),
            }
            if row["delete_marker"]:
                markers.append(entry)
            else:
                versions.append(_object_fields(row, entry, restore))
        result: dict = {
            "IsTruncated": page.truncated,
            "KeyMarker": name(key_marker or ""),
            "VersionIdMarker": version_id_marker or "",
            "Versions": versions or None,
            "DeleteMarkers": markers or None,
            "Name": bucket.name,
            "Prefix": name(prefix),
            "MaxKeys": max_keys,
            "CommonPrefixes": [{"Prefix": name(common)} for common in prefixes] or None,
        }
        if delimiter is not None:  # echoed even when empty, as S3 does for this listing
            result["Delimiter"] = name(delimiter)
        if page.truncated:
            last = page.entries[-1]
            if isinstance(last, str):
                result["NextKeyMarker"] = name(last)
            else:
                result["NextKeyMarker"] = name(last["key"])
                result["NextVersionIdMarker"] = last["version_id"]
        if encode:
            result["EncodingType"] = "url"
        return result

    @staticmethod
    def _version_start(
        db: Database,
        bucket: Bucket,
        prefix: str,
        delimiter: str,
        key_marker: str | None,
        version_id_marker: str | None,
    ) -> Position | None:
        if not key_marker:
            return start_position(prefix, None)
        if version_id_marker is None:
            return _after_marker(prefix, delimiter, key_marker)
        row = db.query_one(
            "SELECT object_id FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?",
            (bucket.name, key_marker, version_id_marker),
        )
        if row is None or not key_marker.startswith(prefix):
            # a version no longer there (or never of this key): go on after the key
            return _after_marker(prefix, delimiter, key_marker)
        return Position(key_marker, before_object_id=row["object_id"])


def _after_marker(prefix: str, delimiter: str, marker: str | None) -> Position | None:
    """Where a v1 Marker or a KeyMarker puts the page; a rolled-up common prefix is skipped whole."""
    if marker and is_common_prefix(marker, prefix, delimiter):
        past = past_common_prefix(marker)
        return start_position(prefix, past.key, inclusive=True) if past is not None else None
    return start_position(prefix, marker or None)


def _after_resume(prefix: str, resume: Resume) -> Position | None:
    if resume.common_prefix:
        past = past_common_prefix(resume.key)
        return start_position(prefix, past.key, inclusive=True) if past is not None else None
    return start_position(prefix, resume.key)
