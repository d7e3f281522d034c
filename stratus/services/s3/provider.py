"""Amazon S3: the provider is the sum of one mixin per operation group."""

from __future__ import annotations

from stratus.services.base import Provider
from stratus.services.s3.bucket_configs import BucketConfigOperations
from stratus.services.s3.bucket_store import find_bucket
from stratus.services.s3.buckets import BucketOperations
from stratus.services.s3.config_policy import stored_policy
from stratus.services.s3.config_tagging import bucket_tags
from stratus.services.s3.cors_http import response_headers
from stratus.services.s3.listing import ListingOperations
from stratus.services.s3.multipart import MultipartOperations
from stratus.services.s3.object_acl import ObjectAclOperations
from stratus.services.s3.object_attributes import ObjectAttributesOperations
from stratus.services.s3.object_lock import ObjectRetentionOperations
from stratus.services.s3.objects import ObjectOperations
from stratus.services.s3.restore import RestoreOperations
from stratus.services.s3.schema import MIGRATIONS, S3_DATABASE
from stratus.store import BlobStore, Database


class S3Provider(
    BucketOperations,
    BucketConfigOperations,
    ObjectOperations,
    MultipartOperations,
    ListingOperations,
    ObjectAclOperations,
    ObjectRetentionOperations,
    ObjectAttributesOperations,
    RestoreOperations,
    Provider,
):
    service = "s3"

    def db(self) -> Database:
        return self.runtime.state.database(S3_DATABASE, MIGRATIONS)

    def blobs(self) -> BlobStore:
        return self.runtime.state.blobs(S3_DATABASE)

    def resource_policy(self, ctx, resource_arn: str) -> str | None:
        bucket = _bucket_of_arn(resource_arn)
        return stored_policy(self.db(), bucket) if bucket else None

    def resource_account(self, ctx, resource_arn: str) -> str | None:
        name = _bucket_of_arn(resource_arn)
        bucket = find_bucket(self.db(), name) if name else None
        return bucket.account_id if bucket is not None else None

    def resource_tags(self, ctx, resource_arn: str) -> dict[str, str] | None:
        bucket = _bucket_of_arn(resource_arn)
        if not bucket or "/" in resource_arn.split(":::", 1)[-1]:
            return None  # object tags come with the object (s3:ExistingObjectTag), not aws:ResourceTag
        return bucket_tags(self.db(), bucket)

    def cross_origin_headers(self, ctx, params: dict) -> dict[str, str]:
        if ctx.request is None:
            return {}
        return response_headers(self.db(), params.get("Bucket"), ctx.request)

    def register_deliveries(self) -> None:
        # Called once when the provider is created (the first S3 request after a start): a body
        # written before a crash but never committed, or whose row was dropped just before one,
        # belongs to no row; it is removed here so no orphan outlives a restart.
        self.collect_orphan_bodies()

    def collect_orphan_bodies(self) -> int:
        db, store = self.db(), self.blobs()
        referenced = {row[0] for row in db.query("SELECT blob_id FROM s3_objects WHERE blob_id IS NOT NULL")}
        referenced |= {row[0] for row in db.query("SELECT blob_id FROM s3_parts WHERE blob_id IS NOT NULL")}
        orphans = [blob_id for blob_id in store.ids() if blob_id not in referenced]
        for blob_id in orphans:
            store.delete(blob_id)
        return len(orphans)


def _bucket_of_arn(arn: str) -> str | None:
    """`arn:aws:s3:::bucket` or `arn:aws:s3:::bucket/key` → bucket."""
    if ":::" not in arn:
        return None
    return arn.split(":::", 1)[1].split("/", 1)[0] or None
