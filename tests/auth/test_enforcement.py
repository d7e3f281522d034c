"""STRATUS_IAM=enforce, black-box: real users, keys, roles and sessions from boto3; policies allow
and deny as AWS documents (explicit deny, boundaries, session policies, MFA, transport, trust)."""

from __future__ import annotations

import json

import pyotp
import pytest
from botocore.exceptions import ClientError

from stratus.testing import post_json

ACCOUNT = "000000000000"


def allow(*actions: str, resource: str = "*", condition: dict | None = None) -> str:
    statement: dict = {"Effect": "Allow", "Action": list(actions), "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def deny(*actions: str, resource: str = "*", condition: dict | None = None) -> str:
    statement: dict = {"Effect": "Deny", "Action": list(actions), "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.fixture
def enforce(stratus_endpoint):
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    return stratus_endpoint


@pytest.fixture
def admin(aws_client, enforce):
    """An IAM client as the account's root (test/test): allowed everything."""
    return aws_client("iam")


def make_user(admin, name: str, *policies: str, boundary: str | None = None) -> dict:
    kwargs = {"PermissionsBoundary": boundary} if boundary else {}
    admin.create_user(UserName=name, **kwargs)
    for index, document in enumerate(policies):
        admin.put_user_policy(UserName=name, PolicyName=f"p{index}", PolicyDocument=document)
    key = admin.create_access_key(UserName=name)["AccessKey"]
    return {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}


def error_of(call, *args, **kwargs) -> ClientError:
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_root_test_credentials_are_allowed_everything(admin, aws_client):
    admin.create_user(UserName="alice")
    assert [u["UserName"] for u in admin.list_users()["Users"]] == ["alice"]
    assert aws_client("sts").get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT}:root"


def test_a_user_without_policies_is_denied_with_awss_message(admin, aws_client):
    keys = make_user(admin, "alice")
    error = error_of(aws_client("iam", **keys).list_users)
    assert error.response["Error"]["Code"] == "AccessDenied"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    message = error.response["Error"]["Message"]
    # ListUsers names no resource, so AWS's message has no "on resource: ..." part.
    assert message.startswith(
        f"User: arn:aws:iam::{ACCOUNT}:user/alice is not authorized to perform: iam:ListUsers "
    )
    assert message.endswith("because no identity-based policy allows the iam:ListUsers action")


def test_an_identity_policy_allows_and_get_caller_identity_needs_no_permission(admin, aws_client):
    keys = make_user(admin, "alice", allow("iam:ListUsers"))
    assert aws_client("iam", **keys).list_users()["Users"][0]["UserName"] == "alice"
    identity = aws_client("sts", **keys).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/alice"
    assert identity["UserId"].startswith("AIDA")
    error = error_of(aws_client("iam", **keys).create_user, UserName="bob")
    assert error.response["Error"]["Code"] == "AccessDenied"


def test_explicit_deny_beats_allow(admin, aws_client):
    keys = make_user(admin, "alice", allow("iam:*"), deny("iam:ListUsers"))
    iam = aws_client("iam", **keys)
    iam.list_roles()
    error = error_of(iam.list_users)
    assert "with an explicit deny in an identity-based policy" in error.response["Error"]["Message"]


def test_a_managed_policy_attached_to_a_group_applies_to_its_users(admin, aws_client):
    keys = make_user(admin, "alice")
    admin.create_group(GroupName="admins")
    admin.attach_group_policy(GroupName="admins", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    iam = aws_client("iam", **keys)
    assert error_of(iam.list_roles).response["Error"]["Code"] == "AccessDenied"
    admin.add_user_to_group(GroupName="admins", UserName="alice")
    iam.list_roles()
    admin.remove_user_from_group(GroupName="admins", UserName="alice")
    assert error_of(iam.list_roles).response["Error"]["Code"] == "AccessDenied"


def test_a_permissions_boundary_caps_an_admin_policy(admin, aws_client):
    boundary = admin.create_policy(PolicyName="only-get", PolicyDocument=allow("iam:Get*"))["Policy"]["Arn"]
    keys = make_user(admin, "alice", allow("*"), boundary=boundary)
    iam = aws_client("iam", **keys)
    iam.get_user(UserName="alice")
    error = error_of(iam.list_users)
    assert (
        "because no permissions boundary allows the iam:ListUsers action"
        in error.response["Error"]["Message"]
    )


def test_secure_transport_false_is_denied_over_http(admin, aws_client):
    keys = make_user(
        admin, "alice", allow("iam:*"), deny("iam:*", condition={"Bool": {"aws:SecureTransport": "false"}})
    )
    error = error_of(aws_client("iam", **keys).list_users)
    assert "explicit deny" in error.response["Error"]["Message"]


def test_policy_variables_scope_a_user_to_their_own_name(admin, aws_client):
    own = allow("iam:GetUser", resource=f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}")
    keys = make_user(admin, "alice", own)
    admin.create_user(UserName="bob")
    iam = aws_client("iam", **keys)
    assert iam.get_user(UserName="alice")["User"]["UserName"] == "alice"
    assert error_of(iam.get_user, UserName="bob").response["Error"]["Code"] == "AccessDenied"


def test_an_inactive_or_deleted_key_is_refused(admin, aws_client):
    keys = make_user(admin, "alice", allow("iam:*"))
    admin.update_access_key(UserName="alice", AccessKeyId=keys["aws_access_key_id"], Status="Inactive")
    error = error_of(aws_client("iam", **keys).list_users)
    assert error.response["Error"]["Code"] == "InvalidClientTokenId"
    admin.update_access_key(UserName="alice", AccessKeyId=keys["aws_access_key_id"], Status="Active")
    aws_client("iam", **keys).list_users()
    admin.delete_access_key(UserName="alice", AccessKeyId=keys["aws_access_key_id"])
    assert error_of(aws_client("iam", **keys).list_users).response["Error"]["Code"] == "InvalidClientTokenId"


def test_a_wrong_secret_does_not_verify(admin, aws_client):
    keys = make_user(admin, "alice", allow("iam:*"))
    keys["aws_secret_access_key"] = "x" * 40
    error = error_of(aws_client("iam", **keys).list_users)
    assert error.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert (
        error_of(
            aws_client("sts", aws_access_key_id="test", aws_secret_access_key="wrong").get_caller_identity
        ).response["Error"]["Code"]
        == "SignatureDoesNotMatch"
    )


def test_an_unknown_key_is_refused(enforce, aws_client):
    sts = aws_client("sts", aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x" * 40)
    error = error_of(sts.get_caller_identity)
    assert error.response["Error"]["Code"] == "InvalidClientTokenId"
    assert error.response["Error"]["Message"] == "The security token included in the request is invalid."


def test_last_used_is_recorded_for_a_key(admin, aws_client):
    keys = make_user(admin, "alice", allow("iam:ListUsers"))
    aws_client("iam", **keys).list_users()
    used = admin.get_access_key_last_used(AccessKeyId=keys["aws_access_key_id"])["AccessKeyLastUsed"]
    assert used["ServiceName"] == "iam"
    assert "LastUsedDate" in used


# ---------------------------------------------------------------------------- roles and sessions


def trust(principal: dict, condition: dict | None = None) -> str:
    statement: dict = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def session_keys(credentials: dict) -> dict:
    return {
        "aws_access_key_id": credentials["AccessKeyId"],
        "aws_secret_access_key": credentials["SecretAccessKey"],
        "aws_session_token": credentials["SessionToken"],
    }


def test_assume_role_trusted_by_the_user_and_act_with_the_roles_permissions(admin, aws_client):
    keys = make_user(admin, "alice")
    role = admin.create_role(
        RoleName="reader", AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"})
    )["Role"]
    admin.put_role_policy(RoleName="reader", PolicyName="read", PolicyDocument=allow("iam:List*"))
    assumed = aws_client("sts", **keys).assume_role(RoleArn=role["Arn"], RoleSessionName="s1")
    assert assumed["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/s1"
    assert assumed["AssumedRoleUser"]["AssumedRoleId"] == f"{role['RoleId']}:s1"
    assert assumed["Credentials"]["AccessKeyId"].startswith("ASIA")
    session = session_keys(assumed["Credentials"])
    assert aws_client("sts", **session).get_caller_identity()["Arn"] == assumed["AssumedRoleUser"]["Arn"]
    aws_client("iam", **session).list_users()
    error = error_of(aws_client("iam", **session).create_user, UserName="x")
    assert error.response["Error"]["Message"].startswith(
        f"User: arn:aws:sts::{ACCOUNT}:assumed-role/reader/s1 is not authorized to perform: iam:CreateUser"
    )


def test_a_trust_policy_that_does_not_name_the_caller_denies(admin, aws_client):
    keys = make_user(admin, "alice", allow("sts:AssumeRole"))
    role = admin.create_role(
        RoleName="r", AssumeRolePolicyDocument=trust({"Service": "lambda.amazonaws.com"})
    )["Role"]
    error = error_of(aws_client("sts", **keys).assume_role, RoleArn=role["Arn"], RoleSessionName="s1")
    assert error.response["Error"]["Code"] == "AccessDenied"
    assert "sts:AssumeRole" in error.response["Error"]["Message"]


def test_a_trust_policy_naming_the_account_needs_the_callers_own_permission(admin, aws_client):
    role = admin.create_role(
        RoleName="r", AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    )["Role"]
    without = make_user(admin, "alice")
    assert error_of(aws_client("sts", **without).assume_role, RoleArn=role["Arn"], RoleSessionName="s1")
    with_permission = make_user(admin, "bob", allow("sts:AssumeRole", resource=role["Arn"]))
    aws_client("sts", **with_permission).assume_role(RoleArn=role["Arn"], RoleSessionName="s1")


def test_external_id_condition_in_the_trust_policy(admin, aws_client):
    keys = make_user(admin, "alice")
    document = trust(
        {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"}, {"StringEquals": {"sts:ExternalId": "xyz"}}
    )
    arn = admin.create_role(RoleName="r", AssumeRolePolicyDocument=document)["Role"]["Arn"]
    sts = aws_client("sts", **keys)
    assert (
        error_of(sts.assume_role, RoleArn=arn, RoleSessionName="s1").response["Error"]["Code"]
        == "AccessDenied"
    )
    assert error_of(sts.assume_role, RoleArn=arn, RoleSessionName="s1", ExternalId="nope")
    sts.assume_role(RoleArn=arn, RoleSessionName="s1", ExternalId="xyz")


def test_a_session_policy_narrows_an_assumed_role(admin, aws_client):
    keys = make_user(admin, "alice")
    arn = admin.create_role(
        RoleName="admin", AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"})
    )["Role"]["Arn"]
    admin.attach_role_policy(RoleName="admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    assumed = aws_client("sts", **keys).assume_role(
        RoleArn=arn, RoleSessionName="narrow", Policy=allow("iam:ListRoles")
    )
    assert 0 < assumed["PackedPolicySize"] <= 100
    iam = aws_client("iam", **session_keys(assumed["Credentials"]))
    iam.list_roles()
    error = error_of(iam.list_users)
    assert "because no session policy allows the iam:ListUsers action" in error.response["Error"]["Message"]


def test_an_expired_session_gets_expired_token(admin, aws_client, stratus_server):
    keys = make_user(admin, "alice")
    arn = admin.create_role(
        RoleName="r", AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"})
    )["Role"]["Arn"]
    admin.put_role_policy(RoleName="r", PolicyName="p", PolicyDocument=allow("iam:ListUsers"))
    credentials = aws_client("sts", **keys).assume_role(
        RoleArn=arn, RoleSessionName="s1", DurationSeconds=900
    )["Credentials"]
    iam = aws_client("iam", **session_keys(credentials))
    iam.list_users()
    stratus_server.advance_clock(901)
    error = error_of(iam.list_users)
    assert error.response["Error"]["Code"] == "ExpiredToken"
    assert error.response["Error"]["Message"] == "The security token included in the request is expired"


def test_a_wrong_session_token_is_invalid(admin, aws_client):
    keys = make_user(admin, "alice")
    arn = admin.create_role(
        RoleName="r", AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"})
    )["Role"]["Arn"]
    credentials = aws_client("sts", **keys).assume_role(RoleArn=arn, RoleSessionName="s1")["Credentials"]
    forged = session_keys(credentials) | {"aws_session_token": "forged"}
    assert (
        error_of(aws_client("sts", **forged).get_caller_identity).response["Error"]["Code"]
        == "InvalidClientTokenId"
    )


def test_duration_is_capped_by_the_roles_max_session_duration(admin, aws_client):
    arn = admin.create_role(RoleName="r", AssumeRolePolicyDocument=trust({"AWS": ACCOUNT}))["Role"]["Arn"]
    error = error_of(aws_client("sts").assume_role, RoleArn=arn, RoleSessionName="s1", DurationSeconds=7200)
    assert error.response["Error"]["Code"] == "ValidationError"
    assert "MaxSessionDuration" in error.response["Error"]["Message"]


def test_cross_account_assume_role_needs_both_sides(admin, aws_client):
    other = aws_client("iam", aws_access_key_id="111111111111", aws_secret_access_key="test")
    arn = other.create_role(
        RoleName="shared", AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"})
    )["Role"]["Arn"]
    other.put_role_policy(RoleName="shared", PolicyName="p", PolicyDocument=allow("iam:ListUsers"))
    alice = make_user(admin, "alice")
    assert error_of(aws_client("sts", **alice).assume_role, RoleArn=arn, RoleSessionName="x1")
    admin.put_user_policy(
        UserName="alice", PolicyName="assume", PolicyDocument=allow("sts:AssumeRole", resource=arn)
    )
    assumed = aws_client("sts", **alice).assume_role(RoleArn=arn, RoleSessionName="x1")
    session = session_keys(assumed["Credentials"])
    assert aws_client("sts", **session).get_caller_identity()["Account"] == "111111111111"
    assert aws_client("iam", **session).list_users()["Users"] == []  # the other account's users


def test_mfa_condition_needs_a_session_from_get_session_token_with_a_code(
    admin, aws_client, stratus_endpoint
):
    keys = make_user(
        admin, "alice", allow("iam:ListUsers", condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})
    )
    device = admin.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    seed = device["Base32StringSeed"].decode()
    now = json.loads(
        __import__("urllib.request").request.urlopen(f"{stratus_endpoint}/_stratus/clock").read()
    )["epoch_seconds"]
    totp = pyotp.TOTP(seed)
    admin.enable_mfa_device(
        UserName="alice",
        SerialNumber=device["SerialNumber"],
        AuthenticationCode1=totp.at(now - 30),
        AuthenticationCode2=totp.at(now),
    )
    assert error_of(aws_client("iam", **keys).list_users).response["Error"]["Code"] == "AccessDenied"
    credentials = aws_client("sts", **keys).get_session_token(
        SerialNumber=device["SerialNumber"], TokenCode=totp.at(now + 30)
    )["Credentials"]
    aws_client("iam", **session_keys(credentials)).list_users()
    bad = error_of(
        aws_client("sts", **keys).get_session_token, SerialNumber=device["SerialNumber"], TokenCode="000000"
    )
    assert bad.response["Error"]["Code"] == "AccessDenied"


def test_get_federation_token_without_a_policy_has_no_permissions(admin, aws_client):
    keys = make_user(admin, "alice", allow("*"))
    federated = aws_client("sts", **keys).get_federation_token(Name="fed")
    assert federated["FederatedUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:federated-user/fed"
    session = session_keys(federated["Credentials"])
    assert aws_client("sts", **session).get_caller_identity()["Arn"] == federated["FederatedUser"]["Arn"]
    assert error_of(aws_client("iam", **session).list_users).response["Error"]["Code"] == "AccessDenied"
    narrowed = aws_client("sts", **keys).get_federation_token(Name="fed2", Policy=allow("iam:ListUsers"))
    aws_client("iam", **session_keys(narrowed["Credentials"])).list_users()


def test_session_credentials_cannot_call_get_session_token(admin, aws_client):
    keys = make_user(admin, "alice")
    credentials = aws_client("sts", **keys).get_session_token()["Credentials"]
    error = error_of(aws_client("sts", **session_keys(credentials)).get_session_token)
    assert error.response["Error"]["Code"] == "AccessDenied"


# ---------------------------------------------------------------------------- simulation agrees


@pytest.mark.parametrize(
    ("policies", "action"),
    [
        ([allow("iam:ListUsers")], "iam:ListUsers"),
        ([allow("iam:ListUsers")], "iam:ListRoles"),
        ([allow("iam:*"), deny("iam:ListRoles")], "iam:ListRoles"),
        ([allow("iam:List*")], "iam:ListGroups"),
        ([], "iam:ListUsers"),
    ],
)
def test_simulate_principal_policy_agrees_with_enforcement(admin, aws_client, policies, action):
    keys = make_user(admin, "alice", *policies)
    simulated = admin.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:user/alice", ActionNames=[action]
    )["EvaluationResults"][0]["EvalDecision"]
    operation = {
        "iam:ListUsers": "list_users",
        "iam:ListRoles": "list_roles",
        "iam:ListGroups": "list_groups",
    }[action]
    try:
        getattr(aws_client("iam", **keys), operation)()
        enforced = "allowed"
    except ClientError as error:
        assert error.response["Error"]["Code"] == "AccessDenied"
        enforced = "explicitDeny" if "explicit deny" in error.response["Error"]["Message"] else "implicitDeny"
    assert simulated == enforced


# ---------------------------------------------------------------------------- STS odds and ends


def test_an_ec2_denial_carries_an_encoded_message_that_sts_decodes(admin, aws_client):
    keys = make_user(admin, "alice")
    error = error_of(aws_client("ec2", **keys).describe_instances)
    assert error.response["Error"]["Code"] == "UnauthorizedOperation"
    message = error.response["Error"]["Message"]
    assert message.startswith("You are not authorized to perform this operation.")
    encoded = message.split("Encoded authorization failure message: ", 1)[1]
    decoded = json.loads(
        aws_client("sts").decode_authorization_message(EncodedMessage=encoded)["DecodedMessage"]
    )
    assert decoded["allowed"] is False
    assert decoded["explicitDeny"] is False
    assert decoded["context"]["action"] == "ec2:DescribeInstances"
    assert decoded["context"]["principal"]["arn"] == f"arn:aws:iam::{ACCOUNT}:user/alice"
    # Decoding is itself a permission, and a message not made by this server is refused.
    assert (
        error_of(aws_client("sts", **keys).decode_authorization_message, EncodedMessage=encoded).response[
            "Error"
        ]["Code"]
        == "AccessDenied"
    )
    bad = error_of(aws_client("sts").decode_authorization_message, EncodedMessage="bm90LWEtbWVzc2FnZQ")
    assert bad.response["Error"]["Code"] == "InvalidAuthorizationMessageException"


def test_get_access_key_info_names_the_keys_account(admin, aws_client):
    other = aws_client("iam", aws_access_key_id="111111111111", aws_secret_access_key="test")
    other.create_user(UserName="bob")
    key = other.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
    assert aws_client("sts").get_access_key_info(AccessKeyId=key)["Account"] == "111111111111"


def test_role_chaining_is_limited_to_one_hour(admin, aws_client):
    admin.create_role(RoleName="first", AssumeRolePolicyDocument=trust({"AWS": ACCOUNT}))
    admin.put_role_policy(RoleName="first", PolicyName="p", PolicyDocument=allow("sts:AssumeRole"))
    second = admin.create_role(
        RoleName="second", AssumeRolePolicyDocument=trust({"AWS": ACCOUNT}), MaxSessionDuration=7200
    )
    first = aws_client("sts").assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/first", RoleSessionName="one")
    chained = aws_client("sts", **session_keys(first["Credentials"]))
    error = error_of(
        chained.assume_role, RoleArn=second["Role"]["Arn"], RoleSessionName="two", DurationSeconds=7200
    )
    assert "role chaining" in error.response["Error"]["Message"]
    answer = chained.assume_role(RoleArn=second["Role"]["Arn"], RoleSessionName="two")
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/second/two"


def test_session_tags_become_principal_tags(admin, aws_client):
    trust_with_tags = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": ACCOUNT},
                    "Action": ["sts:AssumeRole", "sts:TagSession"],
                }
            ],
        }
    )
    arn = admin.create_role(RoleName="tagged", AssumeRolePolicyDocument=trust_with_tags)["Role"]["Arn"]
    only_team = allow("iam:ListUsers", condition={"StringEquals": {"aws:PrincipalTag/team": "blue"}})
    admin.put_role_policy(RoleName="tagged", PolicyName="p", PolicyDocument=only_team)
    sts = aws_client("sts")
    blue = sts.assume_role(RoleArn=arn, RoleSessionName="b1", Tags=[{"Key": "team", "Value": "blue"}])
    red = sts.assume_role(RoleArn=arn, RoleSessionName="r1", Tags=[{"Key": "team", "Value": "red"}])
    aws_client("iam", **session_keys(blue["Credentials"])).list_users()
    assert error_of(aws_client("iam", **session_keys(red["Credentials"])).list_users)


