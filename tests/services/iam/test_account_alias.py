"""Account aliases through boto3: one per account, unique across accounts, AWS's naming rules."""

import pytest
from botocore.exceptions import ClientError


def error_of(excinfo) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def iam(aws_client):
    return aws_client("iam")


def test_create_list_delete(iam):
    assert iam.list_account_aliases()["AccountAliases"] == []
    iam.create_account_alias(AccountAlias="example-corp")
    listed = iam.list_account_aliases()
    assert listed["AccountAliases"] == ["example-corp"] and listed["IsTruncated"] is False
    iam.delete_account_alias(AccountAlias="example-corp")
    assert iam.list_account_aliases()["AccountAliases"] == []
    with pytest.raises(ClientError) as excinfo:
        iam.delete_account_alias(AccountAlias="example-corp")
    assert error_of(excinfo) == ("NoSuchEntity", "The account alias example-corp cannot be found.")


def test_a_new_alias_replaces_the_old_one(iam):
    iam.create_account_alias(AccountAlias="first-name")
    iam.create_account_alias(AccountAlias="second-name")
    assert iam.list_account_aliases()["AccountAliases"] == ["second-name"]
    iam.create_account_alias(AccountAlias="second-name")  # its own alias again: no error
    assert iam.list_account_aliases(MaxItems=1)["AccountAliases"] == ["second-name"]


def test_aliases_are_unique_across_accounts(aws_client, iam):
    other = aws_client("iam", aws_access_key_id="111122223333", aws_secret_access_key="test")
    iam.create_account_alias(AccountAlias="taken-name")
    with pytest.raises(ClientError) as excinfo:
        other.create_account_alias(AccountAlias="taken-name")
    assert error_of(excinfo) == ("EntityAlreadyExists", "The account alias taken-name already exists.")
    assert other.list_account_aliases()["AccountAliases"] == []
    with pytest.raises(ClientError) as excinfo:
        other.delete_account_alias(AccountAlias="taken-name")
    assert excinfo.value.response["Error"]["Code"] == "NoSuchEntity"
    # Once released, the name is free for the other account.
    iam.delete_account_alias(AccountAlias="taken-name")
    other.create_account_alias(AccountAlias="taken-name")
    assert other.list_account_aliases()["AccountAliases"] == ["taken-name"]


@pytest.mark.parametrize(
    "alias", ["-leading", "trailing-", "Upper-case", "double--dash", "under_score", "a.b.c"]
)
def test_invalid_aliases(iam, alias):
    with pytest.raises(ClientError) as excinfo:
        iam.create_account_alias(AccountAlias=alias)
    code, message = error_of(excinfo)
    assert code == "ValidationError"
    assert "Member must satisfy regular expression pattern" in message
