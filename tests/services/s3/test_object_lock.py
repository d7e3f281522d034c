"""Object Lock on objects: retention and legal holds, the lock new versions get, and WORM deletes."""

from datetime import UTC, datetime, timedelta

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from .support import content_md5, error_of, headers_of, status_of

LOCKED = "stratus-locked-objects"
PROTECTED = ("AccessDenied", "Access Denied because object protected by object lock.")
NO_LOCK_CONFIGURATION = ("InvalidRequest", "Bucket is missing Object Lock Configuration")
NO_OBJECT_LOCK = (
    "NoSuchObjectLockConfiguration",
    "The specified object does not have a ObjectLock configuration",
)


def _in(**delta) -> datetime:
    """A whole-second time from now (S3 keeps retain-until dates to the second here)."""
    return (datetime.now(UTC) + timedelta(**delta)).replace(microsecond=0)


@pytest.fixture
def locked(s3) -> str:
    s3.create_bucket(Bucket=LOCKED, ObjectLockEnabledForBucket=True)
    return LOCKED


@pytest.fixture
def version(s3, locked) -> str:
    return s3.put_object(Bucket=locked, Key="doc", Body=b"evidence")["VersionId"]


def _retain(s3, bucket: str, version_id: str, mode: str, until: datetime, **kwargs) -> dict:
    return s3.put_object_retention(
        Bucket=bucket,
        Key="doc",
        VersionId=version_id,
        Retention={"Mode": mode, "RetainUntilDate": until},
        **kwargs,
    )


def _delete_version(s3, bucket: str, version_id: str, **kwargs) -> dict:
    return s3.delete_object(Bucket=bucket, Key="doc", VersionId=version_id, **kwargs)


def _versions(s3, bucket: str) -> list[str]:
    return [entry["VersionId"] for entry in s3.list_object_versions(Bucket=bucket).get("Versions", [])]


# ---------------------------------------------------------------------- retention


def test_a_new_object_has_no_retention_nor_legal_hold(s3, locked, version):
    for call in (s3.get_object_retention, s3.get_object_legal_hold):
        with pytest.raises(ClientError) as excinfo:
            call(Bucket=locked, Key="doc")
        assert error_of(excinfo) == NO_OBJECT_LOCK
        assert status_of(excinfo) == 404
    head = s3.head_object(Bucket=locked, Key="doc")
    assert "ObjectLockMode" not in head and "ObjectLockLegalHoldStatus" not in head


def test_put_and_get_retention(s3, locked, version):
    until = _in(days=1)
    _retain(s3, locked, version, "GOVERNANCE", until)
    assert s3.get_object_retention(Bucket=locked, Key="doc")["Retention"] == {
        "Mode": "GOVERNANCE",
        "RetainUntilDate": until,
    }
    head = s3.head_object(Bucket=locked, Key="doc")
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert head["ObjectLockRetainUntilDate"] == until
    got = s3.get_object(Bucket=locked, Key="doc", VersionId=version)
    assert got["ObjectLockMode"] == "GOVERNANCE" and got["ObjectLockRetainUntilDate"] == until


def test_retention_of_one_version(s3, locked, version):
    newer = s3.put_object(Bucket=locked, Key="doc", Body=b"newer")["VersionId"]
    _retain(s3, locked, version, "COMPLIANCE", _in(days=1))
    assert (
        s3.get_object_retention(Bucket=locked, Key="doc", VersionId=version)["Retention"]["Mode"]
        == "COMPLIANCE"
    )
    with pytest.raises(ClientError) as excinfo:
        s3.get_object_retention(Bucket=locked, Key="doc", VersionId=newer)
    assert error_of(excinfo) == NO_OBJECT_LOCK


def test_retention_until_a_past_date_is_refused(s3, locked, version):
    with pytest.raises(ClientError) as excinfo:
        _retain(s3, locked, version, "GOVERNANCE", _in(days=-1))
    assert error_of(excinfo) == ("InvalidArgument", "The retain until date must be in the future!")


