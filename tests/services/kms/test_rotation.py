"""Key rotation: automatic (on the Stratus clock) and on demand; every material version stays, so
old ciphertexts still decrypt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from .support import DAY, error_of, eventually, key_arn


def test_rotation_is_off_until_enabled(kms, key_id):
    status = kms.get_key_rotation_status(KeyId=key_id)
    del status["ResponseMetadata"]
    assert status == {"KeyRotationEnabled": False, "KeyId": key_id}
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    status = kms.get_key_rotation_status(KeyId=key_id)
    assert status["KeyRotationEnabled"] is True and status["RotationPeriodInDays"] == 90
    expected = datetime.now(UTC) + timedelta(days=90)
    assert abs((status["NextRotationDate"] - expected).total_seconds()) < 10
    kms.disable_key_rotation(KeyId=key_id)
    status = kms.get_key_rotation_status(KeyId=key_id)
    assert status["KeyRotationEnabled"] is False
    assert "NextRotationDate" not in status and "RotationPeriodInDays" not in status


def test_the_default_period_is_a_year(kms, key_id):
    kms.enable_key_rotation(KeyId=key_id)
    assert kms.get_key_rotation_status(KeyId=key_id)["RotationPeriodInDays"] == 365


def test_the_period_is_90_to_2560_days(kms, key_id, unchecked_kms):
    for days in (89, 2561):
        with pytest.raises(ClientError) as caught:
            unchecked_kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=days)
        assert error_of(caught)[0] == "ValidationException"


def test_only_symmetric_encryption_keys_rotate(kms):
    hmac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as caught:
        kms.enable_key_rotation(KeyId=hmac)
    assert error_of(caught)[0] == "UnsupportedOperationException"  # message guessed
    external = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as caught:
        kms.get_key_rotation_status(KeyId=external)
    assert error_of(caught) == (  # the key state reference's wording
        "UnsupportedOperationException",
        f"{key_arn(external)} origin is EXTERNAL which is not valid for this operation.",
    )


def test_a_disabled_key_cannot_change_its_rotation(kms, key_id):
    kms.disable_key(KeyId=key_id)
    with pytest.raises(ClientError) as caught:
        kms.enable_key_rotation(KeyId=key_id)
    assert error_of(caught) == ("DisabledException", f"{key_arn(key_id)} is disabled.")


def test_rotation_status_is_false_while_pending_deletion(kms, key_id):
    kms.enable_key_rotation(KeyId=key_id)
    kms.schedule_key_deletion(KeyId=key_id)
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False
    kms.cancel_key_deletion(KeyId=key_id)
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True


def test_on_demand_rotation_keeps_old_ciphertexts_readable(kms, key_id):
    first_material = kms.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"]
    old = kms.encrypt(KeyId=key_id, Plaintext=b"before")["CiphertextBlob"]
    assert kms.rotate_key_on_demand(KeyId=key_id)["KeyId"] == key_id
    second_material = kms.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"]
    assert second_material != first_material
    new = kms.encrypt(KeyId=key_id, Plaintext=b"after")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=old) | {"ResponseMetadata": None} == {
        "KeyId": key_arn(key_id),
        "Plaintext": b"before",
        "EncryptionAlgorithm": "SYMMETRIC_DEFAULT",
        "KeyMaterialId": first_material,
        "ResponseMetadata": None,
    }
    assert kms.decrypt(CiphertextBlob=new)["KeyMaterialId"] == second_material
    [rotation] = kms.list_key_rotations(KeyId=key_id)["Rotations"]
    assert rotation["KeyMaterialId"] == second_material
    assert rotation["RotationType"] == "ON_DEMAND"
    assert rotation["KeyMaterialState"] == "CURRENT"
    everything = kms.list_key_rotations(KeyId=key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    assert [(r["KeyMaterialId"], r["KeyMaterialState"]) for r in everything] == [
        (first_material, "NON_CURRENT"),
        (second_material, "CURRENT"),
    ]


def test_on_demand_rotation_does_not_move_the_schedule(kms, key_id):
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=180)
    scheduled = kms.get_key_rotation_status(KeyId=key_id)["NextRotationDate"]
    kms.rotate_key_on_demand(KeyId=key_id)
    assert kms.get_key_rotation_status(KeyId=key_id)["NextRotationDate"] == scheduled


def test_at_most_25_on_demand_rotations(kms, key_id):
    for _ in range(25):
        kms.rotate_key_on_demand(KeyId=key_id)
    with pytest.raises(ClientError) as caught:
        kms.rotate_key_on_demand(KeyId=key_id)
    assert error_of(caught)[0] == "LimitExceededException"  # message guessed
    assert len(kms.list_key_rotations(KeyId=key_id, Limit=1000)["Rotations"]) == 25


def test_automatic_rotation_happens_on_the_clock(kms, key_id, stratus_server):
    old = kms.encrypt(KeyId=key_id, Plaintext=b"year one")["CiphertextBlob"]
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    stratus_server.advance_clock(91 * DAY)

    def rotated():
        return kms.list_key_rotations(KeyId=key_id)["Rotations"]

    [rotation] = eventually(rotated)
    assert rotation["RotationType"] == "AUTOMATIC"
    next_date = kms.get_key_rotation_status(KeyId=key_id)["NextRotationDate"]
    assert next_date > datetime.now(UTC) + timedelta(days=91 + 80)
    assert kms.decrypt(CiphertextBlob=old)["Plaintext"] == b"year one"
    new = kms.encrypt(KeyId=key_id, Plaintext=b"year two")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=new)["KeyMaterialId"] == rotation["KeyMaterialId"]


def test_a_long_clock_jump_rotates_once_per_period(kms, key_id, stratus_server):
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    stratus_server.advance_clock(365 * DAY)
    rotations = kms.list_key_rotations(KeyId=key_id)["Rotations"]  # settled when touched
    assert len(rotations) == 4
    assert [r["KeyMaterialState"] for r in rotations] == ["NON_CURRENT"] * 3 + ["CURRENT"]


def test_a_disabled_key_does_not_rotate(kms, key_id, stratus_server):
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    kms.disable_key(KeyId=key_id)
    stratus_server.advance_clock(100 * DAY)
    assert kms.list_key_rotations(KeyId=key_id)["Rotations"] == []
    kms.enable_key(KeyId=key_id)  # rotation resumes: the overdue rotation happens at once
    kms.encrypt(KeyId=key_id, Plaintext=b"x")
    assert len(kms.list_key_rotations(KeyId=key_id)["Rotations"]) == 1


def test_list_key_rotations_pages(kms, key_id):
    for _ in range(3):
        kms.rotate_key_on_demand(KeyId=key_id)
    first = kms.list_key_rotations(KeyId=key_id, Limit=2)
    assert first["Truncated"] is True and len(first["Rotations"]) == 2
    rest = kms.list_key_rotations(KeyId=key_id, Limit=2, Marker=first["NextMarker"])
    assert rest["Truncated"] is False and len(rest["Rotations"]) == 1
