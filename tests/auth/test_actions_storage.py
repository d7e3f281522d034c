"""S3 and DynamoDB operations -> the exact IAM actions and resource ARNs AWS authorizes."""

from __future__ import annotations

import pytest

from .actions_support import OTHER, authorize, one

CASES = [
    # --- S3: no region or account in bucket and object ARNs ---
    ("s3", "GetObject", {"Bucket": "b", "Key": "a/b.txt"}, one("s3:GetObject", "arn:aws:s3:::b/a/b.txt")),
    (
        "s3",
        "GetObject",
        {"Bucket": "b", "Key": "a/b.txt", "VersionId": "v1"},
        one("s3:GetObjectVersion", "arn:aws:s3:::b/a/b.txt"),
    ),
    ("s3", "HeadObject", {"Bucket": "b", "Key": "k"}, one("s3:GetObject", "arn:aws:s3:::b/k")),
    ("s3", "HeadBucket", {"Bucket": "b"}, one("s3:ListBucket", "arn:aws:s3:::b")),
    ("s3", "ListObjectsV2", {"Bucket": "b", "Prefix": "a/"}, one("s3:ListBucket", "arn:aws:s3:::b")),
    ("s3", "ListObjects", {"Bucket": "b"}, one("s3:ListBucket", "arn:aws:s3:::b")),
    ("s3", "ListObjectVersions", {"Bucket": "b"}, one("s3:ListBucketVersions", "arn:aws:s3:::b")),
    ("s3", "ListMultipartUploads", {"Bucket": "b"}, one("s3:ListBucketMultipartUploads", "arn:aws:s3:::b")),
    (
        "s3",
        "ListParts",
        {"Bucket": "b", "Key": "k", "UploadId": "u"},
        one("s3:ListMultipartUploadParts", "arn:aws:s3:::b/k"),
    ),
    ("s3", "ListBuckets", {}, one("s3:ListAllMyBuckets", "*")),
    ("s3", "GetBucketLocation", {"Bucket": "b"}, one("s3:GetBucketLocation", "arn:aws:s3:::b")),
    ("s3", "CreateBucket", {"Bucket": "b"}, one("s3:CreateBucket", "arn:aws:s3:::b")),
    ("s3", "DeleteBucketPolicy", {"Bucket": "b"}, one("s3:DeleteBucketPolicy", "arn:aws:s3:::b")),
    ("s3", "GetBucketCors", {"Bucket": "b"}, one("s3:GetBucketCORS", "arn:aws:s3:::b")),
    ("s3", "DeleteBucketCors", {"Bucket": "b"}, one("s3:PutBucketCORS", "arn:aws:s3:::b")),
    ("s3", "DeleteBucketTagging", {"Bucket": "b"}, one("s3:PutBucketTagging", "arn:aws:s3:::b")),
    (
        "s3",
        "PutBucketLifecycleConfiguration",
        {"Bucket": "b"},
        one("s3:PutLifecycleConfiguration", "arn:aws:s3:::b"),
    ),
    (
        "s3",
        "GetBucketLifecycleConfiguration",
        {"Bucket": "b"},
        one("s3:GetLifecycleConfiguration", "arn:aws:s3:::b"),
    ),
    (
        "s3",
        "PutBucketNotificationConfiguration",
        {"Bucket": "b"},
        one("s3:PutBucketNotification", "arn:aws:s3:::b"),
    ),
    (
        "s3",
        "GetBucketNotificationConfiguration",
        {"Bucket": "b"},
        one("s3:GetBucketNotification", "arn:aws:s3:::b"),
    ),
    ("s3", "GetBucketEncryption", {"Bucket": "b"}, one("s3:GetEncryptionConfiguration", "arn:aws:s3:::b")),
    ("s3", "PutObjectAcl", {"Bucket": "b", "Key": "k"}, one("s3:PutObjectAcl", "arn:aws:s3:::b/k")),
    (
        "s3",
        "GetObjectAcl",
        {"Bucket": "b", "Key": "k", "VersionId": "1"},
        one("s3:GetObjectVersionAcl", "arn:aws:s3:::b/k"),
    ),
    (
        "s3",
        "DeleteObject",
        {"Bucket": "b", "Key": "k", "VersionId": "1"},
        one("s3:DeleteObjectVersion", "arn:aws:s3:::b/k"),
    ),
    ("s3", "CreateMultipartUpload", {"Bucket": "b", "Key": "k"}, one("s3:PutObject", "arn:aws:s3:::b/k")),
    (
        "s3",
        "UploadPart",
        {"Bucket": "b", "Key": "k", "UploadId": "u", "PartNumber": 1},
        one("s3:PutObject", "arn:aws:s3:::b/k"),
    ),
    ("s3", "CompleteMultipartUpload", {"Bucket": "b", "Key": "k"}, one("s3:PutObject", "arn:aws:s3:::b/k")),
    (
        "s3",
        "AbortMultipartUpload",
        {"Bucket": "b", "Key": "k"},
        one("s3:AbortMultipartUpload", "arn:aws:s3:::b/k"),
    ),
    (
        "s3",
        "CopyObject",
        {"Bucket": "b", "Key": "k", "CopySource": "src/dir/x.txt"},
        [("s3:PutObject", "arn:aws:s3:::b/k", None), ("s3:GetObject", "arn:aws:s3:::src/dir/x.txt", None)],
    ),
    (
        "s3",
        "CopyObject",
        {"Bucket": "b", "Key": "k", "CopySource": "/src/a%20b.txt?versionId=3"},
        [
            ("s3:PutObject", "arn:aws:s3:::b/k", None),
            ("s3:GetObjectVersion", "arn:aws:s3:::src/a b.txt", None),
        ],
    ),
    (
        "s3",
        "UploadPartCopy",
        {"Bucket": "b", "Key": "k", "CopySource": {"Bucket": "s", "Key": "x"}, "UploadId": "u"},
        [("s3:PutObject", "arn:aws:s3:::b/k", None), ("s3:GetObject", "arn:aws:s3:::s/x", None)],
    ),
    (
        "s3",
        "DeleteObjects",
        {"Bucket": "b", "Delete": {"Objects": [{"Key": "a"}, {"Key": "b", "VersionId": "1"}]}},
        [("s3:DeleteObject", "arn:aws:s3:::b/a", None), ("s3:DeleteObjectVersion", "arn:aws:s3:::b/b", None)],
    ),
    (
        "s3",
        "GetObjectAttributes",
        {"Bucket": "b", "Key": "k", "ObjectAttributes": ["ETag"]},
        [("s3:GetObject", "arn:aws:s3:::b/k", None), ("s3:GetObjectAttributes", "arn:aws:s3:::b/k", None)],
    ),
    (
        "s3",
        "PutObject",
        {"Bucket": "b", "Key": "k", "ACL": "private", "Tagging": "a=1"},
        [
            ("s3:PutObject", "arn:aws:s3:::b/k", None),
            ("s3:PutObjectAcl", "arn:aws:s3:::b/k", None),
            ("s3:PutObjectTagging", "arn:aws:s3:::b/k", None),
        ],
    ),
    (
        "s3",
        "GetObject",
        {"Bucket": "arn:aws:s3:us-west-2:111122223333:accesspoint/ap", "Key": "k"},
        one("s3:GetObject", "arn:aws:s3:us-west-2:111122223333:accesspoint/ap/object/k", OTHER),
    ),
    ("s3", "GetObject", {"Bucket": "b", "Key": "arn:x/y"}, one("s3:GetObject", "arn:aws:s3:::b/arn:x/y")),
    ("s3", "SelectObjectContent", {"Bucket": "b", "Key": "k"}, one("s3:GetObject", "arn:aws:s3:::b/k")),
    (
        "s3",
        "CreateSession",
        {"Bucket": "d--use1-az4--x-s3"},
        one("s3express:CreateSession", "arn:aws:s3express:us-east-1:000000000000:bucket/d--use1-az4--x-s3"),
    ),
    # --- DynamoDB ---
    (
        "dynamodb",
        "GetItem",
        {"TableName": "T", "Key": {}},
        one("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:000000000000:table/T"),
    ),
    (
        "dynamodb",
        "Query",
        {"TableName": "T", "IndexName": "I"},
        one("dynamodb:Query", "arn:aws:dynamodb:us-east-1:000000000000:table/T/index/I"),
    ),
    (
        "dynamodb",
        "Scan",
        {"TableName": "T", "IndexName": "I"},
        one("dynamodb:Scan", "arn:aws:dynamodb:us-east-1:000000000000:table/T/index/I"),
    ),
    (
        "dynamodb",
        "Scan",
        {"TableName": "T"},
        one("dynamodb:Scan", "arn:aws:dynamodb:us-east-1:000000000000:table/T"),
    ),
    (
        "dynamodb",
        "PutItem",
        {"TableName": "arn:aws:dynamodb:us-east-1:111122223333:table/T", "Item": {}},
        one("dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:111122223333:table/T", OTHER),
    ),
    (
        "dynamodb",
        "BatchGetItem",
        {"RequestItems": {"A": {}, "B": {}}},
        [
            ("dynamodb:BatchGetItem", "arn:aws:dynamodb:us-east-1:000000000000:table/A", None),
            ("dynamodb:BatchGetItem", "arn:aws:dynamodb:us-east-1:000000000000:table/B", None),
        ],
    ),
    (
        "dynamodb",
        "BatchWriteItem",
        {"RequestItems": {"A": [{"PutRequest": {"Item": {}}}], "B": [{"DeleteRequest": {"Key": {}}}]}},
        [
            ("dynamodb:BatchWriteItem", "arn:aws:dynamodb:us-east-1:000000000000:table/A", None),
            ("dynamodb:BatchWriteItem", "arn:aws:dynamodb:us-east-1:000000000000:table/B", None),
        ],
    ),
    (
        "dynamodb",
        "TransactWriteItems",
        {
            "TransactItems": [
                {"Put": {"TableName": "A", "Item": {}}},
                {"Update": {"TableName": "B", "Key": {}}},
                {"Delete": {"TableName": "A", "Key": {}}},
                {"ConditionCheck": {"TableName": "C", "Key": {}}},
            ]
        },
        [
            ("dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:000000000000:table/A", None),
            ("dynamodb:UpdateItem", "arn:aws:dynamodb:us-east-1:000000000000:table/B", None),
            ("dynamodb:DeleteItem", "arn:aws:dynamodb:us-east-1:000000000000:table/A", None),
            ("dynamodb:ConditionCheckItem", "arn:aws:dynamodb:us-east-1:000000000000:table/C", None),
        ],
    ),
    (
        "dynamodb",
        "TransactGetItems",
        {"TransactItems": [{"Get": {"TableName": "A", "Key": {}}}, {"Get": {"TableName": "B", "Key": {}}}]},
        [
            ("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:000000000000:table/A", None),
            ("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:000000000000:table/B", None),
        ],
    ),
    (
        "dynamodb",
        "ExecuteStatement",
        {"Statement": 'SELECT * FROM "T"."I" WHERE pk = ?'},
        one("dynamodb:PartiQLSelect", "arn:aws:dynamodb:us-east-1:000000000000:table/T/index/I"),
    ),
    (
        "dynamodb",
        "ExecuteStatement",
        {"Statement": "INSERT INTO Orders VALUE {'pk': 1}"},
        one("dynamodb:PartiQLInsert", "arn:aws:dynamodb:us-east-1:000000000000:table/Orders"),
    ),
    (
        "dynamodb",
        "ExecuteStatement",
        {"Statement": 'update "T" SET a = 1 WHERE pk = 2'},
        one("dynamodb:PartiQLUpdate", "arn:aws:dynamodb:us-east-1:000000000000:table/T"),
    ),
    (
        "dynamodb",
        "BatchExecuteStatement",
        {"Statements": [{"Statement": 'DELETE FROM "A" WHERE pk = 1'}, {"Statement": 'SELECT * FROM "B"'}]},
        [
            ("dynamodb:PartiQLDelete", "arn:aws:dynamodb:us-east-1:000000000000:table/A", None),
            ("dynamodb:PartiQLSelect", "arn:aws:dynamodb:us-east-1:000000000000:table/B", None),
        ],
    ),
    (
        "dynamodbstreams",
        "GetShardIterator",
        {"StreamArn": "arn:aws:dynamodb:us-east-1:000000000000:table/T/stream/2024-01-01T00:00:00.000"},
        one(
            "dynamodb:GetShardIterator",
            "arn:aws:dynamodb:us-east-1:000000000000:table/T/stream/2024-01-01T00:00:00.000",
        ),
    ),
]


@pytest.mark.parametrize(
    ("service", "operation", "params", "expected"),
    CASES,
    ids=[f"{case[0]}.{case[1]}-{index}" for index, case in enumerate(CASES)],
)
def test_authorizations(service: str, operation: str, params: dict, expected: list) -> None:
    assert authorize(service, operation, params) == expected
