"""Provisioned concurrency configurations on versions and aliases (black-box), and the count the
invoke path reads."""

import base64
import json
import os
import re
import sys
import time

import pytest
from botocore.exceptions import ClientError

from stratus.services.lambda_.provisioned import provisioned_for

from .conftest import error_of, make_zip

ARN = "arn:aws:lambda:us-east-1:000000000000:function:fn"
PYTHON_RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"
LAMBDA_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000")


@pytest.fixture
def published(create, lambda_client, stratus_server):
    """fn (a Python function whose init succeeds) with versions 1 and 2 and alias live -> 1."""
    create(
        "fn",
        Publish=True,
        Runtime=PYTHON_RUNTIME,
        Handler="app.handler",
        Code={"ZipFile": make_zip({"app.py": "def handler(event, context):\n    return event\n"})},
    )
    lambda_client.update_function_configuration(FunctionName="fn", Timeout=9)
    lambda_client.get_waiter("function_updated_v2").wait(FunctionName="fn")
    assert lambda_client.publish_version(FunctionName="fn")["Version"] == "2"
    lambda_client.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    yield
    stratus_server.reset()  # no provisioned environment outlives its test


def settled(lambda_client, qualifier: str, timeout: float = 10.0, name: str = "fn") -> dict:
    """The configuration once its environments have started (no longer IN_PROGRESS)."""
    deadline = time.monotonic() + timeout
    while True:
        got = lambda_client.get_provisioned_concurrency_config(FunctionName=name, Qualifier=qualifier)
        if got["Status"] != "IN_PROGRESS" or time.monotonic() > deadline:
            return got
        time.sleep(0.05)


def test_put_answers_in_progress_then_ready(published, lambda_client):
    put = lambda_client.put_provisioned_concurrency_config(
        FunctionName="fn", Qualifier="live", ProvisionedConcurrentExecutions=3
    )
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert put["RequestedProvisionedConcurrentExecutions"] == 3
    assert (put["AllocatedProvisionedConcurrentExecutions"], put["Status"]) == (0, "IN_PROGRESS")
    assert LAMBDA_DATE.fullmatch(put["LastModified"])
    got = settled(lambda_client, "live")
    assert got["Status"] == "READY"
    assert got["RequestedProvisionedConcurrentExecutions"] == 3
    assert got["AllocatedProvisionedConcurrentExecutions"] == 3
    assert got["AvailableProvisionedConcurrentExecutions"] == 3
    # Changing it replaces the count.
    lambda_client.put_provisioned_concurrency_config(
        FunctionName=f"{ARN}:live", Qualifier="live", ProvisionedConcurrentExecutions=5
    )
    got = lambda_client.get_provisioned_concurrency_config(FunctionName="fn:live", Qualifier="live")
    assert got["RequestedProvisionedConcurrentExecutions"] == 5


def test_list_and_delete(published, lambda_client):
    for qualifier, count in (("2", 1), ("live", 2)):
        lambda_client.put_provisioned_concurrency_config(
            FunctionName="fn", Qualifier=qualifier, ProvisionedConcurrentExecutions=count
        )
    settled(lambda_client, "2")
    settled(lambda_client, "live")
    listed = lambda_client.list_provisioned_concurrency_configs(FunctionName="fn")[
        "ProvisionedConcurrencyConfigs"
    ]
    assert [
        (c["FunctionArn"], c["RequestedProvisionedConcurrentExecutions"], c["Status"]) for c in listed
    ] == [
        (f"{ARN}:2", 1, "READY"),
        (f"{ARN}:live", 2, "READY"),
    ]
    page = lambda_client.list_provisioned_concurrency_configs(FunctionName="fn", MaxItems=1)
    assert [c["FunctionArn"] for c in page["ProvisionedConcurrencyConfigs"]] == [f"{ARN}:2"]
    rest = lambda_client.list_provisioned_concurrency_configs(FunctionName="fn", Marker=page["NextMarker"])
    assert [c["FunctionArn"] for c in rest["ProvisionedConcurrencyConfigs"]] == [f"{ARN}:live"]
    assert "NextMarker" not in rest

    lambda_client.delete_provisioned_concurrency_config(FunctionName="fn", Qualifier="2")
    lambda_client.delete_provisioned_concurrency_config(FunctionName="fn", Qualifier="2")  # idempotent
    with pytest.raises(ClientError) as info:
        lambda_client.get_provisioned_concurrency_config(FunctionName="fn", Qualifier="2")
    assert error_of(info) == (
        "ProvisionedConcurrencyConfigNotFoundException",
        "No Provisioned Concurrency Config found for this function",
    )
    # Deleting the alias removes its configuration.
    lambda_client.delete_alias(FunctionName="fn", Name="live")
    assert (
        lambda_client.list_provisioned_concurrency_configs(FunctionName="fn")["ProvisionedConcurrencyConfigs"]
        == []
    )


