"""Object Lock on object versions ("Locking objects with Object Lock" in the S3 User Guide):
Put/GetObjectRetention, Put/GetObjectLegalHold, the lock a new version is written with (PutObject,
CopyObject and CreateMultipartUpload members, or the bucket's default retention) and WORM
enforcement when a version is deleted.

A version's lock lives in its `extra` under the request members' names, the retain-until date as
epoch seconds; multipart.py keeps the same names on an upload, so a completed object carries them
unchanged:

- GOVERNANCE retention: the version cannot be deleted nor its retention shortened, changed or
  removed before the date, unless the request says `x-amz-bypass-governance-retention: true`.
- COMPLIANCE retention: nobody can delete it or weaken its retention before the date.
- Either can always be extended. A legal hold (ON) blocks deletion whatever the retention says.

Dates are compared with the Stratus clock, so advancing it releases a retention. A plain DELETE in
a versioned bucket still only adds a delete marker: locks protect versions, not keys.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from stratus.core.context import RequestContext
from stratus.protocol.payload_integrity import payload_integrity
from stratus.services.s3 import object_store
from stratus.services.s3.bucket_configs import default_retention
from stratus.services.s3.bucket_store import Bucket
from stratus.services.s3.common import (
    AccessDenied,
    InvalidArgument,
    InvalidRequest,
    MalformedXML,
    NoSuchVersion,
    _error,
    s3_error,
)
from stratus.services.s3.object_store import ObjectVersion
from stratus.store import Database

MODE = "ObjectLockMode"
RETAIN_UNTIL = "ObjectLockRetainUntilDate"  # epoch seconds in `extra`
LEGAL_HOLD = "ObjectLockLegalHoldStatus"
RETENTION_MODES = ("GOVERNANCE", "COMPLIANCE")
LEGAL_HOLD_STATUSES = ("ON", "OFF")
# Request members that carry a checksum of the body (any of them satisfies the integrity rule).
_CHECKSUM_MEMBERS = (
    "ContentMD5",
    "ChecksumCRC32",
    "ChecksumCRC32C",
    "ChecksumCRC64NVME",
    "ChecksumSHA1",
    "ChecksumSHA256",
)

NoSuchObjectLockConfiguration = _error(
    "NoSuchObjectLockConfiguration", 404, "The specified object does not have a ObjectLock configuration"
)


def missing_lock_configuration() -> Exception:
    return s3_error(InvalidRequest, "Bucket is missing Object Lock Configuration")


def protected_by_lock() -> Exception:
    return s3_error(AccessDenied, "Access Denied because object protected by object lock.")


def _epoch(value: datetime) -> float:
    return value.timestamp() if value.tzinfo else value.replace(tzinfo=UTC).timestamp()


def _retention(extra: dict) -> tuple[str, float] | None:
    if extra.get(MODE) is None or extra.get(RETAIN_UNTIL) is None:
        return None
    return extra[MODE], float(extra[RETAIN_UNTIL])


# ---------------------------------------------------------------------- what a version shows


def lock_fields(extra: dict) -> dict:
    """The x-amz-object-lock-* headers of GetObject and HeadObject."""
    fields: dict = {}
    retention = _retention(extra)
    if retention is not None:
        fields["ObjectLockMode"] = retention[0]
        fields["ObjectLockRetainUntilDate"] = datetime.fromtimestamp(retention[1], UTC)
    if extra.get(LEGAL_HOLD) is not None:
        fields["ObjectLockLegalHoldStatus"] = extra[LEGAL_HOLD]
    return fields


def is_protected(version: ObjectVersion, now: float, bypass_governance: bool) -> bool:
    """Whether deleting this version (for good) is refused."""
    if version.extra.get(LEGAL_HOLD) == "ON":
        return True
    retention = _retention(version.extra)
    if retention is None or retention[1] <= now:
        return False
    mode = retention[0]
    return mode == "COMPLIANCE" or not bypass_governance


def check_version_deletable(
    db: Database, bucket: Bucket, key: str, version_id: str, bypass_governance: bool, now: float
) -> None:
    """DeleteObject(s) of one version: AccessDenied while the version is locked."""
    if not bucket.object_lock:
        return
    version = object_store.by_version(db, bucket.name, key, version_id)
    if version is not None and not version.delete_marker and is_protected(version, now, bypass_governance):
        raise protected_by_lock()


# ---------------------------------------------------------------------- new versions


def _default_retain_until(rule: dict, now: datetime) -> datetime:
    if rule.get("Days") is not None:
        return now + timedelta(days=rule["Days"])
    years = rule["Years"]
    try:
        return now.replace(year=now.year + years)
    except ValueError:  # 29 February into a year without one
        return now.replace(year=now.year + years, day=28)


def requested_lock(db: Database, bucket: Bucket, req: dict, now: datetime) -> dict:
    """The lock fields (for `extra`) a new version gets: the request's ObjectLockMode,
    ObjectLockRetainUntilDate and ObjectLockLegalHoldStatus, else the bucket's default retention."""
    mode, until, hold = req.get(MODE), req.get(RETAIN_UNTIL), req.get(LEGAL_HOLD)
    if (mode is not None or until is not None or hold is not None) and not bucket.object_lock:
        raise missing_lock_configuration()
    if (mode is None) != (until is None):
        raise s3_error(
            InvalidArgument,
            "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied",
        )
    if mode is not None and mode not in RETENTION_MODES:
        raise s3_error(InvalidArgument, "Unknown wormMode directive.", ArgumentName=MODE, ArgumentValue=mode)
    if hold is not None and hold not in LEGAL_HOLD_STATUSES:
        raise s3_error(
            InvalidArgument,
            "Legal Hold must be either of 'ON' or 'OFF'",
            ArgumentName="x-amz-object-lock-legal-hold",
            ArgumentValue=hold,
        )
    lock: dict = {}
    if until is not None:
        if _epoch(until) <= now.timestamp():
            raise s3_error(InvalidArgument, "The retain until date must be in the future!")
        lock = {MODE: mode, RETAIN_UNTIL: _epoch(until)}
    elif bucket.object_lock:
        rule = default_retention(db, bucket.name)
        if rule:
            lock = {MODE: rule["Mode"], RETAIN_UNTIL: _default_retain_until(rule, now).timestamp()}
    if hold is not None:
        lock[LEGAL_HOLD] = hold
    return lock


