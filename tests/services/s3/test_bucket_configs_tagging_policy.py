"""Bucket tagging, bucket policies and their status, and the ExpectedBucketOwner check every
configuration operation makes."""

import json

import pytest
from botocore.exceptions import ClientError

from .support import error_fields, error_of, status_of


def _policy(bucket: str, principal: object = "*", **statement) -> str:
    body = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
        **statement,
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [body]})


def _allow_public(s3, bucket: str) -> None:
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": False,
            "IgnorePublicAcls": False,
            "BlockPublicPolicy": False,
            "RestrictPublicBuckets": False,
        },
    )


# ---------------------------------------------------------------------- tagging


def test_tagging_round_trip_overwrite_and_delete(s3, bucket):
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_tagging(Bucket=bucket)
    assert error_of(excinfo) == ("NoSuchTagSet", "The TagSet does not exist")
    assert status_of(excinfo) == 404
    assert error_fields(excinfo)["BucketName"] == bucket

    put = s3.put_bucket_tagging(
        Bucket=bucket, Tagging={"TagSet": [{"Key": "team", "Value": "data"}, {"Key": "empty", "Value": ""}]}
    )
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [
        {"Key": "team", "Value": "data"},
        {"Key": "empty", "Value": ""},
    ]

    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "other", "Value": "x"}]})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "other", "Value": "x"}]

    assert s3.delete_bucket_tagging(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.delete_bucket_tagging(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_tagging(Bucket=bucket)
    assert error_of(excinfo)[0] == "NoSuchTagSet"


def test_empty_tag_set_removes_the_tags(s3, bucket):
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": []})
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_tagging(Bucket=bucket)
    assert error_of(excinfo)[0] == "NoSuchTagSet"


@pytest.mark.parametrize(
    ("tags", "message", "fields"),
    [
        (
            [{"Key": "Key1", "Value": "a"}, {"Key": "Key1", "Value": "b"}],
            "Cannot provide multiple Tags with the same key",
            {"TagKey": "Key1"},
        ),
        (
            [{"Key": "Key1,Key2", "Value": "a"}],
            "The TagKey you have provided is invalid",
            {"TagKey": "Key1,Key2"},
        ),
        ([{"Key": "k" * 129, "Value": "a"}], "The TagKey you have provided is invalid", {}),
        (
            [{"Key": "Key1", "Value": "Val1,Val2"}],
            "The TagValue you have provided is invalid",
            {"TagKey": "Key1", "TagValue": "Val1,Val2"},
        ),
        (
            [{"Key": "Key1", "Value": "v" * 257}],
            "The TagValue you have provided is invalid",
            {"TagKey": "Key1"},
        ),
        (
            [{"Key": "aws:prefixed", "Value": "a"}],
            "System tags cannot be added/updated by requester",
            {"TagKey": "aws:prefixed"},
        ),
        (
            [{"Key": f"k{i}", "Value": "v"} for i in range(51)],
            "Bucket tag count cannot be greater than 50",
            {},
        ),
    ],
)
def test_invalid_tags_are_refused(s3, bucket, tags, message, fields):
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    assert error_of(excinfo) == ("InvalidTag", message)
    assert status_of(excinfo) == 400
    for name, value in fields.items():
        assert error_fields(excinfo)[name] == value


def test_fifty_tags_with_allowed_characters_are_accepted(s3, bucket):
    tags = [{"Key": f"key {i} _.:/=+-@", "Value": f"välue {i}"} for i in range(50)]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == tags


def test_tagging_of_a_missing_bucket(s3):
    for call in (s3.get_bucket_tagging, s3.delete_bucket_tagging):
        with pytest.raises(ClientError) as excinfo:
            call(Bucket="no-such-bucket-here")
        assert error_of(excinfo)[0] == "NoSuchBucket"
        assert error_fields(excinfo)["BucketName"] == "no-such-bucket-here"


# ---------------------------------------------------------------------- expected bucket owner


def test_expected_bucket_owner(s3, bucket):
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_encryption(Bucket=bucket, ExpectedBucketOwner="111122223333")
    assert error_of(excinfo) == ("AccessDenied", "Access Denied")
    assert status_of(excinfo) == 403
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": []}, ExpectedBucketOwner="not-an-account")
    code, message = error_of(excinfo)
    assert code == "InvalidBucketOwnerAWSAccountID"
    assert message.endswith("[not-an-account]")
    owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]
    assert owner
    assert s3.get_bucket_encryption(Bucket=bucket, ExpectedBucketOwner="000000000000")


# ---------------------------------------------------------------------- policy


def test_policy_round_trip_keeps_the_text(s3, bucket):
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_policy(Bucket=bucket)
    assert error_of(excinfo) == ("NoSuchBucketPolicy", "The bucket policy does not exist")
    assert error_fields(excinfo)["BucketName"] == bucket

    text = _policy(bucket, {"AWS": "arn:aws:iam::000000000000:root"})
    put = s3.put_bucket_policy(Bucket=bucket, Policy=text)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.get_bucket_policy(Bucket=bucket)["Policy"] == text
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"] == {"IsPublic": False}

    assert s3.delete_bucket_policy(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    s3.delete_bucket_policy(Bucket=bucket)
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_policy_status(Bucket=bucket)
    assert error_of(excinfo)[0] == "NoSuchBucketPolicy"


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ("not json", "Policies must be valid JSON and the first byte must be '{'"),
        ("{not json", "Policies must be valid JSON and the first byte must be '{'"),
        ("{}", "Missing required field Statement"),
        (
            json.dumps(
                {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::x/*"}]}
            ),
            "Missing required field Principal",
        ),
        (
            json.dumps(
                {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": "not-a-principal"},
                            "Action": "s3:GetObject",
                            "Resource": "arn:aws:s3:::stratus-test-bucket/*",
                        }
                    ]
                }
            ),
            "Invalid principal in policy",
        ),
    ],
)
def test_malformed_policies(s3, bucket, policy, message):
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_policy(Bucket=bucket, Policy=policy)
    assert error_of(excinfo) == ("MalformedPolicy", message)
    assert status_of(excinfo) == 400


@pytest.mark.parametrize(
    "resource", ["arn:aws:s3:::another-bucket/*", "*", "arn:aws:sqs:us-east-1:000000000000:queue"]
)
def test_policy_resources_must_be_in_the_bucket(s3, bucket, resource):
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "000000000000"},
                    "Action": "s3:GetObject",
                    "Resource": resource,
                }
            ],
        }
    )
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_policy(Bucket=bucket, Policy=text)
    assert error_of(excinfo) == ("MalformedPolicy", "Policy has invalid resource")


def test_policy_may_name_the_bucket_with_wildcards(s3, bucket):
    text = json.dumps(
        {
            "Statement": [
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": ["arn:aws:s3:::stratus-test-*", "arn:aws:s3:::stratus-test-bucket/logs/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ]
        }
    )
    s3.put_bucket_policy(Bucket=bucket, Policy=text)
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is False


def test_public_policy_blocked_by_default(s3, bucket):
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_policy(Bucket=bucket, Policy=_policy(bucket))
    code, message = error_of(excinfo)
    assert code == "AccessDenied"
    assert status_of(excinfo) == 403
    assert message.endswith(
        'on resource: "arn:aws:s3:::stratus-test-bucket" because public policies are blocked by the '
        "BlockPublicPolicy block public access setting."
    )


@pytest.mark.parametrize(
    ("principal", "condition", "public"),
    [
        ("*", None, True),
        ({"AWS": "*"}, None, True),
        ({"AWS": ["arn:aws:iam::000000000000:root", "*"]}, None, True),
        ("*", {"StringEquals": {"aws:SourceAccount": "111122223333"}}, False),
        ("*", {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:000000000000:topic"}}, False),
        ("*", {"IpAddress": {"aws:SourceIp": "10.0.0.0/16"}}, False),
        ("*", {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}, True),
        ("*", {"StringLike": {"aws:SourceArn": "arn:aws:sns:*"}}, True),
        ("*", {"StringNotEquals": {"aws:SourceAccount": "111122223333"}}, True),
        ("*", {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}, False),
        ({"AWS": "111122223333"}, None, False),
        ({"Service": "logging.s3.amazonaws.com"}, None, False),
    ],
)
def test_policy_status(s3, bucket, principal, condition, public):
    _allow_public(s3, bucket)
    extra = {"Condition": condition} if condition else {}
    s3.put_bucket_policy(Bucket=bucket, Policy=_policy(bucket, principal, **extra))
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is public
