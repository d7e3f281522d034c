"""Buckets: create (names are global across accounts and regions), head, list, delete, location,
versioning."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, datetime

from stratus.core.context import RequestContext
from stratus.services.s3.bucket_store import (
    Bucket,
    canonical_user_id,
    check_bucket_name,
    find_bucket,
    require_bucket,
)
from stratus.services.s3.common import (
    AccessDenied,
    BucketAlreadyExists,
    BucketAlreadyOwnedByYou,
    BucketNotEmpty,
    IllegalLocationConstraint,
    InvalidArgument,
    InvalidBucketState,
    InvalidLocationConstraint,
    MalformedXML,
    dumps,
    s3_error,
)
from stratus.store import Database

US_EAST_1 = "us-east-1"
MAX_BUCKETS_PAGE = 10_000
VERSIONING_STATES = ("Enabled", "Suspended")


def _time(epoch: float) -> datetime:
    return datetime.fromtimestamp(int(epoch), UTC)  # S3 shows whole seconds


def check_owner(ctx: RequestContext, bucket: Bucket, req: dict) -> None:
    """ExpectedBucketOwner: a request naming another owner is refused."""
    expected = req.get("ExpectedBucketOwner")
    if expected is not None and expected != bucket.account_id:
        raise s3_error(AccessDenied)


def bucket_arn(ctx: RequestContext, name: str) -> str:
    return f"arn:{ctx.partition}:s3:::{name}"


class BucketOperations:
    def db(self) -> Database:  # supplied by S3Provider
        raise NotImplementedError

    def bucket(self, ctx: RequestContext, req: dict) -> Bucket:
        bucket = require_bucket(self.db(), req.get("Bucket"))
        check_owner(ctx, bucket, req)
        return bucket

    # ------------------------------------------------------------------ create / delete

    def create_bucket(self, ctx: RequestContext, req: dict) -> dict:
        name = req["Bucket"]
        check_bucket_name(name)
        configuration = req.get("CreateBucketConfiguration") or {}
        constraint = configuration.get("LocationConstraint")
        region = self._bucket_region(ctx, constraint)
        db = self.db()
        with db.transaction():
            existing = find_bucket(db, name)
            if existing is not None:
                if existing.account_id != ctx.account_id:
                    raise s3_error(BucketAlreadyExists, BucketName=name)
                if not (existing.region == US_EAST_1 and region == US_EAST_1):
                    raise s3_error(BucketAlreadyOwnedByYou, BucketName=name)
                # us-east-1 answers the owner's repeated create with success (AWS's legacy behaviour)
                return {"Location": f"/{name}", "BucketArn": bucket_arn(ctx, name)}
            object_lock = bool(req.get("ObjectLockEnabledForBucket"))
            db.execute(
                "INSERT INTO s3_buckets (name, account_id, region, created_at, versioning, object_lock) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    name,
                    ctx.account_id,
                    region,
                    ctx.time.timestamp(),
                    "Enabled" if object_lock else "",
                    int(object_lock),
                ),
            )
            ownership = req.get("ObjectOwnership")
            if ownership:
                db.execute(
                    "INSERT INTO s3_bucket_configs (bucket, kind, config_id, document) VALUES (?, ?, '', ?)",
                    (name, "ownership-controls", dumps({"Rules": [{"ObjectOwnership": ownership}]})),
                )
            acl = req.get("ACL")
            if acl:
                db.execute(
                    "INSERT INTO s3_bucket_configs (bucket, kind, config_id, document) VALUES (?, ?, '', ?)",
                    (name, "canned-acl", dumps({"ACL": acl})),
                )
        location = f"/{name}" if region == US_EAST_1 else f"http://{name}.s3.amazonaws.com/"
        return {"Location": location, "BucketArn": bucket_arn(ctx, name)}

    def _bucket_region(self, ctx: RequestContext, constraint: str | None) -> str:
        if ctx.region == US_EAST_1:
            if constraint in (None, ""):
                return US_EAST_1
            if constraint == US_EAST_1:
                raise s3_error(InvalidLocationConstraint, LocationConstraint=constraint)
            # AWS creates the bucket where the constraint says when asked through us-east-1
            return "eu-west-1" if constraint == "EU" else constraint
        if constraint in (None, ""):
            raise s3_error(IllegalLocationConstraint)
        if constraint != ctx.region:
            raise s3_error(
                IllegalLocationConstraint,
                f"The {constraint} location constraint is incompatible for the region specific endpoint "
                "this request was sent to.",
            )
        return constraint

    def delete_bucket(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            bucket = self.bucket(ctx, req)
            if db.query_one("SELECT 1 FROM s3_objects WHERE bucket = ? LIMIT 1", (bucket.name,)) is not None:
                raise s3_error(BucketNotEmpty, BucketName=bucket.name)
            db.execute("DELETE FROM s3_bucket_configs WHERE bucket = ?", (bucket.name,))
            uploads = [
                row[0]
                for row in db.query("SELECT upload_id FROM s3_uploads WHERE bucket = ?", (bucket.name,))
            ]
            blobs = [
                row[0]
                for upload_id in uploads
                for row in db.query("SELECT blob_id FROM s3_parts WHERE upload_id = ?", (upload_id,))
                if row[0]
            ]
            for upload_id in uploads:
                db.execute("DELETE FROM s3_parts WHERE upload_id = ?", (upload_id,))
            db.execute("DELETE FROM s3_uploads WHERE bucket = ?", (bucket.name,))
            db.execute("DELETE FROM s3_buckets WHERE name = ?", (bucket.name,))
        self.reclaim(blobs)
        return {}

    def reclaim(self, blob_ids: list[str]) -> None:
        """Delete bodies no row refers to any more (after the commit that dropped the rows), on a
        worker thread: an unlink costs as much as a small PUT. One that never happens (a crash
        first) leaves an orphan that the next start collects."""
        blob_ids = [blob_id for blob_id in blob_ids if blob_id]
        if not blob_ids:
            return
        store = self.blobs()  # type: ignore[attr-defined]

        def delete_all() -> None:
            for blob_id in blob_ids:
                store.delete(blob_id)

        try:
            asyncio.get_running_loop().run_in_executor(None, delete_all)
        except RuntimeError:  # no loop (a script or a test calling the provider directly)
            delete_all()

    # ------------------------------------------------------------------ reading

    def head_bucket(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self.bucket(ctx, req)
        return {
            "BucketRegion": bucket.region,
            "AccessPointAlias": False,
            "BucketArn": bucket_arn(ctx, bucket.name),
        }

    def get_bucket_location(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self.bucket(ctx, req)
        return {"LocationConstraint": None if bucket.region == US_EAST_1 else bucket.region}

    def list_buckets(self, ctx: RequestContext, req: dict) -> dict:
        limit = req.get("MaxBuckets")
        if limit is not None and not 1 <= limit <= MAX_BUCKETS_PAGE:
            raise s3_error(InvalidArgument, "Argument max-buckets must be an integer between 1 and 10000.")
        after = _decode_token(req.get("ContinuationToken"))
        prefix = req.get("Prefix") or ""
        region = req.get("BucketRegion")
        rows = self.db().query(
            "SELECT * FROM s3_buckets WHERE account_id = ? AND name > ? ORDER BY name",
            (ctx.account_id, after),
        )
        selected = [
            row
            for row in rows
            if row["name"].startswith(prefix) and (region is None or row["region"] == region)
        ]
        page = selected[: limit or MAX_BUCKETS_PAGE]
        result: dict = {
            "Buckets": [
                {
                    "Name": row["name"],
                    "CreationDate": _time(row["created_at"]),
                    "BucketRegion": row["region"],
                    "BucketArn": bucket_arn(ctx, row["name"]),
                }
                for row in page
            ],
            "Owner": {"ID": canonical_user_id(ctx.account_id)},
        }
        if prefix:
            result["Prefix"] = prefix
        if limit is not None and len(selected) > len(page):
            result["ContinuationToken"] = _encode_token(page[-1]["name"])
        return result

    # ------------------------------------------------------------------ versioning

    def get_bucket_versioning(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self.bucket(ctx, req)
        result = {}
        if bucket.versioning:
            result["Status"] = bucket.versioning
        if bucket.mfa_delete:
            result["MFADelete"] = bucket.mfa_delete
        return result

    def put_bucket_versioning(self, ctx: RequestContext, req: dict) -> dict:
        configuration = req.get("VersioningConfiguration") or {}
        status = configuration.get("Status")
        mfa_delete = configuration.get("MFADelete")
        if status is not None and status not in VERSIONING_STATES:
            raise s3_error(MalformedXML)
        if mfa_delete is not None and mfa_delete not in ("Enabled", "Disabled"):
            raise s3_error(MalformedXML)
        db = self.db()
        with db.transaction():
            bucket = self.bucket(ctx, req)
            if bucket.object_lock and status == "Suspended":
                raise s3_error(
                    InvalidBucketState,
                    "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.",
                )
            if status is not None:
                db.execute("UPDATE s3_buckets SET versioning = ? WHERE name = ?", (status, bucket.name))
            if mfa_delete is not None:
                db.execute("UPDATE s3_buckets SET mfa_delete = ? WHERE name = ?", (mfa_delete, bucket.name))
        return {}


def _encode_token(name: str) -> str:
    return base64.urlsafe_b64encode(name.encode()).decode()


def _decode_token(token: str | None) -> str:
    if not token:
        return ""
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (ValueError, UnicodeError):
        raise s3_error(InvalidArgument, "The continuation token provided is incorrect") from None
