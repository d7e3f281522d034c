"""Archived objects and RestoreObject ("Restoring an archived object" in the S3 User Guide).

Objects in S3 Glacier Flexible Retrieval (GLACIER) and S3 Glacier Deep Archive (DEEP_ARCHIVE) are
not readable until a temporary copy is restored (GLACIER_IR is read like any other class). A
restore takes the time its retrieval tier takes, measured on the Stratus clock so tests can advance
it: the upper end of each range AWS documents ("Archive retrieval options"), below. The copy then
stays readable for `Days`: S3 adds them to the time the copy became available and rounds up to the
next midnight UTC; a restore requested again while the copy is available sets the expiry from the
time of that request. Nothing runs in the background: the state is computed from the stored times
whenever a version is read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import formatdate

from stratus.core.context import RequestContext
from stratus.protocol.serializers.rest import HTTP_STATUS_KEY
from stratus.services.s3 import object_store
from stratus.services.s3.bucket_store import Bucket
from stratus.services.s3.common import InvalidArgument, NoSuchVersion, S3Error, _error, s3_error
from stratus.services.s3.object_store import ObjectVersion

ARCHIVE_CLASSES = frozenset({"GLACIER", "DEEP_ARCHIVE"})
DAY = 86400
# Seconds from request to restored copy, per (storage class, tier): Expedited 1-5 minutes,
# Standard 3-5 hours and Bulk 5-12 hours from GLACIER; Standard 12 and Bulk 48 hours from
# DEEP_ARCHIVE, which has no Expedited tier.
RESTORE_SECONDS = {
    ("GLACIER", "Expedited"): 5 * 60,
    ("GLACIER", "Standard"): 5 * 3600,
    ("GLACIER", "Bulk"): 12 * 3600,
    ("DEEP_ARCHIVE", "Standard"): 12 * 3600,
    ("DEEP_ARCHIVE", "Bulk"): 48 * 3600,
}
DEFAULT_TIER = "Standard"
TIERS = ("Expedited", "Standard", "Bulk")
RESTORE_FIELD = "Restore"  # in a version's `extra`: {"Tier", "Days", "RequestedAt", "ReadyAt", "ExpiresAt"?}

InvalidObjectState = _error(
    "InvalidObjectState", 403, "The operation is not valid for the object's storage class"
)
RestoreAlreadyInProgress = _error("RestoreAlreadyInProgress", 409, "Object restore is already in progress.")


@dataclass(frozen=True, slots=True)
class RestoreState:
    ongoing: bool
    expiry: float | None  # when the restored copy goes away (None while ongoing)


def _next_midnight(epoch: float) -> float:
    return math.ceil(epoch / DAY) * DAY


def restore_state(version: ObjectVersion, now: float) -> RestoreState | None:
    """The version's restore as of `now`: ongoing, available until its expiry, or None (never
    requested, or the copy has expired)."""
    return _state(version.extra.get(RESTORE_FIELD), now)


def _state(stored: dict | None, now: float) -> RestoreState | None:
    if not stored:
        return None
    if now < stored["ReadyAt"]:
        return RestoreState(True, None)
    expiry = stored.get("ExpiresAt") or _next_midnight(stored["ReadyAt"] + stored["Days"] * DAY)
    if now >= expiry:
        return None
    return RestoreState(False, expiry)


def is_archived(version: ObjectVersion) -> bool:
    return version.storage_class in ARCHIVE_CLASSES


def restore_fields(version: ObjectVersion, now: float) -> dict:
    """The x-amz-restore header of HeadObject and GetObject."""
    if not is_archived(version):
        return {}
    state = restore_state(version, now)
    if state is None:
        return {}
    if state.ongoing:
        return {"Restore": 'ongoing-request="true"'}
    expiry = formatdate(state.expiry, usegmt=True)
    return {"Restore": f'ongoing-request="false", expiry-date="{expiry}"'}


def restore_status(storage_class: str, extra: dict, now: float) -> dict | None:
    """A listing's RestoreStatus (OptionalObjectAttributes=RestoreStatus): for archived versions
    whose restore is ongoing or whose restored copy is still available; None otherwise."""
    state = _state(extra.get(RESTORE_FIELD), now) if storage_class in ARCHIVE_CLASSES else None
    if state is None:
        return None
    if state.ongoing:
        return {"IsRestoreInProgress": True}
    return {"IsRestoreInProgress": False, "RestoreExpiryDate": datetime.fromtimestamp(state.expiry, UTC)}


def check_readable(version: ObjectVersion, now: float) -> None:
    """GetObject of an archived object without an available restored copy is refused."""
    if not is_archived(version):
        return
    state = restore_state(version, now)
    if state is None or state.ongoing:
        raise s3_error(InvalidObjectState, StorageClass=version.storage_class)


def check_copy_source(version: ObjectVersion, now: float) -> None:
    """CopyObject cannot read an archived source either, until it is restored."""
    try:
        check_readable(version, now)
    except S3Error:
        raise s3_error(
            InvalidObjectState, "Operation is not valid for the source object's storage class"
        ) from None


def _not_implemented(what: str) -> S3Error:
    return S3Error(f"{what} is not implemented by Stratus", code="NotImplemented", status=501)


def _restore_request(version: ObjectVersion, request: dict) -> tuple[int, str]:
    """(days, tier) of a restore of an archived object, with S3's checks."""
    if request.get("Type") == "SELECT" or request.get("SelectParameters") or request.get("OutputLocation"):
        raise _not_implemented("RestoreObject of type SELECT (S3 Select)")
    days = request.get("Days")
    if days is None:
        raise s3_error(
            InvalidArgument,
            f"Days must be specified when restoring an object of storage class {version.storage_class}",
            ArgumentName="Days",
        )
    if not isinstance(days, int) or days < 1:
        raise s3_error(
            InvalidArgument,
            "Days must be a positive integer",
            ArgumentName="Days",
            ArgumentValue=str(days),
        )
    tier = (request.get("GlacierJobParameters") or {}).get("Tier") or request.get("Tier") or DEFAULT_TIER
    if tier not in TIERS:
        raise s3_error(InvalidArgument, "Invalid Tier", ArgumentName="Tier", ArgumentValue=str(tier))
    if (version.storage_class, tier) not in RESTORE_SECONDS:
        raise s3_error(InvalidObjectState, "Retrieval option is not supported by this storage class")
    return days, tier


