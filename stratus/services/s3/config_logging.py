"""Server access logging: Get/PutBucketLogging (writing the log objects is the log delivery's job)."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.s3.bucket_store import find_bucket
from stratus.services.s3.common import s3_error
from stratus.services.s3.config_errors import CrossLocationLoggingProhibitted, InvalidTargetBucketForLogging
from stratus.services.s3.config_store import (
    LOGGING,
    ConfigOperationsBase,
    delete_config,
    read_config,
    write_config,
)
from stratus.store import Database


def logging_configuration(db: Database, bucket: str) -> dict | None:
    """The bucket's LoggingEnabled block, None when access logging is off."""
    return read_config(db, bucket, LOGGING)


class LoggingOperations(ConfigOperationsBase):
    def put_bucket_logging(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        enabled = (req.get("BucketLoggingStatus") or {}).get("LoggingEnabled")
        db = self.db()
        if enabled is None:
            with db.transaction():
                delete_config(db, bucket.name, LOGGING)
            return {}
        target_name = enabled["TargetBucket"]
        target = find_bucket(db, target_name)
        if target is None:
            raise s3_error(InvalidTargetBucketForLogging, TargetBucket=target_name)
        if target.account_id != bucket.account_id:
            raise s3_error(
                InvalidTargetBucketForLogging,
                "The owner for the bucket to be logged and the target bucket must be the same.",
                TargetBucket=target_name,
            )
        if target.region != bucket.region:
            if bucket.region == "us-east-1":
                raise s3_error(CrossLocationLoggingProhibitted, TargetBucketLocation=target.region)
            raise s3_error(
                CrossLocationLoggingProhibitted,
                SourceBucketLocation=bucket.region,
                TargetBucketLocation=target.region,
            )
        stored = {
            name: enabled[name]
            for name in ("TargetBucket", "TargetGrants", "TargetPrefix", "TargetObjectKeyFormat")
            if enabled.get(name) is not None
        }
        stored.setdefault("TargetPrefix", "")
        with db.transaction():
            write_config(db, bucket.name, LOGGING, stored)
        return {}

    def get_bucket_logging(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        enabled = logging_configuration(self.db(), bucket.name)
        return {"LoggingEnabled": enabled} if enabled else {}
