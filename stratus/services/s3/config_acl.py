"""Bucket ACLs and the Object Ownership setting that turns them off: Get/PutBucketAcl (canned ACLs,
`x-amz-grant-*` headers, AccessControlPolicy bodies) and Get/Put/DeleteBucketOwnershipControls.

`access_control_policy` turns any of the three request forms into the stored policy
({"Owner": {...}, "Grants": [...]}) with S3's validation; object ACLs can use it too (pass the
bucket owner for the `bucket-owner-*` canned ACLs).
"""

from __future__ import annotations

import re

from stratus.core.context import RequestContext
from stratus.services.s3.bucket_store import canonical_user_id
from stratus.services.s3.common import AccessDenied, InvalidArgument, InvalidRequest, MalformedXML, s3_error
from stratus.services.s3.config_access import (
    OBJECT_OWNERSHIPS,
    object_ownership,
    public_access_block,
    set_object_ownership,
)
from stratus.services.s3.config_errors import (
    AccessControlListNotSupported,
    InvalidBucketAclWithObjectOwnership,
    MalformedACLError,
    MissingSecurityHeader,
    OwnershipControlsNotFoundError,
    UnexpectedContent,
    UnresolvableGrantByEmailAddress,
)
from stratus.services.s3.config_store import (
    ACL,
    OWNERSHIP_CONTROLS,
    ConfigOperationsBase,
    delete_config,
    read_config,
    write_config,
)
from stratus.store import Database

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
GROUPS = frozenset({ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY})
PUBLIC_GROUPS = frozenset({ALL_USERS, AUTHENTICATED_USERS})
PERMISSIONS = frozenset({"FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP"})
GRANTEE_TYPES = frozenset({"CanonicalUser", "AmazonCustomerByEmail", "Group"})
CANNED_ACLS = frozenset(
    {
        "private",
        "public-read",
        "public-read-write",
        "authenticated-read",
        "log-delivery-write",
        "aws-exec-read",
        "bucket-owner-read",
        "bucket-owner-full-control",
    }
)
# Request member -> (permission, header), in the order S3 lists the grants.
GRANT_HEADERS = (
    ("GrantFullControl", "FULL_CONTROL", "x-amz-grant-full-control"),
    ("GrantRead", "READ", "x-amz-grant-read"),
    ("GrantReadACP", "READ_ACP", "x-amz-grant-read-acp"),
    ("GrantWrite", "WRITE", "x-amz-grant-write"),
    ("GrantWriteACP", "WRITE_ACP", "x-amz-grant-write-acp"),
)
# CreateBucket's x-amz-acl, as buckets.py stores it ({"ACL": name}) until a PutBucketAcl replaces it.
CREATED_WITH_CANNED_ACL = "canned-acl"
CANONICAL_ID = re.compile(r"^[0-9a-f]{64}$")
_GRANTEE = re.compile(r'^\s*([A-Za-z]+)\s*=\s*"?([^"]*)"?\s*$')


def _user(user_id: str) -> dict:
    return {"Type": "CanonicalUser", "ID": user_id}


def _group(uri: str) -> dict:
    return {"Type": "Group", "URI": uri}


def _grant(grantee: dict, permission: str) -> dict:
    return {"Grantee": grantee, "Permission": permission}


def owner_only_acl(owner_id: str) -> dict:
    """The default ACL: the owner has FULL_CONTROL."""
    return {"Owner": {"ID": owner_id}, "Grants": [_grant(_user(owner_id), "FULL_CONTROL")]}


def canned_acl(name: str, owner_id: str, bucket_owner_id: str | None = None) -> dict:
    """The grants of a canned ACL (the `bucket-owner-*` ones only add grants on objects of others)."""
    acl = owner_only_acl(owner_id)
    grants = acl["Grants"]
    if name == "public-read":
        grants.append(_grant(_group(ALL_USERS), "READ"))
    elif name == "public-read-write":
        grants += [_grant(_group(ALL_USERS), "READ"), _grant(_group(ALL_USERS), "WRITE")]
    elif name == "authenticated-read":
        grants.append(_grant(_group(AUTHENTICATED_USERS), "READ"))
    elif name == "log-delivery-write":
        grants += [_grant(_group(LOG_DELIVERY), "WRITE"), _grant(_group(LOG_DELIVERY), "READ_ACP")]
    elif name in ("bucket-owner-read", "bucket-owner-full-control") and bucket_owner_id not in (
        None,
        owner_id,
    ):
        permission = "READ" if name == "bucket-owner-read" else "FULL_CONTROL"
        grants.append(_grant(_user(bucket_owner_id), permission))
    return acl


def _header_grants(permission: str, header: str, value: str) -> list[dict]:
    grants = []
    for part in value.split(","):
        match = _GRANTEE.match(part)
        if match is None or match.group(1) not in ("id", "uri", "emailAddress"):
            raise s3_error(
                InvalidArgument,
                "Argument format not recognized",
                ArgumentName=header,
                ArgumentValue=part.strip(),
            )
        kind, grantee = match.groups()
        if kind == "uri":
            if grantee not in GROUPS:
                raise s3_error(
                    InvalidArgument, "Invalid group uri", ArgumentName="uri", ArgumentValue=grantee
                )
            grants.append(_grant(_group(grantee), permission))
        elif kind == "id":
            if not CANONICAL_ID.match(grantee):
                raise s3_error(InvalidArgument, "Invalid id", ArgumentName="id", ArgumentValue=grantee)
            grants.append(_grant(_user(grantee), permission))
        else:
            raise s3_error(UnresolvableGrantByEmailAddress, EmailAddress=grantee)
    return grants