def test_latest_cannot_be_provisioned(published, lambda_client):
    for call in (
        lambda: lambda_client.put_provisioned_concurrency_config(
            FunctionName="fn", Qualifier="$LATEST", ProvisionedConcurrentExecutions=1
        ),
        lambda: lambda_client.put_provisioned_concurrency_config(
            FunctionName="fn:$LATEST", Qualifier="$LATEST", ProvisionedConcurrentExecutions=1
        ),
    ):
        with pytest.raises(ClientError) as info:
            call()
        assert error_of(info) == (
            "InvalidParameterValueException",
            "Provisioned Concurrency Configs cannot be applied to unpublished function versions.",
        )
    lambda_client.create_alias(FunctionName="fn", Name="head", FunctionVersion="$LATEST")
    with pytest.raises(ClientError) as info:
        lambda_client.put_provisioned_concurrency_config(
            FunctionName="fn", Qualifier="head", ProvisionedConcurrentExecutions=1
        )
    assert error_of(info)[0] == "InvalidParameterValueException"
    for call in (
        lambda: lambda_client.get_provisioned_concurrency_config(FunctionName="fn", Qualifier="$LATEST"),
        lambda: lambda_client.delete_provisioned_concurrency_config(FunctionName="fn", Qualifier="$LATEST"),
    ):
        with pytest.raises(ClientError) as info:
            call()
        assert error_of(info) == (
            "InvalidParameterValueException",
            "The function resource provided must be an alias or a published version.",
        )


def test_unknown_versions_and_aliases(published, lambda_client):
    with pytest.raises(ClientError) as info:
        lambda_client.put_provisioned_concurrency_config(
            FunctionName="fn", Qualifier="9", ProvisionedConcurrentExecutions=1
        )
    assert error_of(info) == ("ResourceNotFoundException", f"Function not found: {ARN}:9")
    with pytest.raises(ClientError) as info:
        lambda_client.get_provisioned_concurrency_config(FunctionName="fn", Qualifier="staging")
    assert error_of(info) == ("ResourceNotFoundException", f"Cannot find alias arn: {ARN}:staging")
    with pytest.raises(ClientError) as info:
        lambda_client.list_provisioned_concurrency_configs(FunctionName="nope")
    assert error_of(info)[0] == "ResourceNotFoundException"


def test_a_version_is_provisioned_directly_or_through_one_alias(published, lambda_client):
    lambda_client.put_provisioned_concurrency_config(
        FunctionName="fn", Qualifier="live", ProvisionedConcurrentExecutions=1
    )
    with pytest.raises(ClientError) as info:
        lambda_client.put_provisioned_concurrency_config(
            FunctionName="fn", Qualifier="1", ProvisionedConcurrentExecutions=1
        )
    assert error_of(info) == (
        "ResourceConflictException",
        "Version is pointed by a Provisioned Concurrency alias",
    )
    lambda_client.put_provisioned_concurrency_config(
        FunctionName="fn", Qualifier="2", ProvisionedConcurrentExecutions=1
    )
    lambda_client.create_alias(FunctionName="fn", Name="next", FunctionVersion="2")
    with pytest.raises(ClientError) as info:
        lambda_client.put_provisioned_concurrency_config(
            FunctionName="fn", Qualifier="next", ProvisionedConcurrentExecutions=1
        )
    assert error_of(info) == (
        "ResourceConflictException",
        "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version",
    )


def test_reserved_concurrency_bounds_the_function(published, lambda_client):
    lambda_client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=5)
    lambda_client.put_provisioned_concurrency_config(
        FunctionName="fn", Qualifier="live", ProvisionedConcurrentExecutions=3
    )
    with pytest.raises(ClientError) as info:
        lambda_client.put_provisioned_concurrency_config(
            FunctionName="fn", Qualifier="2", ProvisionedConcurrentExecutions=3
        )
    assert error_of(info) == (
        "InvalidParameterValueException",
        "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function",
    )
    lambda_client.put_provisioned_concurrency_config(
        FunctionName="fn", Qualifier="2", ProvisionedConcurrentExecutions=2
    )
    # Its own current value does not count against a change.
    lambda_client.put_provisioned_concurrency_config(
        FunctionName="fn", Qualifier="live", ProvisionedConcurrentExecutions=3
    )


def test_the_account_keeps_its_minimum_unreserved_concurrency(published, create, lambda_client):
    with pytest.raises(ClientError) as info:
        lambda_client.put_provisioned_concurrency_config(
            FunctionName="fn", Qualifier="live", ProvisionedConcurrentExecutions=1001
        )
    assert error_of(info) == (
        "InvalidParameterValueException",
        "Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [1000].",
    )
    lambda_client.put_provisioned_concurrency_config(
        FunctionName="fn", Qualifier="live", ProvisionedConcurrentExecutions=800
    )
    create("other", Publish=True)
    message = (
        "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below "
        "its minimum value of [100]."
    )
    with pytest.raises(ClientError) as info:
        lambda_client.put_provisioned_concurrency_config(
            FunctionName="other", Qualifier="1", ProvisionedConcurrentExecutions=101
        )
    assert error_of(info) == ("InvalidParameterValueException", message)
    lambda_client.put_provisioned_concurrency_config(
        FunctionName="other", Qualifier="1", ProvisionedConcurrentExecutions=100
    )
    # A change of one configuration counts its own old value as free again.
    lambda_client.put_provisioned_concurrency_config(
        FunctionName="fn", Qualifier="live", ProvisionedConcurrentExecutions=800
    )


