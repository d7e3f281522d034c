"""Archived objects (GLACIER, DEEP_ARCHIVE) and RestoreObject, timed by the Stratus clock."""

import math
import re
import time
from email.utils import parsedate_to_datetime

import pytest
from botocore.exceptions import ClientError

from .support import enable_versioning, error_fields, error_of, read_body, status_of

HOUR = 3600
DAY = 86400
NOT_READABLE = ("InvalidObjectState", "The operation is not valid for the object's storage class")
EXPIRY = re.compile(r'^ongoing-request="false", expiry-date="(.+)"$')


def _archive(
    s3, bucket: str, key: str = "cold", storage_class: str = "GLACIER", body: bytes = b"frozen"
) -> None:
    s3.put_object(Bucket=bucket, Key=key, Body=body, StorageClass=storage_class)


def _restore(s3, bucket: str, key: str = "cold", days: int = 1, tier: str | None = None, **kwargs) -> int:
    request: dict = {"Days": days}
    if tier:
        request["GlacierJobParameters"] = {"Tier": tier}
    answer = s3.restore_object(Bucket=bucket, Key=key, RestoreRequest=request, **kwargs)
    return answer["ResponseMetadata"]["HTTPStatusCode"]


def _restore_header(s3, bucket: str, key: str = "cold", **kwargs) -> str | None:
    return s3.head_object(Bucket=bucket, Key=key, **kwargs).get("Restore")


def _expiry(header: str) -> float:
    match = EXPIRY.match(header)
    assert match, header
    return parsedate_to_datetime(match.group(1)).timestamp()


def _unreadable(s3, bucket: str, key: str = "cold", **kwargs) -> None:
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key=key, **kwargs)
    assert error_of(excinfo) == NOT_READABLE
    assert status_of(excinfo) == 403


@pytest.mark.parametrize("storage_class", ["GLACIER", "DEEP_ARCHIVE"])
def test_archived_objects_cannot_be_read(s3, bucket, storage_class):
    _archive(s3, bucket, storage_class=storage_class)
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key="cold")
    assert error_of(excinfo) == NOT_READABLE
    assert status_of(excinfo) == 403
    assert error_fields(excinfo)["StorageClass"] == storage_class
    head = s3.head_object(Bucket=bucket, Key="cold")  # metadata stays readable
    assert head["StorageClass"] == storage_class and "Restore" not in head


def test_glacier_instant_retrieval_is_readable(s3, bucket):
    _archive(s3, bucket, storage_class="GLACIER_IR")
    assert read_body(s3, bucket, "cold") == b"frozen"


def test_restore_takes_its_tiers_time(s3, bucket, stratus_server):
    _archive(s3, bucket)
    assert _restore(s3, bucket) == 202  # Standard: 5 hours here
    assert _restore_header(s3, bucket) == 'ongoing-request="true"'
    _unreadable(s3, bucket)
    stratus_server.advance_clock(4 * HOUR)
    assert _restore_header(s3, bucket) == 'ongoing-request="true"'
    stratus_server.advance_clock(HOUR + 1)
    assert EXPIRY.match(_restore_header(s3, bucket))
    got = s3.get_object(Bucket=bucket, Key="cold")
    assert got["Body"].read() == b"frozen"
    assert got["StorageClass"] == "GLACIER" and got["Restore"].startswith('ongoing-request="false"')


def test_a_restore_in_progress_cannot_be_requested_again(s3, bucket):
    _archive(s3, bucket)
    _restore(s3, bucket, tier="Bulk")
    with pytest.raises(ClientError) as excinfo:
        _restore(s3, bucket, tier="Expedited")
    assert error_of(excinfo) == ("RestoreAlreadyInProgress", "Object restore is already in progress.")
    assert status_of(excinfo) == 409


def test_expedited_restore_and_its_expiry(s3, bucket, stratus_server):
    _archive(s3, bucket)
    before = time.time()
    assert _restore(s3, bucket, days=2, tier="Expedited") == 202
    after = time.time()
    stratus_server.advance_clock(4 * 60)
    assert _restore_header(s3, bucket) == 'ongoing-request="true"'
    stratus_server.advance_clock(61)
    expiry = _expiry(_restore_header(s3, bucket))
    # the copy was ready 5 minutes after the request; 2 days later, rounded up to midnight UTC
    expected = {math.ceil((moment + 300 + 2 * DAY) / DAY) * DAY for moment in (before, after)}
    assert expiry in expected
    assert read_body(s3, bucket, "cold") == b"frozen"
    stratus_server.advance_clock(expiry - time.time() - 300 + 1)  # past the expiry on the Stratus clock
    _unreadable(s3, bucket)
    assert _restore_header(s3, bucket) is None
    assert _restore(s3, bucket, tier="Expedited") == 202  # a new restore can start


def test_restoring_a_restored_object_moves_its_expiry(s3, bucket, stratus_server):
    _archive(s3, bucket)
    _restore(s3, bucket, days=1, tier="Expedited")
    stratus_server.advance_clock(301)
    first = _expiry(_restore_header(s3, bucket))
    assert _restore(s3, bucket, days=10) == 200
    moved = _expiry(_restore_header(s3, bucket))
    assert moved - first >= 8 * DAY and moved % DAY == 0
    assert read_body(s3, bucket, "cold") == b"frozen"


