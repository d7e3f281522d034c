"""Operation + parameters -> the condition keys filled from the request (stratus.auth.actions)."""

from __future__ import annotations

import pytest

from stratus.auth.actions import request_condition_keys

CONDITION_CASES = [
    (
        "sqs",
        "CreateQueue",
        {"QueueName": "q", "tags": {"team": "a", "env": "dev"}},
        {"aws:RequestTag/team": "a", "aws:RequestTag/env": "dev", "aws:TagKeys": ["team", "env"]},
    ),
    (
        "sns",
        "CreateTopic",
        {"Name": "t", "Tags": [{"Key": "team", "Value": "a"}]},
        {"aws:RequestTag/team": "a", "aws:TagKeys": ["team"]},
    ),
    (
        "kms",
        "CreateKey",
        {"Tags": [{"TagKey": "team", "TagValue": "a"}], "KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"},
        {
            "aws:RequestTag/team": "a",
            "aws:TagKeys": ["team"],
            "kms:KeySpec": "RSA_2048",
            "kms:KeyUsage": "SIGN_VERIFY",
        },
    ),
    (
        "kms",
        "Encrypt",
        {"KeyId": "alias/app", "Plaintext": b"x", "EncryptionContext": {"dept": "it"}},
        {
            "kms:EncryptionContext:dept": "it",
            "kms:EncryptionContextKeys": ["dept"],
            "kms:RequestAlias": "alias/app",
        },
    ),
    ("sqs", "UntagQueue", {"QueueUrl": "http://x/0/q", "TagKeys": ["a", "b"]}, {"aws:TagKeys": ["a", "b"]}),
    (
        "s3",
        "ListObjectsV2",
        {"Bucket": "b", "Prefix": "home/", "Delimiter": "/", "MaxKeys": 10},
        {"s3:prefix": "home/", "s3:delimiter": "/", "s3:max-keys": 10},
    ),
    (
        "s3",
        "PutObject",
        {
            "Bucket": "b",
            "Key": "k",
            "ACL": "private",
            "ServerSideEncryption": "aws:kms",
            "Tagging": "a=1&b=2",
        },
        {
            "s3:x-amz-acl": "private",
            "s3:x-amz-server-side-encryption": "aws:kms",
            "s3:RequestObjectTag/a": "1",
            "s3:RequestObjectTag/b": "2",
            "s3:RequestObjectTagKeys": ["a", "b"],
        },
    ),
    (
        "s3",
        "PutBucketTagging",
        {"Bucket": "b", "Tagging": {"TagSet": [{"Key": "k", "Value": "v"}]}},
        {"aws:RequestTag/k": "v", "aws:TagKeys": ["k"]},
    ),
    (
        "ec2",
        "RunInstances",
        {
            "ImageId": "ami-1",
            "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "n", "Value": "v"}]}],
        },
        {"aws:RequestTag/n": "v", "aws:TagKeys": ["n"], "ec2:ImageID": "ami-1"},
    ),
    (
        "sns",
        "Subscribe",
        {"TopicArn": "arn:aws:sns:us-east-1:0:t", "Protocol": "sqs", "Endpoint": "arn:aws:sqs:us-east-1:0:q"},
        {"sns:Protocol": "sqs", "sns:Endpoint": "arn:aws:sqs:us-east-1:0:q"},
    ),
    (
        "dynamodb",
        "Query",
        {"TableName": "T", "Select": "COUNT", "ReturnConsumedCapacity": "TOTAL"},
        {"dynamodb:Select": "COUNT", "dynamodb:ReturnConsumedCapacity": "TOTAL"},
    ),
    (
        "sts",
        "AssumeRole",
        {"RoleArn": "arn:aws:iam::0:role/r", "RoleSessionName": "s", "ExternalId": "e"},
        {"sts:RoleSessionName": "s", "sts:ExternalId": "e"},
    ),
    (
        "lambda",
        "CreateFunction",
        {"FunctionName": "f", "Role": "arn:aws:iam::0:role/r", "Tags": {"a": "b"}},
        {"aws:RequestTag/a": "b", "aws:TagKeys": ["a"], "iam:PassedToService": "lambda.amazonaws.com"},
    ),
    ("sqs", "SendMessage", {"QueueUrl": "http://x/0/q", "MessageBody": "m"}, {}),
]


@pytest.mark.parametrize(
    ("service", "operation", "params", "expected"),
    CONDITION_CASES,
    ids=[f"{case[0]}.{case[1]}-{index}" for index, case in enumerate(CONDITION_CASES)],
)
def test_request_condition_keys(service: str, operation: str, params: dict, expected: dict) -> None:
    assert request_condition_keys(service, operation, params) == expected
