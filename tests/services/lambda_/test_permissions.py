"""AddPermission, RemovePermission, GetPolicy (black-box), and the function policy deciding, through
the IAM engine, who may invoke a function when STRATUS_IAM=enforce."""

import json
import os

import pytest
from botocore.exceptions import ClientError

from stratus.auth.credentials import Principal
from stratus.core.context import RequestContext
from stratus.testing import post_json

from .conftest import error_of

OWNER, OTHER = "000000000000", "111111111111"
ARN = f"arn:aws:lambda:us-east-1:{OWNER}:function:fn"
TOPIC = f"arn:aws:sns:us-east-1:{OWNER}:orders"
IN_PROCESS = pytest.mark.skipif(bool(os.environ.get("STRATUS_ENDPOINT")), reason="switches the IAM mode")


def policy_of(lambda_client, **kwargs) -> dict:
    return json.loads(lambda_client.get_policy(FunctionName="fn", **kwargs)["Policy"])


def test_statements_have_lambdas_shape(create, lambda_client):
    create("fn")
    answer = lambda_client.add_permission(
        FunctionName="fn",
        StatementId="from-sns",
        Action="lambda:InvokeFunction",
        Principal="sns.amazonaws.com",
        SourceArn=TOPIC,
        SourceAccount=OWNER,
    )
    from_sns = {
        "Sid": "from-sns",
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "lambda:InvokeFunction",
        "Resource": ARN,
        "Condition": {"StringEquals": {"AWS:SourceAccount": OWNER}, "ArnLike": {"AWS:SourceArn": TOPIC}},
    }
    assert json.loads(answer["Statement"]) == from_sns
    lambda_client.add_permission(
        FunctionName=ARN, StatementId="partner", Action="lambda:GetFunction", Principal=OTHER
    )
    lambda_client.add_permission(
        FunctionName="fn",
        StatementId="org",
        Action="lambda:*",
        Principal="*",
        PrincipalOrgID="o-a1b2c3d4e5",
    )
    lambda_client.add_permission(
        FunctionName="fn",
        StatementId="url",
        Action="lambda:InvokeFunctionUrl",
        Principal="*",
        FunctionUrlAuthType="NONE",
    )
    lambda_client.add_permission(
        FunctionName="fn",
        StatementId="alexa",
        Action="lambda:InvokeFunction",
        Principal="alexa-connectedhome.amazon.com",
        EventSourceToken="amzn1.ask.skill.1234",
    )
    policy = policy_of(lambda_client)
    assert (policy["Version"], policy["Id"]) == ("2012-10-17", "default")
    assert [s["Sid"] for s in policy["Statement"]] == ["from-sns", "partner", "org", "url", "alexa"]
    sns, partner, org, url, alexa = policy["Statement"]
    assert sns == from_sns
    assert partner["Principal"] == {"AWS": f"arn:aws:iam::{OTHER}:root"}
    assert "Condition" not in partner
    assert org["Principal"] == "*"
    assert org["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
    assert url["Condition"] == {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}
    assert alexa["Principal"] == {"Service": "alexa-connectedhome.amazon.com"}
    assert alexa["Condition"] == {"StringEquals": {"lambda:EventSourceToken": "amzn1.ask.skill.1234"}}


def test_an_iam_arn_principal_is_kept(create, lambda_client):
    create("fn")
    role = f"arn:aws:iam::{OTHER}:role/caller"
    lambda_client.add_permission(
        FunctionName="fn", StatementId="role", Action="lambda:InvokeFunction", Principal=role
    )
    assert policy_of(lambda_client)["Statement"][0]["Principal"] == {"AWS": role}


def test_a_function_without_permissions_has_no_policy(create, lambda_client):
    create("fn")
    with pytest.raises(ClientError) as info:
        lambda_client.get_policy(FunctionName="fn")
    assert error_of(info) == ("ResourceNotFoundException", "The resource you requested does not exist.")
    with pytest.raises(ClientError) as info:
        lambda_client.get_policy(FunctionName="nope")
    assert error_of(info) == (
        "ResourceNotFoundException",
        "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope",
    )


def test_statement_ids_are_unique_per_policy(create, lambda_client):
    create("fn")
    params = {
        "FunctionName": "fn",
        "StatementId": "s1",
        "Action": "lambda:InvokeFunction",
        "Principal": OTHER,
    }
    lambda_client.add_permission(**params)
    with pytest.raises(ClientError) as info:
        lambda_client.add_permission(**params)
    assert error_of(info) == (
        "ResourceConflictException",
        "The statement id (s1) provided already exists. Please provide a new statement id, "
        "or remove the existing statement.",
    )


def test_remove_permission(create, lambda_client):
    create("fn")
    with pytest.raises(ClientError) as info:
        lambda_client.remove_permission(FunctionName="fn", StatementId="s1")
    # Wording as LocalStack's AWS-validated tests record it.
    assert error_of(info) == ("ResourceNotFoundException", "No policy is associated with the given resource.")
    for sid in ("s1", "s2"):
        lambda_client.add_permission(
            FunctionName="fn", StatementId=sid, Action="lambda:InvokeFunction", Principal=OTHER
        )
    with pytest.raises(ClientError) as info:
        lambda_client.remove_permission(FunctionName="fn", StatementId="s3")
    assert error_of(info) == ("ResourceNotFoundException", "Statement s3 is not found in resource policy.")
    lambda_client.remove_permission(FunctionName="fn", StatementId="s1")
    assert [s["Sid"] for s in policy_of(lambda_client)["Statement"]] == ["s2"]
    lambda_client.remove_permission(FunctionName="fn", StatementId="s2")
    with pytest.raises(ClientError) as info:
        lambda_client.get_policy(FunctionName="fn")
    assert error_of(info)[0] == "ResourceNotFoundException"


def test_the_policy_shares_the_functions_revision(create, lambda_client):
    create("fn")
    before = lambda_client.get_function_configuration(FunctionName="fn")["RevisionId"]
    with pytest.raises(ClientError) as info:
        lambda_client.add_permission(
            FunctionName="fn", StatementId="s1", Action="lambda:*", Principal=OTHER, RevisionId="stale"
        )
    assert error_of(info) == (
        "PreconditionFailedException",
        "The Revision Id provided does not match the latest Revision Id. "
        "Call the GetPolicy API to retrieve the latest Revision Id",
    )
    lambda_client.add_permission(
        FunctionName="fn", StatementId="s1", Action="lambda:*", Principal=OTHER, RevisionId=before
    )
    revision = lambda_client.get_policy(FunctionName="fn")["RevisionId"]
    assert revision != before
    assert lambda_client.get_function_configuration(FunctionName="fn")["RevisionId"] == revision
    with pytest.raises(ClientError) as info:
        lambda_client.remove_permission(FunctionName="fn", StatementId="s1", RevisionId=before)
    assert error_of(info)[0] == "PreconditionFailedException"
    lambda_client.remove_permission(FunctionName="fn", StatementId="s1", RevisionId=revision)
    assert lambda_client.get_function_configuration(FunctionName="fn")["RevisionId"] not in (before, revision)


def test_versions_and_aliases_have_policies_of_their_own(create, lambda_client):
    create("fn", Publish=True)
    lambda_client.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    grant = {"Action": "lambda:InvokeFunction", "Principal": OTHER}
    lambda_client.add_permission(FunctionName="fn", StatementId="function", **grant)
    lambda_client.add_permission(FunctionName="fn", Qualifier="1", StatementId="version", **grant)
    lambda_client.add_permission(FunctionName="fn:live", StatementId="alias", **grant)
    # The same statement id may be used again in another version's or alias's policy.
    lambda_client.add_permission(FunctionName="fn", Qualifier="live", StatementId="version", **grant)
    assert [s["Resource"] for s in policy_of(lambda_client)["Statement"]] == [ARN]
    assert [s["Resource"] for s in policy_of(lambda_client, Qualifier="1")["Statement"]] == [f"{ARN}:1"]
    alias_policy = policy_of(lambda_client, Qualifier="live")
    assert [s["Sid"] for s in alias_policy["Statement"]] == ["alias", "version"]
    assert {s["Resource"] for s in alias_policy["Statement"]} == {f"{ARN}:live"}
    alias_revision = lambda_client.get_alias(FunctionName="fn", Name="live")["RevisionId"]
    assert lambda_client.get_policy(FunctionName="fn", Qualifier="live")["RevisionId"] == alias_revision
    version_revision = lambda_client.get_function_configuration(FunctionName="fn", Qualifier="1")[
        "RevisionId"
    ]
    assert lambda_client.get_policy(FunctionName="fn", Qualifier="1")["RevisionId"] == version_revision
    # $LATEST reads the function's own policy, but takes no permissions of its own.
    assert [s["Sid"] for s in policy_of(lambda_client, Qualifier="$LATEST")["Statement"]] == ["function"]
    with pytest.raises(ClientError) as info:
        lambda_client.add_permission(FunctionName="fn", Qualifier="$LATEST", StatementId="latest", **grant)
    assert error_of(info) == (
        "InvalidParameterValueException",
        "We currently do not support adding policies for $LATEST.",
    )
    with pytest.raises(ClientError) as info:
        lambda_client.add_permission(FunctionName="fn", Qualifier="7", StatementId="missing", **grant)
    assert error_of(info) == ("ResourceNotFoundException", f"Function not found: {ARN}:7")
    # A deleted alias takes its policy with it.
    lambda_client.delete_alias(FunctionName="fn", Name="live")
    lambda_client.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    with pytest.raises(ClientError) as info:
        lambda_client.get_policy(FunctionName="fn", Qualifier="live")
    assert error_of(info)[0] == "ResourceNotFoundException"


def test_parameters_are_checked(create, lambda_client):
    create("fn")
    with pytest.raises(ClientError) as info:
        lambda_client.add_permission(
            FunctionName="fn", StatementId="s1", Action="lambda:InvokeFunction", Principal="not-a-principal"
        )
    assert error_of(info) == (
        "InvalidParameterValueException",
        "The provided principal was invalid. Please check the principal and try again.",
    )
    with pytest.raises(ClientError) as info:
        lambda_client.add_permission(
            FunctionName="fn", StatementId="s1", Action="lambda:InvokeFunction", Principal="two words"
        )
    assert error_of(info)[0] == "ValidationException"
    with pytest.raises(ClientError) as info:
        lambda_client.add_permission(
            FunctionName="fn", StatementId="bad id!", Action="lambda:InvokeFunction", Principal=OTHER
        )
    code, message = error_of(info)
    assert code == "ValidationException"
    assert message.startswith("1 validation error detected: Value 'bad id!' at 'statementId' failed")
    with pytest.raises(ClientError) as info:
        lambda_client.add_permission(
            FunctionName="fn", StatementId="s1", Action="s3:GetObject", Principal=OTHER
        )
    assert error_of(info)[0] == "ValidationException"


def test_a_policy_is_limited_to_20_kb(create, lambda_client):
    create("fn")
    long_arn = "arn:aws:s3:::" + "b" * 8000
    for sid in ("s1", "s2"):
        lambda_client.add_permission(
            FunctionName="fn",
            StatementId=sid,
            Action="lambda:InvokeFunction",
            Principal="s3.amazonaws.com",
            SourceArn=long_arn,
        )
    with pytest.raises(ClientError) as info:
        lambda_client.add_permission(
            FunctionName="fn",
            StatementId="s3",
            Action="lambda:InvokeFunction",
            Principal="s3.amazonaws.com",
            SourceArn=long_arn,
        )
    code, message = error_of(info)
    assert code == "PolicyLengthExceededException"
    size = int(message.split("(")[1].split(")")[0])
    assert size > 20480
    assert message == f"The final policy size ({size}) is bigger than the limit (20480)."
    assert len(policy_of(lambda_client)["Statement"]) == 2


# ---------------------------------------------------------------------- under IAM enforcement


@pytest.fixture
def enforce(stratus_endpoint):
    """Switch enforcement on once the function exists: CreateFunction's own role check (Lambda
    reading the role as lambda.amazonaws.com) is itself refused under enforcement today."""
    return lambda: post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})


