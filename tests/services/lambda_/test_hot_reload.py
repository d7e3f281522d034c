"""Hot reload: S3Bucket "hot-reload" + S3Key "/local/dir" runs the function from that directory, and
an edit there takes effect on the next invocation (black-box)."""

import json
import os
import sys
import time

import pytest
from botocore.exceptions import ClientError

from .conftest import error_of

PYTHON_RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"


@pytest.fixture
def hot_function(lambda_client, role_arn, stratus_server, tmp_path):
    (tmp_path / "app.py").write_text("def handler(event, context):\n    return 'first'\n")

    def make(**kwargs):
        return lambda_client.create_function(
            FunctionName="hot",
            Runtime=PYTHON_RUNTIME,
            Role=role_arn,
            Handler="app.handler",
            Code={"S3Bucket": "hot-reload", "S3Key": str(tmp_path)},
            **kwargs,
        )

    yield make, tmp_path
    stratus_server.reset()  # no runtime process outlives its test


def invoke(lambda_client):
    return json.loads(lambda_client.invoke(FunctionName="hot")["Payload"].read())


def test_edits_take_effect_on_the_next_invocation(hot_function, lambda_client):
    make, directory = hot_function
    created = make()
    assert created["CodeSize"] == 0
    assert invoke(lambda_client) == "first"
    assert invoke(lambda_client) == "first"  # warm
    source = directory / "app.py"
    source.write_text("def handler(event, context):\n    return 'second'\n")
    os.utime(source, ns=(time.time_ns(), time.time_ns() + 1_000_000_000))  # a new mtime even on coarse clocks
    time.sleep(0.35)  # the fingerprint is reused for 0.3 s
    assert invoke(lambda_client) == "second"
    (directory / "helper.py").write_text("WORD = 'third'\n")
    source.write_text("import helper\n\ndef handler(event, context):\n    return helper.WORD\n")
    time.sleep(0.35)
    assert invoke(lambda_client) == "third"


def test_get_function_names_the_directory(hot_function, lambda_client):
    make, directory = hot_function
    make()
    code = lambda_client.get_function(FunctionName="hot")["Code"]
    assert code["Location"] == f"file://{directory}"


def test_update_function_code_can_switch_to_hot_reload(create, lambda_client, tmp_path, stratus_server):
    create("fn")
    (tmp_path / "bootstrap").write_text("#!/bin/sh\n")
    updated = lambda_client.update_function_code(
        FunctionName="fn", S3Bucket="hot-reload", S3Key=str(tmp_path)
    )
    assert updated["CodeSize"] == 0
    assert lambda_client.get_function(FunctionName="fn")["Code"]["Location"] == f"file://{tmp_path}"


@pytest.mark.parametrize("key", ["relative/dir", "/no/such/dir/for/stratus"])
def test_the_directory_must_exist_and_be_absolute(hot_function, lambda_client, role_arn, key):
    with pytest.raises(ClientError) as info:
        lambda_client.create_function(
            FunctionName="hot",
            Runtime=PYTHON_RUNTIME,
            Role=role_arn,
            Handler="app.handler",
            Code={"S3Bucket": "hot-reload", "S3Key": key},
        )
    assert error_of(info)[0] == "InvalidParameterValueException"  # Stratus's own wording
