"""Object ACLs: GetObjectAcl and PutObjectAcl, and the `x-amz-acl` / `x-amz-grant-*` members of
PutObject, CopyObject and CreateMultipartUpload.

Who owns an object follows the bucket's Object Ownership: with BucketOwnerEnforced (the default
since April 2023) ACLs are disabled, the bucket owner owns every object and only an ACL that grants
the owner FULL_CONTROL and nothing else is accepted (AccessControlListNotSupported otherwise);
with BucketOwnerPreferred an object written with `bucket-owner-full-control` belongs to the bucket
owner; otherwise the writer owns it. A version stores its ACL (Owner and Grants) when one was set;
an upload keeps the ACL members of CreateMultipartUpload (`AclRequest` in its `extra`, checked when
the upload was created), which the completed object is read with.
"""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.s3 import object_store
from stratus.services.s3.bucket_configs import access_control_policy, object_ownership
from stratus.services.s3.bucket_store import Bucket, canonical_user_id
from stratus.services.s3.common import AccessDenied, S3Error, s3_error
from stratus.services.s3.config_access import public_access_block
from stratus.services.s3.config_acl import grants_public_access, is_owner_only, owner_only_acl
from stratus.services.s3.config_errors import AccessControlListNotSupported
from stratus.services.s3.object_store import ObjectVersion
from stratus.store import Database

# The ACL members object writes accept (PutObject has no GrantWrite: objects cannot be written to).
WRITE_ACL_MEMBERS = ("ACL", "GrantFullControl", "GrantRead", "GrantReadACP", "GrantWriteACP")
# Where multipart.py keeps CreateMultipartUpload's ACL members on the upload (and the object).
UPLOAD_ACL_FIELD = "AclRequest"
ENFORCED = "BucketOwnerEnforced"


def _owner(db: Database, bucket: Bucket, writer_account: str, canned: str | None) -> str:
    """The canonical id of the owner of an object `writer_account` writes with canned ACL `canned`."""
    ownership = object_ownership(db, bucket.name)
    if ownership == ENFORCED or (
        ownership == "BucketOwnerPreferred" and canned == "bucket-owner-full-control"
    ):
        return canonical_user_id(bucket.account_id)
    return canonical_user_id(writer_account)


def _check_allowed(db: Database, bucket: Bucket, acl: dict) -> None:
    if object_ownership(db, bucket.name) == ENFORCED and not is_owner_only(acl):
        raise s3_error(AccessControlListNotSupported)
    if public_access_block(db, bucket.name)["BlockPublicAcls"] and grants_public_access(acl):
        raise s3_error(AccessDenied)


def acl_members(req: dict) -> dict:
    return {name: req[name] for name in WRITE_ACL_MEMBERS if req.get(name) is not None}


def requested_acl(db: Database, bucket: Bucket, ctx: RequestContext, req: dict) -> dict | None:
    """The ACL an object write asks for (None: the default, the owner's FULL_CONTROL), refused
    as S3 does when the bucket's ownership or Block Public Access settings do not allow it."""
    members = acl_members(req)
    if not members:
        return None
    acl = access_control_policy(
        members,
        _owner(db, bucket, ctx.account_id, members.get("ACL")),
        canonical_user_id(bucket.account_id),
    )
    _check_allowed(db, bucket, acl)
    return acl


def object_acl(db: Database, bucket: Bucket, version: ObjectVersion) -> dict:
    """The ACL GetObjectAcl answers for a version."""
    bucket_owner = canonical_user_id(bucket.account_id)
    if object_ownership(db, bucket.name) == ENFORCED:
        return owner_only_acl(bucket_owner)  # ACLs are disabled: the bucket owner has full control
    if version.acl:
        return version.acl
    pending = version.extra.get(UPLOAD_ACL_FIELD)
    owner = _owner(db, bucket, version.owner_id, (pending or {}).get("ACL"))
    if pending:
        try:
            return access_control_policy(pending, owner, bucket_owner)
        except S3Error:  # checked when the upload was created; a later ownership change is no reason to fail
            pass
    return owner_only_acl(owner)


class ObjectAclOperations:
    """GetObjectAcl and PutObjectAcl (S3Provider supplies db, bucket and _find)."""

    def get_object_acl(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()  # type: ignore[attr-defined]
        bucket: Bucket = self.bucket(ctx, req)  # type: ignore[attr-defined]
        version = self._find(db, bucket, req["Key"], req.get("VersionId"))  # type: ignore[attr-defined]
        return object_acl(db, bucket, version)

    def put_object_acl(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()  # type: ignore[attr-defined]
        bucket: Bucket = self.bucket(ctx, req)  # type: ignore[attr-defined]
        version = self._find(db, bucket, req["Key"], req.get("VersionId"))  # type: ignore[attr-defined]
        owner = object_acl(db, bucket, version)["Owner"]["ID"]
        acl = access_control_policy(req, owner, canonical_user_id(bucket.account_id))
        _check_allowed(db, bucket, acl)
        with db.transaction():
            object_store.update(db, version, acl=acl)
        return {}