def _body_acl(policy: dict, owner_id: str) -> dict:
    owner = policy.get("Owner")
    grants = policy.get("Grants")
    if not isinstance(owner, dict) or grants is None:
        raise s3_error(MalformedACLError)
    given_owner = owner.get("ID", "")
    if not CANONICAL_ID.match(given_owner):
        raise s3_error(
            InvalidArgument, "Invalid id", ArgumentName="CanonicalUser/ID", ArgumentValue=given_owner
        )
    if given_owner != owner_id:
        raise s3_error(AccessDenied)
    stored = []
    for grant in grants:
        grantee = grant.get("Grantee") or {}
        permission = grant.get("Permission")
        kind = grantee.get("Type")
        if permission not in PERMISSIONS or kind not in GRANTEE_TYPES:
            raise s3_error(MalformedACLError)
        if kind == "Group":
            uri = grantee.get("URI", "")
            if uri not in GROUPS:
                raise s3_error(
                    InvalidArgument, "Invalid group uri", ArgumentName="Group/URI", ArgumentValue=uri
                )
            stored.append(_grant(_group(uri), permission))
        elif kind == "CanonicalUser":
            user_id = grantee.get("ID", "")
            if not CANONICAL_ID.match(user_id):
                raise s3_error(
                    InvalidArgument, "Invalid id", ArgumentName="CanonicalUser/ID", ArgumentValue=user_id
                )
            stored.append(_grant(_user(user_id), permission))
        else:
            raise s3_error(UnresolvableGrantByEmailAddress, EmailAddress=grantee.get("EmailAddress", ""))
    return {"Owner": {"ID": owner_id}, "Grants": stored}


def access_control_policy(req: dict, owner_id: str, bucket_owner_id: str | None = None) -> dict:
    """The ACL a Put*Acl request asks for: a canned `ACL`, `Grant*` headers or an AccessControlPolicy."""
    canned = req.get("ACL")
    headers = [
        (permission, header, req[member]) for member, permission, header in GRANT_HEADERS if req.get(member)
    ]
    body = req.get("AccessControlPolicy")
    if canned is None and not headers and body is None:
        raise s3_error(MissingSecurityHeader, MissingHeaderName="x-amz-acl")
    if canned is not None and headers:
        raise s3_error(InvalidRequest, "Specifying both Canned ACLs and Header Grants is not allowed")
    if (canned is not None or headers) and body is not None:
        raise s3_error(UnexpectedContent)
    if canned is not None:
        if canned not in CANNED_ACLS:
            # S3 answers this one without a message.
            raise InvalidArgument("", ArgumentName="x-amz-acl", ArgumentValue=canned)
        return canned_acl(canned, owner_id, bucket_owner_id)
    if headers:
        grants = [
            grant
            for permission, header, value in headers
            for grant in _header_grants(permission, header, value)
        ]
        return {"Owner": {"ID": owner_id}, "Grants": grants}
    return _body_acl(body, owner_id)


def is_owner_only(acl: dict) -> bool:
    """The ACL S3 still accepts with ACLs disabled: the owner's FULL_CONTROL and nothing else."""
    return acl["Grants"] == owner_only_acl(acl["Owner"]["ID"])["Grants"]


def grants_public_access(acl: dict) -> bool:
    return any(grant["Grantee"].get("URI") in PUBLIC_GROUPS for grant in acl.get("Grants", []))


def bucket_acl(db: Database, bucket: str, account_id: str) -> dict:
    """The bucket's ACL (the owner's FULL_CONTROL unless another was put or created with)."""
    stored = read_config(db, bucket, ACL)
    if stored:
        return stored
    owner_id = canonical_user_id(account_id)
    created_with = read_config(db, bucket, CREATED_WITH_CANNED_ACL)
    if created_with and created_with.get("ACL") in CANNED_ACLS:
        return canned_acl(created_with["ACL"], owner_id)
    return owner_only_acl(owner_id)


class AclOperations(ConfigOperationsBase):
    def put_bucket_acl(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        acl = access_control_policy(req, canonical_user_id(bucket.account_id))
        db = self.db()
        if object_ownership(db, bucket.name) == "BucketOwnerEnforced" and not is_owner_only(acl):
            raise s3_error(AccessControlListNotSupported)
        if public_access_block(db, bucket.name)["BlockPublicAcls"] and grants_public_access(acl):
            raise s3_error(AccessDenied)
        with db.transaction():
            write_config(db, bucket.name, ACL, acl)
            delete_config(db, bucket.name, CREATED_WITH_CANNED_ACL)
        return {}

    def get_bucket_acl(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        return bucket_acl(self.db(), bucket.name, bucket.account_id)

    # ------------------------------------------------------------------ ownership controls

    def put_bucket_ownership_controls(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        rules = req["OwnershipControls"].get("Rules") or []
        if len(rules) != 1 or rules[0].get("ObjectOwnership") not in OBJECT_OWNERSHIPS:
            raise s3_error(MalformedXML)
        ownership = rules[0]["ObjectOwnership"]
        db = self.db()
        with db.transaction():
            # ACLs cannot be turned off while the bucket ACL still grants someone other than the owner.
            acl = bucket_acl(db, bucket.name, bucket.account_id)
            if ownership == "BucketOwnerEnforced" and not is_owner_only(acl):
                raise s3_error(InvalidBucketAclWithObjectOwnership)
            set_object_ownership(db, bucket.name, ownership)
        return {}

    def get_bucket_ownership_controls(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        ownership = object_ownership(self.db(), bucket.name)
        if ownership is None:
            raise s3_error(OwnershipControlsNotFoundError, BucketName=bucket.name)
        return {"OwnershipControls": {"Rules": [{"ObjectOwnership": ownership}]}}

    def delete_bucket_ownership_controls(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        db = self.db()
        with db.transaction():
            write_config(db, bucket.name, OWNERSHIP_CONTROLS, None)
        return {}
