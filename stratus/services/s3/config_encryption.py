"""Default bucket encryption: Put/Get/DeleteBucketEncryption.

Since January 2023 every bucket encrypts new objects with SSE-S3 unless configured otherwise, so
Get answers that rule for a bucket never configured, and Delete goes back to it.
"""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.s3.common import InvalidArgument, MalformedXML, s3_error
from stratus.services.s3.config_store import (
    ENCRYPTION,
    ConfigOperationsBase,
    delete_config,
    read_config,
    write_config,
)
from stratus.store import Database

SSE_ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse", "aws:fsx")
KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
BLOCKABLE_ENCRYPTION_TYPES = ("NONE", "SSE-C")
# Since April 2026 new buckets also block SSE-C uploads until their configuration allows them.
DEFAULT_RULE = {
    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
    "BucketKeyEnabled": False,
    "BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]},
}


def default_encryption(db: Database, bucket: str) -> dict:
    """The rule applied to new objects that ask for no encryption (PutObject, CopyObject, uploads)."""
    return read_config(db, bucket, ENCRYPTION) or DEFAULT_RULE


def check_encryption_rules(rules: list[dict]) -> dict:
    if len(rules) != 1:
        raise s3_error(MalformedXML)
    rule = rules[0]
    by_default = rule.get("ApplyServerSideEncryptionByDefault")
    if not by_default or by_default.get("SSEAlgorithm") not in SSE_ALGORITHMS:
        raise s3_error(MalformedXML)
    if "KMSMasterKeyID" in by_default and by_default["SSEAlgorithm"] not in KMS_ALGORITHMS:
        raise s3_error(
            InvalidArgument,
            "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse",
            ArgumentName="ApplyServerSideEncryptionByDefault",
        )
    stored = {
        "ApplyServerSideEncryptionByDefault": {
            name: by_default[name] for name in ("SSEAlgorithm", "KMSMasterKeyID") if name in by_default
        },
        "BucketKeyEnabled": bool(rule.get("BucketKeyEnabled", False)),
    }
    blocked = rule.get("BlockedEncryptionTypes")
    if blocked is not None:
        types = blocked.get("EncryptionType") or []
        if any(kind not in BLOCKABLE_ENCRYPTION_TYPES for kind in types):
            raise s3_error(MalformedXML)
        stored["BlockedEncryptionTypes"] = {"EncryptionType": types}
    return stored


class EncryptionOperations(ConfigOperationsBase):
    def put_bucket_encryption(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        rule = check_encryption_rules(req["ServerSideEncryptionConfiguration"].get("Rules") or [])
        db = self.db()
        with db.transaction():
            write_config(db, bucket.name, ENCRYPTION, rule)
        return {}

    def get_bucket_encryption(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        return {"ServerSideEncryptionConfiguration": {"Rules": [default_encryption(self.db(), bucket.name)]}}

    def delete_bucket_encryption(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        db = self.db()
        with db.transaction():
            delete_config(db, bucket.name, ENCRYPTION)
        return {}