def test_deep_archive_tiers(s3, bucket, stratus_server):
    _archive(s3, bucket, storage_class="DEEP_ARCHIVE")
    with pytest.raises(ClientError) as excinfo:
        _restore(s3, bucket, tier="Expedited")
    assert error_of(excinfo) == (
        "InvalidObjectState",
        "Retrieval option is not supported by this storage class",
    )
    assert _restore(s3, bucket, tier="Bulk") == 202  # 48 hours
    stratus_server.advance_clock(47 * HOUR)
    _unreadable(s3, bucket)
    stratus_server.advance_clock(HOUR + 1)
    assert read_body(s3, bucket, "cold") == b"frozen"


def test_restore_of_an_object_that_is_not_archived(s3, bucket):
    for storage_class in ("STANDARD", "GLACIER_IR", "STANDARD_IA"):
        _archive(s3, bucket, storage_class=storage_class)
        with pytest.raises(ClientError) as excinfo:
            _restore(s3, bucket)
        assert error_of(excinfo) == (
            "InvalidObjectState",
            "Restore is not allowed for the object's current storage class",
        )
        assert status_of(excinfo) == 403


def test_restore_needs_days(s3, bucket):
    _archive(s3, bucket)
    with pytest.raises(ClientError) as excinfo:
        s3.restore_object(
            Bucket=bucket, Key="cold", RestoreRequest={"GlacierJobParameters": {"Tier": "Bulk"}}
        )
    assert error_of(excinfo)[0] == "InvalidArgument"
    with pytest.raises(ClientError) as excinfo:
        _restore(s3, bucket, days=0)
    assert error_of(excinfo)[0] == "InvalidArgument"
    assert _restore_header(s3, bucket) is None


def test_restore_of_a_missing_key(s3, bucket):
    with pytest.raises(ClientError) as excinfo:
        _restore(s3, bucket, key="missing")
    assert error_of(excinfo)[0] == "NoSuchKey"


def test_select_restores_are_not_implemented(s3, bucket):
    _archive(s3, bucket)
    with pytest.raises(ClientError) as excinfo:
        s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Type": "SELECT"})
    assert status_of(excinfo) == 501


def test_restore_of_one_version(s3, bucket, stratus_server):
    enable_versioning(s3, bucket)
    old = s3.put_object(Bucket=bucket, Key="cold", Body=b"old", StorageClass="GLACIER")["VersionId"]
    _archive(s3, bucket, body=b"new")
    _restore(s3, bucket, tier="Expedited", VersionId=old)
    stratus_server.advance_clock(301)
    assert read_body(s3, bucket, "cold", VersionId=old) == b"old"
    assert _restore_header(s3, bucket) is None
    _unreadable(s3, bucket)


def test_copying_an_archived_object_needs_a_restore(s3, bucket, stratus_server):
    _archive(s3, bucket)
    with pytest.raises(ClientError) as excinfo:
        s3.copy_object(Bucket=bucket, Key="warm", CopySource=f"{bucket}/cold", StorageClass="STANDARD")
    assert error_of(excinfo) == (
        "InvalidObjectState",
        "Operation is not valid for the source object's storage class",
    )
    _restore(s3, bucket, tier="Expedited")
    stratus_server.advance_clock(301)
    s3.copy_object(Bucket=bucket, Key="warm", CopySource=f"{bucket}/cold", StorageClass="STANDARD")
    assert read_body(s3, bucket, "warm") == b"frozen"
    assert "StorageClass" not in s3.head_object(Bucket=bucket, Key="warm")


def test_an_archived_object_is_no_part_copy_source(s3, bucket):
    s3.put_object(Bucket=bucket, Key="cold", Body=b"frozen", StorageClass="GLACIER")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="warm")["UploadId"]
    with pytest.raises(ClientError) as refused:
        s3.upload_part_copy(
            Bucket=bucket,
            Key="warm",
            UploadId=upload,
            PartNumber=1,
            CopySource={"Bucket": bucket, "Key": "cold"},
        )
    assert refused.value.response["Error"]["Code"] == "InvalidObjectState"


def _listed_restore_status(s3, bucket: str) -> dict:
    """RestoreStatus per key in each of the three listings (which must agree)."""
    asked = {"OptionalObjectAttributes": ["RestoreStatus"]}
    v2 = {
        item["Key"]: item.get("RestoreStatus")
        for item in s3.list_objects_v2(Bucket=bucket, **asked)["Contents"]
    }
    v1 = {
        item["Key"]: item.get("RestoreStatus") for item in s3.list_objects(Bucket=bucket, **asked)["Contents"]
    }
    versions = s3.list_object_versions(Bucket=bucket, **asked)["Versions"]
    assert v1 == v2 == {item["Key"]: item.get("RestoreStatus") for item in versions}
    return v2


def test_listings_show_restore_status_when_asked(s3, bucket, stratus_server):
    _archive(s3, bucket, key="cold")
    _archive(s3, bucket, key="restored")
    _archive(s3, bucket, key="warm", storage_class="STANDARD")
    _restore(s3, bucket, key="restored", days=1, tier="Expedited")
    assert _listed_restore_status(s3, bucket) == {
        "cold": None,
        "restored": {"IsRestoreInProgress": True},
        "warm": None,
    }
    stratus_server.advance_clock(301)
    restored = _listed_restore_status(s3, bucket)["restored"]
    assert restored["IsRestoreInProgress"] is False
    assert restored["RestoreExpiryDate"].timestamp() == _expiry(_restore_header(s3, bucket, key="restored"))
    # Without the header, listings do not carry the field.
    assert all("RestoreStatus" not in item for item in s3.list_objects_v2(Bucket=bucket)["Contents"])
