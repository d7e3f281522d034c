"""Object Lock configuration and replication configuration, which both depend on versioning."""

import pytest
from botocore.exceptions import ClientError

from .support import enable_versioning, error_fields, error_of, status_of, suspend_versioning

LOCKED = "stratus-locked-bucket"
ROLE = "arn:aws:iam::000000000000:role/replication"


@pytest.fixture
def locked(s3) -> str:
    s3.create_bucket(Bucket=LOCKED, ObjectLockEnabledForBucket=True)
    return LOCKED


def _lock_config(s3, bucket: str) -> dict:
    return s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]


# ---------------------------------------------------------------------- object lock


def test_a_bucket_created_with_object_lock(s3, locked):
    assert _lock_config(s3, locked) == {"ObjectLockEnabled": "Enabled"}
    retention = {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}},
    }
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration=retention)
    assert _lock_config(s3, locked) == retention
    years = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 2}}}
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration=years)
    assert _lock_config(s3, locked) == years
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})
    assert _lock_config(s3, locked) == {"ObjectLockEnabled": "Enabled"}


def test_object_lock_on_an_existing_bucket_needs_versioning(s3, bucket):
    with pytest.raises(ClientError) as excinfo:
        s3.get_object_lock_configuration(Bucket=bucket)
    assert error_of(excinfo) == (
        "ObjectLockConfigurationNotFoundError",
        "Object Lock configuration does not exist for this bucket",
    )
    assert status_of(excinfo) == 404
    assert error_fields(excinfo)["BucketName"] == bucket
    enabled = {"ObjectLockEnabled": "Enabled"}
    for prepare in (lambda: None, lambda: suspend_versioning(s3, bucket)):
        prepare()
        with pytest.raises(ClientError) as excinfo:
            s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration=enabled)
        assert error_of(excinfo) == (
            "InvalidBucketState",
            "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
        )
        assert status_of(excinfo) == 409
    enable_versioning(s3, bucket)
    s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration=enabled)
    assert _lock_config(s3, bucket) == enabled


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}},
        {"ObjectLockEnabled": "Enabled", "Rule": {}},
        {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {}}},
        {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE"}}},
        {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Days": 1}}},
        {
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1, "Years": 1}},
        },
    ],
)
def test_malformed_object_lock_configurations(s3, locked, config):
    with pytest.raises(ClientError) as excinfo:
        s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration=config)
    assert error_of(excinfo)[0] == "MalformedXML"


def test_retention_period_must_be_positive(s3, locked):
    config = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 0}}}
    with pytest.raises(ClientError) as excinfo:
        s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration=config)
    assert error_of(excinfo)[0] == "InvalidArgument"


# ---------------------------------------------------------------------- replication


def _replication(destination: str = "arn:aws:s3:::stratus-replica", **rule) -> dict:
    return {
        "Role": ROLE,
        "Rules": [
            {
                "ID": "to-replica",
                "Priority": 1,
                "Status": "Enabled",
                "Filter": {"Prefix": "Tax"},
                "DeleteMarkerReplication": {"Status": "Disabled"},
                "Destination": {"Bucket": destination},
                **rule,
            }
        ],
    }


@pytest.fixture
def replica(s3) -> str:
    s3.create_bucket(Bucket="stratus-replica")
    enable_versioning(s3, "stratus-replica")
    return "stratus-replica"


def test_replication_crud(s3, bucket, replica):
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_replication(Bucket=bucket)
    assert error_of(excinfo) == (
        "ReplicationConfigurationNotFoundError",
        "The replication configuration was not found",
    )
    assert status_of(excinfo) == 404
    enable_versioning(s3, bucket)
    config = _replication(
        Destination={"Bucket": "arn:aws:s3:::stratus-replica", "StorageClass": "STANDARD_IA"}
    )
    s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration=config)
    assert s3.get_bucket_replication(Bucket=bucket)["ReplicationConfiguration"] == config
    assert s3.delete_bucket_replication(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.delete_bucket_replication(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError):
        s3.get_bucket_replication(Bucket=bucket)


def test_replication_fills_in_id_and_priority(s3, bucket, replica):
    enable_versioning(s3, bucket)
    config = _replication()
    del config["Rules"][0]["ID"], config["Rules"][0]["Priority"]
    s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration=config)
    rule = s3.get_bucket_replication(Bucket=bucket)["ReplicationConfiguration"]["Rules"][0]
    assert rule["ID"]
    assert rule["Priority"] == 0


def test_replication_needs_versioning_on_both_sides(s3, bucket, replica):
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration=_replication())
    assert error_of(excinfo) == (
        "InvalidRequest",
        "Versioning must be 'Enabled' on the bucket to apply a replication configuration",
    )
    enable_versioning(s3, bucket)
    s3.create_bucket(Bucket="unversioned-replica")
    for destination in ("arn:aws:s3:::unversioned-replica", "arn:aws:s3:::missing-replica"):
        with pytest.raises(ClientError) as excinfo:
            s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration=_replication(destination))
        assert error_of(excinfo) == ("InvalidRequest", "Destination bucket must have versioning enabled.")


def test_invalid_replication_rules(s3, bucket, replica):
    enable_versioning(s3, bucket)
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration={"Role": ROLE, "Rules": []})
    assert error_of(excinfo)[0] == "MalformedXML"
    config = _replication()
    del config["Rules"][0]["DeleteMarkerReplication"]
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration=config)
    assert error_of(excinfo)[0] == "InvalidRequest"
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration=_replication(Status="On"))
    assert error_of(excinfo)[0] == "MalformedXML"