def dry_run(client, function_name: str = ARN) -> int:
    return client.invoke(FunctionName=function_name, InvocationType="DryRun")["StatusCode"]


def user_client(aws_client, account: str, name: str, *statements: dict):
    iam = aws_client("iam", aws_access_key_id=account, aws_secret_access_key="test")
    iam.create_user(UserName=name)
    if statements:
        document = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=document)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return aws_client(
        "lambda", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
    )


@IN_PROCESS
def test_another_account_is_denied_without_a_permission(create, lambda_client, aws_client, enforce):
    create("fn")
    enforce()
    other = aws_client("lambda", aws_access_key_id=OTHER, aws_secret_access_key="test")
    with pytest.raises(ClientError) as info:
        dry_run(other)
    code, message = error_of(info)
    assert code == "AccessDeniedException"
    assert "lambda:InvokeFunction" in message
    # A permission for a third account, or for another action, does not help.
    lambda_client.add_permission(
        FunctionName="fn", StatementId="third", Action="lambda:InvokeFunction", Principal="222222222222"
    )
    lambda_client.add_permission(
        FunctionName="fn", StatementId="read", Action="lambda:GetFunction", Principal=OTHER
    )
    with pytest.raises(ClientError) as info:
        dry_run(other)
    assert error_of(info)[0] == "AccessDeniedException"