def test_retention_with_only_a_mode_is_malformed(s3, locked, version):
    with pytest.raises(ClientError) as excinfo:
        s3.put_object_retention(Bucket=locked, Key="doc", Retention={"Mode": "GOVERNANCE"})
    assert error_of(excinfo)[0] == "MalformedXML"


def test_object_lock_operations_need_a_lock_enabled_bucket(s3, bucket):
    s3.put_object(Bucket=bucket, Key="doc", Body=b"x")
    calls = [
        lambda: s3.put_object_retention(
            Bucket=bucket, Key="doc", Retention={"Mode": "GOVERNANCE", "RetainUntilDate": _in(days=1)}
        ),
        lambda: s3.get_object_retention(Bucket=bucket, Key="doc"),
        lambda: s3.put_object_legal_hold(Bucket=bucket, Key="doc", LegalHold={"Status": "ON"}),
        lambda: s3.get_object_legal_hold(Bucket=bucket, Key="doc"),
        lambda: s3.put_object(Bucket=bucket, Key="new", Body=b"x", ObjectLockLegalHoldStatus="ON"),
        lambda: s3.put_object(
            Bucket=bucket,
            Key="new",
            Body=b"x",
            ObjectLockMode="COMPLIANCE",
            ObjectLockRetainUntilDate=_in(days=1),
        ),
    ]
    for call in calls:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo) == NO_LOCK_CONFIGURATION
        assert status_of(excinfo) == 400
    with pytest.raises(ClientError) as excinfo:
        s3.head_object(Bucket=bucket, Key="new")
    assert status_of(excinfo) == 404


def test_retention_of_a_missing_key(s3, locked):
    with pytest.raises(ClientError) as excinfo:
        s3.get_object_retention(Bucket=locked, Key="missing")
    assert error_of(excinfo)[0] == "NoSuchKey"


def test_governance_retention_is_shortened_or_removed_only_with_bypass(s3, locked, version):
    until = _in(days=2)
    _retain(s3, locked, version, "GOVERNANCE", until)
    for mode, date in (("GOVERNANCE", _in(days=1)), ("COMPLIANCE", _in(days=3))):
        with pytest.raises(ClientError) as excinfo:
            _retain(s3, locked, version, mode, date)
        assert error_of(excinfo) == PROTECTED
        assert status_of(excinfo) == 403
    with pytest.raises(ClientError) as excinfo:
        s3.put_object_retention(Bucket=locked, Key="doc", Retention={})
    assert error_of(excinfo) == PROTECTED
    longer = _in(days=5)
    _retain(s3, locked, version, "GOVERNANCE", longer)  # extending needs no bypass
    shorter = _in(days=1)
    _retain(s3, locked, version, "GOVERNANCE", shorter, BypassGovernanceRetention=True)
    assert s3.get_object_retention(Bucket=locked, Key="doc")["Retention"]["RetainUntilDate"] == shorter
    s3.put_object_retention(Bucket=locked, Key="doc", Retention={}, BypassGovernanceRetention=True)
    with pytest.raises(ClientError) as excinfo:
        s3.get_object_retention(Bucket=locked, Key="doc")
    assert error_of(excinfo) == NO_OBJECT_LOCK
    assert "ObjectLockMode" not in s3.head_object(Bucket=locked, Key="doc")


