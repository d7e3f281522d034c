"""Managed policies, versions, attachments and inline policies through boto3."""

import json

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"
DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
READ_ONLY = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"


def error_of(excinfo) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def iam(aws_client):
    return aws_client("iam")


def create(iam, name="reader", **kwargs) -> dict:
    return iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(DOCUMENT), **kwargs)["Policy"]


def test_create_and_get_policy(iam):
    policy = create(iam, Path="/app/", Description="reads", Tags=[{"Key": "k", "Value": "v"}])
    assert policy["Arn"] == f"arn:aws:iam::{ACCOUNT}:policy/app/reader"
    assert policy["PolicyId"].startswith("ANPA")
    assert policy["DefaultVersionId"] == "v1"
    assert policy["AttachmentCount"] == 0
    assert policy["IsAttachable"] is True
    got = iam.get_policy(PolicyArn=policy["Arn"])["Policy"]
    assert got["Description"] == "reads"
    assert got["Tags"] == [{"Key": "k", "Value": "v"}]
    version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId="v1")["PolicyVersion"]
    assert version["Document"] == DOCUMENT
    assert version["IsDefaultVersion"] is True


def test_missing_and_duplicate_policies(iam):
    create(iam)
    with pytest.raises(ClientError) as excinfo:
        create(iam, "READER")
    assert error_of(excinfo) == (
        "EntityAlreadyExists",
        "A policy called READER already exists. Duplicate names are not allowed.",
    )
    missing = f"arn:aws:iam::{ACCOUNT}:policy/nope"
    with pytest.raises(ClientError) as excinfo:
        iam.get_policy(PolicyArn=missing)
    assert error_of(excinfo) == ("NoSuchEntity", f"Policy {missing} was not found.")


def test_malformed_and_oversized_documents(iam):
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy(PolicyName="bad", PolicyDocument="{")
    assert error_of(excinfo)[0] == "MalformedPolicyDocument"
    statements = [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::b/{i:05d}"}
        for i in range(120)
    ]
    big = json.dumps({"Version": "2012-10-17", "Statement": statements})
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy(PolicyName="big", PolicyDocument=big)
    assert error_of(excinfo) == ("LimitExceeded", "Cannot exceed quota for PolicySize: 6144")


def test_aws_managed_policies_exist_in_every_account(aws_client, iam):
    policy = iam.get_policy(PolicyArn=ADMIN)["Policy"]
    assert policy["PolicyName"] == "AdministratorAccess"
    version = iam.get_policy_version(PolicyArn=ADMIN, VersionId=policy["DefaultVersionId"])["PolicyVersion"]
    assert version["Document"]["Statement"][0]["Effect"] == "Allow"
    other = aws_client("iam", aws_access_key_id="111122223333", aws_secret_access_key="test")
    assert other.get_policy(PolicyArn=ADMIN)["Policy"]["Arn"] == ADMIN
    with pytest.raises(ClientError) as excinfo:
        iam.delete_policy(PolicyArn=ADMIN)
    assert error_of(excinfo)[0] == "AccessDenied"


def test_list_policies_scopes_and_filters(iam):
    create(iam, "mine", Path="/app/")
    local = iam.list_policies(Scope="Local")["Policies"]
    assert [p["PolicyName"] for p in local] == ["mine"]
    assert "Description" not in local[0]
    aws = iam.list_policies(Scope="AWS", MaxItems=1000)["Policies"]
    assert ADMIN in [p["Arn"] for p in aws] and all(p["Arn"].startswith("arn:aws:iam::aws:") for p in aws)
    assert [p["PolicyName"] for p in iam.list_policies(PathPrefix="/app/")["Policies"]] == ["mine"]
    assert iam.list_policies(OnlyAttached=True)["Policies"] == []
    iam.create_user(UserName="alice")
    iam.attach_user_policy(UserName="alice", PolicyArn=ADMIN)
    attached = iam.list_policies(OnlyAttached=True)["Policies"]
    assert [(p["Arn"], p["AttachmentCount"]) for p in attached] == [(ADMIN, 1)]


def test_policy_versions(iam):
    arn = create(iam)["Arn"]
    v2 = {**DOCUMENT, "Statement": [{**DOCUMENT["Statement"][0], "Action": "s3:PutObject"}]}
    created = iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(v2), SetAsDefault=True)
    assert created["PolicyVersion"]["VersionId"] == "v2"
    assert created["PolicyVersion"]["IsDefaultVersion"] is True
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v2"
    for _ in range(3):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(DOCUMENT))
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [v["VersionId"] for v in versions] == ["v5", "v4", "v3", "v2", "v1"]
    assert [v["IsDefaultVersion"] for v in versions] == [False, False, False, True, False]
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(DOCUMENT))
    assert error_of(excinfo) == (
        "LimitExceeded",
        "A managed policy can have up to 5 versions. Before you create a new version, you must delete an "
        "existing version.",
    )
    with pytest.raises(ClientError) as excinfo:
        iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
    assert error_of(excinfo) == ("DeleteConflict", "Cannot delete the default version of a policy.")
    iam.delete_policy_version(PolicyArn=arn, VersionId="v1")
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v5")
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v5"
    # Version numbers are never reused.
    assert (
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(DOCUMENT))["PolicyVersion"][
            "VersionId"
        ]
        == "v6"
    )
    with pytest.raises(ClientError) as excinfo:
        iam.get_policy_version(PolicyArn=arn, VersionId="v1")
    assert error_of(excinfo)[0] == "NoSuchEntity"


