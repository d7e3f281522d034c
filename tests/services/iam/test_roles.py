"""IAM roles through boto3: trust policies, updates, deletion rules, tags, service-linked roles."""

import json

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
PERMISSIONS = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}'
READ_ONLY = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"


def error_of(excinfo) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


@pytest.fixture
def iam(aws_client):
    return aws_client("iam")


def create(iam, name="app", **kwargs):
    return iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST), **kwargs)["Role"]


def test_create_role(iam):
    role = create(iam, Path="/svc/", Description="runs the app", MaxSessionDuration=7200)
    assert role["RoleId"].startswith("AROA")
    assert role["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/svc/app"
    assert role["AssumeRolePolicyDocument"] == TRUST  # boto3 decodes the URL-encoded document
    assert role["Description"] == "runs the app"
    assert role["MaxSessionDuration"] == 7200


def test_get_role_and_defaults(iam):
    create(iam)
    role = iam.get_role(RoleName="APP")["Role"]
    assert role["RoleName"] == "app"
    assert role["MaxSessionDuration"] == 3600
    assert role["RoleLastUsed"] == {}
    with pytest.raises(ClientError) as excinfo:
        iam.get_role(RoleName="nope")
    assert error_of(excinfo) == ("NoSuchEntity", "The role with name nope cannot be found.")


def test_trust_policy_is_validated(iam):
    with pytest.raises(ClientError) as excinfo:
        iam.create_role(RoleName="bad", AssumeRolePolicyDocument="{not json")
    assert error_of(excinfo)[0] == "MalformedPolicyDocument"
    big = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/u{i:04d}"},
                "Action": "sts:AssumeRole",
            }
            for i in range(40)
        ],
    }
    with pytest.raises(ClientError) as excinfo:
        iam.create_role(RoleName="big", AssumeRolePolicyDocument=json.dumps(big))
    assert error_of(excinfo) == ("LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048")


