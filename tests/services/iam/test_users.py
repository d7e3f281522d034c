"""IAM users through boto3: create, read, list, rename, delete, tags, boundaries, isolation."""

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"
BOUNDARY = "arn:aws:iam::aws:policy/PowerUserAccess"


def error_of(excinfo) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def iam(aws_client):
    return aws_client("iam")


def test_create_user_returns_the_user(iam):
    user = iam.create_user(UserName="alice", Path="/team/", Tags=[{"Key": "env", "Value": "dev"}])["User"]
    assert user["UserName"] == "alice"
    assert user["Path"] == "/team/"
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/team/alice"
    assert user["UserId"].startswith("AIDA") and len(user["UserId"]) == 21
    assert user["Tags"] == [{"Key": "env", "Value": "dev"}]
    assert user["CreateDate"].tzinfo is not None


def test_get_user_by_name_and_missing_user(iam):
    iam.create_user(UserName="alice")
    user = iam.get_user(UserName="alice")["User"]
    assert user["UserName"] == "alice" and user["Path"] == "/"
    with pytest.raises(ClientError) as excinfo:
        iam.get_user(UserName="bob")
    assert error_of(excinfo) == ("NoSuchEntity", "The user with name bob cannot be found.")
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_get_user_without_name_is_the_root_caller(iam):
    user = iam.get_user()["User"]
    assert user["UserId"] == ACCOUNT
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT}:root"
    assert "UserName" not in user


def test_duplicate_names_conflict_case_insensitively(iam):
    iam.create_user(UserName="Bob")
    with pytest.raises(ClientError) as excinfo:
        iam.create_user(UserName="bob")
    assert error_of(excinfo) == ("EntityAlreadyExists", "User with name bob already exists.")
    # Looked up case-insensitively, returned as created.
    assert iam.get_user(UserName="BOB")["User"]["UserName"] == "Bob"


def test_invalid_user_name_is_refused(iam):
    with pytest.raises(ClientError) as excinfo:
        iam.create_user(UserName="has space")
    assert error_of(excinfo)[0] == "ValidationError"


def test_list_users_by_path_prefix(iam):
    iam.create_user(UserName="a", Path="/eng/")
    iam.create_user(UserName="b", Path="/eng/backend/")
    iam.create_user(UserName="c")
    names = [user["UserName"] for user in iam.list_users()["Users"]]
    assert names == ["a", "b", "c"]
    eng = iam.list_users(PathPrefix="/eng/")["Users"]
    assert [user["UserName"] for user in eng] == ["a", "b"]
    assert "Tags" not in eng[0]


def test_update_user_renames_and_moves(iam):
    iam.create_user(UserName="alice")
    iam.update_user(UserName="alice", NewUserName="alicia", NewPath="/moved/")
    user = iam.get_user(UserName="alicia")["User"]
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/moved/alicia"
    with pytest.raises(ClientError):
        iam.get_user(UserName="alice")


def test_update_user_to_existing_name_conflicts(iam):
    iam.create_user(UserName="alice")
    iam.create_user(UserName="bob")
    with pytest.raises(ClientError) as excinfo:
        iam.update_user(UserName="alice", NewUserName="BOB")
    assert error_of(excinfo) == ("EntityAlreadyExists", "User with name BOB already exists.")
    # Changing only the case of one's own name is fine.
    iam.update_user(UserName="alice", NewUserName="Alice")
    assert iam.get_user(UserName="alice")["User"]["UserName"] == "Alice"


def test_rename_keeps_memberships_and_policies(iam):
    iam.create_user(UserName="alice")
    iam.create_group(GroupName="devs")
    iam.add_user_to_group(GroupName="devs", UserName="alice")
    iam.attach_user_policy(UserName="alice", PolicyArn=BOUNDARY)
    iam.update_user(UserName="alice", NewUserName="alicia")
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="alicia")["Groups"]] == ["devs"]
    assert iam.list_attached_user_policies(UserName="alicia")["AttachedPolicies"][0]["PolicyArn"] == BOUNDARY


def test_delete_user(iam):
    iam.create_user(UserName="alice")
    iam.delete_user(UserName="alice")
    assert iam.list_users()["Users"] == []
    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName="alice")
    assert error_of(excinfo)[0] == "NoSuchEntity"


