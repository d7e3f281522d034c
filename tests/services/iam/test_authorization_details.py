"""GetAccountAuthorizationDetails, GetAccountSummary and the directory's policy lookups."""

import json

import pytest

from stratus.services.iam.directory import IamDirectory
from stratus.services.iam.store import MIGRATIONS

ACCOUNT = "000000000000"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
DOCUMENT = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


@pytest.fixture
def iam(aws_client):
    return aws_client("iam")


@pytest.fixture
def populated(iam):
    """alice (inline + AWS managed, in group devs), devs (inline + customer managed), role app."""
    policy_arn = iam.create_policy(PolicyName="local", PolicyDocument=json.dumps(DOCUMENT))["Policy"]["Arn"]
    iam.create_user(UserName="alice", Tags=[{"Key": "team", "Value": "a"}])
    iam.put_user_policy(UserName="alice", PolicyName="mine", PolicyDocument=json.dumps(DOCUMENT))
    iam.attach_user_policy(UserName="alice", PolicyArn=ADMIN)
    iam.create_group(GroupName="devs")
    iam.add_user_to_group(GroupName="devs", UserName="alice")
    iam.put_group_policy(GroupName="devs", PolicyName="shared", PolicyDocument=json.dumps(DOCUMENT))
    iam.attach_group_policy(GroupName="devs", PolicyArn=policy_arn)
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.put_role_policy(RoleName="app", PolicyName="inline", PolicyDocument=json.dumps(DOCUMENT))
    iam.create_instance_profile(InstanceProfileName="app")
    iam.add_role_to_instance_profile(InstanceProfileName="app", RoleName="app")
    return policy_arn


def test_authorization_details(iam, populated):
    details = iam.get_account_authorization_details()
    [user] = details["UserDetailList"]
    assert user["UserName"] == "alice"
    assert user["GroupList"] == ["devs"]
    assert user["UserPolicyList"] == [{"PolicyName": "mine", "PolicyDocument": DOCUMENT}]
    assert user["AttachedManagedPolicies"] == [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN}]
    assert user["Tags"] == [{"Key": "team", "Value": "a"}]
    [group] = details["GroupDetailList"]
    assert group["GroupPolicyList"][0]["PolicyName"] == "shared"
    assert group["AttachedManagedPolicies"][0]["PolicyArn"] == populated
    [role] = details["RoleDetailList"]
    assert role["AssumeRolePolicyDocument"] == TRUST
    assert role["RolePolicyList"] == [{"PolicyName": "inline", "PolicyDocument": DOCUMENT}]
    assert role["InstanceProfileList"][0]["InstanceProfileName"] == "app"
    policies = {policy["Arn"]: policy for policy in details["Policies"]}
    assert set(policies) == {populated, ADMIN}  # only the AWS managed policies in use
    assert policies[populated]["PolicyVersionList"][0]["Document"] == DOCUMENT
    assert policies[ADMIN]["AttachmentCount"] == 1
    assert details["IsTruncated"] is False


def test_authorization_details_filter(iam, populated):
    only_roles = iam.get_account_authorization_details(Filter=["Role"])
    assert [role["RoleName"] for role in only_roles["RoleDetailList"]] == ["app"]
    assert only_roles["UserDetailList"] == [] and only_roles["Policies"] == []
    local = iam.get_account_authorization_details(Filter=["LocalManagedPolicy"])["Policies"]
    assert [policy["Arn"] for policy in local] == [populated]
    aws = iam.get_account_authorization_details(Filter=["AWSManagedPolicy"])["Policies"]
    assert [policy["Arn"] for policy in aws] == [ADMIN]


def test_authorization_details_pages(iam, populated):
    seen, marker = [], None
    while True:
        page = iam.get_account_authorization_details(MaxItems=2, **({"Marker": marker} if marker else {}))
        seen += [u["UserName"] for u in page["UserDetailList"]] + [
            g["GroupName"] for g in page["GroupDetailList"]
        ]
        seen += [r["RoleName"] for r in page["RoleDetailList"]] + [p["PolicyName"] for p in page["Policies"]]
        if not page["IsTruncated"]:
            break
        marker = page["Marker"]
    assert sorted(seen) == sorted(["alice", "devs", "app", "local", "AdministratorAccess"])


def test_account_summary(iam, populated):
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["Users"] == 1
    assert summary["Groups"] == 1
    assert summary["Roles"] == 1
    assert summary["Policies"] == 1
    assert summary["InstanceProfiles"] == 1
    assert summary["PolicyVersionsInUse"] == 2  # local v1 + AdministratorAccess
    assert summary["AccessKeysPerUserQuota"] == 2
    assert summary["UsersQuota"] == 5000
    assert summary["PolicySizeQuota"] == 6144
    assert summary["MFADevices"] == 0


def test_directory_policies(iam, populated, stratus_server):
    if getattr(stratus_server, "runtime", None) is None:
        pytest.skip("needs the in-process server")

    async def lookups():
        directory = IamDirectory(stratus_server.runtime.state.database("iam", MIGRATIONS))
        return (
            directory.user_policies(ACCOUNT, "ALICE"),
            directory.role_policies(ACCOUNT, "app"),
            directory.user(ACCOUNT, "alice"),
            directory.role(ACCOUNT, "app"),
            directory.managed_policy_document(ACCOUNT, populated),
            directory.managed_policy_document(ACCOUNT, ADMIN),
            directory.user(ACCOUNT, "nobody"),
        )

    user_sources, role_sources, user, role, local_doc, admin_doc, nobody = stratus_server.call_on_loop(
        lookups()
    )
    assert [(s.source_type, s.source_id) for s in user_sources] == [
        ("user", "mine"),
        ("aws-managed", ADMIN),
        ("group", "shared"),
        ("user-managed", populated),
    ]
    assert json.loads(user_sources[0].document) == DOCUMENT
    assert [(s.source_type, s.source_id) for s in role_sources] == [("role", "inline")]
    assert user.arn == f"arn:aws:iam::{ACCOUNT}:user/alice" and user.tags == {"team": "a"}
    assert role.max_session_duration == 3600 and json.loads(role.trust_policy) == TRUST
    assert json.loads(local_doc) == DOCUMENT
    assert json.loads(admin_doc)["Statement"][0]["Action"] == "*"
    assert nobody is None
