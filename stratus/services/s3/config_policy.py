"""Bucket policies: Put/Get/DeleteBucketPolicy, GetBucketPolicyStatus, and what "public" means.

A policy is validated by the IAM grammar (`stratus.auth.policy`), answered with S3's own
MalformedPolicy messages, and must only name resources of its bucket. A public policy is refused
while the bucket blocks public policies (BlockPublicPolicy, on by default since 2023).
"""

from __future__ import annotations

import ipaddress
import json
from fnmatch import fnmatchcase

from stratus.auth.conditions import SYNTAX_ERROR
from stratus.auth.policy import PolicyError, parse_policy
from stratus.auth.policy_shapes import as_list, statements_of
from stratus.core.context import RequestContext
from stratus.protocol.serializers.rest import HTTP_STATUS_KEY
from stratus.services.s3.common import AccessDenied, s3_error
from stratus.services.s3.config_access import public_access_block
from stratus.services.s3.config_errors import MalformedPolicy, NoSuchBucketPolicy
from stratus.services.s3.config_store import (
    POLICY,
    ConfigOperationsBase,
    delete_config,
    read_config,
    write_config,
)
from stratus.store import Database

MAX_POLICY_BYTES = 20 * 1024
NOT_JSON = "Policies must be valid JSON and the first byte must be '{'"

# Condition keys that tie a grant to fixed callers or networks: a wildcard principal restricted by
# one of them is not public ("The meaning of public" in the S3 user guide).
_RESTRICTING_KEYS = frozenset(
    {
        "aws:sourcearn",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourceowner",
        "aws:sourceaccount",
        "aws:sourceip",
        "aws:userid",
        "aws:principalarn",
        "aws:principalaccount",
        "aws:principalorgid",
        "s3:x-amz-server-side-encryption-aws-kms-key-id",
    }
)
_BROADEST_RESTRICTING_PREFIX = 8  # a CIDR wider than /8 does not restrict anyone in practice


def stored_policy(db: Database, bucket: str) -> str | None:
    """The bucket policy text (for the IAM evaluator's resource-policy hook)."""
    return read_config(db, bucket, POLICY)


def check_bucket_policy(text: str, bucket: str) -> dict:
    """The parsed document, or MalformedPolicy with the message S3 answers."""
    if not text or text[0] != "{":
        raise s3_error(MalformedPolicy, NOT_JSON)
    if len(text.encode("utf-8")) > MAX_POLICY_BYTES:
        raise s3_error(MalformedPolicy, "Policy exceeds the maximum allowed document size.")
    try:
        document = json.loads(text)
    except ValueError:
        raise s3_error(MalformedPolicy, NOT_JSON) from None
    if not isinstance(document, dict) or "Statement" not in document:
        raise s3_error(MalformedPolicy, "Missing required field Statement")
    try:
        parse_policy(text, "resource")
    except PolicyError as error:
        raise s3_error(MalformedPolicy, _s3_message(error.message)) from None
    for statement in statements_of(document):
        for field in ("Resource", "NotResource"):
            for resource in as_list(statement.get(field)):
                if not _within_bucket(resource, bucket):
                    raise s3_error(MalformedPolicy, "Policy has invalid resource")
    return document


def _s3_message(iam_message: str) -> str:
    if iam_message.startswith("Invalid principal in policy"):
        return "Invalid principal in policy"
    if iam_message == SYNTAX_ERROR:
        return "Invalid policy syntax."
    return iam_message


def _within_bucket(resource: object, bucket: str) -> bool:
    if not isinstance(resource, str):
        return False
    parts = resource.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "s3" or parts[3] or parts[4]:
        return False
    bucket_part = parts[5].split("/", 1)[0]
    return bool(bucket_part) and fnmatchcase(bucket, bucket_part.replace("[", "[[]"))


def policy_is_public(document: dict) -> bool:
    """Whether a policy grants access to anyone (a wildcard principal not pinned by a condition)."""
    for statement in statements_of(document):
        if statement.get("Effect") != "Allow":
            continue
        if "NotPrincipal" in statement:
            return True
        if _wildcard_principal(statement.get("Principal")) and not _restricted(statement.get("Condition")):
            return True
    return False


def _wildcard_principal(principal: object) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        return "*" in as_list(principal.get("AWS"))
    return False


def _restricted(conditions: object) -> bool:
    if not isinstance(conditions, dict):
        return False
    for operator, block in conditions.items():
        # Negated tests (StringNotEquals, NotIpAddress ...) and IfExists ones pin nobody down.
        if not isinstance(block, dict) or "Not" in operator or operator.endswith("IfExists"):
            continue
        for key, values in block.items():
            if key.lower() in _RESTRICTING_KEYS and _fixed_values(key.lower(), as_list(values)):
                return True
    return False


def _fixed_values(key: str, values: list) -> bool:
    if not values:
        return False
    for value in values:
        text = str(value)
        if key == "aws:sourceip":
            try:
                network = ipaddress.ip_network(text, strict=False)
            except ValueError:
                return False
            if network.prefixlen < _BROADEST_RESTRICTING_PREFIX:
                return False
        elif "*" in text or "?" in text:
            return False
    return True


class PolicyOperations(ConfigOperationsBase):
    def put_bucket_policy(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        text = req.get("Policy") or ""
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="replace")
        document = check_bucket_policy(text, bucket.name)
        db = self.db()
        if public_access_block(db, bucket.name)["BlockPublicPolicy"] and policy_is_public(document):
            raise s3_error(
                AccessDenied,
                f"User: {ctx.principal.arn} is not authorized to perform: s3:PutBucketPolicy on resource: "
                f'"arn:{ctx.partition}:s3:::{bucket.name}" because public policies are blocked by the '
                "BlockPublicPolicy block public access setting.",
            )
        with db.transaction():
            write_config(db, bucket.name, POLICY, text)
        return {HTTP_STATUS_KEY: 204}

    def get_bucket_policy(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        text = stored_policy(self.db(), bucket.name)
        if text is None:
            raise s3_error(NoSuchBucketPolicy, BucketName=bucket.name)
        return {"Policy": text}

    def delete_bucket_policy(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        db = self.db()
        with db.transaction():
            delete_config(db, bucket.name, POLICY)
        return {}

    def get_bucket_policy_status(self, ctx: RequestContext, req: dict) -> dict:
        bucket = self._target(ctx, req)
        text = stored_policy(self.db(), bucket.name)
        if text is None:
            raise s3_error(NoSuchBucketPolicy, BucketName=bucket.name)
        return {"PolicyStatus": {"IsPublic": policy_is_public(json.loads(text))}}
