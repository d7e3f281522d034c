"""The account password policy, login profiles and ChangePassword through boto3."""

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"
VIOLATION = ("PasswordPolicyViolation", "Password does not conform to the account password policy.")


def error_of(excinfo) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def iam(aws_client):
    return aws_client("iam")


def test_password_policy_lifecycle(iam):
    with pytest.raises(ClientError) as excinfo:
        iam.get_account_password_policy()
    assert error_of(excinfo) == (
        "NoSuchEntity",
        f"The Password Policy with domain name {ACCOUNT} cannot be found.",
    )
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404

    iam.update_account_password_policy(
        MinimumPasswordLength=12,
        RequireSymbols=True,
        RequireNumbers=True,
        RequireUppercaseCharacters=True,
        RequireLowercaseCharacters=True,
        AllowUsersToChangePassword=True,
        MaxPasswordAge=90,
        PasswordReusePrevention=5,
        HardExpiry=False,
    )
    assert iam.get_account_password_policy()["PasswordPolicy"] == {
        "MinimumPasswordLength": 12,
        "RequireSymbols": True,
        "RequireNumbers": True,
        "RequireUppercaseCharacters": True,
        "RequireLowercaseCharacters": True,
        "AllowUsersToChangePassword": True,
        "ExpirePasswords": True,
        "MaxPasswordAge": 90,
        "PasswordReusePrevention": 5,
        "HardExpiry": False,
    }

    # Fields left out go back to their defaults: the call replaces the whole policy.
    iam.update_account_password_policy(RequireNumbers=True)
    assert iam.get_account_password_policy()["PasswordPolicy"] == {
        "MinimumPasswordLength": 6,
        "RequireSymbols": False,
        "RequireNumbers": True,
        "RequireUppercaseCharacters": False,
        "RequireLowercaseCharacters": False,
        "AllowUsersToChangePassword": False,
        "ExpirePasswords": False,
    }

    iam.delete_account_password_policy()
    with pytest.raises(ClientError):
        iam.get_account_password_policy()
    with pytest.raises(ClientError) as excinfo:
        iam.delete_account_password_policy()
    assert excinfo.value.response["Error"]["Code"] == "NoSuchEntity"


@pytest.mark.parametrize(
    "fields",
    [
        {"MinimumPasswordLength": 5},
        {"MinimumPasswordLength": 129},
        {"MaxPasswordAge": 1096},
        {"PasswordReusePrevention": 25},
    ],
)
def test_password_policy_ranges(aws_client, fields):
    from botocore.config import Config

    # Client-side validation off, so the server's own answer is what is checked.
    iam = aws_client("iam", config=Config(parameter_validation=False, retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as excinfo:
        iam.update_account_password_policy(**fields)
    assert excinfo.value.response["Error"]["Code"] == "ValidationError"


def test_login_profile_lifecycle(iam):
    iam.create_user(UserName="alice")
    profile = iam.create_login_profile(
        UserName="alice", Password="Correct-Horse-1", PasswordResetRequired=True
    )
    assert profile["LoginProfile"]["UserName"] == "alice"
    assert profile["LoginProfile"]["PasswordResetRequired"] is True
    got = iam.get_login_profile(UserName="alice")["LoginProfile"]
    assert got["PasswordResetRequired"] is True and got["CreateDate"] == profile["LoginProfile"]["CreateDate"]

    with pytest.raises(ClientError) as excinfo:
        iam.create_login_profile(UserName="alice", Password="Correct-Horse-2")
    assert excinfo.value.response["Error"]["Code"] == "EntityAlreadyExists"

    iam.update_login_profile(UserName="alice", PasswordResetRequired=False)
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["PasswordResetRequired"] is False
    iam.update_login_profile(UserName="alice", Password="Another-Horse-3")

    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName="alice")
    assert error_of(excinfo) == ("DeleteConflict", "Cannot delete entity, must delete login profile first.")
    iam.delete_login_profile(UserName="alice")
    with pytest.raises(ClientError) as excinfo:
        iam.get_login_profile(UserName="alice")
    assert error_of(excinfo) == ("NoSuchEntity", "Login Profile for User alice cannot be found.")
    with pytest.raises(ClientError) as excinfo:
        iam.delete_login_profile(UserName="alice")
    assert excinfo.value.response["Error"]["Code"] == "NoSuchEntity"
    iam.delete_user(UserName="alice")


def test_login_profile_for_a_missing_user(iam):
    with pytest.raises(ClientError) as excinfo:
        iam.create_login_profile(UserName="nobody", Password="Correct-Horse-1")
    assert error_of(excinfo) == ("NoSuchEntity", "The user with name nobody cannot be found.")


def test_default_policy_applies_without_a_custom_one(iam):
    iam.create_user(UserName="alice")
    for weak in ["short1A", "alllowercaseletters", "lowercase123"]:  # too short; one kind; two kinds
        with pytest.raises(ClientError) as excinfo:
            iam.create_login_profile(UserName="alice", Password=weak)
        assert error_of(excinfo) == VIOLATION
    iam.create_login_profile(UserName="alice", Password="lowercase123!")  # three kinds of characters


def test_custom_policy_is_enforced(iam):
    iam.create_user(UserName="alice")
    iam.update_account_password_policy(
        MinimumPasswordLength=10, RequireSymbols=True, RequireUppercaseCharacters=True
    )
    for weak in ["Short!1", "no-uppercase-here", "NoSymbolsAtAll"]:
        with pytest.raises(ClientError) as excinfo:
            iam.create_login_profile(UserName="alice", Password=weak)
        assert error_of(excinfo) == VIOLATION
    iam.create_login_profile(UserName="alice", Password="Long-Enough")
    with pytest.raises(ClientError) as excinfo:
        iam.update_login_profile(UserName="alice", Password="weak")
    assert error_of(excinfo) == VIOLATION
    # A looser policy lets the same password through.
    iam.update_account_password_policy(MinimumPasswordLength=6)
    iam.update_login_profile(UserName="alice", Password="simple")


def test_root_cannot_change_password(iam):
    with pytest.raises(ClientError) as excinfo:
        iam.change_password(OldPassword="Old-Password-1", NewPassword="New-Password-1")
    assert error_of(excinfo) == ("InvalidUserType", "Only IAM Users can change their own password.")


def test_user_changes_own_password(aws_client, iam):
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Old-Password-1", PasswordResetRequired=True)
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    as_alice = aws_client(
        "iam", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
    )
    with pytest.raises(ClientError) as excinfo:
        as_alice.change_password(OldPassword="Wrong-Password-1", NewPassword="New-Password-1")
    assert excinfo.value.response["Error"]["Code"] == "AccessDenied"
    with pytest.raises(ClientError) as excinfo:
        as_alice.change_password(OldPassword="Old-Password-1", NewPassword="weak")
    assert error_of(excinfo) == VIOLATION

    as_alice.change_password(OldPassword="Old-Password-1", NewPassword="New-Password-1")
    assert iam.get_login_profile(UserName="alice")["LoginProfile"]["PasswordResetRequired"] is False
    # The old password no longer works; the new one does.
    with pytest.raises(ClientError):
        as_alice.change_password(OldPassword="Old-Password-1", NewPassword="Third-Password-1")
    as_alice.change_password(OldPassword="New-Password-1", NewPassword="Third-Password-1")

    # PasswordReusePrevention refuses a recent password.
    iam.update_account_password_policy(PasswordReusePrevention=3)
    with pytest.raises(ClientError) as excinfo:
        as_alice.change_password(OldPassword="Third-Password-1", NewPassword="Old-Password-1")
    assert error_of(excinfo) == VIOLATION