def test_compliance_retention_is_never_shortened(s3, locked, version):
    _retain(s3, locked, version, "COMPLIANCE", _in(days=2))
    attempts = [
        lambda: _retain(s3, locked, version, "COMPLIANCE", _in(days=1), BypassGovernanceRetention=True),
        lambda: _retain(s3, locked, version, "GOVERNANCE", _in(days=3), BypassGovernanceRetention=True),
        lambda: s3.put_object_retention(
            Bucket=locked, Key="doc", Retention={}, BypassGovernanceRetention=True
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ClientError) as excinfo:
            attempt()
        assert error_of(excinfo) == PROTECTED
    longer = _in(days=10)
    _retain(s3, locked, version, "COMPLIANCE", longer)
    assert s3.get_object_retention(Bucket=locked, Key="doc")["Retention"]["RetainUntilDate"] == longer


def test_an_expired_retention_can_be_changed(s3, locked, version, stratus_server):
    _retain(s3, locked, version, "COMPLIANCE", _in(hours=1))
    stratus_server.advance_clock(2 * 3600)
    _retain(s3, locked, version, "GOVERNANCE", _in(days=1))
    assert s3.get_object_retention(Bucket=locked, Key="doc")["Retention"]["Mode"] == "GOVERNANCE"


# ---------------------------------------------------------------------- legal hold


def test_legal_hold_on_and_off(s3, locked, version):
    s3.put_object_legal_hold(Bucket=locked, Key="doc", LegalHold={"Status": "ON"})
    assert s3.get_object_legal_hold(Bucket=locked, Key="doc")["LegalHold"] == {"Status": "ON"}
    assert s3.head_object(Bucket=locked, Key="doc")["ObjectLockLegalHoldStatus"] == "ON"
    s3.put_object_legal_hold(Bucket=locked, Key="doc", VersionId=version, LegalHold={"Status": "OFF"})
    assert s3.get_object_legal_hold(Bucket=locked, Key="doc", VersionId=version)["LegalHold"] == {
        "Status": "OFF"
    }
    assert s3.head_object(Bucket=locked, Key="doc")["ObjectLockLegalHoldStatus"] == "OFF"


def test_a_legal_hold_blocks_deletion_even_with_bypass(s3, locked, version):
    s3.put_object_legal_hold(Bucket=locked, Key="doc", LegalHold={"Status": "ON"})
    with pytest.raises(ClientError) as excinfo:
        _delete_version(s3, locked, version, BypassGovernanceRetention=True)
    assert error_of(excinfo) == PROTECTED
    assert status_of(excinfo) == 403
    s3.put_object_legal_hold(Bucket=locked, Key="doc", LegalHold={"Status": "OFF"})
    _delete_version(s3, locked, version)
    assert _versions(s3, locked) == []


# ---------------------------------------------------------------------- WORM deletes


def test_governance_version_is_deleted_only_with_bypass(s3, locked, version):
    _retain(s3, locked, version, "GOVERNANCE", _in(days=1))
    with pytest.raises(ClientError) as excinfo:
        _delete_version(s3, locked, version)
    assert error_of(excinfo) == PROTECTED
    assert _versions(s3, locked) == [version]
    _delete_version(s3, locked, version, BypassGovernanceRetention=True)
    assert _versions(s3, locked) == []


def test_compliance_version_is_deleted_once_its_retention_ends(s3, locked, version, stratus_server):
    _retain(s3, locked, version, "COMPLIANCE", _in(hours=1))
    with pytest.raises(ClientError) as excinfo:
        _delete_version(s3, locked, version, BypassGovernanceRetention=True)
    assert error_of(excinfo) == PROTECTED
    stratus_server.advance_clock(3601)
    _delete_version(s3, locked, version)
    assert _versions(s3, locked) == []


def test_a_plain_delete_of_a_locked_object_adds_a_delete_marker(s3, locked, version):
    _retain(s3, locked, version, "COMPLIANCE", _in(days=1))
    deleted = s3.delete_object(Bucket=locked, Key="doc")
    assert deleted["DeleteMarker"] is True
    assert _versions(s3, locked) == [version]
    # the marker itself is not locked
    _delete_version(s3, locked, deleted["VersionId"])
    assert s3.get_object(Bucket=locked, Key="doc")["Body"].read() == b"evidence"


def test_delete_objects_reports_locked_versions(s3, locked, version):
    free = s3.put_object(Bucket=locked, Key="free", Body=b"x")["VersionId"]
    _retain(s3, locked, version, "GOVERNANCE", _in(days=1))
    answer = s3.delete_objects(
        Bucket=locked,
        Delete={"Objects": [{"Key": "doc", "VersionId": version}, {"Key": "free", "VersionId": free}]},
    )
    assert answer["Deleted"] == [{"Key": "free", "VersionId": free}]
    assert answer["Errors"] == [
        {"Key": "doc", "VersionId": version, "Code": PROTECTED[0], "Message": PROTECTED[1]}
    ]
    bypassed = s3.delete_objects(
        Bucket=locked,
        Delete={"Objects": [{"Key": "doc", "VersionId": version}]},
        BypassGovernanceRetention=True,
    )
    assert bypassed["Deleted"] == [{"Key": "doc", "VersionId": version}]


# ---------------------------------------------------------------------- the lock of new versions


def test_put_object_with_a_lock(s3, locked):
    until = _in(days=3)
    version = s3.put_object(
        Bucket=locked,
        Key="doc",
        Body=b"x",
        ObjectLockMode="COMPLIANCE",
        ObjectLockRetainUntilDate=until,
        ObjectLockLegalHoldStatus="ON",
    )["VersionId"]
    head = s3.head_object(Bucket=locked, Key="doc")
    assert (head["ObjectLockMode"], head["ObjectLockRetainUntilDate"], head["ObjectLockLegalHoldStatus"]) == (
        "COMPLIANCE",
        until,
        "ON",
    )
    with pytest.raises(ClientError) as excinfo:
        _delete_version(s3, locked, version)
    assert error_of(excinfo) == PROTECTED


@pytest.mark.parametrize(
    "members",
    [{"ObjectLockMode": "GOVERNANCE"}, {"ObjectLockRetainUntilDate": datetime(2099, 1, 1, tzinfo=UTC)}],
)
def test_put_object_needs_both_mode_and_date(s3, locked, members):
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=locked, Key="doc", Body=b"x", **members)
    assert error_of(excinfo) == (
        "InvalidArgument",
        "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied",
    )


