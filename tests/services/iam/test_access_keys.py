"""IAM access keys through boto3, and the directory's view of them."""

import re
from datetime import UTC, datetime

import pytest
from botocore.exceptions import ClientError

from stratus.services.iam.directory import IamDirectory
from stratus.services.iam.store import MIGRATIONS


def error_of(excinfo) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def iam(aws_client):
    client = aws_client("iam")
    client.create_user(UserName="alice")
    return client


def on_server(server, use):
    """Run `use(IamDirectory)` on the server's event loop (the database's writer lives there)."""
    if getattr(server, "runtime", None) is None:
        pytest.skip("needs the in-process server")

    async def call():
        return use(IamDirectory(server.runtime.state.database("iam", MIGRATIONS)))

    return server.call_on_loop(call())


def test_create_access_key(iam):
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    assert re.fullmatch(r"AKIA[A-Z0-9]{16}", key["AccessKeyId"])
    assert re.fullmatch(r"[A-Za-z0-9+/]{40}", key["SecretAccessKey"])
    assert key["Status"] == "Active"
    assert key["UserName"] == "alice"


def test_two_keys_per_user(iam):
    iam.create_access_key(UserName="alice")
    iam.create_access_key(UserName="alice")
    with pytest.raises(ClientError) as excinfo:
        iam.create_access_key(UserName="alice")
    assert error_of(excinfo) == ("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2")


def test_list_update_delete(iam):
    first = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    second = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    listed = iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
    assert {key["AccessKeyId"] for key in listed} == {first, second}
    assert all("SecretAccessKey" not in key for key in listed)
    iam.update_access_key(UserName="alice", AccessKeyId=first, Status="Inactive")
    statuses = {
        key["AccessKeyId"]: key["Status"]
        for key in iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
    }
    assert statuses == {first: "Inactive", second: "Active"}
    iam.delete_access_key(UserName="alice", AccessKeyId=first)
    assert [key["AccessKeyId"] for key in iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]] == [
        second
    ]
    with pytest.raises(ClientError) as excinfo:
        iam.delete_access_key(UserName="alice", AccessKeyId=first)
    assert error_of(excinfo) == ("NoSuchEntity", f"The Access Key with id {first} cannot be found.")


def test_key_of_another_user_is_not_found(iam):
    iam.create_user(UserName="bob")
    key = iam.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
    with pytest.raises(ClientError) as excinfo:
        iam.update_access_key(UserName="alice", AccessKeyId=key, Status="Inactive")
    assert error_of(excinfo)[0] == "NoSuchEntity"


def test_missing_user(iam):
    with pytest.raises(ClientError) as excinfo:
        iam.create_access_key(UserName="nobody")
    assert error_of(excinfo) == ("NoSuchEntity", "The user with name nobody cannot be found.")


def test_root_caller_must_name_the_user(iam):
    with pytest.raises(ClientError) as excinfo:
        iam.list_access_keys()
    assert error_of(excinfo)[0] == "ValidationError"


def test_last_used_before_and_after_use(iam, stratus_server):
    key = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    before = iam.get_access_key_last_used(AccessKeyId=key)
    assert before["UserName"] == "alice"
    assert before["AccessKeyLastUsed"] == {"ServiceName": "N/A", "Region": "N/A"}
    when = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    on_server(stratus_server, lambda directory: directory.record_key_use(key, "s3", "eu-west-1", when))
    after = iam.get_access_key_last_used(AccessKeyId=key)["AccessKeyLastUsed"]
    assert after == {"LastUsedDate": when, "ServiceName": "s3", "Region": "eu-west-1"}


def test_directory_finds_keys(iam, stratus_server):
    created = iam.create_access_key(UserName="alice")["AccessKey"]
    record = on_server(stratus_server, lambda directory: directory.access_key(created["AccessKeyId"]))
    assert record.secret_access_key == created["SecretAccessKey"]
    assert record.user_name == "alice"
    assert record.user_arn == "arn:aws:iam::000000000000:user/alice"
    assert record.account_id == "000000000000"
    assert record.status == "Active"
    assert on_server(stratus_server, lambda directory: directory.access_key("AKIANOTAKEY000000000")) is None


def test_calls_signed_with_a_users_key_default_to_that_user(aws_client, iam):
    created = iam.create_access_key(UserName="alice")["AccessKey"]
    as_alice = aws_client(
        "iam", aws_access_key_id=created["AccessKeyId"], aws_secret_access_key=created["SecretAccessKey"]
    )
    assert as_alice.get_user()["User"]["UserName"] == "alice"
    listed = as_alice.list_access_keys()["AccessKeyMetadata"]
    assert [key["AccessKeyId"] for key in listed] == [created["AccessKeyId"]]
    second = as_alice.create_access_key()["AccessKey"]
    assert second["UserName"] == "alice"
    as_alice.update_access_key(AccessKeyId=second["AccessKeyId"], Status="Inactive")
    as_alice.delete_access_key(AccessKeyId=second["AccessKeyId"])
    assert len(iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]) == 1