def test_max_session_duration_range_is_checked_by_the_server(aws_client):
    unchecked = aws_client("iam", config=Config(parameter_validation=False, retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as excinfo:
        create(unchecked, MaxSessionDuration=60)
    assert error_of(excinfo)[0] == "ValidationError"


def test_duplicate_role(iam):
    create(iam, "App")
    with pytest.raises(ClientError) as excinfo:
        create(iam, "app")
    assert error_of(excinfo) == ("EntityAlreadyExists", "Role with name app already exists.")


def test_list_roles(iam):
    create(iam, "b", Path="/x/")
    create(iam, "a")
    roles = iam.list_roles()["Roles"]
    assert [role["RoleName"] for role in roles] == ["a", "b"]
    assert roles[0]["AssumeRolePolicyDocument"] == TRUST
    assert [role["RoleName"] for role in iam.list_roles(PathPrefix="/x/")["Roles"]] == ["b"]


def test_update_role_and_description_and_trust(iam):
    create(iam)
    iam.update_role(RoleName="app", Description="new", MaxSessionDuration=10800)
    role = iam.get_role(RoleName="app")["Role"]
    assert (role["Description"], role["MaxSessionDuration"]) == ("new", 10800)
    described = iam.update_role_description(RoleName="app", Description="newer")["Role"]
    assert described["Description"] == "newer"
    trust = {**TRUST, "Statement": [{**TRUST["Statement"][0], "Principal": {"Service": "ec2.amazonaws.com"}}]}
    iam.update_assume_role_policy(RoleName="app", PolicyDocument=json.dumps(trust))
    assert iam.get_role(RoleName="app")["Role"]["AssumeRolePolicyDocument"] == trust
    with pytest.raises(ClientError) as excinfo:
        iam.update_assume_role_policy(RoleName="app", PolicyDocument="[]")
    assert error_of(excinfo)[0] == "MalformedPolicyDocument"


def test_role_inline_policies(iam):
    create(iam)
    iam.put_role_policy(RoleName="app", PolicyName="queues", PolicyDocument=PERMISSIONS)
    got = iam.get_role_policy(RoleName="app", PolicyName="queues")
    assert got["RoleName"] == "app"
    assert got["PolicyDocument"] == json.loads(PERMISSIONS)
    assert iam.list_role_policies(RoleName="app")["PolicyNames"] == ["queues"]
    with pytest.raises(ClientError) as excinfo:
        iam.delete_role_policy(RoleName="app", PolicyName="other")
    assert error_of(excinfo) == ("NoSuchEntity", "The role policy with name other cannot be found.")


def test_role_inline_policy_size_quota(iam):
    create(iam)
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/" + "x" * 40}
    document = json.dumps({"Version": "2012-10-17", "Statement": [statement] * 60}, separators=(",", ":"))
    iam.put_role_policy(RoleName="app", PolicyName="one", PolicyDocument=document)
    with pytest.raises(ClientError) as excinfo:
        iam.put_role_policy(RoleName="app", PolicyName="two", PolicyDocument=document)
    assert error_of(excinfo) == ("LimitExceeded", "Maximum policy size of 10240 bytes exceeded for role app")
    # Replacing the same policy counts only once.
    iam.put_role_policy(RoleName="app", PolicyName="one", PolicyDocument=document)


@pytest.mark.parametrize(
    ("arrange", "message"),
    [
        (
            lambda iam: (
                iam.create_instance_profile(InstanceProfileName="ip"),
                iam.add_role_to_instance_profile(InstanceProfileName="ip", RoleName="app"),
            ),
            "Cannot delete entity, must remove roles from instance profile first.",
        ),
        (
            lambda iam: iam.attach_role_policy(RoleName="app", PolicyArn=READ_ONLY),
            "Cannot delete entity, must detach all policies first.",
        ),
        (
            lambda iam: iam.put_role_policy(RoleName="app", PolicyName="p", PolicyDocument=PERMISSIONS),
            "Cannot delete entity, must delete policies first.",
        ),
    ],
)
def test_delete_role_with_dependents_conflicts(iam, arrange, message):
    create(iam)
    arrange(iam)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_role(RoleName="app")
    assert error_of(excinfo) == ("DeleteConflict", message)


def test_delete_role(iam):
    create(iam)
    iam.delete_role(RoleName="app")
    assert iam.list_roles()["Roles"] == []


def test_role_tags_and_boundary(iam):
    create(iam, Tags=[{"Key": "team", "Value": "a"}], PermissionsBoundary=READ_ONLY)
    iam.tag_role(RoleName="app", Tags=[{"Key": "env", "Value": "prod"}])
    assert iam.list_role_tags(RoleName="app")["Tags"] == [
        {"Key": "team", "Value": "a"},
        {"Key": "env", "Value": "prod"},
    ]
    iam.untag_role(RoleName="app", TagKeys=["team"])
    role = iam.get_role(RoleName="app")["Role"]
    assert role["Tags"] == [{"Key": "env", "Value": "prod"}]
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == READ_ONLY
    iam.delete_role_permissions_boundary(RoleName="app")
    assert "PermissionsBoundary" not in iam.get_role(RoleName="app")["Role"]
    iam.put_role_permissions_boundary(RoleName="app", PermissionsBoundary=READ_ONLY)
    assert iam.get_role(RoleName="app")["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == READ_ONLY


def test_service_linked_role_lifecycle(iam):
    role = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")["Role"]
    assert role["RoleName"] == "AWSServiceRoleForAutoScaling"
    assert role["Path"] == "/aws-service-role/autoscaling.amazonaws.com/"
    principal = role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
    assert principal == {"Service": ["autoscaling.amazonaws.com"]}
    with pytest.raises(ClientError) as excinfo:
        iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")
    assert error_of(excinfo)[0] == "InvalidInput"
    suffixed = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com", CustomSuffix="blue")
    assert suffixed["Role"]["RoleName"] == "AWSServiceRoleForAutoScaling_blue"
    # Only the service may change it.
    with pytest.raises(ClientError) as excinfo:
        iam.delete_role(RoleName="AWSServiceRoleForAutoScaling")
    assert error_of(excinfo)[0] == "UnmodifiableEntity"
    task = iam.delete_service_linked_role(RoleName="AWSServiceRoleForAutoScaling")["DeletionTaskId"]
    assert task.startswith("task/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling/")
    assert iam.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"] == "SUCCEEDED"
    with pytest.raises(ClientError):
        iam.get_role(RoleName="AWSServiceRoleForAutoScaling")
