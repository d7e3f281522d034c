"""PublishVersion, ListVersionsByFunction, qualified reads and deletes, and aliases (black-box)."""

import json
import sys

import pytest
from botocore.exceptions import ClientError

from .conftest import BOOTSTRAP_ZIP, error_of, make_zip

PYTHON_RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"
ARN = "arn:aws:lambda:us-east-1:000000000000:function:fn"


def other_zip(text: str = "two") -> bytes:
    return make_zip({"bootstrap": f"#!/bin/sh\necho {text}\n"}, {"bootstrap": 0o100755})


def test_publish_copies_latest_and_numbers_versions(create, lambda_client):
    created = create("fn", Description="first")
    v1 = lambda_client.publish_version(FunctionName="fn")
    assert v1["Version"] == "1"
    assert v1["FunctionArn"] == f"{ARN}:1"
    assert v1["CodeSha256"] == created["CodeSha256"]
    assert v1["Description"] == "first"
    assert v1["State"] == "Active"
    assert v1["RevisionId"] != created["RevisionId"]
    lambda_client.update_function_code(FunctionName="fn", ZipFile=other_zip())
    v2 = lambda_client.publish_version(FunctionName="fn", Description="second")
    assert (v2["Version"], v2["Description"]) == ("2", "second")
    assert v2["CodeSha256"] != v1["CodeSha256"]
    # A version keeps its own code and configuration.
    assert (
        lambda_client.get_function_configuration(FunctionName="fn", Qualifier="1")["CodeSha256"]
        == (created["CodeSha256"])
    )
    assert lambda_client.get_function(FunctionName=f"{ARN}:2")["Configuration"]["Version"] == "2"
    latest = lambda_client.get_function_configuration(FunctionName="fn")
    assert (latest["Version"], latest["FunctionArn"]) == ("$LATEST", ARN)


def test_publish_without_changes_returns_the_newest_version(create, lambda_client):
    create("fn")
    assert lambda_client.publish_version(FunctionName="fn")["Version"] == "1"
    assert lambda_client.publish_version(FunctionName="fn")["Version"] == "1"
    lambda_client.update_function_configuration(FunctionName="fn", Timeout=9)
    lambda_client.get_waiter("function_updated_v2").wait(FunctionName="fn")
    again = lambda_client.publish_version(FunctionName="fn")
    assert (again["Version"], again["Timeout"]) == ("2", 9)


def test_publish_checks_code_sha_and_revision(create, lambda_client):
    created = create("fn")
    with pytest.raises(ClientError) as info:
        lambda_client.publish_version(FunctionName="fn", CodeSha256="abc")
    code, message = error_of(info)
    assert code == "InvalidParameterValueException"
    assert message.startswith("CodeSHA256 (abc) is different from current CodeSHA256 in $LATEST")
    with pytest.raises(ClientError) as info:
        lambda_client.publish_version(FunctionName="fn", RevisionId="stale")
    assert error_of(info)[0] == "PreconditionFailedException"
    answer = lambda_client.publish_version(
        FunctionName="fn", CodeSha256=created["CodeSha256"], RevisionId=created["RevisionId"]
    )
    assert answer["Version"] == "1"


def test_version_numbers_are_not_reused(create, lambda_client):
    create("fn")
    lambda_client.publish_version(FunctionName="fn")
    lambda_client.delete_function(FunctionName="fn", Qualifier="1")
    lambda_client.update_function_code(FunctionName="fn", ZipFile=other_zip())
    assert lambda_client.publish_version(FunctionName="fn")["Version"] == "2"


