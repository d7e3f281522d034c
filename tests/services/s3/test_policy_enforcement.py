"""Bucket policies decide through the IAM engine when IAM is enforced: another account reads an
object only once the bucket policy grants it; an explicit deny beats the owner's own rights."""

from __future__ import annotations

import json
import os

import pytest
from botocore.exceptions import ClientError

from stratus.testing import post_json

OTHER = "111111111111"
pytestmark = pytest.mark.skipif(bool(os.environ.get("STRATUS_ENDPOINT")), reason="switches the IAM mode")


def _policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _code(caught) -> str:
    return caught.value.response["Error"]["Code"]


def test_another_account_needs_the_bucket_policy(s3, bucket, aws_client, stratus_endpoint):
    s3.put_object(Bucket=bucket, Key="report.csv", Body=b"a,b")
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    other = aws_client("s3", aws_access_key_id=OTHER, aws_secret_access_key="test")
    with pytest.raises(ClientError) as refused:
        other.get_object(Bucket=bucket, Key="report.csv")
    assert _code(refused) == "AccessDenied"
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=_policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ),
    )
    assert other.get_object(Bucket=bucket, Key="report.csv")["Body"].read() == b"a,b"
    with pytest.raises(ClientError) as still_refused:
        other.put_object(Bucket=bucket, Key="report.csv", Body=b"overwritten")
    assert _code(still_refused) == "AccessDenied"


def test_an_explicit_deny_in_the_bucket_policy_binds_the_owners_users(
    s3, bucket, aws_client, stratus_endpoint
):
    iam = aws_client("iam")
    iam.create_user(UserName="writer")
    iam.put_user_policy(
        UserName="writer",
        PolicyName="all-s3",
        PolicyDocument=_policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}),
    )
    key = iam.create_access_key(UserName="writer")["AccessKey"]
    writer = aws_client(
        "s3", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
    )
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=_policy(
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:DeleteObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ),
    )
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    writer.put_object(Bucket=bucket, Key="keep.txt", Body=b"kept")
    with pytest.raises(ClientError) as denied:
        writer.delete_object(Bucket=bucket, Key="keep.txt")
    assert _code(denied) == "AccessDenied"
    assert writer.get_object(Bucket=bucket, Key="keep.txt")["Body"].read() == b"kept"
