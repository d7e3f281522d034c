"""Virtual MFA devices through boto3: create (seed, QR code), enable with TOTP codes at the emulated
time, resync, deactivate, delete, list, tags, and the DeleteUser conflict."""

import json
import struct
import urllib.request
import zlib
from datetime import datetime

import pyotp
import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"


def error_of(excinfo) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def emulated_now(endpoint: str) -> float:
    with urllib.request.urlopen(f"{endpoint}/_stratus/clock") as response:
        return json.load(response)["epoch_seconds"]


def advance_clock(endpoint: str, seconds: float) -> None:
    request = urllib.request.Request(
        f"{endpoint}/_stratus/clock",
        data=json.dumps({"advance_seconds": seconds}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request).close()


def codes(seed: str, at: float) -> tuple[str, str]:
    """Two consecutive codes whose second is valid at `at` (as a user reads them off the app)."""
    totp = pyotp.TOTP(seed)
    return totp.at(at - 30), totp.at(at)


@pytest.fixture
def iam(aws_client):
    return aws_client("iam")


def new_device(iam, name: str = "alice-phone", **kwargs) -> tuple[str, str]:
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name, **kwargs)["VirtualMFADevice"]
    return device["SerialNumber"], device["Base32StringSeed"].decode()


def enable(iam, endpoint: str, user: str, serial: str, seed: str) -> None:
    first, second = codes(seed, emulated_now(endpoint))
    iam.enable_mfa_device(
        UserName=user, SerialNumber=serial, AuthenticationCode1=first, AuthenticationCode2=second
    )


def test_create_virtual_mfa_device_returns_seed_and_qr_code(iam):
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-phone", Path="/team/")[
        "VirtualMFADevice"
    ]
    assert device["SerialNumber"] == f"arn:aws:iam::{ACCOUNT}:mfa/team/alice-phone"
    seed = device["Base32StringSeed"].decode()
    assert len(seed) == 64 and pyotp.TOTP(seed).now().isdigit()
    png = device["QRCodePNG"]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert width == height and width > 100
    # The image data decompresses: a real, well-formed PNG.
    idat = png.index(b"IDAT")
    length = struct.unpack(">I", png[idat - 4 : idat])[0]
    assert len(zlib.decompress(png[idat + 4 : idat + 4 + length])) == height * (1 + (width + 7) // 8)


def test_duplicate_device_name_is_rejected(iam):
    new_device(iam)
    with pytest.raises(ClientError) as excinfo:
        new_device(iam)
    assert error_of(excinfo) == (
        "EntityAlreadyExists",
        "MFADevice entity at the same path and name already exists.",
    )


def test_enable_with_two_consecutive_codes_at_the_emulated_time(iam, stratus_endpoint):
    iam.create_user(UserName="alice")
    serial, seed = new_device(iam)
    advance_clock(stratus_endpoint, 3600)  # the codes must follow the emulated clock, not the wall clock
    now = emulated_now(stratus_endpoint)
    totp = pyotp.TOTP(seed)
    iam.enable_mfa_device(
        UserName="alice",
        SerialNumber=serial,
        AuthenticationCode1=totp.at(now),
        AuthenticationCode2=totp.at(now + 30),
    )
    devices = iam.list_mfa_devices(UserName="alice")["MFADevices"]
    assert [d["SerialNumber"] for d in devices] == [serial]
    assert devices[0]["UserName"] == "alice"
    assert abs(devices[0]["EnableDate"].timestamp() - now) < 60
    got = iam.get_mfa_device(SerialNumber=serial, UserName="alice")
    assert got["SerialNumber"] == serial and got["UserName"] == "alice"


def test_wrong_or_non_consecutive_codes_are_rejected(iam, stratus_endpoint):
    iam.create_user(UserName="alice")
    serial, seed = new_device(iam)
    now = emulated_now(stratus_endpoint)
    totp = pyotp.TOTP(seed)
    for first, second in [
        ("000000", "000000"),
        (totp.at(now), totp.at(now)),  # the same code twice
        (totp.at(now - 3600), totp.at(now - 3570)),  # consecutive, but an hour old
    ]:
        if first == totp.at(now) and second == totp.at(now + 30):
            continue  # a one-in-a-million coincidence of codes
        with pytest.raises(ClientError) as excinfo:
            iam.enable_mfa_device(
                UserName="alice", SerialNumber=serial, AuthenticationCode1=first, AuthenticationCode2=second
            )
        assert error_of(excinfo) == (
            "InvalidAuthenticationCode",
            "Authentication code for device is not valid.",
        )
        assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert iam.list_mfa_devices(UserName="alice")["MFADevices"] == []


def test_enable_errors_for_missing_user_device_and_device_in_use(iam, stratus_endpoint):
    iam.create_user(UserName="alice")
    iam.create_user(UserName="bob")
    serial, seed = new_device(iam)
    with pytest.raises(ClientError) as excinfo:
        enable(iam, stratus_endpoint, "carol", serial, seed)
    assert error_of(excinfo) == ("NoSuchEntity", "The user with name carol cannot be found.")
    missing = f"arn:aws:iam::{ACCOUNT}:mfa/nothing"
    with pytest.raises(ClientError) as excinfo:
        enable(iam, stratus_endpoint, "alice", missing, seed)
    assert error_of(excinfo) == (
        "NoSuchEntity",
        f"VirtualMFADevice with serial number {missing} doesn't exist.",
    )
    enable(iam, stratus_endpoint, "alice", serial, seed)
    with pytest.raises(ClientError) as excinfo:
        enable(iam, stratus_endpoint, "bob", serial, seed)
    assert excinfo.value.response["Error"]["Code"] == "EntityAlreadyExists"


def test_list_virtual_mfa_devices_by_assignment_status(iam, stratus_endpoint):
    iam.create_user(UserName="alice")
    assigned, seed = new_device(iam, "a-device")
    unassigned, _ = new_device(iam, "b-device")
    enable(iam, stratus_endpoint, "alice", assigned, seed)

    everything = iam.list_virtual_mfa_devices()["VirtualMFADevices"]
    assert [d["SerialNumber"] for d in everything] == [assigned, unassigned]
    only_assigned = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert [d["SerialNumber"] for d in only_assigned] == [assigned]
    assert only_assigned[0]["User"]["UserName"] == "alice"
    assert isinstance(only_assigned[0]["EnableDate"], datetime)
    only_unassigned = iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]
    assert [d["SerialNumber"] for d in only_unassigned] == [unassigned]
    assert "User" not in only_unassigned[0]


