"""Default encryption, website, access logging, Requester Pays and Transfer Acceleration."""

import pytest
from botocore.exceptions import ClientError

from .support import error_fields, error_of, status_of

DEFAULT_RULE = {
    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
    "BucketKeyEnabled": False,
    "BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]},  # new buckets since April 2026
}


def _rules(s3, bucket: str) -> list[dict]:
    return s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]


# ---------------------------------------------------------------------- encryption


def test_encryption_defaults_to_sse_s3_and_goes_back_to_it(s3, bucket):
    assert _rules(s3, bucket) == [DEFAULT_RULE]
    kms = {
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/my-key"},
        "BucketKeyEnabled": True,
    }
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [kms]})
    assert _rules(s3, bucket) == [kms]
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
        },
    )
    assert _rules(s3, bucket) == [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": False}
    ]
    assert s3.delete_bucket_encryption(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.delete_bucket_encryption(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert _rules(s3, bucket) == [DEFAULT_RULE]


@pytest.mark.parametrize(
    "rules",
    [
        [],
        [DEFAULT_RULE, DEFAULT_RULE],
        [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "DES"}}],
        [{"BucketKeyEnabled": True}],
    ],
)
def test_malformed_encryption(s3, bucket, rules):
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": rules})
    assert error_of(excinfo)[0] == "MalformedXML"


def test_kms_key_needs_a_kms_algorithm(s3, bucket):
    rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256", "KMSMasterKeyID": "key"}}
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [rule]})
    assert error_of(excinfo) == (
        "InvalidArgument",
        "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse",
    )
    assert error_fields(excinfo)["ArgumentName"] == "ApplyServerSideEncryptionByDefault"


def test_encryption_of_a_missing_bucket(s3):
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_encryption(Bucket="no-such-bucket-here")
    assert error_of(excinfo)[0] == "NoSuchBucket"


# ---------------------------------------------------------------------- website


def test_website_crud(s3, bucket):
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_website(Bucket=bucket)
    assert error_of(excinfo) == (
        "NoSuchWebsiteConfiguration",
        "The specified bucket does not have a website configuration",
    )
    assert status_of(excinfo) == 404
    assert s3.delete_bucket_website(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    config = {
        "IndexDocument": {"Suffix": "index.html"},
        "ErrorDocument": {"Key": "error.html"},
        "RoutingRules": [
            {
                "Condition": {"KeyPrefixEquals": "docs/"},
                "Redirect": {
                    "ReplaceKeyPrefixWith": "documents/",
                    "HttpRedirectCode": "301",
                    "Protocol": "https",
                },
            },
            {"Condition": {"HttpErrorCodeReturnedEquals": "404"}, "Redirect": {"HostName": "example.com"}},
        ],
    }
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=config)
    got = s3.get_bucket_website(Bucket=bucket)
    assert {name: got[name] for name in config} == config
    s3.put_bucket_website(
        Bucket=bucket, WebsiteConfiguration={"RedirectAllRequestsTo": {"HostName": "example.com"}}
    )
    assert s3.get_bucket_website(Bucket=bucket)["RedirectAllRequestsTo"] == {"HostName": "example.com"}
    s3.delete_bucket_website(Bucket=bucket)
    with pytest.raises(ClientError):
        s3.get_bucket_website(Bucket=bucket)


@pytest.mark.parametrize(
    ("config", "code", "message", "argument"),
    [
        (
            {"IndexDocument": {"Suffix": "/index.html"}},
            "InvalidArgument",
            "The IndexDocument Suffix is not well formed",
            "/index.html",
        ),
        (
            {"ErrorDocument": {"Key": "error.html"}},
            "InvalidArgument",
            "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty",
            "null",
        ),
        (
            {"RedirectAllRequestsTo": {"HostName": "a.com"}, "IndexDocument": {"Suffix": "index.html"}},
            "InvalidArgument",
            "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.",
            "not null",
        ),
        (
            {"RedirectAllRequestsTo": {"HostName": "a.com", "Protocol": "ftp"}},
            "InvalidRequest",
            "Invalid protocol, protocol can be http or https. If not defined the protocol will be selected "
            "automatically.",
            None,
        ),
        (
            {
                "IndexDocument": {"Suffix": "index.html"},
                "RoutingRules": [{"Redirect": {"ReplaceKeyPrefixWith": "a", "ReplaceKeyWith": "b"}}],
            },
            "InvalidRequest",
            "You can only define ReplaceKeyPrefix or ReplaceKey but not both.",
            None,
        ),
        (
            {
                "IndexDocument": {"Suffix": "index.html"},
                "RoutingRules": [{"Condition": {}, "Redirect": {"HostName": "a"}}],
            },
            "InvalidRequest",
            "Condition cannot be empty. To redirect all requests without a condition, the condition element "
            "shouldn't be present.",
            None,
        ),
        (
            {"IndexDocument": {"Suffix": "index.html"}, "RoutingRules": []},
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published schema",
            None,
        ),
    ],
)
def test_invalid_website_configurations(s3, bucket, config, code, message, argument):
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=config)
    assert error_of(excinfo) == (code, message)
    if argument is not None:
        assert error_fields(excinfo)["ArgumentValue"] == argument


