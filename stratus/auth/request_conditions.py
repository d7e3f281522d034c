"""Condition keys a request fills by itself (`aws:RequestTag/<k>`, `aws:TagKeys`, `s3:prefix`, ...).

Three sources, decided once per operation:
- tag parameters (Tags as a list of {Key, Value} / {TagKey, TagValue} or as a map, EC2's
  TagSpecifications, S3's `Tagging`) -> aws:RequestTag/<k> and aws:TagKeys (S3 objects:
  s3:RequestObjectTag/<k> and s3:RequestObjectTagKeys); untag key lists -> aws:TagKeys;
- the generic rule: a service key of the operation's actions whose name equals a top-level input
  member (`kms:KeySpec` <- KeySpec, `sns:Protocol` <- Protocol, `dynamodb:Select` <- Select);
- a short table of keys the generic rule cannot see (S3's header keys, KMS encryption context, ...).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from stratus.auth.action_exceptions import PASSED_TO_SERVICE, parse_copy_source

if TYPE_CHECKING:
    from stratus.auth.action_plans import OperationPlan

Extractor = Callable[[dict, dict], None]  # (params, out) -> adds keys to out

_TAG_MEMBERS = ("Tags", "tags", "TagList", "Tagging", "TagSpecifications", "TagSet")
_UNTAG_MEMBERS = ("TagKeys", "tagKeys", "TagKeyList", "Keys")
_S3_OBJECT_TAG_OPERATIONS = frozenset(
    {"PutObject", "CopyObject", "CreateMultipartUpload", "PutObjectTagging"}
)


def _normalize(name: str) -> str:
    return name.replace("-", "").replace("_", "").lower()


def _plain(value: object) -> object:
    """A condition value: strings, numbers, booleans, lists of them; dates as ISO 8601 text."""
    if isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, list) and all(isinstance(item, (str, int, float, bool)) for item in value):
        return list(value)
    return None


def tags_of(value: object) -> dict[str, str]:
    """Tags in any of the shapes AWS APIs use."""
    if isinstance(value, str):  # S3's x-amz-tagging: "k1=v1&k2=v2"
        return dict(parse_qsl(value, keep_blank_values=True))
    if isinstance(value, dict):
        if isinstance(value.get("TagSet"), list):  # S3's Tagging structure
            return tags_of(value["TagSet"])
        return {str(key): str(found) for key, found in value.items() if isinstance(found, (str, int, float))}
    tags: dict[str, str] = {}
    if isinstance(value, list):
        for entry in value:
            if not isinstance(entry, dict):
                continue
            if isinstance(entry.get("Tags"), list):  # EC2 TagSpecifications
                tags.update(tags_of(entry["Tags"]))
                continue
            key = entry.get("Key", entry.get("key", entry.get("TagKey")))
            found = entry.get("Value", entry.get("value", entry.get("TagValue", "")))
            if isinstance(key, str):
                tags[key] = "" if found is None else str(found)
    return tags


def _tag_extractor(member: str, object_tags: bool) -> Extractor:
    def extract(params: dict, out: dict) -> None:
        tags = tags_of(params.get(member))
        if not tags:
            return
        if object_tags:
            for key, value in tags.items():
                out[f"s3:RequestObjectTag/{key}"] = value
            out["s3:RequestObjectTagKeys"] = list(tags)
            return
        for key, value in tags.items():
            out[f"aws:RequestTag/{key}"] = value
        out["aws:TagKeys"] = list(tags)

    return extract


def _untag_extractor(member: str) -> Extractor:
    def extract(params: dict, out: dict) -> None:
        keys = params.get(member)
        if isinstance(keys, list) and keys:
            out["aws:TagKeys"] = [str(key) for key in keys]

    return extract


def _member_extractor(key: str, member: str) -> Extractor:
    def extract(params: dict, out: dict) -> None:
        value = _plain(params.get(member))
        if value is not None and value != []:
            out[key] = value

    return extract


def _computed(key: str, compute: Callable[[dict], object]) -> Extractor:
    def extract(params: dict, out: dict) -> None:
        value = _plain(compute(params))
        if value is not None and value != []:
            out[key] = value

    return extract


def _nested(*path: str) -> Callable[[dict], object]:
    def compute(params: dict) -> object:
        value: object = params
        for step in path:
            value = value.get(step) if isinstance(value, dict) else None
        return value

    return compute


def _each(member: str, field: str) -> Callable[[dict], object]:
    def compute(params: dict) -> object:
        entries = params.get(member)
        if not isinstance(entries, list):
            return None
        found = [entry.get(field) for entry in entries if isinstance(entry, dict)]
        return list(dict.fromkeys(value for value in found if isinstance(value, str))) or None

    return compute


def _copy_source(params: dict) -> object:
    value = params.get("CopySource")
    if isinstance(value, str):
        return value
    source = parse_copy_source(value)
    return f"{source['Bucket']}/{source['Key']}" if source else None


def _encryption_context(params: dict, out: dict) -> None:
    context = params.get("EncryptionContext")
    if isinstance(context, dict) and context:
        for key, value in context.items():
            out[f"kms:EncryptionContext:{key}"] = str(value)
        out["kms:EncryptionContextKeys"] = list(context)


def _request_alias(params: dict) -> object:
    key = params.get("KeyId")
    if isinstance(key, str) and (key.startswith("alias/") or ":alias/" in key):
        return key.rsplit(":", 1)[-1] if key.startswith("arn:") else key
    return None


def _same_key(params: dict) -> object:
    source, destination = params.get("SourceKeyId"), params.get("DestinationKeyId")
    return source == destination if source and destination else None


def _grant_constraint(params: dict) -> object:
    constraints = params.get("Constraints")
    return list(constraints) if isinstance(constraints, dict) and constraints else None


def _function_arn(params: dict) -> object:
    name = params.get("FunctionName")
    return name if isinstance(name, str) and name.startswith("arn:") else None


_S3_HEADER_KEYS = {
    "s3:prefix": "Prefix",
    "s3:delimiter": "Delimiter",
    "s3:max-keys": "MaxKeys",
    "s3:x-amz-acl": "ACL",
    "s3:x-amz-grant-full-control": "GrantFullControl",
    "s3:x-amz-grant-read": "GrantRead",
    "s3:x-amz-grant-read-acp": "GrantReadACP",
    "s3:x-amz-grant-write": "GrantWrite",
    "s3:x-amz-grant-write-acp": "GrantWriteACP",
    "s3:x-amz-server-side-encryption": "ServerSideEncryption",
    "s3:x-amz-server-side-encryption-aws-kms-key-id": "SSEKMSKeyId",
    "s3:x-amz-server-side-encryption-customer-algorithm": "SSECustomerAlgorithm",
    "s3:x-amz-storage-class": "StorageClass",
    "s3:x-amz-metadata-directive": "MetadataDirective",
    "s3:x-amz-website-redirect-location": "WebsiteRedirectLocation",
    "s3:x-amz-object-ownership": "ObjectOwnership",
    "s3:VersionId": "VersionId",
    "s3:object-lock-mode": "ObjectLockMode",
    "s3:object-lock-retain-until-date": "ObjectLockRetainUntilDate",
    "s3:object-lock-legal-hold": "ObjectLockLegalHoldStatus",
    "s3:if-match": "IfMatch",
    "s3:if-none-match": "IfNoneMatch",
}

# prefix -> [(key, members that must be in the input, extractor)]
_EXTRAS: dict[str, list[tuple[tuple[str, ...], Extractor]]] = {
    "s3": [((member,), _member_extractor(key, member)) for key, member in _S3_HEADER_KEYS.items()]
    + [
        (("CopySource",), _computed("s3:x-amz-copy-source", _copy_source)),
        (
            ("CreateBucketConfiguration",),
            _computed("s3:locationconstraint", _nested("CreateBucketConfiguration", "LocationConstraint")),
        ),
    ],
    "kms": [
        (("EncryptionContext",), _encryption_context),
        (("Operations",), _member_extractor("kms:GrantOperations", "Operations")),
        (("Origin",), _member_extractor("kms:KeyOrigin", "Origin")),
        (("KeyPairSpec",), _member_extractor("kms:DataKeyPairSpec", "KeyPairSpec")),
        (("KeyId",), _computed("kms:RequestAlias", _request_alias)),
        (("SourceKeyId",), _computed("kms:ReEncryptOnSameKey", _same_key)),
        (("Constraints",), _computed("kms:GrantConstraintType", _grant_constraint)),
    ],
    "lambda": [
        (("AuthType",), _member_extractor("lambda:FunctionUrlAuthType", "AuthType")),
        (("Layers",), _member_extractor("lambda:Layer", "Layers")),
        (("VpcConfig",), _computed("lambda:SubnetIds", _nested("VpcConfig", "SubnetIds"))),
        (("VpcConfig",), _computed("lambda:SecurityGroupIds", _nested("VpcConfig", "SecurityGroupIds"))),
        (("FunctionName",), _computed("lambda:FunctionArn", _function_arn)),
    ],
    "events": [
        (("Entries",), _computed("events:source", _each("Entries", "Source"))),
        (("Entries",), _computed("events:detail-type", _each("Entries", "DetailType"))),
        (("Targets",), _computed("events:TargetArn", _each("Targets", "Arn"))),
    ],
    "dynamodb": [(("AttributesToGet",), _member_extractor("dynamodb:Attributes", "AttributesToGet"))],
}


def _build(plan: OperationPlan, prefix: str) -> tuple[Extractor, ...]:
    members = plan.members
    extractors: list[Extractor] = []
    object_tags = prefix == "s3" and plan.operation in _S3_OBJECT_TAG_OPERATIONS
    for member in _TAG_MEMBERS:
        if member in members:
            extractors.append(_tag_extractor(member, object_tags))
    for member in _UNTAG_MEMBERS:
        if member in members:
            extractors.append(_untag_extractor(member))
    by_name = {_normalize(member): member for member in members}
    # IAM condition keys are case-insensitive ("s3:versionid" in the reference is s3:VersionId)
    explicit = {key.lower() for key in _S3_HEADER_KEYS} if prefix == "s3" else set()
    for info in plan.action_infos():
        for key in info.condition_keys:
            key_prefix, _, name = key.partition(":")
            if key_prefix == "aws" or key.lower() in explicit or any(mark in name for mark in "/$<"):
                continue
            member = by_name.get(_normalize(name))
            if member is not None:
                extractors.append(_member_extractor(key, member))
                explicit.add(key.lower())
    for needed, extractor in _EXTRAS.get(prefix, ()):
        if any(member in members for member in needed):
            extractors.append(extractor)
    principal = PASSED_TO_SERVICE.get(plan.service)
    role_members = [extra.member for extra in plan.also if extra.plan.action == "iam:PassRole"]
    if principal and role_members:
        extractors.append(
            _passed_to_service(principal, lambda params: any(params.get(m) for m in role_members))
        )
    if principal and plan.service == "events" and plan.operation == "PutTargets":  # roles inside Targets
        extractors.append(_passed_to_service(principal, _each("Targets", "RoleArn")))
    return tuple(extractors)


def _passed_to_service(principal: str, passes_role: Callable[[dict], object]) -> Extractor:
    def extract(params: dict, out: dict) -> None:
        if passes_role(params):
            out["iam:PassedToService"] = principal

    return extract


_cache: dict[tuple[str, str], tuple[Extractor, ...]] = {}


def condition_keys_for(plan: OperationPlan, prefix: str, params: dict) -> dict[str, object]:
    extractors = _cache.get((plan.service, plan.operation))
    if extractors is None:
        extractors = _cache[(plan.service, plan.operation)] = _build(plan, prefix)
    out: dict[str, object] = {}
    for extract in extractors:
        extract(params, out)
    return out
