"""DeleteSecret, RestoreSecret and the background purge on the Stratus clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

from .support import DAY, error_of, eventually


def _gone(sm, secret_id: str) -> bool:
    try:
        sm.describe_secret(SecretId=secret_id)
    except ClientError as error:
        return error.response["Error"]["Code"] == "ResourceNotFoundException"
    return False


def test_delete_schedules_deletion_after_the_recovery_window(sm, secret):
    answer = sm.delete_secret(SecretId="app/db", RecoveryWindowInDays=7)
    assert answer["ARN"] == secret["ARN"] and answer["Name"] == "app/db"
    described = sm.describe_secret(SecretId="app/db")
    assert answer["DeletionDate"] - described["DeletedDate"] == timedelta(days=7)


def test_the_default_window_is_thirty_days(sm, secret):
    answer = sm.delete_secret(SecretId="app/db")
    described = sm.describe_secret(SecretId="app/db")
    assert answer["DeletionDate"] - described["DeletedDate"] == timedelta(days=30)


def test_the_sweep_purges_secrets_whose_window_ended(sm, secret, stratus_server):
    sm.delete_secret(SecretId="app/db", RecoveryWindowInDays=7)
    stratus_server.advance_clock(6 * DAY)
    assert not eventually(lambda: _gone(sm, "app/db"), timeout=0.5)
    stratus_server.advance_clock(DAY + 10)
    assert eventually(lambda: _gone(sm, "app/db"))
    # The name is free again.
    sm.create_secret(Name="app/db", SecretString="again")


def test_restore_cancels_the_deletion(sm, secret, stratus_server):
    sm.delete_secret(SecretId="app/db", RecoveryWindowInDays=7)
    assert sm.restore_secret(SecretId="app/db")["ARN"] == secret["ARN"]
    assert "DeletedDate" not in sm.describe_secret(SecretId="app/db")
    assert sm.get_secret_value(SecretId="app/db")["SecretString"] == "s3cr3t"
    stratus_server.advance_clock(8 * DAY)
    assert not eventually(lambda: _gone(sm, "app/db"), timeout=0.5)


def test_force_delete_removes_at_once(sm, secret):
    answer = sm.delete_secret(SecretId="app/db", ForceDeleteWithoutRecovery=True)
    assert answer["ARN"] == secret["ARN"]
    assert _gone(sm, "app/db")
    # Forcing the deletion of a secret that does not exist is no error.
    again = sm.delete_secret(SecretId="app/db", ForceDeleteWithoutRecovery=True)
    assert again["Name"] == "app/db"


def test_force_delete_also_purges_a_scheduled_secret(sm, secret):
    sm.delete_secret(SecretId="app/db")
    sm.delete_secret(SecretId="app/db", ForceDeleteWithoutRecovery=True)
    assert _gone(sm, "app/db")


def test_delete_option_errors(sm, secret):
    with pytest.raises(ClientError) as caught:
        sm.delete_secret(SecretId="app/db", RecoveryWindowInDays=7, ForceDeleteWithoutRecovery=True)
    assert error_of(caught) == (
        "InvalidParameterException",
        "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    )
    for days in (6, 31):
        with pytest.raises(ClientError) as caught:
            sm.delete_secret(SecretId="app/db", RecoveryWindowInDays=days)
        assert error_of(caught) == (
            "InvalidParameterException",
            "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).",
        )
    with pytest.raises(ClientError) as caught:
        sm.delete_secret(SecretId="missing")
    assert error_of(caught) == (
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret.",
    )


def test_deleting_twice_is_refused(sm, secret):
    sm.delete_secret(SecretId="app/db")
    with pytest.raises(ClientError) as caught:
        sm.delete_secret(SecretId="app/db")
    assert error_of(caught) == (
        "InvalidRequestException",
        "You can't perform this operation on the secret because it was marked for deletion.",
    )


def test_scheduled_secrets_are_listed_only_on_request(sm, secret):
    sm.create_secret(Name="kept", SecretString="x")
    sm.delete_secret(SecretId="app/db")
    assert [s["Name"] for s in sm.list_secrets()["SecretList"]] == ["kept"]
    listed = sm.list_secrets(IncludePlannedDeletion=True)["SecretList"]
    assert [s["Name"] for s in listed] == ["app/db", "kept"]
    assert "DeletedDate" in listed[0]