@IN_PROCESS
def test_another_account_invokes_with_a_permission(create, lambda_client, aws_client, enforce):
    create("fn")
    enforce()
    other = aws_client("lambda", aws_access_key_id=OTHER, aws_secret_access_key="test")
    lambda_client.add_permission(
        FunctionName="fn", StatementId="partner", Action="lambda:InvokeFunction", Principal=OTHER
    )
    assert dry_run(other) == 204


@IN_PROCESS
def test_the_policy_lets_another_account_past_iam(create, lambda_client, aws_client, enforce):
    """What the test above cannot show yet: with the permission IAM no longer denies the call."""
    create("fn")
    enforce()
    other = aws_client("lambda", aws_access_key_id=OTHER, aws_secret_access_key="test")
    lambda_client.add_permission(
        FunctionName="fn", StatementId="partner", Action="lambda:InvokeFunction", Principal=OTHER
    )
    try:
        outcome = str(dry_run(other))
    except ClientError as error:
        outcome = error.response["Error"]["Code"]
    assert outcome in ("204", "ResourceNotFoundException")  # the latter until resolve() looks across accounts


@IN_PROCESS
def test_a_user_of_the_account_needs_no_identity_policy_with_a_permission(
    create, lambda_client, aws_client, enforce
):
    create("fn", Publish=True)
    lambda_client.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    worker = user_client(aws_client, OWNER, "worker")
    enforce()
    with pytest.raises(ClientError) as info:
        dry_run(worker, "fn:live")
    assert error_of(info)[0] == "AccessDeniedException"
    lambda_client.add_permission(
        FunctionName="fn",
        Qualifier="live",
        StatementId="worker",
        Action="lambda:InvokeFunction",
        Principal=f"arn:aws:iam::{OWNER}:user/worker",
    )
    assert dry_run(worker, "fn:live") == 204
    assert dry_run(worker, f"{ARN}:live") == 204
    # The alias's policy says nothing about the function itself or its versions.
    for other_target in ("fn", "fn:1"):
        with pytest.raises(ClientError) as info:
            dry_run(worker, other_target)
        assert error_of(info)[0] == "AccessDeniedException"
    lambda_client.remove_permission(FunctionName="fn", Qualifier="live", StatementId="worker")
    with pytest.raises(ClientError) as info:
        dry_run(worker, "fn:live")
    assert error_of(info)[0] == "AccessDeniedException"