def test_put_object_with_a_past_retain_until_date(s3, locked):
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(
            Bucket=locked,
            Key="doc",
            Body=b"x",
            ObjectLockMode="GOVERNANCE",
            ObjectLockRetainUntilDate=_in(days=-1),
        )
    assert error_of(excinfo) == ("InvalidArgument", "The retain until date must be in the future!")


def test_the_default_retention_applies_to_new_versions(s3, locked, version):
    s3.put_object_lock_configuration(
        Bucket=locked,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 2}},
        },
    )
    newer = s3.put_object(Bucket=locked, Key="doc", Body=b"newer")["VersionId"]
    retention = s3.get_object_retention(Bucket=locked, Key="doc")["Retention"]
    assert retention["Mode"] == "GOVERNANCE"
    assert abs(retention["RetainUntilDate"] - (datetime.now(UTC) + timedelta(days=2))) < timedelta(seconds=30)
    with pytest.raises(ClientError) as excinfo:  # the version written before keeps no retention
        s3.get_object_retention(Bucket=locked, Key="doc", VersionId=version)
    assert error_of(excinfo) == NO_OBJECT_LOCK
    with pytest.raises(ClientError) as excinfo:
        _delete_version(s3, locked, newer)
    assert error_of(excinfo) == PROTECTED
    # an explicit lock wins over the default
    s3.put_object(
        Bucket=locked,
        Key="doc",
        Body=b"x",
        ObjectLockMode="COMPLIANCE",
        ObjectLockRetainUntilDate=_in(days=9),
    )
    assert s3.head_object(Bucket=locked, Key="doc")["ObjectLockMode"] == "COMPLIANCE"


