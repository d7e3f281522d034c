"""Rotation end to end with a real Python Lambda function that does what AWS's rotation template
does (boto3 inside the function reaches Stratus through AWS_ENDPOINT_URL): the four steps, labels,
failures, RotateImmediately=false, schedules on the Stratus clock, CancelRotateSecret."""

from __future__ import annotations

import io
import json
import os
import sys
import uuid
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from .support import DAY, error_of, eventually, stages

PYTHON_RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"
TRUST_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}

# AWS's rotation template, reduced to a password change; FAIL_STEP makes one step raise.
ROTATION_FUNCTION = """
import json, os
import boto3

def handler(event, context):
    arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
    print(f"STEP {step} {token} {event.get('RotationToken') is not None}")
    client = boto3.client("secretsmanager")
    metadata = client.describe_secret(SecretId=arn)
    if not metadata["RotationEnabled"]:
        raise ValueError("Secret %s is not enabled for rotation" % arn)
    versions = metadata["VersionIdsToStages"]
    if token not in versions:
        raise ValueError("Secret version %s has no stage for rotation of secret %s." % (token, arn))
    if "AWSCURRENT" in versions[token]:
        return
    if "AWSPENDING" not in versions[token]:
        raise ValueError("Secret version %s not set as AWSPENDING for rotation of secret %s." % (token, arn))
    if os.environ.get("FAIL_STEP") == step:
        raise RuntimeError("cannot reach the database")
    if step == "createSecret":
        current = json.loads(client.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")["SecretString"])
        try:
            client.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
        except client.exceptions.ResourceNotFoundException:
            current["password"] = client.get_random_password(ExcludeCharacters="/@\\"'\\\\")["RandomPassword"]
            current["rotations"] = current.get("rotations", 0) + 1
            client.put_secret_value(SecretId=arn, ClientRequestToken=token, SecretString=json.dumps(current),
                                    VersionStages=["AWSPENDING"], RotationToken=event["RotationToken"])
    elif step == "testSecret":
        pending = client.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
        if "password" not in json.loads(pending["SecretString"]):
            raise ValueError("no password")
    elif step == "finishSecret":
        current_version = None
        for version, labels in client.describe_secret(SecretId=arn)["VersionIdsToStages"].items():
            if "AWSCURRENT" in labels:
                if version == token:
                    return
                current_version = version
                break
        client.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token,
                                           RemoveFromVersionId=current_version)
"""

# With RotateImmediately=false only testSecret runs, against a version that has no value yet.
TEST_ONLY_FUNCTION = """
def handler(event, context):
    print(f"STEP {event['Step']} {event['ClientRequestToken']} True")
"""


def make_zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture
def rotation_function(aws_client, stratus_server):
    """make(name, code=ROTATION_FUNCTION, **environment) -> the function's ARN."""
    iam, lambda_client = aws_client("iam"), aws_client("lambda")
    role = iam.create_role(RoleName="rotation-role", AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))[
        "Role"
    ]["Arn"]

    def make(name: str = "rotator", code: str = ROTATION_FUNCTION, **environment: str) -> str:
        answer = lambda_client.create_function(
            FunctionName=name,
            Runtime=PYTHON_RUNTIME,
            Role=role,
            Handler="app.handler",
            Code={"ZipFile": make_zip({"app.py": code})},
            Timeout=30,
            Environment={"Variables": environment},
        )
        return answer["FunctionArn"]

    yield make
    stratus_server.reset()  # no runtime process outlives its test


@pytest.fixture
def db_secret(sm):
    return sm.create_secret(
        Name="prod/db", SecretString=json.dumps({"username": "app", "password": "initial"})
    )


def steps_logged(aws_client, function: str = "rotator") -> list[tuple[str, str]]:
    """(step, token) of each invocation, from the function's CloudWatch Logs."""
    try:
        events = aws_client("logs").filter_log_events(logGroupName=f"/aws/lambda/{function}")["events"]
    except ClientError:
        return []
    found = []
    for event in events:
        parts = event["message"].split()
        if parts and parts[0] == "STEP":
            found.append((parts[1], parts[2]))
            assert parts[3] == "True"  # the event carries a RotationToken
    return found


def rotation_events(stratus_server, name: str) -> list:
    return [
        r
        for r in stratus_server.runtime.request_log.recent(1000, service="secretsmanager")
        if r.operation == name
    ]


def current_password(sm, secret_id: str = "prod/db") -> dict:
    return json.loads(sm.get_secret_value(SecretId=secret_id)["SecretString"])


in_process = pytest.mark.skipif(
    bool(os.environ.get("STRATUS_ENDPOINT")), reason="reads the server's request log"
)