@pytest.mark.skipif(bool(os.environ.get("STRATUS_ENDPOINT")), reason="reads the store inside the server")
def test_provisioned_for_is_what_the_invoke_path_reads(published, lambda_client, stratus_server):
    lambda_client.put_provisioned_concurrency_config(
        FunctionName="fn", Qualifier="live", ProvisionedConcurrentExecutions=4
    )
    provider = stratus_server.runtime.providers.get("lambda")

    async def counts():
        db = provider.db()
        row = db.query_one("SELECT function_id FROM lambda_functions WHERE name = 'fn'")
        return [provisioned_for(db, row["function_id"], qualifier) for qualifier in ("live", "1", "2")]

    assert stratus_server.call_on_loop(counts()) == [4, 0, 0]


# ---------------------------------------------------------------------- environments started ahead

INIT_HANDLER = """
import os, time

STARTED = time.time()

def handler(event, context):
    return {"type": os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"], "pid": os.getpid(), "started": STARTED}
"""


def test_provisioned_environments_are_initialised_before_the_first_invoke(
    lambda_client, role_arn, stratus_server
):
    try:
        lambda_client.create_function(
            FunctionName="warm",
            Runtime=f"python{sys.version_info.major}.{sys.version_info.minor}",
            Role=role_arn,
            Handler="app.handler",
            Code={"ZipFile": make_zip({"app.py": INIT_HANDLER})},
            Publish=True,
        )
        lambda_client.put_provisioned_concurrency_config(
            FunctionName="warm", Qualifier="1", ProvisionedConcurrentExecutions=1
        )
        assert settled(lambda_client, "1", name="warm")["Status"] == "READY"  # started in the background
        before = time.time()
        answer = lambda_client.invoke(FunctionName="warm", Qualifier="1", LogType="Tail")
        body = json.loads(answer["Payload"].read())
        assert body["type"] == "provisioned-concurrency"
        assert body["started"] < before  # init ran before the invocation arrived
        report = [
            line
            for line in base64.b64decode(answer["LogResult"]).decode().splitlines()
            if line.startswith("REPORT")
        ]
        assert report and "Init Duration" not in report[0]
        # $LATEST is not provisioned: its environments start on demand.
        latest = json.loads(lambda_client.invoke(FunctionName="warm")["Payload"].read())
        assert latest["type"] == "on-demand"
    finally:
        stratus_server.reset()  # no runtime process outlives its test


def test_provisioned_concurrency_counts_against_the_account_and_reservations(create, lambda_client):
    create("fn", Publish=True)
    before = lambda_client.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"]
    lambda_client.put_provisioned_concurrency_config(
        FunctionName="fn", Qualifier="1", ProvisionedConcurrentExecutions=3
    )
    after = lambda_client.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"]
    assert before - after == 3
    with pytest.raises(ClientError) as info:
        lambda_client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=2)
    assert error_of(info)[0] == "InvalidParameterValueException"  # guessed wording
    lambda_client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=3)


def test_a_function_whose_init_fails_is_reported_failed(create, lambda_client, stratus_server):
    # The default test function's bootstrap exits at once: its environments never become ready.
    create("fn", Publish=True)
    try:
        lambda_client.put_provisioned_concurrency_config(
            FunctionName="fn", Qualifier="1", ProvisionedConcurrentExecutions=2
        )
        got = settled(lambda_client, "1")
        assert got["Status"] == "FAILED"
        assert got["AllocatedProvisionedConcurrentExecutions"] == 0
        assert got["StatusReason"].startswith("FUNCTION_ERROR_INIT_FAILURE")  # guessed wording
    finally:
        stratus_server.reset()


def test_deleting_a_provisioned_alias_releases_its_environments(published, lambda_client):
    lambda_client.put_provisioned_concurrency_config(
        FunctionName="fn", Qualifier="live", ProvisionedConcurrentExecutions=1
    )
    assert settled(lambda_client, "live")["Status"] == "READY"
    lambda_client.update_alias(FunctionName="fn", Name="live", FunctionVersion="2")
    assert settled(lambda_client, "live")["Status"] == "READY"  # re-provisioned on version 2
    lambda_client.delete_alias(FunctionName="fn", Name="live")
    with pytest.raises(ClientError) as info:
        lambda_client.get_provisioned_concurrency_config(FunctionName="fn", Qualifier="live")
    assert error_of(info)[0] == "ResourceNotFoundException"
