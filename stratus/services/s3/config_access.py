"""Who may be granted access: the bucket's Object Ownership setting (read here, managed with the ACLs
in `config_acl`) and its Block Public Access settings (Get/Put/DeletePublicAccessBlock).

Since April 2023 a new bucket has ObjectOwnership BucketOwnerEnforced (ACLs disabled) and all four
Block Public Access settings on; Get answers those defaults until they are deleted, and then
OwnershipControlsNotFoundError / NoSuchPublicAccessBlockConfiguration.
"""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.s3.common import s3_error
from stratus.services.s3.config_errors import NoSuchPublicAccessBlockConfiguration
from stratus.services.s3.config_store import (
    OWNERSHIP_CONTROLS,
    PUBLIC_ACCESS_BLOCK,
    TOMBSTONE,
    ConfigOperationsBase,
    read_config,
    write_config,
)
from stratus.store import Database

OBJECT_OWNERSHIPS = ("BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced")
DEFAULT_OBJECT_OWNERSHIP = "BucketOwnerEnforced"
PUBLIC_ACCESS_SETTINGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def object_ownership(db: Database, bucket: str) -> str | None:
    """The bucket's ObjectOwnership; None when its controls were deleted (ACLs then apply as before 2023)."""
    stored = read_config(db, bucket, OWNERSHIP_CONTROLS)
    if stored is TOMBSTONE:
        return None
    if stored is None:
        return DEFAULT_OBJECT_OWNERSHIP
    return stored["Rules"][0]["ObjectOwnership"]


def acls_enabled(db: Database, bucket: str) -> bool:
    return object_ownership(db, bucket) != "BucketOwnerEnforced"


def public_access_block(db: Database, bucket: str) -> dict[str, bool]:
    """The bucket's Block Public Access settings in force (all off once the configuration is deleted)."""
    stored = read_config(db, bucket, PUBLIC_ACCESS_BLOCK)
    if stored is TOMBSTONE:
        return dict.fromkeys(PUBLIC_ACCESS_SETTINGS, False)
    if stored is None:
        return dict.fromkeys(PUBLIC_ACCESS_SETTINGS, True)
    return stored


def set_object_ownership(db: Database, bucket: str, ownership: str) -> None:
    """Store the ownership a bucket was created with (CreateBucket's x-amz-object-ownership)."""
    write_config(db, bucket, OWNERSHIP_CONTROLS, {"Rules": [{"ObjectOwnership": ownership}]})


class PublicAccessBlockOperations(ConfigOperationsBase):
    # ------------------------------------------------------------------ public access block

    def put_public_access_block(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        given = req["PublicAccessBlockConfiguration"]
        settings = {name: bool(given.get(name, False)) for name in PUBLIC_ACCESS_SETTINGS}
        db = self.db()
        with db.transaction():
            write_config(db, bucket.name, PUBLIC_ACCESS_BLOCK, settings)
        return {}

    def get_public_access_block(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        stored = read_config(self.db(), bucket.name, PUBLIC_ACCESS_BLOCK)
        if stored is TOMBSTONE:
            raise s3_error(NoSuchPublicAccessBlockConfiguration, BucketName=bucket.name)
        return {"PublicAccessBlockConfiguration": public_access_block(self.db(), bucket.name)}

    def delete_public_access_block(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        db = self.db()
        with db.transaction():
            write_config(db, bucket.name, PUBLIC_ACCESS_BLOCK, None)
        return {}
