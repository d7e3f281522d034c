"""Where each ARN placeholder's value comes from in a request, where the generic rule does not find it.

The generic rule (in resource_arns.py) matches a placeholder to the input member of the same name
(case-insensitively: logs' `logGroupName` fills `${LogGroupName}`), to `XName` -> `X`, `XName`/`XId` ->
`XArn`, to plurals (`InstanceIds` fills `${InstanceId}` once per item), and reads names out of ARNs.
This table lists what that rule cannot guess, keyed by (IAM prefix, placeholder) or, narrower,
(IAM prefix, resource type, placeholder). Sources are tried in order; the first that yields wins.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FromParam:
    """A member's value (a list gives one resource per item); an ARN there is parsed for the placeholder."""

    member: str
    transform: Callable[[str], str | None] | None = None  # applied to plain (non-ARN) values
    arn_only: bool = False  # the member fills this placeholder only when it holds an ARN
    never_arn: bool = False  # the value is taken as is even if it starts with "arn:" (an S3 key)


@dataclass(frozen=True, slots=True)
class FromRequest:
    """A value computed from the request by `extract` (which returns None when it cannot)."""

    members: tuple[str, ...]  # the source applies to operations whose input has one of these
    extract: Callable[[dict], str | None]


@dataclass(frozen=True, slots=True)
class Constant:
    value: str


Source = FromParam | FromRequest | Constant


_queue_url_memo: tuple[str, tuple[str, str] | None] = ("", None)  # account and name read the same URL


def _queue_url_parts(params: dict) -> tuple[str, str] | None:
    global _queue_url_memo
    url = params.get("QueueUrl")
    if not isinstance(url, str) or not url:
        return None
    memo = _queue_url_memo  # one tuple, replaced whole: safe to share between threads
    if memo[0] == url:
        return memo[1]
    path = url.split("://", 1)[1].partition("/")[2] if "://" in url else url  # drop scheme and host
    segments = [segment for segment in path.split("?", 1)[0].split("/") if segment]
    parts = (segments[-2], segments[-1]) if len(segments) >= 2 else None  # .../<account>/<queue name>
    _queue_url_memo = (url, parts)
    return parts


def _queue_account(params: dict) -> str | None:
    parts = _queue_url_parts(params)
    return parts[0] if parts else None


def _queue_name(params: dict) -> str | None:
    parts = _queue_url_parts(params)
    return parts[1] if parts else None


_LAMBDA_VERSION = re.compile(r"\d+|\$LATEST")


def lambda_function_parts(value: object) -> tuple[str | None, str | None, str, str | None] | None:
    """(region, account, name, qualifier) of a Lambda FunctionName: a name, `name:qualifier`,
    a partial ARN `123456789012:function:name[:qualifier]`, or a full ARN."""
    if not isinstance(value, str) or not value:
        return None
    fields = value.split(":")
    if value.startswith("arn:"):
        if len(fields) < 7 or fields[5] != "function":
            return None
        return fields[3] or None, fields[4] or None, fields[6], (fields[7] if len(fields) > 7 else None)
    if len(fields) >= 3 and fields[1] == "function":
        return None, fields[0], fields[2], (fields[3] if len(fields) > 3 else None)
    if len(fields) == 2:
        return None, None, fields[0], fields[1]
    return None, None, value, None


def _lambda_field(index: int) -> Callable[[dict], str | None]:
    def extract(params: dict) -> str | None:
        parts = lambda_function_parts(params.get("FunctionName"))
        return parts[index] if parts else None

    return extract


def _lambda_qualified_name(params: dict) -> str | None:
    """The `function` resource of a qualified request is the qualified ARN (function:NAME:QUALIFIER)."""
    parts = lambda_function_parts(params.get("FunctionName"))
    if not parts:
        return None
    qualifier = params.get("Qualifier")
    qualifier = qualifier if isinstance(qualifier, str) and qualifier else parts[3]
    return f"{parts[2]}:{qualifier}" if qualifier else parts[2]


def _lambda_qualifier(params: dict) -> str | None:
    qualifier = params.get("Qualifier")
    if isinstance(qualifier, str) and qualifier:
        return qualifier
    parts = lambda_function_parts(params.get("FunctionName"))
    return parts[3] if parts else None


def _lambda_alias(params: dict) -> str | None:
    qualifier = _lambda_qualifier(params)
    return qualifier if qualifier and not _LAMBDA_VERSION.fullmatch(qualifier) else None


