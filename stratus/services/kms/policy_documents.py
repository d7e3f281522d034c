"""The key policies KMS writes itself: the default key policy and the policies of AWS managed keys,
rendered the way KMS renders them (Jackson's pretty printer: `"Key" : value`, `[ {`, `} ]`)."""

from __future__ import annotations

import json
from functools import lru_cache

from stratus.auth.policy_shapes import statements_of
from stratus.core.ids import partition_for_region

DEFAULT_POLICY_NAME = "default"

# AWS managed keys: `alias/aws/<name>` -> (the service host in kms:ViaService, the service's name as
# the policy's first Sid spells it). The Sids follow AWS's "Allow access through <service> for all
# principals in the account that are authorized to use <service>"; the names for services other than
# S3, EBS, Lambda and Secrets Manager (seen in published policies) are reconstructed.
AWS_MANAGED_SERVICES: dict[str, tuple[str, str]] = {
    "acm": ("acm", "AWS Certificate Manager"),
    "backup": ("backup", "AWS Backup"),
    "codecommit": ("codecommit", "AWS CodeCommit"),
    "dynamodb": ("dynamodb", "Amazon DynamoDB"),
    "ebs": ("ec2", "EBS"),
    "ecr": ("ecr", "Amazon ECR"),
    "elasticfilesystem": ("elasticfilesystem", "Amazon Elastic File System"),
    "es": ("es", "Amazon OpenSearch Service"),
    "glue": ("glue", "AWS Glue"),
    "kinesis": ("kinesis", "Amazon Kinesis"),
    "kinesisvideo": ("kinesisvideo", "Amazon Kinesis Video Streams"),
    "lambda": ("lambda", "AWS Lambda"),
    "rds": ("rds", "RDS"),
    "redshift": ("redshift", "Amazon Redshift"),
    "s3": ("s3", "S3"),
    "secretsmanager": ("secretsmanager", "AWS Secrets Manager"),
    "sns": ("sns", "Amazon SNS"),
    "sqs": ("sqs", "Amazon SQS"),
    "ssm": ("ssm", "AWS Systems Manager"),
    "xray": ("xray", "AWS X-Ray"),
}
AWS_MANAGED_PREFIX = "alias/aws/"


def render(document: object) -> str:
    """JSON as KMS prints the policies it writes."""
    return _render(document, 0)


def _render(value: object, level: int) -> str:
    if isinstance(value, dict):
        if not value:
            return "{ }"
        inner = "  " * (level + 1)
        entries = [
            f"{inner}{json.dumps(k, ensure_ascii=False)} : {_render(v, level + 1)}" for k, v in value.items()
        ]
        return "{\n" + ",\n".join(entries) + "\n" + "  " * level + "}"
    if isinstance(value, list):
        if not value:
            return "[ ]"
        return "[ " + ", ".join(_render(item, level) for item in value) + " ]"
    return json.dumps(value, ensure_ascii=False)


def account_root(region: str, account_id: str) -> str:
    return f"arn:{partition_for_region(region)}:iam::{account_id}:root"


def default_policy(region: str, account_id: str) -> str:
    """The key policy CreateKey attaches when the request gives none: the account's root may do
    everything, which hands access control over to IAM policies."""
    return render(
        {
            "Version": "2012-10-17",
            "Id": "key-default-1",
            "Statement": [
                {
                    "Sid": "Enable IAM User Permissions",
                    "Effect": "Allow",
                    "Principal": {"AWS": account_root(region, account_id)},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
    )


def aws_managed_policy(service_name: str, region: str, account_id: str) -> str:
    """The policy of `alias/aws/<service_name>`: principals of the account may use the key through
    that service only; the account may read the key's metadata directly."""
    host, display = AWS_MANAGED_SERVICES[service_name]
    return render(
        {
            "Version": "2012-10-17",
            "Id": f"auto-{service_name}-2",
            "Statement": [
                {
                    "Sid": f"Allow access through {display} for all principals in the account that are "
                    f"authorized to use {display}",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": [
                        "kms:Encrypt",
                        "kms:Decrypt",
                        "kms:ReEncrypt*",
                        "kms:GenerateDataKey*",
                        "kms:CreateGrant",
                        "kms:DescribeKey",
                    ],
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {
                            "kms:CallerAccount": account_id,
                            "kms:ViaService": f"{host}.{region}.amazonaws.com",
                        }
                    },
                },
                {
                    "Sid": "Allow direct access to key metadata to the account",
                    "Effect": "Allow",
                    "Principal": {"AWS": account_root(region, account_id)},
                    "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
                    "Resource": "*",
                },
            ],
        }
    )


def aws_managed_service(alias_name: str) -> str | None:
    """`secretsmanager` for `alias/aws/secretsmanager`; None for any other name."""
    if not alias_name.startswith(AWS_MANAGED_PREFIX):
        return None
    name = alias_name[len(AWS_MANAGED_PREFIX) :]
    return name if name in AWS_MANAGED_SERVICES else None


@lru_cache(maxsize=1024)
def effective_policy(document: str) -> str:
    """The policy as evaluated: statements without an Action or a Resource have no effect (KMS
    accepts them, as AWS documents), so they are left out of what the evaluator sees."""
    from stratus.auth.policy import PolicyError, parse_policy

    try:
        parse_policy(document, "resource")
        return document
    except PolicyError:
        pass
    data = json.loads(document)
    statements = statements_of(data) if isinstance(data, dict) else []
    kept = [
        s
        for s in statements
        if isinstance(s, dict)
        and ("Action" in s or "NotAction" in s)
        and ("Resource" in s or "NotResource" in s)
    ]
    return json.dumps({**data, "Statement": kept})