def require_body_checksum(ctx: RequestContext, req: dict, lock: dict) -> None:
    """A PUT that writes a locked version must carry Content-MD5 or an x-amz-checksum-* value
    (header or aws-chunked trailer): S3 refuses to lock bytes it cannot verify."""
    if not lock:
        return
    if ctx.request is None:  # a call from another service: the members say it
        carried = any(req.get(member) for member in _CHECKSUM_MEMBERS)
    else:
        integrity = payload_integrity(ctx.request.headers)
        carried = bool(integrity.content_md5 or integrity.expected or integrity.trailer)
    if not carried:
        raise s3_error(
            InvalidRequest,
            "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock "
            "parameters",
        )


# ---------------------------------------------------------------------- retention changes


def check_retention_change(
    version: ObjectVersion, mode: str | None, until: float | None, bypass_governance: bool, now: float
) -> None:
    """PutObjectRetention: extending is always allowed; while the current retention runs, a shorter
    date, another mode or removal needs GOVERNANCE mode and the bypass header."""
    current = _retention(version.extra)
    if current is None or current[1] <= now:
        return
    current_mode, current_until = current
    if mode == current_mode and until is not None and until >= current_until:
        return
    if current_mode == "GOVERNANCE" and bypass_governance:
        return
    raise protected_by_lock()


class ObjectRetentionOperations:
    """Put/GetObjectRetention and Put/GetObjectLegalHold (S3Provider supplies db, bucket, _find)."""

    def _locked_version(self, ctx: RequestContext, req: dict) -> tuple[Database, ObjectVersion]:
        db = self.db()  # type: ignore[attr-defined]
        bucket: Bucket = self.bucket(ctx, req)  # type: ignore[attr-defined]
        if not bucket.object_lock:
            raise missing_lock_configuration()
        version = self._find(db, bucket, req["Key"], req.get("VersionId"))  # type: ignore[attr-defined]
        return db, version

    def put_object_retention(self, ctx: RequestContext, req: dict) -> dict:
        db, version = self._locked_version(ctx, req)
        retention = req.get("Retention") or {}
        mode, date = retention.get("Mode"), retention.get("RetainUntilDate")
        if (mode is None) != (date is None) or (mode is not None and mode not in RETENTION_MODES):
            raise s3_error(MalformedXML)
        now = ctx.time.timestamp()
        until = _epoch(date) if date is not None else None
        if until is not None and until <= now:
            raise s3_error(InvalidArgument, "The retain until date must be in the future!")
        with db.transaction():
            current = object_store.by_version(db, version.bucket, version.key, version.version_id)
            if current is None:  # deleted meanwhile
                raise s3_error(NoSuchVersion, Key=version.key, VersionId=version.version_id)
            check_retention_change(current, mode, until, bool(req.get("BypassGovernanceRetention")), now)
            extra = {name: value for name, value in current.extra.items() if name not in (MODE, RETAIN_UNTIL)}
            if mode is not None:
                extra.update({MODE: mode, RETAIN_UNTIL: until})
            object_store.update(db, current, extra=extra)
        return {}

    def get_object_retention(self, ctx: RequestContext, req: dict) -> dict:
        _, version = self._locked_version(ctx, req)
        retention = _retention(version.extra)
        if retention is None:
            raise s3_error(NoSuchObjectLockConfiguration)
        return {
            "Retention": {"Mode": retention[0], "RetainUntilDate": datetime.fromtimestamp(retention[1], UTC)}
        }

    def put_object_legal_hold(self, ctx: RequestContext, req: dict) -> dict:
        db, version = self._locked_version(ctx, req)
        status = (req.get("LegalHold") or {}).get("Status")
        if status not in LEGAL_HOLD_STATUSES:
            raise s3_error(MalformedXML)
        with db.transaction():
            current = object_store.by_version(db, version.bucket, version.key, version.version_id)
            if current is not None:
                object_store.update(db, current, extra={**current.extra, LEGAL_HOLD: status})
        return {}

    def get_object_legal_hold(self, ctx: RequestContext, req: dict) -> dict:
        _, version = self._locked_version(ctx, req)
        status = version.extra.get(LEGAL_HOLD)
        if status is None:
            raise s3_error(NoSuchObjectLockConfiguration)
        return {"LegalHold": {"Status": status}}