def _lambda_version(params: dict) -> str | None:
    qualifier = _lambda_qualifier(params)
    return qualifier if qualifier and _LAMBDA_VERSION.fullmatch(qualifier) else None


def _with_path(name_member: str) -> FromRequest:
    """IAM names carry their path in the ARN (`role/service-role/name`); Create* operations give it."""

    def extract(params: dict) -> str | None:
        name = params.get(name_member)
        if not isinstance(name, str) or not name or name.startswith("arn:"):
            return None
        path = params.get("Path")
        if isinstance(path, str) and path.strip("/"):
            return f"{path.strip('/')}/{name}"
        return name

    return FromRequest((name_member,), extract)


def _oidc_provider_from_url(params: dict) -> str | None:
    url = params.get("Url")
    if not isinstance(url, str) or not url:
        return None
    return url.split("://", 1)[-1].rstrip("/")


def _strip_leading_slash(value: str) -> str | None:
    return value.lstrip("/") or None


def _ssm_parameter(value: str) -> str | None:
    # "/a/b:3" and "a/b:label" select a version or label of parameter "a/b"
    return value.split(":", 1)[0].lstrip("/") or None


def _not_alias(value: str) -> str | None:
    # A KMS alias names no key ARN: with `alias/x` the key is unknown here, so the resource stays "*".
    return None if value.startswith("alias/") else value


def _secret_suffix(name: str) -> str | None:
    return f"{name}-??????"


def _strip_alias_prefix(value: str) -> str | None:
    return value.removeprefix("alias/") or None


def _not_default_bus(value: str) -> str | None:
    return None if value == "default" else value


def _prefixed(prefix: str) -> Callable[[str], str | None]:
    return lambda value: value if value.startswith(prefix) else None


def _route53_id(value: str) -> str | None:
    return value.rsplit("/", 1)[-1] or None  # "/hostedzone/Z123" -> "Z123"