def test_create_and_update_code_with_publish(create, lambda_client):
    created = create("fn", Publish=True)
    assert (created["Version"], created["FunctionArn"]) == ("1", f"{ARN}:1")
    updated = lambda_client.update_function_code(FunctionName="fn", ZipFile=other_zip(), Publish=True)
    assert updated["Version"] == "2"
    versions = lambda_client.list_versions_by_function(FunctionName="fn")["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "1", "2"]
    assert versions[0]["FunctionArn"] == f"{ARN}:$LATEST"


def test_list_versions_pages(create, lambda_client):
    create("fn")
    for text in ("a", "b", "c"):
        lambda_client.update_function_code(FunctionName="fn", ZipFile=other_zip(text))
        lambda_client.publish_version(FunctionName="fn")
    seen, kwargs = [], {"MaxItems": 2}
    while True:
        page = lambda_client.list_versions_by_function(FunctionName="fn", **kwargs)
        seen += [v["Version"] for v in page["Versions"]]
        if "NextMarker" not in page:
            break
        kwargs["Marker"] = page["NextMarker"]
    assert seen == ["$LATEST", "1", "2", "3"]


def test_unknown_version_and_qualifier_mismatch(create, lambda_client):
    create("fn")
    with pytest.raises(ClientError) as info:
        lambda_client.get_function_configuration(FunctionName="fn", Qualifier="7")
    assert error_of(info) == ("ResourceNotFoundException", f"Function not found: {ARN}:7")
    lambda_client.publish_version(FunctionName="fn")
    with pytest.raises(ClientError) as info:
        lambda_client.get_function(FunctionName="fn:1", Qualifier="2")
    assert error_of(info) == (
        "InvalidParameterValueException",
        "The derived qualifier from the function name does not match the specified qualifier.",
    )


def test_delete_version_keeps_the_function(create, lambda_client):
    create("fn", Publish=True)
    lambda_client.delete_function(FunctionName="fn", Qualifier="1")
    with pytest.raises(ClientError):
        lambda_client.get_function(FunctionName="fn", Qualifier="1")
    assert lambda_client.get_function(FunctionName="fn")["Configuration"]["Version"] == "$LATEST"
    # The code of $LATEST survived the version's deletion.
    lambda_client.publish_version(FunctionName="fn")
    with pytest.raises(ClientError) as info:
        lambda_client.delete_function(FunctionName="fn", Qualifier="$LATEST")
    assert error_of(info)[0] == "InvalidParameterValueException"


def test_deleting_the_function_deletes_versions_and_aliases(create, lambda_client):
    create("fn", Publish=True)
    lambda_client.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    lambda_client.delete_function(FunctionName="fn")
    create("fn")
    assert [v["Version"] for v in lambda_client.list_versions_by_function(FunctionName="fn")["Versions"]] == [
        "$LATEST"
    ]
    assert lambda_client.list_aliases(FunctionName="fn")["Aliases"] == []


def test_changing_a_version_is_refused(create, lambda_client):
    create("fn", Publish=True)
    with pytest.raises(ClientError) as info:
        lambda_client.update_function_configuration(FunctionName=f"{ARN}:1", Timeout=5)
    assert error_of(info)[0] == "InvalidParameterValueException"  # guessed wording


# ---------------------------------------------------------------------- aliases


def test_alias_lifecycle(create, lambda_client):
    create("fn", Publish=True)
    alias = lambda_client.create_alias(
        FunctionName="fn", Name="live", FunctionVersion="1", Description="prod"
    )
    assert alias["AliasArn"] == f"{ARN}:live"
    assert (alias["Name"], alias["FunctionVersion"], alias["Description"]) == ("live", "1", "prod")
    assert "RoutingConfig" not in alias
    assert alias["ResponseMetadata"]["HTTPStatusCode"] == 201
    fetched = lambda_client.get_alias(FunctionName="fn", Name="live")
    assert {k: v for k, v in fetched.items() if k != "ResponseMetadata"} == {
        k: v for k, v in alias.items() if k != "ResponseMetadata"
    }
    # Reads through the alias show its version.
    assert lambda_client.get_function_configuration(FunctionName="fn", Qualifier="live")["Version"] == "1"
    lambda_client.update_function_code(FunctionName="fn", ZipFile=other_zip(), Publish=True)
    updated = lambda_client.update_alias(FunctionName="fn", Name="live", FunctionVersion="2")
    assert updated["FunctionVersion"] == "2"
    assert updated["Description"] == "prod"
    assert updated["RevisionId"] != alias["RevisionId"]
    with pytest.raises(ClientError) as info:
        lambda_client.update_alias(FunctionName="fn", Name="live", RevisionId=alias["RevisionId"])
    assert error_of(info)[0] == "PreconditionFailedException"
    lambda_client.delete_alias(FunctionName="fn", Name="live")
    with pytest.raises(ClientError) as info:
        lambda_client.get_alias(FunctionName="fn", Name="live")
    assert error_of(info) == ("ResourceNotFoundException", f"Cannot find alias arn: {ARN}:live")


def test_alias_errors(create, lambda_client):
    create("fn", Publish=True)
    lambda_client.create_alias(FunctionName="fn", Name="live", FunctionVersion="$LATEST")
    with pytest.raises(ClientError) as info:
        lambda_client.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    assert error_of(info) == ("ResourceConflictException", f"Alias already exists: {ARN}:live")
    with pytest.raises(ClientError) as info:
        lambda_client.create_alias(FunctionName="fn", Name="beta", FunctionVersion="5")
    assert error_of(info) == ("ResourceNotFoundException", f"Function not found: {ARN}:5")
    with pytest.raises(ClientError) as info:
        lambda_client.create_alias(FunctionName="nope", Name="beta", FunctionVersion="1")
    assert error_of(info)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as info:
        lambda_client.create_alias(
            FunctionName="fn",
            Name="beta",
            FunctionVersion="$LATEST",
            RoutingConfig={"AdditionalVersionWeights": {"1": 0.5}},
        )
    assert error_of(info) == (
        "InvalidParameterValueException",
        "$LATEST is not supported for an alias pointing to more than 1 version",
    )


def test_deleting_a_version_an_alias_uses_is_refused(create, lambda_client):
    create("fn", Publish=True)
    lambda_client.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    with pytest.raises(ClientError) as info:
        lambda_client.delete_function(FunctionName="fn", Qualifier="1")
    assert error_of(info)[0] == "ResourceConflictException"  # guessed wording


def test_list_aliases_filters_and_pages(create, lambda_client):
    create("fn", Publish=True)
    for name in ("a", "b", "c"):
        lambda_client.create_alias(FunctionName="fn", Name=name, FunctionVersion="1")
    lambda_client.create_alias(FunctionName="fn", Name="d", FunctionVersion="$LATEST")
    first = lambda_client.list_aliases(FunctionName="fn", MaxItems=2)
    assert [a["Name"] for a in first["Aliases"]] == ["a", "b"]
    rest = lambda_client.list_aliases(FunctionName="fn", Marker=first["NextMarker"])
    assert [a["Name"] for a in rest["Aliases"]] == ["c", "d"]
    latest_only = lambda_client.list_aliases(FunctionName="fn", FunctionVersion="$LATEST")
    assert [a["Name"] for a in latest_only["Aliases"]] == ["d"]


def test_weighted_alias_configuration(create, lambda_client):
    create("fn", Publish=True)
    lambda_client.update_function_code(FunctionName="fn", ZipFile=BOOTSTRAP_ZIP + b"", Publish=False)
    lambda_client.update_function_code(FunctionName="fn", ZipFile=other_zip(), Publish=True)
    alias = lambda_client.create_alias(
        FunctionName="fn",
        Name="canary",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}},
    )
    assert alias["RoutingConfig"] == {"AdditionalVersionWeights": {"2": 0.1}}
    cleared = lambda_client.update_alias(FunctionName="fn", Name="canary", RoutingConfig={})
    assert "RoutingConfig" not in cleared