class RestoreOperations:
    """RestoreObject (S3Provider supplies db, bucket and _find)."""

    def restore_object(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()  # type: ignore[attr-defined]
        bucket: Bucket = self.bucket(ctx, req)  # type: ignore[attr-defined]
        version = self._find(db, bucket, req["Key"], req.get("VersionId"))  # type: ignore[attr-defined]
        if not is_archived(version):
            raise s3_error(
                InvalidObjectState,
                "Restore is not allowed for the object's current storage class",
                StorageClass=version.storage_class,
            )
        days, tier = _restore_request(version, req.get("RestoreRequest") or {})
        now = ctx.time.timestamp()
        with db.transaction():
            current = object_store.by_version(db, bucket.name, version.key, version.version_id)
            if current is None:  # deleted meanwhile
                raise s3_error(NoSuchVersion, Key=version.key, VersionId=version.version_id)
            state = restore_state(current, now)
            if state is not None and state.ongoing:
                raise s3_error(RestoreAlreadyInProgress)
            if state is not None:  # already restored: only the expiry moves, from now
                restore = {**current.extra[RESTORE_FIELD], "ExpiresAt": _next_midnight(now + days * DAY)}
                status = 200
            else:
                ready = now + RESTORE_SECONDS[(current.storage_class, tier)]
                restore = {"Tier": tier, "Days": days, "RequestedAt": now, "ReadyAt": ready}
                status = 202
            object_store.update(db, current, extra={**current.extra, RESTORE_FIELD: restore})
        return {HTTP_STATUS_KEY: status}