def test_virtual_mfa_devices_are_paged(iam):
    serials = sorted(new_device(iam, f"device-{i}")[0] for i in range(5))
    first = iam.list_virtual_mfa_devices(MaxItems=2)
    assert first["IsTruncated"] and len(first["VirtualMFADevices"]) == 2
    second = iam.list_virtual_mfa_devices(MaxItems=10, Marker=first["Marker"])
    assert not second["IsTruncated"]
    assert [d["SerialNumber"] for d in first["VirtualMFADevices"] + second["VirtualMFADevices"]] == serials


def test_deactivate_then_delete(iam, stratus_endpoint):
    iam.create_user(UserName="alice")
    serial, seed = new_device(iam)
    enable(iam, stratus_endpoint, "alice", serial, seed)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert excinfo.value.response["Error"]["Code"] == "DeleteConflict"
    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName="alice")
    assert error_of(excinfo) == ("DeleteConflict", "Cannot delete entity, must delete MFA device first.")

    iam.deactivate_mfa_device(UserName="alice", SerialNumber=serial)
    assert iam.list_mfa_devices(UserName="alice")["MFADevices"] == []
    assert (
        iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"][0]["SerialNumber"]
        == serial
    )
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []
    with pytest.raises(ClientError) as excinfo:
        iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert error_of(excinfo) == (
        "NoSuchEntity",
        f"VirtualMFADevice with serial number {serial} doesn't exist.",
    )
    iam.delete_user(UserName="alice")


def test_deactivate_a_device_the_user_does_not_have(iam):
    iam.create_user(UserName="alice")
    serial, _ = new_device(iam)
    with pytest.raises(ClientError) as excinfo:
        iam.deactivate_mfa_device(UserName="alice", SerialNumber=serial)
    assert excinfo.value.response["Error"]["Code"] == "NoSuchEntity"


def test_resync_accepts_codes_from_a_drifted_device(iam, stratus_endpoint):
    iam.create_user(UserName="alice")
    serial, seed = new_device(iam)
    enable(iam, stratus_endpoint, "alice", serial, seed)
    drifted = emulated_now(stratus_endpoint) - 240  # the device's clock runs four minutes late
    first, second = codes(seed, drifted)
    iam.resync_mfa_device(
        UserName="alice", SerialNumber=serial, AuthenticationCode1=first, AuthenticationCode2=second
    )
    with pytest.raises(ClientError) as excinfo:
        iam.resync_mfa_device(
            UserName="alice", SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="123456"
        )
    assert excinfo.value.response["Error"]["Code"] == "InvalidAuthenticationCode"


def test_mfa_device_tags(iam):
    serial, _ = new_device(iam, Tags=[{"Key": "owner", "Value": "alice"}])
    iam.tag_mfa_device(
        SerialNumber=serial, Tags=[{"Key": "team", "Value": "blue"}, {"Key": "OWNER", "Value": "bob"}]
    )
    assert iam.list_mfa_device_tags(SerialNumber=serial)["Tags"] == [
        {"Key": "OWNER", "Value": "bob"},
        {"Key": "team", "Value": "blue"},
    ]
    iam.untag_mfa_device(SerialNumber=serial, TagKeys=["owner"])
    assert iam.list_mfa_device_tags(SerialNumber=serial)["Tags"] == [{"Key": "team", "Value": "blue"}]
    with pytest.raises(ClientError) as excinfo:
        iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert excinfo.value.response["Error"]["Code"] == "LimitExceeded"
    with pytest.raises(ClientError) as excinfo:
        iam.list_mfa_device_tags(SerialNumber=f"arn:aws:iam::{ACCOUNT}:mfa/none")
    assert excinfo.value.response["Error"]["Code"] == "NoSuchEntity"


def test_devices_belong_to_their_account(aws_client):
    iam = aws_client("iam")
    other = aws_client("iam", aws_access_key_id="111122223333", aws_secret_access_key="test")
    serial, _ = new_device(iam)
    assert other.list_virtual_mfa_devices()["VirtualMFADevices"] == []
    with pytest.raises(ClientError) as excinfo:
        other.delete_virtual_mfa_device(SerialNumber=serial)
    assert excinfo.value.response["Error"]["Code"] == "NoSuchEntity"
