"""Replication configuration: Put/Get/DeleteBucketReplication (stored and checked; copying objects
to the destinations is not done yet)."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.s3.bucket_store import find_bucket
from stratus.services.s3.common import InvalidArgument, InvalidRequest, MalformedXML, s3_error
from stratus.services.s3.config_errors import ReplicationConfigurationNotFoundError
from stratus.services.s3.config_store import (
    REPLICATION,
    ConfigOperationsBase,
    delete_config,
    generated_id,
    read_config,
    write_config,
)
from stratus.store import Database

MAX_RULES = 1000
MAX_ID_LENGTH = 255
STATUSES = ("Enabled", "Disabled")
BUCKET_ARN_PREFIXES = ("arn:aws:s3:::", "arn:aws-cn:s3:::", "arn:aws-us-gov:s3:::")


def replication_configuration(db: Database, bucket: str) -> dict | None:
    return read_config(db, bucket, REPLICATION)


def _destination_bucket(db: Database, arn: str):
    prefix = next((p for p in BUCKET_ARN_PREFIXES if arn.startswith(p)), None)
    if prefix is None or not arn[len(prefix) :] or "/" in arn[len(prefix) :]:
        raise s3_error(InvalidArgument, "Invalid bucket ARN.", ArgumentName="Bucket", ArgumentValue=arn)
    target = find_bucket(db, arn[len(prefix) :])
    if target is None or target.versioning != "Enabled":
        raise s3_error(InvalidRequest, "Destination bucket must have versioning enabled.")


def check_replication_rules(db: Database, rules: list[dict]) -> list[dict]:
    if not rules or len(rules) > MAX_RULES:
        raise s3_error(MalformedXML)
    ids: set[str] = set()
    priorities: set[int] = set()
    for rule in rules:
        rule.setdefault("ID", generated_id())
        if len(rule["ID"]) > MAX_ID_LENGTH:
            raise s3_error(
                InvalidArgument,
                f"ID length should not exceed allowed limit of {MAX_ID_LENGTH}",
                ArgumentName="ID",
                ArgumentValue=rule["ID"],
            )
        if rule["ID"] in ids:
            raise s3_error(
                InvalidArgument, "Rule Id must be unique", ArgumentName="ID", ArgumentValue=rule["ID"]
            )
        ids.add(rule["ID"])
        if rule.get("Status") not in STATUSES:
            raise s3_error(MalformedXML)
        if "Filter" in rule:
            if "Prefix" in rule:
                raise s3_error(MalformedXML)
            if rule.get("DeleteMarkerReplication") is None:
                raise s3_error(
                    InvalidRequest,
                    "DeleteMarkerReplication must be specified for this version of Cross Region Replication "
                    "configuration schema.",
                )
            rule.setdefault("Priority", 0)
            if rule["Priority"] in priorities:
                raise s3_error(InvalidRequest, f"Found duplicate priority {rule['Priority']} in the rules")
            priorities.add(rule["Priority"])
        _destination_bucket(db, rule["Destination"]["Bucket"])
    return rules


class ReplicationOperations(ConfigOperationsBase):
    def put_bucket_replication(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        if bucket.versioning != "Enabled":
            raise s3_error(
                InvalidRequest,
                "Versioning must be 'Enabled' on the bucket to apply a replication configuration",
            )
        config = req["ReplicationConfiguration"]
        db = self.db()
        rules = check_replication_rules(db, config.get("Rules") or [])
        with db.transaction():
            write_config(db, bucket.name, REPLICATION, {"Role": config["Role"], "Rules": rules})
        return {}

    def get_bucket_replication(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        stored = replication_configuration(self.db(), bucket.name)
        if stored is None:
            raise s3_error(ReplicationConfigurationNotFoundError, BucketName=bucket.name)
        return {"ReplicationConfiguration": stored}

    def delete_bucket_replication(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        db = self.db()
        with db.transaction():
            delete_config(db, bucket.name, REPLICATION)
        return {}