SOURCES: dict[tuple[str, ...], tuple[Source, ...]] = {
    # SQS: a QueueUrl names both the account and the queue
    ("sqs", "QueueName"): (FromParam("QueueName"), FromRequest(("QueueUrl",), _queue_name)),
    ("sqs", "Account"): (FromRequest(("QueueUrl",), _queue_account), FromParam("QueueOwnerAWSAccountId")),
    # S3: buckets and keys; a Bucket given as an access point ARN selects the access point resources
    ("s3", "BucketName"): (FromParam("Bucket"),),
    ("s3", "ObjectName"): (FromParam("Key", never_arn=True),),
    ("s3", "AccessPointName"): (FromParam("Bucket", arn_only=True), FromParam("Name")),
    # Lambda: names, partial ARNs and full ARNs, each possibly qualified
    ("lambda", "function", "FunctionName"): (FromRequest(("FunctionName",), _lambda_qualified_name),),
    ("lambda", "FunctionName"): (FromRequest(("FunctionName",), _lambda_field(2)),),
    ("lambda", "Account"): (FromRequest(("FunctionName",), _lambda_field(1)),),
    ("lambda", "Region"): (FromRequest(("FunctionName",), _lambda_field(0)),),
    ("lambda", "Alias"): (FromRequest(("FunctionName", "Qualifier"), _lambda_alias), FromParam("Name")),
    ("lambda", "Version"): (FromRequest(("FunctionName", "Qualifier"), _lambda_version),),
    ("lambda", "LayerVersion"): (FromParam("VersionNumber"),),
    # KMS: key ids and key ARNs name a key; alias names do not
    ("kms", "KeyId"): (FromParam("KeyId", _not_alias), FromParam("TargetKeyId", _not_alias)),
    ("kms", "Alias"): (FromParam("AliasName", _strip_alias_prefix),),
    # SSM parameters: "/a/b" and "a/b" are both arn:...:parameter/a/b
    ("ssm", "ParameterNameWithoutLeadingSlash"): (
        FromParam("Name", _ssm_parameter),
        FromParam("Names", _ssm_parameter),
        FromParam("Path", _strip_leading_slash),
    ),
    ("ssm", "DocumentName"): (FromParam("Name"), FromParam("DocumentName"), FromParam("CalendarNames")),
    ("ssm", "maintenancewindow", "ResourceId"): (FromParam("WindowId"),),
    ("ssm", "opsitem", "ResourceId"): (FromParam("OpsItemId"), FromParam("OpsItemArn")),
    ("ssm", "servicesetting", "ResourceId"): (FromParam("SettingId", _strip_leading_slash),),
    ("ssm", "PatchBaselineIdResourceId"): (FromParam("BaselineId"),),
    # SSM targets: "mi-..." ids are managed (hybrid) instances, "i-..." EC2 instances
    ("ssm", "managed-instance", "InstanceId"): (
        FromParam("InstanceId", _prefixed("mi-")),
        FromParam("InstanceIds", _prefixed("mi-")),
    ),
    ("ssm", "instance", "InstanceId"): (
        FromParam("InstanceId", _prefixed("i-")),
        FromParam("InstanceIds", _prefixed("i-")),
    ),
    # DynamoDB: restores name their source table (and target, when there is no source)
    ("dynamodb", "TableName"): (
        FromParam("TableName"),
        FromParam("TableArn"),
        FromParam("SourceTableArn"),
        FromParam("SourceTableName"),
        FromParam("TargetTableName"),
    ),
    # Secrets Manager: a secret's ARN ends in "-" and 6 random characters the request does not know;
    # a name gives `secret:<name>-??????`, which is what AWS's docs tell policies to match it with.
    ("secretsmanager", "SecretId"): (
        FromParam("SecretId", _secret_suffix),
        FromParam("SecretIdList", _secret_suffix),
        FromParam("Name", _secret_suffix),
    ),
    # IAM: names with their path (known only when the request gives it)
    ("iam", "RoleNameWithPath"): (_with_path("RoleName"), FromParam("RoleArn")),
    ("iam", "UserNameWithPath"): (_with_path("UserName"),),
    ("iam", "GroupNameWithPath"): (_with_path("GroupName"),),
    ("iam", "PolicyNameWithPath"): (FromParam("PolicyArn"), _with_path("PolicyName")),
    ("iam", "InstanceProfileNameWithPath"): (_with_path("InstanceProfileName"),),
    ("iam", "CertificateNameWithPath"): (_with_path("ServerCertificateName"),),
    ("iam", "MfaTokenIdWithPath"): (FromParam("SerialNumber"), _with_path("VirtualMFADeviceName")),
    ("iam", "SamlProviderName"): (FromParam("SAMLProviderArn"), FromParam("Name")),
    ("iam", "OidcProviderName"): (
        FromParam("OpenIDConnectProviderArn"),
        FromRequest(("Url",), _oidc_provider_from_url),
    ),
    # STS
    ("sts", "RoleNameWithPath"): (FromParam("RoleArn"),),
    ("sts", "FederatedUserName"): (FromParam("Name"),),
    ("sts", "root-user", "Account"): (FromParam("TargetPrincipal"),),
    # EventBridge: rules live on the default bus unless the request names another
    ("events", "RuleName"): (FromParam("Name"), FromParam("Rule")),
    ("events", "rule-on-custom-event-bus", "EventBusName"): (FromParam("EventBusName", _not_default_bus),),
    ("events", "event-bus", "EventBusName"): (
        FromParam("EventBusName"),
        FromParam("Name"),
        Constant("default"),
    ),
    # CloudWatch Logs: log groups by name or by identifier (a name or an ARN)
    ("logs", "LogGroupName"): (
        FromParam("logGroupName"),
        FromParam("logGroupIdentifier"),
        FromParam("logGroupNames"),
        FromParam("logGroupIdentifiers"),
        FromParam("logGroupArnList"),
    ),
    # EC2
    ("ec2", "KeyPairName"): (FromParam("KeyName"),),
    ("ec2", "SecurityGroupId"): (
        FromParam("GroupId"),
        FromParam("SecurityGroupIds"),
        FromParam("GroupIds"),
        FromParam("SecurityGroupId"),
    ),
    # SNS: CreateTopic's Name
    ("sns", "TopicName"): (FromParam("TopicArn"), FromParam("Name")),
    # Route 53 ids come as "/hostedzone/Z123"
    ("route53", "Id"): (FromParam("HostedZoneId", _route53_id), FromParam("Id", _route53_id)),
}


def sources_for(prefix: str, resource_type: str, placeholder: str) -> tuple[Source, ...] | None:
    found = SOURCES.get((prefix, resource_type, placeholder))
    if found is None:
        found = SOURCES.get((prefix, placeholder))
    return found
