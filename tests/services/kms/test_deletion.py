"""ScheduleKeyDeletion and CancelKeyDeletion, and deletion carried out on the Stratus clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from .support import DAY, error_of, eventually, key_arn


def test_schedule_key_deletion_answers_the_date_and_state(kms, key_id):
    answer = kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    expected = datetime.now(UTC) + timedelta(days=7)
    assert abs((answer["DeletionDate"] - expected).total_seconds()) < 10
    assert (answer["KeyId"], answer["KeyState"], answer["PendingWindowInDays"]) == (
        key_arn(key_id),
        "PendingDeletion",
        7,
    )
    metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert (metadata["KeyState"], metadata["Enabled"]) == ("PendingDeletion", False)
    assert metadata["DeletionDate"] == answer["DeletionDate"]


def test_the_default_window_is_thirty_days(kms, key_id):
    assert kms.schedule_key_deletion(KeyId=key_id)["PendingWindowInDays"] == 30


@pytest.mark.parametrize("days", [6, 31])
def test_the_window_is_seven_to_thirty_days(kms, key_id, days):
    with pytest.raises(ClientError) as caught:
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=days)
    code, message = error_of(caught)
    assert code == "ValidationException"  # wording guessed (Coral's, with KMS's documented range)
    assert f"Value '{days}' at 'pendingWindowInDays'" in message


def test_a_key_pending_deletion_refuses_use_and_a_second_schedule(kms, key_id):
    kms.schedule_key_deletion(KeyId=key_id)
    with pytest.raises(ClientError) as caught:
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
    assert error_of(caught) == ("KMSInvalidStateException", f"{key_arn(key_id)} is pending deletion.")
    with pytest.raises(ClientError) as caught:
        kms.schedule_key_deletion(KeyId=key_id)
    assert error_of(caught)[0] == "KMSInvalidStateException"
    with pytest.raises(ClientError) as caught:
        kms.enable_key(KeyId=key_id)
    assert error_of(caught)[0] == "KMSInvalidStateException"


def test_cancel_key_deletion_leaves_the_key_disabled(kms, key_id):
    kms.schedule_key_deletion(KeyId=key_id)
    assert kms.cancel_key_deletion(KeyId=key_id)["KeyId"] == key_arn(key_id)
    metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert metadata["KeyState"] == "Disabled"
    assert "DeletionDate" not in metadata
    kms.enable_key(KeyId=key_id)
    kms.encrypt(KeyId=key_id, Plaintext=b"x")


def test_cancel_of_a_key_not_pending_deletion(kms, key_id):
    with pytest.raises(ClientError) as caught:
        kms.cancel_key_deletion(KeyId=key_id)
    # The key state reference's wording
    assert error_of(caught) == ("KMSInvalidStateException", f"{key_arn(key_id)} is not pending deletion.")


def test_the_key_is_deleted_when_the_clock_passes_its_date(kms, key_id, stratus_server):
    kms.create_alias(AliasName="alias/doomed", TargetKeyId=key_id)
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    stratus_server.advance_clock(6 * DAY)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    stratus_server.advance_clock(DAY + 60)

    # The background sweep deletes it with its aliases, without anyone touching the key.
    def alias_gone() -> bool:
        return "alias/doomed" not in [a["AliasName"] for a in kms.list_aliases(Limit=100)["Aliases"]]

    assert eventually(alias_gone)
    assert key_id not in [k["KeyId"] for k in kms.list_keys()["Keys"]]
    with pytest.raises(ClientError) as caught:
        kms.describe_key(KeyId=key_id)
    assert error_of(caught) == ("NotFoundException", f"Key '{key_arn(key_id)}' does not exist")
    with pytest.raises(ClientError) as caught:
        kms.decrypt(CiphertextBlob=blob)
    assert error_of(caught)[0] == "NotFoundException"


def test_a_key_past_its_deletion_date_is_gone_at_once(kms, key_id, stratus_server):
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    stratus_server.advance_clock(7 * DAY + 1)
    with pytest.raises(ClientError) as caught:  # whether or not the sweep has run yet
        kms.describe_key(KeyId=key_id)
    assert error_of(caught)[0] == "NotFoundException"