def test_tagging_a_session_needs_sts_tag_session_in_the_trust_policy(admin, aws_client):
    arn = admin.create_role(RoleName="plain", AssumeRolePolicyDocument=trust({"AWS": ACCOUNT}))["Role"]["Arn"]
    error = error_of(
        aws_client("sts").assume_role, RoleArn=arn, RoleSessionName="t1", Tags=[{"Key": "k", "Value": "v"}]
    )
    assert "sts:TagSession" in error.response["Error"]["Message"]


def test_bad_session_names_and_durations_are_refused_in_any_mode(aws_client, stratus_endpoint):
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "off"})
    sts = aws_client("sts")
    bad_name = error_of(sts.assume_role, RoleArn=f"arn:aws:iam::{ACCOUNT}:role/r", RoleSessionName="a b")
    assert bad_name.response["Error"]["Code"] == "ValidationError"
    bad_arn = error_of(sts.assume_role, RoleArn="arn:aws:iam::123:user/not-a-role", RoleSessionName="ok")
    assert bad_arn.response["Error"]["Code"] == "ValidationError"
    # With IAM off a role IAM does not know can still be assumed (users who never create roles).
    answer = sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/anything", RoleSessionName="ok")
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/anything/ok"


def test_calls_on_oneself_are_authorized_on_the_callers_own_arn(admin, aws_client):
    own = allow(
        "iam:GetUser", "iam:ListAccessKeys", resource=f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"
    )
    keys = make_user(admin, "alice", own)
    iam = aws_client("iam", **keys)
    assert iam.get_user()["User"]["UserName"] == "alice"
    assert len(iam.list_access_keys()["AccessKeyMetadata"]) == 1
    admin.create_user(UserName="bob")
    assert error_of(iam.list_access_keys, UserName="bob").response["Error"]["Code"] == "AccessDenied"


