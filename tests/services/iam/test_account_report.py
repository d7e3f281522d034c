"""GenerateCredentialReport / GetCredentialReport through boto3."""

import csv
import io
import json
import urllib.request

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"


@pytest.fixture
def iam(aws_client):
    return aws_client("iam")


def advance_clock(endpoint: str, seconds: float) -> None:
    request = urllib.request.Request(
        f"{endpoint}/_stratus/clock",
        data=json.dumps({"advance_seconds": seconds}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request).close()


def report_rows(iam) -> list[dict[str, str]]:
    report = iam.get_credential_report()
    assert report["ReportFormat"] == "text/csv"
    return list(csv.DictReader(io.StringIO(report["Content"].decode())))


def test_report_before_generation_is_not_present(iam):
    with pytest.raises(ClientError) as excinfo:
        iam.get_credential_report()
    assert excinfo.value.response["Error"]["Code"] == "ReportNotPresent"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 410


def test_generate_then_get(iam):
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Correct-Horse-1")
    iam.create_access_key(UserName="alice")
    iam.create_user(UserName="bob")

    assert iam.generate_credential_report()["State"] == "STARTED"
    assert iam.generate_credential_report()["State"] == "COMPLETE"
    rows = report_rows(iam)
    assert [row["user"] for row in rows] == ["<root_account>", "alice", "bob"]
    root, alice, bob = rows
    assert root["arn"] == f"arn:aws:iam::{ACCOUNT}:root" and root["password_enabled"] == "not_supported"
    assert alice["arn"] == f"arn:aws:iam::{ACCOUNT}:user/alice"
    assert alice["password_enabled"] == "true" and alice["password_last_used"] == "no_information"
    assert alice["access_key_1_active"] == "true" and alice["access_key_1_last_rotated"] != "N/A"
    assert alice["access_key_2_active"] == "false" and alice["mfa_active"] == "false"
    assert bob["password_enabled"] == "false" and bob["password_last_changed"] == "N/A"


def test_report_expires_after_four_hours(iam, stratus_endpoint):
    iam.generate_credential_report()
    advance_clock(stratus_endpoint, 4 * 3600 + 60)
    with pytest.raises(ClientError) as excinfo:
        iam.get_credential_report()
    assert excinfo.value.response["Error"]["Code"] == "ReportExpired"
    assert iam.generate_credential_report()["State"] == "STARTED"
    assert report_rows(iam)[0]["user"] == "<root_account>"