@in_process
def test_rotate_immediately_runs_the_four_steps(sm, db_secret, rotation_function, aws_client, stratus_server):
    arn = rotation_function()
    answer = sm.rotate_secret(
        SecretId="prod/db", RotationLambdaARN=arn, RotationRules={"AutomaticallyAfterDays": 1}
    )
    token = answer["VersionId"]
    assert answer["ARN"] == db_secret["ARN"] and answer["Name"] == "prod/db"
    assert eventually(lambda: current_password(sm).get("rotations") == 1, timeout=30)
    assert eventually(lambda: rotation_events(stratus_server, "RotationSucceeded"))
    assert [step for step, _ in steps_logged(aws_client)] == [
        "createSecret",
        "setSecret",
        "testSecret",
        "finishSecret",
    ]
    assert {used for _, used in steps_logged(aws_client)} == {token}
    # AWS leaves AWSPENDING on the new current version.
    assert stages(sm, "prod/db") == {
        db_secret["VersionId"]: ["AWSPREVIOUS"],
        token: ["AWSCURRENT", "AWSPENDING"],
    }
    previous = json.loads(sm.get_secret_value(SecretId="prod/db", VersionStage="AWSPREVIOUS")["SecretString"])
    assert previous["password"] == "initial" and current_password(sm)["password"] != "initial"
    described = sm.describe_secret(SecretId="prod/db")
    assert described["RotationEnabled"] is True
    assert described["RotationLambdaARN"] == arn
    assert described["RotationRules"] == {"AutomaticallyAfterDays": 1}
    assert "LastRotatedDate" in described
    # The next window ends at the end of the UTC day one day after the rotation.
    rotated = described["LastRotatedDate"]
    expected = datetime(rotated.year, rotated.month, rotated.day, 23, 59, 59, tzinfo=UTC) + timedelta(days=1)
    assert described["NextRotationDate"] == expected


@in_process
def test_scheduled_rotations_follow_the_stratus_clock(sm, db_secret, rotation_function, stratus_server):
    arn = rotation_function()
    sm.rotate_secret(SecretId="prod/db", RotationLambdaARN=arn, RotationRules={"AutomaticallyAfterDays": 2})
    assert eventually(lambda: current_password(sm).get("rotations") == 1, timeout=30)
    assert eventually(lambda: "LastRotatedDate" in sm.describe_secret(SecretId="prod/db"))
    stratus_server.advance_clock(DAY)
    assert not eventually(lambda: current_password(sm).get("rotations") == 2, timeout=0.5)
    stratus_server.advance_clock(2 * DAY)
    assert eventually(lambda: current_password(sm).get("rotations") == 2, timeout=30)
    assert len(rotation_events(stratus_server, "RotationStarted")) == 2


@in_process
def test_a_failed_step_leaves_awspending_and_reports_rotation_failed(
    sm, db_secret, rotation_function, aws_client, stratus_server
):
    arn = rotation_function(FAIL_STEP="setSecret")
    token = sm.rotate_secret(
        SecretId="prod/db", RotationLambdaARN=arn, RotationRules={"AutomaticallyAfterDays": 7}
    )["VersionId"]
    failed = eventually(lambda: rotation_events(stratus_server, "RotationFailed"), timeout=30)
    assert failed and "cannot reach the database" in failed[0].error_code
    assert [step for step, _ in steps_logged(aws_client)] == ["createSecret", "setSecret"]
    # createSecret stored the new value under AWSPENDING; AWSCURRENT did not move.
    assert stages(sm, "prod/db") == {db_secret["VersionId"]: ["AWSCURRENT"], token: ["AWSPENDING"]}
    assert current_password(sm)["password"] == "initial"
    assert "LastRotatedDate" not in sm.describe_secret(SecretId="prod/db")
    # A new rotation is refused while this one is unfinished.
    with pytest.raises(ClientError) as caught:
        sm.rotate_secret(SecretId="prod/db")
    assert error_of(caught) == (
        "InvalidRequestException",
        "A previous rotation isn't complete. That rotation will be reattempted.",
    )
    # Secrets Manager tries the whole rotation again later.
    stratus_server.advance_clock(600)
    assert eventually(lambda: len(rotation_events(stratus_server, "RotationFailed")) >= 2, timeout=30)
    assert [step for step, _ in steps_logged(aws_client)][:4] == ["createSecret", "setSecret"] * 2


@in_process
def test_rotate_not_immediately_only_tests_the_configuration(
    sm, db_secret, rotation_function, aws_client, stratus_server
):
    arn = rotation_function(code=TEST_ONLY_FUNCTION)
    token = sm.rotate_secret(
        SecretId="prod/db",
        RotationLambdaARN=arn,
        RotationRules={"ScheduleExpression": "rate(10 days)"},
        RotateImmediately=False,
    )["VersionId"]
    assert eventually(lambda: steps_logged(aws_client), timeout=30) == [("testSecret", token)]
    # The test version is removed again; the value did not change.
    assert eventually(
        lambda: stages(sm, "prod/db", IncludeDeprecated=True) == {db_secret["VersionId"]: ["AWSCURRENT"]}
    )
    described = sm.describe_secret(SecretId="prod/db")
    assert described["RotationEnabled"] is True
    assert described["RotationRules"] == {"ScheduleExpression": "rate(10 days)"}
    assert "LastRotatedDate" not in described
    assert described["NextRotationDate"] > datetime.now(UTC) + timedelta(days=9)