@IN_PROCESS
def test_a_service_principal_needs_the_permission_with_its_source_arn(
    create, lambda_client, stratus_server, enforce
):
    create("fn")
    enforce()
    runtime = stratus_server.runtime

    async def invoke_as_sns(source_arn: str) -> str:
        ctx = RequestContext(
            runtime=runtime,
            service="sns",
            operation="Publish",
            account_id=OWNER,
            region="us-east-1",
            principal=Principal.root(OWNER),
            request_id="test",
            time=runtime.clock.now(),
        )
        client = ctx.aws("lambda", principal="sns.amazonaws.com", source_arn=source_arn)
        try:
            answer = await client.invoke(FunctionName=ARN, InvocationType="DryRun")
            return str(answer["StatusCode"])
        except Exception as error:  # the ServiceError the internal client raises
            return getattr(error, "code", repr(error))

    assert stratus_server.call_on_loop(invoke_as_sns(TOPIC)) == "AccessDeniedException"
    lambda_client.add_permission(
        FunctionName="fn",
        StatementId="from-topic",
        Action="lambda:InvokeFunction",
        Principal="sns.amazonaws.com",
        SourceArn=TOPIC,
    )
    assert stratus_server.call_on_loop(invoke_as_sns(TOPIC)) == "204"
    assert stratus_server.call_on_loop(invoke_as_sns(TOPIC + "-other")) == "AccessDeniedException"