# ---------------------------------------------------------------------- invoking versions and aliases

HANDLER = """
import os

def handler(event, context):
    return {"version": VERSION, "env": os.environ["AWS_LAMBDA_FUNCTION_VERSION"],
            "arn": context.invoked_function_arn}

VERSION = 1
"""


def python_code(version: int) -> bytes:
    return make_zip({"app.py": HANDLER.replace("VERSION = 1", f"VERSION = {version}")})


@pytest.fixture
def python_function(lambda_client, role_arn, stratus_server):
    lambda_client.create_function(
        FunctionName="fn",
        Runtime=PYTHON_RUNTIME,
        Role=role_arn,
        Handler="app.handler",
        Code={"ZipFile": python_code(1)},
        Publish=True,
    )
    lambda_client.update_function_code(FunctionName="fn", ZipFile=python_code(2), Publish=True)
    lambda_client.update_function_code(FunctionName="fn", ZipFile=python_code(3))
    yield "fn"
    stratus_server.reset()  # no runtime process outlives its test


def invoke(lambda_client, name, **kwargs):
    answer = lambda_client.invoke(FunctionName=name, **kwargs)
    return answer, json.loads(answer["Payload"].read())


def test_invoke_runs_the_versions_own_code(python_function, lambda_client):
    answer, body = invoke(lambda_client, "fn", Qualifier="1")
    assert answer["ExecutedVersion"] == "1"
    assert body == {"version": 1, "env": "1", "arn": f"{ARN}:1"}
    answer, body = invoke(lambda_client, f"{ARN}:2")
    assert (answer["ExecutedVersion"], body["version"], body["env"]) == ("2", 2, "2")
    answer, body = invoke(lambda_client, "fn")
    assert (answer["ExecutedVersion"], body["version"], body["arn"]) == ("$LATEST", 3, ARN)


def test_invoke_through_an_alias(python_function, lambda_client):
    lambda_client.create_alias(FunctionName="fn", Name="live", FunctionVersion="2")
    answer, body = invoke(lambda_client, "fn:live")
    assert answer["ExecutedVersion"] == "2"
    assert body == {"version": 2, "env": "2", "arn": f"{ARN}:live"}
    lambda_client.update_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    assert invoke(lambda_client, "fn", Qualifier="live")[1]["version"] == 1


def test_weighted_alias_splits_invocations(python_function, lambda_client):
    lambda_client.create_alias(
        FunctionName="fn",
        Name="canary",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.3}},
    )
    executed = [invoke(lambda_client, "fn:canary")[0]["ExecutedVersion"] for _ in range(200)]
    assert set(executed) == {"1", "2"}
    # 200 draws at 0.3: 60 expected, standard deviation 6.5; outside 30..90 has odds below 1e-5.
    assert 30 <= executed.count("2") <= 90
    lambda_client.update_alias(
        FunctionName="fn", Name="canary", RoutingConfig={"AdditionalVersionWeights": {"2": 0.0}}
    )
    assert {invoke(lambda_client, "fn:canary")[0]["ExecutedVersion"] for _ in range(10)} == {"1"}


def test_invoke_unknown_qualifier(python_function, lambda_client):
    with pytest.raises(ClientError) as info:
        lambda_client.invoke(FunctionName="fn", Qualifier="nope")
    assert error_of(info) == ("ResourceNotFoundException", f"Function not found: {ARN}:nope")