def test_an_expired_session_is_refused_even_with_iam_off(aws_client, stratus_endpoint, stratus_server):
    credentials = aws_client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/any", RoleSessionName="s1", DurationSeconds=900
    )["Credentials"]
    sts = aws_client("sts", **session_keys(credentials))
    assert sts.get_caller_identity()["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/any/s1"
    stratus_server.advance_clock(900)
    assert error_of(sts.get_caller_identity).response["Error"]["Code"] == "ExpiredToken"


def test_durations_of_user_sessions(admin, aws_client):
    keys = make_user(admin, "alice")
    sts = aws_client("sts", **keys)
    assert error_of(sts.get_session_token, DurationSeconds=129_601)  # botocore allows it; STS does not
    root = aws_client("sts")
    error = error_of(root.get_session_token, DurationSeconds=3601)
    assert error.response["Error"]["Code"] == "ValidationError"
    assert root.get_session_token(DurationSeconds=3600)["Credentials"]["AccessKeyId"].startswith("ASIA")


def test_resource_tags_decide_attribute_based_access(admin, aws_client):
    only_blue = allow("iam:GetRole", condition={"StringEquals": {"aws:ResourceTag/team": "blue"}})
    keys = make_user(admin, "alice", only_blue)
    for name, team in (("blue-role", "blue"), ("red-role", "red")):
        admin.create_role(
            RoleName=name,
            AssumeRolePolicyDocument=trust({"AWS": ACCOUNT}),
            Tags=[{"Key": "team", "Value": team}],
        )
    iam = aws_client("iam", **keys)
    iam.get_role(RoleName="blue-role")
    assert error_of(iam.get_role, RoleName="red-role").response["Error"]["Code"] == "AccessDenied"
    admin.tag_role(RoleName="red-role", Tags=[{"Key": "team", "Value": "blue"}])
    iam.get_role(RoleName="red-role")  # the new tag counts at once (no stale remembered decision)
    service_form = allow("iam:GetUser", condition={"StringEquals": {"iam:ResourceTag/level": "low"}})
    admin.put_user_policy(UserName="alice", PolicyName="users", PolicyDocument=service_form)
    admin.create_user(UserName="low", Tags=[{"Key": "level", "Value": "low"}])
    admin.create_user(UserName="high", Tags=[{"Key": "level", "Value": "high"}])
    iam.get_user(UserName="low")
    assert error_of(iam.get_user, UserName="high").response["Error"]["Code"] == "AccessDenied"
