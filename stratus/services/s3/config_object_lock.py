"""Object Lock configuration: Get/PutObjectLockConfiguration.

A bucket created with Object Lock has it from the start (`ObjectLockEnabled` with no default
retention); since late 2023 S3 also turns it on for an existing bucket whose versioning is Enabled.
Once on, Object Lock cannot be turned off.
"""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.s3.common import InvalidArgument, MalformedXML, s3_error
from stratus.services.s3.config_errors import InvalidBucketState, ObjectLockConfigurationNotFoundError
from stratus.services.s3.config_store import OBJECT_LOCK, ConfigOperationsBase, read_config, write_config
from stratus.store import Database

RETENTION_MODES = ("GOVERNANCE", "COMPLIANCE")
MAX_RETENTION_DAYS = 36500
MAX_RETENTION_YEARS = 100
ENABLED_ONLY = {"ObjectLockEnabled": "Enabled"}


def default_retention(db: Database, bucket: str) -> dict | None:
    """The bucket's DefaultRetention ({"Mode", "Days" | "Years"}) applied to new object versions, if any."""
    stored = read_config(db, bucket, OBJECT_LOCK) or {}
    return (stored.get("Rule") or {}).get("DefaultRetention")


def _check_retention(rule: dict | None) -> dict:
    retention = (rule or {}).get("DefaultRetention")
    if not retention or retention.get("Mode") not in RETENTION_MODES:
        raise s3_error(MalformedXML)
    has_days, has_years = retention.get("Days") is not None, retention.get("Years") is not None
    if has_days == has_years:
        raise s3_error(MalformedXML)
    period = retention["Days"] if has_days else retention["Years"]
    if period <= 0:
        raise s3_error(InvalidArgument, "Default retention period must be a positive integer value")
    if period > (MAX_RETENTION_DAYS if has_days else MAX_RETENTION_YEARS):
        raise s3_error(InvalidArgument, "Default retention period is too large.")
    unit = "Days" if has_days else "Years"
    return {"DefaultRetention": {"Mode": retention["Mode"], unit: period}}


class ObjectLockOperations(ConfigOperationsBase):
    def put_object_lock_configuration(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        if not bucket.object_lock and bucket.versioning != "Enabled":
            raise s3_error(
                InvalidBucketState,
                "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
            )
        config = req.get("ObjectLockConfiguration") or {}
        if config.get("ObjectLockEnabled") != "Enabled":
            raise s3_error(MalformedXML)
        stored = dict(ENABLED_ONLY)
        if "Rule" in config:
            stored["Rule"] = _check_retention(config["Rule"])
        db = self.db()
        with db.transaction():
            if not bucket.object_lock:
                db.execute("UPDATE s3_buckets SET object_lock = 1 WHERE name = ?", (bucket.name,))
            write_config(db, bucket.name, OBJECT_LOCK, stored)
        return {}

    def get_object_lock_configuration(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        if not bucket.object_lock:
            raise s3_error(ObjectLockConfigurationNotFoundError, BucketName=bucket.name)
        return {
            "ObjectLockConfiguration": read_config(self.db(), bucket.name, OBJECT_LOCK) or dict(ENABLED_ONLY)
        }
