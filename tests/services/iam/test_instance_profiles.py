"""Instance profiles through boto3."""

import json

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


def error_of(excinfo) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def iam(aws_client):
    return aws_client("iam")


def test_create_get_list(iam):
    profile = iam.create_instance_profile(InstanceProfileName="web", Path="/ec2/")["InstanceProfile"]
    assert profile["InstanceProfileId"].startswith("AIPA")
    assert profile["Arn"] == f"arn:aws:iam::{ACCOUNT}:instance-profile/ec2/web"
    assert profile["Roles"] == []
    assert (
        iam.get_instance_profile(InstanceProfileName="WEB")["InstanceProfile"]["InstanceProfileName"] == "web"
    )
    iam.create_instance_profile(InstanceProfileName="api")
    assert [p["InstanceProfileName"] for p in iam.list_instance_profiles()["InstanceProfiles"]] == [
        "api",
        "web",
    ]
    assert [
        p["InstanceProfileName"] for p in iam.list_instance_profiles(PathPrefix="/ec2/")["InstanceProfiles"]
    ] == ["web"]


def test_missing_and_duplicate(iam):
    iam.create_instance_profile(InstanceProfileName="web")
    with pytest.raises(ClientError) as excinfo:
        iam.create_instance_profile(InstanceProfileName="Web")
    assert error_of(excinfo) == ("EntityAlreadyExists", "Instance Profile Web already exists.")
    with pytest.raises(ClientError) as excinfo:
        iam.get_instance_profile(InstanceProfileName="nope")
    assert error_of(excinfo) == ("NoSuchEntity", "Instance Profile nope cannot be found.")


def test_roles_in_profiles(iam):
    iam.create_instance_profile(InstanceProfileName="web")
    iam.create_role(RoleName="a", AssumeRolePolicyDocument=TRUST)
    iam.create_role(RoleName="b", AssumeRolePolicyDocument=TRUST)
    iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="a")
    roles = iam.get_instance_profile(InstanceProfileName="web")["InstanceProfile"]["Roles"]
    assert [role["RoleName"] for role in roles] == ["a"]
    assert roles[0]["AssumeRolePolicyDocument"] == json.loads(TRUST)
    with pytest.raises(ClientError) as excinfo:
        iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="b")
    assert error_of(excinfo) == (
        "LimitExceeded",
        "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1",
    )
    for_role = iam.list_instance_profiles_for_role(RoleName="a")["InstanceProfiles"]
    assert [p["InstanceProfileName"] for p in for_role] == ["web"]
    with pytest.raises(ClientError) as excinfo:
        iam.delete_instance_profile(InstanceProfileName="web")
    assert error_of(excinfo) == (
        "DeleteConflict",
        "Cannot delete entity, must remove roles from instance profile first.",
    )
    iam.remove_role_from_instance_profile(InstanceProfileName="web", RoleName="a")
    with pytest.raises(ClientError) as excinfo:
        iam.remove_role_from_instance_profile(InstanceProfileName="web", RoleName="a")
    assert error_of(excinfo)[0] == "NoSuchEntity"
    iam.delete_instance_profile(InstanceProfileName="web")
    assert iam.list_instance_profiles()["InstanceProfiles"] == []


def test_instance_profile_tags(iam):
    iam.create_instance_profile(InstanceProfileName="web", Tags=[{"Key": "a", "Value": "1"}])
    iam.tag_instance_profile(InstanceProfileName="web", Tags=[{"Key": "b", "Value": "2"}])
    iam.untag_instance_profile(InstanceProfileName="web", TagKeys=["a"])
    assert iam.list_instance_profile_tags(InstanceProfileName="web")["Tags"] == [{"Key": "b", "Value": "2"}]
    assert iam.get_instance_profile(InstanceProfileName="web")["InstanceProfile"]["Tags"] == [
        {"Key": "b", "Value": "2"}
    ]