# ---------------------------------------------------------------------- logging


def test_logging_crud(s3, bucket):
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=bucket)
    s3.create_bucket(Bucket="stratus-test-logs")
    enabled = {
        "TargetBucket": "stratus-test-logs",
        "TargetPrefix": "access/",
        "TargetGrants": [
            {
                "Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/LogDelivery"},
                "Permission": "WRITE",
            }
        ],
        "TargetObjectKeyFormat": {"PartitionedPrefix": {"PartitionDateSource": "EventTime"}},
    }
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": enabled})
    assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"] == enabled
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={})
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=bucket)


def test_logging_target_must_exist_in_the_same_region(s3, bucket, aws_client):
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_logging(
            Bucket=bucket,
            BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "missing-logs", "TargetPrefix": ""}},
        )
    assert error_of(excinfo) == (
        "InvalidTargetBucketForLogging",
        "The target bucket for logging does not exist",
    )
    assert error_fields(excinfo)["TargetBucket"] == "missing-logs"
    west = aws_client("s3", region_name="us-west-2")
    west.create_bucket(Bucket="west-logs", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_logging(
            Bucket=bucket,
            BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "west-logs", "TargetPrefix": ""}},
        )
    assert error_of(excinfo) == ("CrossLocationLoggingProhibitted", "Cross S3 location logging not allowed. ")
    assert status_of(excinfo) == 403
    assert error_fields(excinfo)["TargetBucketLocation"] == "us-west-2"


def test_logging_target_must_have_the_same_owner(s3, bucket, aws_client):
    other = aws_client("s3", aws_access_key_id="111122223333", aws_secret_access_key="test")
    other.create_bucket(Bucket="someone-elses-logs")
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_logging(
            Bucket=bucket,
            BucketLoggingStatus={
                "LoggingEnabled": {"TargetBucket": "someone-elses-logs", "TargetPrefix": ""}
            },
        )
    assert error_of(excinfo) == (
        "InvalidTargetBucketForLogging",
        "The owner for the bucket to be logged and the target bucket must be the same.",
    )


# ---------------------------------------------------------------------- request payment, acceleration


def test_request_payment(s3, bucket):
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "BucketOwner"
    s3.put_bucket_request_payment(Bucket=bucket, RequestPaymentConfiguration={"Payer": "Requester"})
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "Requester"
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_request_payment(Bucket=bucket, RequestPaymentConfiguration={"Payer": "Someone"})
    assert error_of(excinfo)[0] == "MalformedXML"


def test_accelerate(s3, bucket):
    assert "Status" not in s3.get_bucket_accelerate_configuration(Bucket=bucket)
    s3.put_bucket_accelerate_configuration(Bucket=bucket, AccelerateConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_accelerate_configuration(Bucket=bucket)["Status"] == "Enabled"
    s3.put_bucket_accelerate_configuration(Bucket=bucket, AccelerateConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_accelerate_configuration(Bucket=bucket)["Status"] == "Suspended"
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_accelerate_configuration(Bucket=bucket, AccelerateConfiguration={"Status": "enabled"})
    assert error_of(excinfo)[0] == "MalformedXML"


def test_accelerate_refuses_dotted_bucket_names(s3):
    s3.create_bucket(Bucket="dotted.bucket.name")
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_accelerate_configuration(
            Bucket="dotted.bucket.name", AccelerateConfiguration={"Status": "Enabled"}
        )
    assert error_of(excinfo) == (
        "InvalidRequest",
        "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names",
    )
