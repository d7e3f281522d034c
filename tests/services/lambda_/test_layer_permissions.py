"""Layer version permissions: Add/RemoveLayerVersionPermission, GetLayerVersionPolicy, and what
they open to other accounts."""

import json

import pytest
from botocore.exceptions import ClientError

from .conftest import error_of, make_zip

LAYER_ZIP = make_zip({"python/shared.py": "X = 1\n"})
ARN = "arn:aws:lambda:us-east-1:000000000000:layer:lib"
OTHER_ACCOUNT = "111111111111"


@pytest.fixture
def layer(lambda_client):
    return lambda_client.publish_layer_version(LayerName="lib", Content={"ZipFile": LAYER_ZIP})


@pytest.fixture
def other(aws_client):
    return aws_client("lambda", aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="test")


def grant(lambda_client, sid="s1", principal="*", **kwargs):
    params = {"LayerName": "lib", "VersionNumber": 1, "StatementId": sid, "Action": "lambda:GetLayerVersion"}
    return lambda_client.add_layer_version_permission(Principal=principal, **params, **kwargs)


def policy_of(lambda_client, version=1):
    answer = lambda_client.get_layer_version_policy(LayerName="lib", VersionNumber=version)
    return json.loads(answer["Policy"]), answer["RevisionId"]