def test_a_locked_put_needs_content_md5_or_a_checksum(aws_client, s3, locked):
    plain = aws_client("s3", config=Config(request_checksum_calculation="when_required"))
    lock = {"ObjectLockMode": "GOVERNANCE", "ObjectLockRetainUntilDate": _in(days=1)}
    with pytest.raises(ClientError) as excinfo:
        plain.put_object(Bucket=locked, Key="doc", Body=b"data", **lock)
    assert error_of(excinfo) == (
        "InvalidRequest",
        "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters",
    )
    with pytest.raises(ClientError) as excinfo:
        plain.put_object(Bucket=locked, Key="doc", Body=b"data", ObjectLockLegalHoldStatus="ON")
    assert error_of(excinfo)[0] == "InvalidRequest"
    plain.put_object(Bucket=locked, Key="unlocked", Body=b"data")  # nothing to lock, nothing required
    plain.put_object(Bucket=locked, Key="doc", Body=b"data", ContentMD5=content_md5(b"data"), **lock)
    s3.put_object(Bucket=locked, Key="doc", Body=b"data", **lock)  # the SDK's default CRC32 does too
    assert s3.head_object(Bucket=locked, Key="doc")["ObjectLockMode"] == "GOVERNANCE"


def test_the_default_retention_also_needs_a_checksum(aws_client, locked):
    plain = aws_client("s3", config=Config(request_checksum_calculation="when_required"))
    plain.put_object_lock_configuration(
        Bucket=locked,
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}},
        },
    )
    with pytest.raises(ClientError) as excinfo:
        plain.put_object(Bucket=locked, Key="doc", Body=b"data")
    assert error_of(excinfo)[0] == "InvalidRequest"


def test_copy_gets_its_own_lock_not_the_sources(s3, locked, version):
    _retain(s3, locked, version, "COMPLIANCE", _in(days=1))
    s3.copy_object(Bucket=locked, Key="copy", CopySource={"Bucket": locked, "Key": "doc"})
    assert "ObjectLockMode" not in s3.head_object(Bucket=locked, Key="copy")
    until = _in(days=4)
    s3.copy_object(
        Bucket=locked,
        Key="copy",
        CopySource={"Bucket": locked, "Key": "doc"},
        ObjectLockMode="GOVERNANCE",
        ObjectLockRetainUntilDate=until,
        ObjectLockLegalHoldStatus="ON",
    )
    head = s3.head_object(Bucket=locked, Key="copy")
    assert (head["ObjectLockMode"], head["ObjectLockRetainUntilDate"], head["ObjectLockLegalHoldStatus"]) == (
        "GOVERNANCE",
        until,
        "ON",
    )


def test_multipart_upload_with_a_lock(s3, locked):
    until = _in(days=2)
    upload = s3.create_multipart_upload(
        Bucket=locked, Key="big", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until
    )["UploadId"]
    part = s3.upload_part(Bucket=locked, Key="big", UploadId=upload, PartNumber=1, Body=b"part")
    done = s3.complete_multipart_upload(
        Bucket=locked,
        Key="big",
        UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    assert s3.get_object_retention(Bucket=locked, Key="big")["Retention"] == {
        "Mode": "GOVERNANCE",
        "RetainUntilDate": until,
    }
    with pytest.raises(ClientError) as excinfo:
        s3.delete_object(Bucket=locked, Key="big", VersionId=done["VersionId"])
    assert error_of(excinfo) == PROTECTED


def test_multipart_upload_lock_members_are_checked_when_created(s3, bucket, locked):
    with pytest.raises(ClientError) as excinfo:
        s3.create_multipart_upload(Bucket=bucket, Key="big", ObjectLockLegalHoldStatus="ON")
    assert error_of(excinfo) == NO_LOCK_CONFIGURATION
    with pytest.raises(ClientError) as excinfo:
        s3.create_multipart_upload(Bucket=locked, Key="big", ObjectLockMode="GOVERNANCE")
    assert error_of(excinfo)[0] == "InvalidArgument"


def test_lock_headers_are_iso8601(s3, locked):
    until = datetime(2099, 6, 1, 12, 30, tzinfo=UTC)
    s3.put_object(
        Bucket=locked, Key="doc", Body=b"x", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until
    )
    shown = headers_of(s3.head_object(Bucket=locked, Key="doc"))["x-amz-object-lock-retain-until-date"]
    assert shown.startswith("2099-06-01T12:30:00")
