"""Lifecycle configuration: the V2 API, the legacy one, and S3's checks of the rules."""

from datetime import UTC, datetime

import pytest
from botocore.exceptions import ClientError

from .support import error_fields, error_of, status_of

MIDNIGHT = datetime(2030, 1, 1, tzinfo=UTC)


def _rule(**fields) -> dict:
    rule = {"ID": "rule", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Expiration": {"Days": 30}}
    rule.update(fields)
    return {name: value for name, value in rule.items() if value is not None}


def _put(s3, bucket: str, *rules: dict, **kwargs):
    return s3.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration={"Rules": list(rules)}, **kwargs
    )


def _error(s3, bucket: str, *rules: dict):
    with pytest.raises(ClientError) as excinfo:
        _put(s3, bucket, *rules)
    assert status_of(excinfo) == 400
    return excinfo


def test_lifecycle_crud(s3, bucket):
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert error_of(excinfo) == ("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist")
    assert status_of(excinfo) == 404
    assert error_fields(excinfo)["BucketName"] == bucket
    assert s3.delete_bucket_lifecycle(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204

    rules = [
        _rule(
            ID="archive",
            Expiration={"Days": 400},
            Transitions=[
                {"Days": 30, "StorageClass": "STANDARD_IA"},
                {"Days": 90, "StorageClass": "GLACIER"},
                {"Days": 180, "StorageClass": "DEEP_ARCHIVE"},
            ],
            NoncurrentVersionTransitions=[{"NoncurrentDays": 30, "StorageClass": "GLACIER_IR"}],
            NoncurrentVersionExpiration={"NoncurrentDays": 60, "NewerNoncurrentVersions": 3},
            AbortIncompleteMultipartUpload={"DaysAfterInitiation": 7},
        ),
        _rule(
            ID="tagged",
            Status="Disabled",
            Filter={
                "And": {"Prefix": "tmp/", "Tags": [{"Key": "a", "Value": "1"}], "ObjectSizeGreaterThan": 10}
            },
            Expiration={"Date": MIDNIGHT},
        ),
        _rule(ID="markers", Filter={}, Expiration={"ExpiredObjectDeleteMarker": True}),
        _rule(ID="small", Filter={"ObjectSizeLessThan": 1024}),
    ]
    put = _put(s3, bucket, *rules)
    assert put["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert got["Rules"] == rules
    assert got["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"

    assert s3.delete_bucket_lifecycle(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert error_of(excinfo)[0] == "NoSuchLifecycleConfiguration"


def test_transition_default_minimum_object_size(s3, bucket):
    put = _put(s3, bucket, _rule(), TransitionDefaultMinimumObjectSize="varies_by_storage_class")
    assert put["TransitionDefaultMinimumObjectSize"] == "varies_by_storage_class"
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert got["TransitionDefaultMinimumObjectSize"] == "varies_by_storage_class"


def test_legacy_lifecycle_api(s3, bucket):
    rule = {
        "ID": "old",
        "Prefix": "logs/",
        "Status": "Enabled",
        "Transition": {"Days": 30, "StorageClass": "GLACIER"},
        "Expiration": {"Days": 60},
    }
    s3.put_bucket_lifecycle(Bucket=bucket, LifecycleConfiguration={"Rules": [rule]})
    assert s3.get_bucket_lifecycle(Bucket=bucket)["Rules"] == [rule]
    v2 = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert v2 == [
        {
            "ID": "old",
            "Prefix": "logs/",
            "Status": "Enabled",
            "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}],
            "Expiration": {"Days": 60},
        }
    ]


@pytest.mark.parametrize(
    "rule",
    [
        _rule(ID=None),
        _rule(Filter=None),
        _rule(Status="enabled"),
        _rule(Filter={"Prefix": "a", "Tag": {"Key": "k", "Value": "v"}}),
        _rule(Filter={"And": {"Prefix": "a"}}),
        _rule(
            Filter={"And": {"Prefix": "a", "Tags": [{"Key": "k", "Value": "v"}]}, "ObjectSizeGreaterThan": 3}
        ),
        _rule(Expiration={"Days": 3, "ExpiredObjectDeleteMarker": True}),
        _rule(Expiration={}),
        _rule(NoncurrentVersionExpiration={}),
        _rule(Transitions=[{"Days": 30}]),
        _rule(Transitions=[{"Days": 30, "Date": MIDNIGHT, "StorageClass": "GLACIER"}]),
    ],
)
def test_malformed_rules(s3, bucket, rule):
    assert error_of(_error(s3, bucket, rule))[0] == "MalformedXML"


def test_rule_ids(s3, bucket):
    excinfo = _error(s3, bucket, _rule(ID="x" * 256))
    assert error_of(excinfo) == ("InvalidArgument", "ID length should not exceed allowed limit of 255")
    assert error_fields(excinfo)["ArgumentName"] == "ID"
    excinfo = _error(s3, bucket, _rule(ID="same"), _rule(ID="same"))
    assert error_of(excinfo) == (
        "InvalidArgument",
        "Rule ID must be unique. Found same ID for more than one rule",
    )
    _put(s3, bucket, _rule(ID="x" * 255))


@pytest.mark.parametrize(
    ("rule", "code", "message"),
    [
        (
            _rule(Expiration=None),
            "InvalidRequest",
            "At least one action needs to be specified in a rule",
        ),
        (
            _rule(Filter={"And": {"Tags": [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]}}),
            "InvalidRequest",
            "Duplicate Tag Keys are not allowed.",
        ),
        (
            {"ID": "both", "Status": "Enabled", "Prefix": "a", "Filter": {}, "Expiration": {"Days": 1}},
            "InvalidRequest",
            "Base level prefix cannot be used in Lifecycle V2, prefixes are only supported in the Filter.",
        ),
        (
            _rule(Expiration={"Days": 0}),
            "InvalidArgument",
            "'Days' for Expiration action must be a positive integer",
        ),
        (
            _rule(Expiration={"Date": datetime(2030, 1, 1, 12, tzinfo=UTC)}),
            "InvalidArgument",
            "'Date' must be at midnight GMT",
        ),
        (
            _rule(Transitions=[{"Days": -1, "StorageClass": "GLACIER"}]),
            "InvalidArgument",
            "'Days' in Transition action must be nonnegative",
        ),
        (
            _rule(Transitions=[{"Days": 10, "StorageClass": "STANDARD_IA"}]),
            "InvalidArgument",
            "'Days' in Transition action must be greater than or equal to 30 for storageClass 'STANDARD_IA'",
        ),
        (
            _rule(
                Expiration={"Days": 100},
                Transitions=[
                    {"Days": 30, "StorageClass": "STANDARD_IA"},
                    {"Days": 40, "StorageClass": "GLACIER"},
                ],
            ),
            "InvalidArgument",
            "'Days' in the Transition action for StorageClass GLACIER for filter '(prefix=logs/)' must be 30 days "
            "more than 'filter '(prefix=logs/)'s Transition action for StorageClass STANDARD_IA",
        ),
        (
            _rule(Expiration={"Days": 20}, Transitions=[{"Days": 20, "StorageClass": "GLACIER"}]),
            "InvalidArgument",
            "'Days' in the Expiration action for filter '(prefix=logs/)' must be greater than 'Days' in the "
            "Transition action for StorageClass GLACIER for filter '(prefix=logs/)'",
        ),
        (
            _rule(
                Expiration=None,
                Transitions=[
                    {"Days": 10, "StorageClass": "GLACIER"},
                    {"Date": MIDNIGHT, "StorageClass": "DEEP_ARCHIVE"},
                ],
            ),
            "InvalidRequest",
            "Found mixed 'Date' and 'Days' based Transition actions in lifecycle rule for filter '(prefix=logs/)'",
        ),
        (
            _rule(
                Expiration=None,
                Transitions=[
                    {"Days": 10, "StorageClass": "GLACIER"},
                    {"Days": 20, "StorageClass": "GLACIER"},
                ],
            ),
            "InvalidRequest",
            "'StorageClass' must be different for 'Transition' actions in same 'Rule' with filter '(prefix=logs/)'",
        ),
        (
            _rule(
                Filter={"Tag": {"Key": "k", "Value": "v"}},
                AbortIncompleteMultipartUpload={"DaysAfterInitiation": 1},
            ),
            "InvalidRequest",
            "AbortIncompleteMultipartUpload cannot be specified with Tags.",
        ),
    ],
)
def test_invalid_rules(s3, bucket, rule, code, message):
    assert error_of(_error(s3, bucket, rule)) == (code, message)