def test_delete_policy_rules(iam):
    arn = create(iam)["Arn"]
    iam.create_role(
        RoleName="r",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "ec2.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )
    iam.attach_role_policy(RoleName="r", PolicyArn=arn)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_policy(PolicyArn=arn)
    assert error_of(excinfo) == ("DeleteConflict", "Cannot delete a policy attached to entities.")
    iam.detach_role_policy(RoleName="r", PolicyArn=arn)
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(DOCUMENT))
    with pytest.raises(ClientError) as excinfo:
        iam.delete_policy(PolicyArn=arn)
    assert error_of(excinfo)[0] == "DeleteConflict"
    assert "more than one version" in error_of(excinfo)[1]
    iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
    iam.delete_policy(PolicyArn=arn)
    assert iam.list_policies(Scope="Local")["Policies"] == []


def test_policy_tags(iam):
    arn = create(iam)["Arn"]
    iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "a", "Value": "1"}])
    iam.untag_policy(PolicyArn=arn, TagKeys=["missing"])
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "a", "Value": "1"}]


def test_attach_detach_and_list(iam):
    arn = create(iam, Path="/app/")["Arn"]
    iam.create_user(UserName="alice")
    iam.attach_user_policy(UserName="alice", PolicyArn=arn)
    iam.attach_user_policy(UserName="alice", PolicyArn=READ_ONLY)
    attached = iam.list_attached_user_policies(UserName="alice")["AttachedPolicies"]
    assert attached == [
        {"PolicyName": "reader", "PolicyArn": arn},
        {"PolicyName": "IAMReadOnlyAccess", "PolicyArn": READ_ONLY},
    ]
    only_app = iam.list_attached_user_policies(UserName="alice", PathPrefix="/app/")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in only_app] == [arn]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 1
    iam.detach_user_policy(UserName="alice", PolicyArn=arn)
    with pytest.raises(ClientError) as excinfo:
        iam.detach_user_policy(UserName="alice", PolicyArn=arn)
    assert error_of(excinfo) == ("NoSuchEntity", f"Policy {arn} was not found.")
    missing = f"arn:aws:iam::{ACCOUNT}:policy/nope"
    with pytest.raises(ClientError) as excinfo:
        iam.attach_user_policy(UserName="alice", PolicyArn=missing)
    assert error_of(excinfo) == ("NoSuchEntity", f"Policy {missing} does not exist or is not attachable.")


def test_attached_policies_quota(iam):
    iam.create_group(GroupName="g")
    arns = [create(iam, f"p{i}")["Arn"] for i in range(11)]
    for arn in arns[:10]:
        iam.attach_group_policy(GroupName="g", PolicyArn=arn)
    with pytest.raises(ClientError) as excinfo:
        iam.attach_group_policy(GroupName="g", PolicyArn=arns[10])
    assert error_of(excinfo) == ("LimitExceeded", "Cannot exceed quota for PoliciesPerGroup: 10")


def test_list_entities_for_policy(iam):
    arn = create(iam)["Arn"]
    iam.create_user(UserName="alice")
    iam.create_group(GroupName="devs")
    iam.create_role(
        RoleName="r",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "ec2.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
        PermissionsBoundary=arn,
    )
    iam.attach_user_policy(UserName="alice", PolicyArn=arn)
    iam.attach_group_policy(GroupName="devs", PolicyArn=arn)
    everything = iam.list_entities_for_policy(PolicyArn=arn)
    assert [u["UserName"] for u in everything["PolicyUsers"]] == ["alice"]
    assert [g["GroupName"] for g in everything["PolicyGroups"]] == ["devs"]
    assert [r["RoleName"] for r in everything["PolicyRoles"]] == ["r"]
    attached_only = iam.list_entities_for_policy(PolicyArn=arn, PolicyUsageFilter="PermissionsPolicy")
    assert attached_only["PolicyRoles"] == []
    users_only = iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="User")
    assert users_only["PolicyGroups"] == [] and len(users_only["PolicyUsers"]) == 1
    assert iam.get_policy(PolicyArn=arn)["Policy"]["PermissionsBoundaryUsageCount"] == 1


def test_user_inline_policies_and_size_quota(iam):
    iam.create_user(UserName="alice")
    iam.put_user_policy(UserName="alice", PolicyName="p", PolicyDocument=json.dumps(DOCUMENT))
    assert iam.get_user_policy(UserName="alice", PolicyName="p")["PolicyDocument"] == DOCUMENT
    assert iam.list_user_policies(UserName="alice")["PolicyNames"] == ["p"]
    statements = [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::b/{i:05d}"}
        for i in range(40)
    ]
    big = json.dumps({"Version": "2012-10-17", "Statement": statements})
    with pytest.raises(ClientError) as excinfo:
        iam.put_user_policy(UserName="alice", PolicyName="big", PolicyDocument=big)
    assert error_of(excinfo) == ("LimitExceeded", "Maximum policy size of 2048 bytes exceeded for user alice")
    with pytest.raises(ClientError) as excinfo:
        iam.put_user_policy(UserName="alice", PolicyName="bad", PolicyDocument='{"Statement": "nope"')
    assert error_of(excinfo)[0] == "MalformedPolicyDocument"
    iam.delete_user_policy(UserName="alice", PolicyName="p")
    with pytest.raises(ClientError) as excinfo:
        iam.get_user_policy(UserName="alice", PolicyName="p")
    assert error_of(excinfo) == ("NoSuchEntity", "The user policy with name p cannot be found.")