def test_policy_lifecycle(layer, lambda_client):
    with pytest.raises(ClientError) as info:
        policy_of(lambda_client)
    assert error_of(info) == ("ResourceNotFoundException", "No policy is associated with the given resource.")
    added = grant(lambda_client, "s1")
    assert added["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert json.loads(added["Statement"]) == {
        "Sid": "s1",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "lambda:GetLayerVersion",
        "Resource": f"{ARN}:1",
    }
    assert " " not in added["Statement"]  # compact JSON, as AWS writes it
    policy, revision = policy_of(lambda_client)
    assert revision == added["RevisionId"]
    assert policy == {"Version": "2012-10-17", "Id": "default", "Statement": [json.loads(added["Statement"])]}
    second = grant(lambda_client, "s2", OTHER_ACCOUNT, RevisionId=revision)
    assert second["RevisionId"] != revision
    assert json.loads(second["Statement"])["Principal"] == {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"}
    policy, revision = policy_of(lambda_client)
    assert [s["Sid"] for s in policy["Statement"]] == ["s1", "s2"]
    removed = lambda_client.remove_layer_version_permission(
        LayerName="lib", VersionNumber=1, StatementId="s1", RevisionId=revision
    )
    assert removed["ResponseMetadata"]["HTTPStatusCode"] == 204
    policy, after = policy_of(lambda_client)
    assert [s["Sid"] for s in policy["Statement"]] == ["s2"] and after != revision
    lambda_client.remove_layer_version_permission(LayerName="lib", VersionNumber=1, StatementId="s2")
    with pytest.raises(ClientError) as info:
        policy_of(lambda_client)
    assert error_of(info)[1] == "No policy is associated with the given resource."


def test_principal_forms_and_organization(layer, lambda_client):
    root = f"arn:aws:iam::{OTHER_ACCOUNT}:root"
    assert json.loads(grant(lambda_client, "arn", root)["Statement"])["Principal"] == {"AWS": root}
    org = json.loads(grant(lambda_client, "org", "*", OrganizationId="o-abcdefghij")["Statement"])
    assert org["Principal"] == "*"
    assert org["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}


def test_policies_belong_to_one_version(layer, lambda_client):
    lambda_client.publish_layer_version(LayerName="lib", Content={"ZipFile": LAYER_ZIP})
    grant(lambda_client, "s1")
    with pytest.raises(ClientError):
        policy_of(lambda_client, version=2)
    assert policy_of(lambda_client, version=1)[0]["Statement"][0]["Resource"] == f"{ARN}:1"


def test_permission_errors(layer, lambda_client):
    grant(lambda_client, "s1")
    with pytest.raises(ClientError) as info:
        grant(lambda_client, "s1")
    assert error_of(info) == (
        "ResourceConflictException",
        "The statement id (s1) provided already exists. Please provide a new statement id, or remove the "
        "existing statement.",
    )
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    mismatch = (
        "PreconditionFailedException",
        "The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to "
        "retrieve the latest Revision Id",
    )
    with pytest.raises(ClientError) as info:
        grant(lambda_client, "s2", RevisionId="wrong")
    assert error_of(info) == mismatch
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    with pytest.raises(ClientError) as info:
        lambda_client.remove_layer_version_permission(
            LayerName="lib", VersionNumber=1, StatementId="s1", RevisionId="wrong"
        )
    assert error_of(info) == mismatch
    with pytest.raises(ClientError) as info:
        lambda_client.remove_layer_version_permission(LayerName="lib", VersionNumber=1, StatementId="nope")
    assert error_of(info) == ("ResourceNotFoundException", "Statement nope is not found in resource policy.")


def test_missing_layer_or_version(layer, lambda_client):
    for name, version in (("lib-doesnotexist", 1), ("lib", 2)):
        message = (
            f"Layer version arn:aws:lambda:us-east-1:000000000000:layer:{name}:{version} does not exist."
        )
        where = {"LayerName": name, "VersionNumber": version}
        grant_members = {"StatementId": "s1", "Action": "lambda:GetLayerVersion", "Principal": "*"}
        calls = (
            (lambda_client.add_layer_version_permission, grant_members),
            (lambda_client.get_layer_version_policy, {}),
            (lambda_client.remove_layer_version_permission, {"StatementId": "s1"}),
        )
        for call, extra in calls:
            with pytest.raises(ClientError) as info:
                call(**where, **extra)
            assert error_of(info) == ("ResourceNotFoundException", message)


def test_members_are_validated(layer, lambda_client):
    with pytest.raises(ClientError) as info:
        lambda_client.add_layer_version_permission(
            LayerName="lib", VersionNumber=1, StatementId="s1", Action="*", Principal="*"
        )
    assert error_of(info) == (
        "ValidationException",
        "1 validation error detected: Value '*' at 'action' failed to satisfy constraint: Member must satisfy "
        "regular expression pattern: lambda:GetLayerVersion",
    )
    with pytest.raises(ClientError) as info:
        lambda_client.add_layer_version_permission(
            LayerName="lib",
            VersionNumber=1,
            StatementId="bad id",
            Action="lambda:GetLayerVersion",
            Principal="bob",
        )
    code, message = error_of(info)
    assert code == "ValidationException"
    assert message.startswith(
        "2 validation errors detected: Value 'bad id' at 'statementId' failed to satisfy"
    )
    assert "Value 'bob' at 'principal' failed to satisfy constraint" in message
    with pytest.raises(ClientError) as info:
        grant(lambda_client, OrganizationId="not-an-org")
    assert "at 'organizationId'" in error_of(info)[1]
    with pytest.raises(ClientError):
        policy_of(lambda_client)  # nothing was added


# ---------------------------------------------------------------------------------- other accounts


def test_other_account_reads_only_what_is_granted(layer, lambda_client, other):
    arn = f"{ARN}:1"
    denied = (
        f"User: arn:aws:iam::{OTHER_ACCOUNT}:root is not authorized to perform: lambda:GetLayerVersion on "
        f"resource: {arn} because no resource-based policy allows the lambda:GetLayerVersion action"
    )
    for call in (
        lambda: other.get_layer_version_by_arn(Arn=arn),
        lambda: other.get_layer_version(LayerName=ARN, VersionNumber=1),
    ):
        with pytest.raises(ClientError) as info:
            call()
        assert error_of(info) == ("AccessDeniedException", denied)
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    # A missing version of another account is as opaque as an unshared one.
    with pytest.raises(ClientError) as info:
        other.get_layer_version_by_arn(Arn=f"{ARN}:9")
    assert error_of(info)[0] == "AccessDeniedException"

    statement = grant(lambda_client, "one", OTHER_ACCOUNT)
    assert other.get_layer_version_by_arn(Arn=arn)["LayerVersionArn"] == arn
    lambda_client.remove_layer_version_permission(LayerName="lib", VersionNumber=1, StatementId="one")
    with pytest.raises(ClientError):
        other.get_layer_version_by_arn(Arn=arn)
    grant(lambda_client, "org", "*", OrganizationId="o-abcdefghij")  # Stratus has no organizations
    with pytest.raises(ClientError):
        other.get_layer_version_by_arn(Arn=arn)
    grant(lambda_client, "all", "*")
    assert other.get_layer_version(LayerName=ARN, VersionNumber=1)["Version"] == 1
    assert statement["RevisionId"]


def test_other_account_cannot_manage_a_layer(layer, lambda_client, other):
    # Guessed: AWS's IAM denial (a layer policy grants lambda:GetLayerVersion only) for these calls.
    grant(lambda_client, "all", "*")
    calls = (
        lambda: other.delete_layer_version(LayerName=ARN, VersionNumber=1),
        lambda: other.add_layer_version_permission(
            LayerName=ARN, VersionNumber=1, StatementId="x", Action="lambda:GetLayerVersion", Principal="*"
        ),
        lambda: other.get_layer_version_policy(LayerName=ARN, VersionNumber=1),
        lambda: other.publish_layer_version(LayerName=ARN, Content={"ZipFile": LAYER_ZIP}),
    )
    for call in calls:
        with pytest.raises(ClientError) as info:
            call()
        assert error_of(info)[0] == "AccessDeniedException"
    assert lambda_client.get_layer_version(LayerName="lib", VersionNumber=1)["Version"] == 1
    assert [s["Sid"] for s in policy_of(lambda_client)[0]["Statement"]] == ["all"]