@pytest.mark.parametrize(
    ("arrange", "message"),
    [
        (
            lambda iam: iam.create_access_key(UserName="alice"),
            "Cannot delete entity, must delete access keys first.",
        ),
        (
            lambda iam: iam.put_user_policy(
                UserName="alice",
                PolicyName="p",
                PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}',
            ),
            "Cannot delete entity, must delete policies first.",
        ),
        (
            lambda iam: iam.attach_user_policy(UserName="alice", PolicyArn=BOUNDARY),
            "Cannot delete entity, must detach all policies first.",
        ),
        (
            lambda iam: (
                iam.create_group(GroupName="g"),
                iam.add_user_to_group(GroupName="g", UserName="alice"),
            ),
            "Cannot delete entity, must remove users from group first.",
        ),
        (
            lambda iam: iam.create_login_profile(UserName="alice", Password="Passw0rd!Passw0rd!"),
            "Cannot delete entity, must delete login profile first.",
        ),
    ],
)
def test_delete_user_with_dependents_conflicts(iam, arrange, message):
    iam.create_user(UserName="alice")
    arrange(iam)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName="alice")
    assert error_of(excinfo) == ("DeleteConflict", message)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409


def test_user_tags(iam):
    iam.create_user(UserName="alice", Tags=[{"Key": "a", "Value": "1"}])
    iam.tag_user(UserName="alice", Tags=[{"Key": "b", "Value": "2"}, {"Key": "A", "Value": "3"}])
    assert iam.list_user_tags(UserName="alice")["Tags"] == [
        {"Key": "A", "Value": "3"},
        {"Key": "b", "Value": "2"},
    ]
    iam.untag_user(UserName="alice", TagKeys=["a"])
    assert iam.list_user_tags(UserName="alice")["Tags"] == [{"Key": "b", "Value": "2"}]
    assert iam.get_user(UserName="alice")["User"]["Tags"] == [{"Key": "b", "Value": "2"}]


def test_tag_rules(iam):
    iam.create_user(UserName="alice")
    with pytest.raises(ClientError) as excinfo:
        iam.tag_user(UserName="alice", Tags=[{"Key": "aws:reserved", "Value": "x"}])
    assert error_of(excinfo)[0] == "InvalidInput"
    with pytest.raises(ClientError) as excinfo:
        iam.tag_user(UserName="alice", Tags=[{"Key": "k", "Value": "1"}, {"Key": "K", "Value": "2"}])
    assert error_of(excinfo) == (
        "InvalidInput",
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
    )
    iam.tag_user(UserName="alice", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    with pytest.raises(ClientError) as excinfo:
        iam.tag_user(UserName="alice", Tags=[{"Key": "one-more", "Value": "v"}])
    assert error_of(excinfo)[0] == "LimitExceeded"


def test_permissions_boundary(iam):
    user = iam.create_user(UserName="alice", PermissionsBoundary=BOUNDARY)["User"]
    assert user["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
        "PermissionsBoundaryArn": BOUNDARY,
    }
    iam.delete_user_permissions_boundary(UserName="alice")
    assert "PermissionsBoundary" not in iam.get_user(UserName="alice")["User"]
    iam.put_user_permissions_boundary(UserName="alice", PermissionsBoundary=BOUNDARY)
    assert iam.get_user(UserName="alice")["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == BOUNDARY


def test_boundary_must_be_an_existing_managed_policy(iam):
    missing = f"arn:aws:iam::{ACCOUNT}:policy/nope"
    with pytest.raises(ClientError) as excinfo:
        iam.create_user(UserName="alice", PermissionsBoundary=missing)
    assert error_of(excinfo) == ("NoSuchEntity", f"Policy {missing} does not exist or is not attachable.")
    iam.create_user(UserName="alice")
    with pytest.raises(ClientError) as excinfo:
        iam.put_user_permissions_boundary(
            UserName="alice", PermissionsBoundary="arn:aws:s3:::not-a-policy-arn"
        )
    assert error_of(excinfo)[0] == "InvalidInput"


def test_accounts_are_isolated(aws_client, iam):
    iam.create_user(UserName="alice")
    other = aws_client("iam", aws_access_key_id="111122223333", aws_secret_access_key="test")
    assert other.list_users()["Users"] == []
    with pytest.raises(ClientError):
        other.get_user(UserName="alice")
    created = other.create_user(UserName="alice")["User"]
    assert created["Arn"] == "arn:aws:iam::111122223333:user/alice"
    assert len(iam.list_users()["Users"]) == 1