def test_cancel_rotate_secret_turns_rotation_off(sm, db_secret, rotation_function):
    arn = rotation_function()
    sm.rotate_secret(
        SecretId="prod/db",
        RotationLambdaARN=arn,
        RotationRules={"AutomaticallyAfterDays": 30},
        RotateImmediately=False,
    )
    answer = sm.cancel_rotate_secret(SecretId="prod/db")
    assert answer["ARN"] == db_secret["ARN"]
    described = sm.describe_secret(SecretId="prod/db")
    assert described["RotationEnabled"] is False
    # The configuration stays, as AWS shows it.
    assert described["RotationLambdaARN"] == arn
    assert described["RotationRules"] == {"AutomaticallyAfterDays": 30}
    assert "NextRotationDate" not in described


def test_a_function_secrets_manager_cannot_invoke_is_refused(sm, db_secret):
    missing = "arn:aws:lambda:us-east-1:000000000000:function:rotate_secret_invalid_lambda_arn"
    with pytest.raises(ClientError) as caught:
        sm.rotate_secret(
            SecretId="prod/db", RotationLambdaARN=missing, RotationRules={"AutomaticallyAfterDays": 1}
        )
    assert error_of(caught) == (
        "AccessDeniedException",
        "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants "
        "access to the principal secretsmanager.amazonaws.com.",
    )
    described = sm.describe_secret(SecretId="prod/db")
    assert "RotationEnabled" not in described and "RotationRules" not in described


def test_rotation_needs_a_function(sm, db_secret):
    with pytest.raises(ClientError) as caught:
        sm.rotate_secret(SecretId="prod/db")
    assert error_of(caught)[0] == "InvalidRequestException"
    with pytest.raises(ClientError) as caught:
        sm.cancel_rotate_secret(SecretId="prod/db")
    assert error_of(caught)[0] == "InvalidRequestException"


@pytest.mark.parametrize(
    "rules",
    [
        {"AutomaticallyAfterDays": 1, "ScheduleExpression": "rate(1 days)"},
        {"ScheduleExpression": "rate(2 hours)"},
        {"ScheduleExpression": "cron(0 8 * * ? *) extra"},
        {"ScheduleExpression": "cron(0 8 * * * *)"},
        {"ScheduleExpression": "rate(1 days)", "Duration": "25h"},
        {"ScheduleExpression": "rate(4 hours)", "Duration": "5h"},
    ],
)
def test_invalid_rotation_rules(sm, db_secret, rotation_function, rules):
    arn = rotation_function()
    with pytest.raises(ClientError) as caught:
        sm.rotate_secret(SecretId="prod/db", RotationLambdaARN=arn, RotationRules=rules)
    assert error_of(caught)[0] in ("InvalidParameterException", "ValidationException")  # wordings guessed


def test_cron_schedules_give_the_next_window(sm, db_secret, rotation_function):
    arn = rotation_function(code=TEST_ONLY_FUNCTION)
    sm.rotate_secret(
        SecretId="prod/db",
        RotationLambdaARN=arn,
        RotationRules={"ScheduleExpression": "cron(0 8 ? * MON *)", "Duration": "3h"},
        RotateImmediately=False,
    )
    described = sm.describe_secret(SecretId="prod/db")
    window_end = described["NextRotationDate"]
    assert window_end.weekday() == 0 and (window_end.hour, window_end.minute) == (11, 0)
    assert described["RotationRules"] == {"ScheduleExpression": "cron(0 8 ? * MON *)", "Duration": "3h"}


def test_rotation_token_must_belong_to_a_rotation(sm, db_secret):
    with pytest.raises(ClientError) as caught:
        sm.put_secret_value(SecretId="prod/db", SecretString="x", RotationToken=str(uuid.uuid4()))
    assert error_of(caught)[0] == "InvalidRequestException"  # wording guessed


@in_process
def test_with_iam_enforced_the_function_policy_must_allow_secrets_manager(
    sm, db_secret, rotation_function, aws_client, stratus_server, stratus_endpoint
):
    from stratus.testing import post_json

    arn = rotation_function()
    # The function's role may use Secrets Manager (as AWS's rotation templates need); no KMS
    # permission: the aws/secretsmanager key policy grants it through Secrets Manager, as in AWS.
    aws_client("iam").put_role_policy(
        RoleName="rotation-role",
        PolicyName="rotate",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["secretsmanager:*"],
                        "Resource": "*",
                    }
                ],
            }
        ),
    )
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    try:
        with pytest.raises(ClientError) as caught:
            sm.rotate_secret(
                SecretId="prod/db", RotationLambdaARN=arn, RotationRules={"AutomaticallyAfterDays": 1}
            )
        assert error_of(caught)[0] == "AccessDeniedException"
        aws_client("lambda").add_permission(
            FunctionName="rotator",
            StatementId="secretsmanager",
            Action="lambda:InvokeFunction",
            Principal="secretsmanager.amazonaws.com",
        )
        sm.rotate_secret(
            SecretId="prod/db", RotationLambdaARN=arn, RotationRules={"AutomaticallyAfterDays": 1}
        )
        assert eventually(lambda: current_password(sm).get("rotations") == 1, timeout=30)
    finally:
        post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "off"})
