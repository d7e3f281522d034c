"""IAM groups and membership through boto3."""

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"
DOCUMENT = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
READ_ONLY = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"


def error_of(excinfo) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def iam(aws_client):
    return aws_client("iam")


def test_create_get_list_groups(iam):
    group = iam.create_group(GroupName="devs", Path="/eng/")["Group"]
    assert group["GroupId"].startswith("AGPA")
    assert group["Arn"] == f"arn:aws:iam::{ACCOUNT}:group/eng/devs"
    iam.create_group(GroupName="ops")
    assert [g["GroupName"] for g in iam.list_groups()["Groups"]] == ["devs", "ops"]
    assert [g["GroupName"] for g in iam.list_groups(PathPrefix="/eng/")["Groups"]] == ["devs"]
    fetched = iam.get_group(GroupName="DEVS")
    assert fetched["Group"]["GroupName"] == "devs"
    assert fetched["Users"] == []


def test_duplicate_and_missing_groups(iam):
    iam.create_group(GroupName="devs")
    with pytest.raises(ClientError) as excinfo:
        iam.create_group(GroupName="Devs")
    assert error_of(excinfo) == ("EntityAlreadyExists", "Group with name Devs already exists.")
    with pytest.raises(ClientError) as excinfo:
        iam.get_group(GroupName="nope")
    assert error_of(excinfo) == ("NoSuchEntity", "The group with name nope cannot be found.")


def test_membership(iam):
    iam.create_group(GroupName="devs")
    iam.create_user(UserName="alice")
    iam.create_user(UserName="bob")
    iam.add_user_to_group(GroupName="devs", UserName="alice")
    iam.add_user_to_group(GroupName="devs", UserName="bob")
    iam.add_user_to_group(GroupName="devs", UserName="bob")  # twice is fine
    assert [u["UserName"] for u in iam.get_group(GroupName="devs")["Users"]] == ["alice", "bob"]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="alice")["Groups"]] == ["devs"]
    iam.remove_user_from_group(GroupName="devs", UserName="alice")
    assert [u["UserName"] for u in iam.get_group(GroupName="devs")["Users"]] == ["bob"]
    with pytest.raises(ClientError) as excinfo:
        iam.add_user_to_group(GroupName="devs", UserName="carol")
    assert error_of(excinfo) == ("NoSuchEntity", "The user with name carol cannot be found.")


def test_get_group_pages_its_users(iam):
    iam.create_group(GroupName="devs")
    for index in range(5):
        iam.create_user(UserName=f"user{index}")
        iam.add_user_to_group(GroupName="devs", UserName=f"user{index}")
    first = iam.get_group(GroupName="devs", MaxItems=3)
    assert [u["UserName"] for u in first["Users"]] == ["user0", "user1", "user2"]
    assert first["IsTruncated"] is True
    second = iam.get_group(GroupName="devs", MaxItems=3, Marker=first["Marker"])
    assert [u["UserName"] for u in second["Users"]] == ["user3", "user4"]
    assert second["IsTruncated"] is False


def test_groups_per_user_quota(iam):
    iam.create_user(UserName="alice")
    for index in range(10):
        iam.create_group(GroupName=f"g{index}")
        iam.add_user_to_group(GroupName=f"g{index}", UserName="alice")
    iam.create_group(GroupName="g10")
    with pytest.raises(ClientError) as excinfo:
        iam.add_user_to_group(GroupName="g10", UserName="alice")
    assert error_of(excinfo) == ("LimitExceeded", "Cannot exceed quota for GroupsPerUser: 10")


def test_update_group(iam):
    iam.create_group(GroupName="devs")
    iam.create_user(UserName="alice")
    iam.add_user_to_group(GroupName="devs", UserName="alice")
    iam.update_group(GroupName="devs", NewGroupName="developers", NewPath="/eng/")
    group = iam.get_group(GroupName="developers")
    assert group["Group"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:group/eng/developers"
    assert [u["UserName"] for u in group["Users"]] == ["alice"]


@pytest.mark.parametrize(
    ("arrange", "message"),
    [
        (
            lambda iam: (
                iam.create_user(UserName="alice"),
                iam.add_user_to_group(GroupName="devs", UserName="alice"),
            ),
            "Cannot delete entity, must remove users from group first.",
        ),
        (
            lambda iam: iam.put_group_policy(GroupName="devs", PolicyName="p", PolicyDocument=DOCUMENT),
            "Cannot delete entity, must delete policies first.",
        ),
        (
            lambda iam: iam.attach_group_policy(GroupName="devs", PolicyArn=READ_ONLY),
            "Cannot delete entity, must detach all policies first.",
        ),
    ],
)
def test_delete_group_with_dependents_conflicts(iam, arrange, message):
    iam.create_group(GroupName="devs")
    arrange(iam)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_group(GroupName="devs")
    assert error_of(excinfo) == ("DeleteConflict", message)


def test_delete_group(iam):
    iam.create_group(GroupName="devs")
    iam.delete_group(GroupName="devs")
    assert iam.list_groups()["Groups"] == []


def test_group_inline_policies(iam):
    iam.create_group(GroupName="devs")
    iam.put_group_policy(GroupName="devs", PolicyName="s3", PolicyDocument=DOCUMENT)
    got = iam.get_group_policy(GroupName="devs", PolicyName="s3")
    assert got["GroupName"] == "devs"
    assert got["PolicyDocument"]["Statement"][0]["Action"] == "s3:*"
    assert iam.list_group_policies(GroupName="devs")["PolicyNames"] == ["s3"]
    iam.delete_group_policy(GroupName="devs", PolicyName="s3")
    with pytest.raises(ClientError) as excinfo:
        iam.get_group_policy(GroupName="devs", PolicyName="s3")
    assert error_of(excinfo) == ("NoSuchEntity", "The group policy with name s3 cannot be found.")
