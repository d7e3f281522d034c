"""Runtime management and recursion configurations (black-box)."""

import pytest
from botocore.exceptions import ClientError

from .conftest import error_of

ARN = "arn:aws:lambda:us-east-1:000000000000:function:fn"


def test_runtime_management_defaults_to_auto(create, lambda_client):
    create("fn")
    answer = lambda_client.get_runtime_management_config(FunctionName="fn")
    # Guessed detail: the FunctionArn names the version ($LATEST here).
    assert (answer["UpdateRuntimeOn"], answer["FunctionArn"]) == ("Auto", f"{ARN}:$LATEST")
    assert "RuntimeVersionArn" not in answer


def test_manual_pins_a_runtime_version(create, lambda_client):
    create("fn")
    runtime_arn = lambda_client.get_function_configuration(FunctionName="fn")["RuntimeVersionConfig"][
        "RuntimeVersionArn"
    ]
    answer = lambda_client.put_runtime_management_config(
        FunctionName="fn", UpdateRuntimeOn="Manual", RuntimeVersionArn=runtime_arn
    )
    assert (answer["UpdateRuntimeOn"], answer["RuntimeVersionArn"]) == ("Manual", runtime_arn)
    got = lambda_client.get_runtime_management_config(FunctionName=ARN, Qualifier="$LATEST")
    assert (got["UpdateRuntimeOn"], got["RuntimeVersionArn"]) == ("Manual", runtime_arn)
    lambda_client.put_runtime_management_config(FunctionName="fn", UpdateRuntimeOn="FunctionUpdate")
    got = lambda_client.get_runtime_management_config(FunctionName="fn")
    assert got["UpdateRuntimeOn"] == "FunctionUpdate"
    assert "RuntimeVersionArn" not in got


def test_manual_needs_a_runtime_version_arn(create, lambda_client):
    create("fn")
    # Guessed wordings: AWS documents these rules, not their messages.
    with pytest.raises(ClientError) as info:
        lambda_client.put_runtime_management_config(FunctionName="fn", UpdateRuntimeOn="Manual")
    assert error_of(info)[0] == "InvalidParameterValueException"
    with pytest.raises(ClientError) as info:
        lambda_client.put_runtime_management_config(
            FunctionName="fn",
            UpdateRuntimeOn="Auto",
            RuntimeVersionArn="arn:aws:lambda:us-east-1::runtime:abc",
        )
    assert error_of(info)[0] == "InvalidParameterValueException"
    with pytest.raises(ClientError) as info:
        lambda_client.put_runtime_management_config(
            FunctionName="fn",
            UpdateRuntimeOn="Manual",
            RuntimeVersionArn="arn:aws:lambda:us-east-1:000000000000:runtime-ish",
        )
    assert error_of(info)[0] == "ValidationException"
    assert lambda_client.get_runtime_management_config(FunctionName="fn")["UpdateRuntimeOn"] == "Auto"


def test_runtime_management_is_per_version_and_refuses_aliases(create, lambda_client):
    create("fn", Publish=True)
    lambda_client.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    lambda_client.put_runtime_management_config(
        FunctionName="fn", Qualifier="1", UpdateRuntimeOn="FunctionUpdate"
    )
    version = lambda_client.get_runtime_management_config(FunctionName="fn:1")
    assert (version["UpdateRuntimeOn"], version["FunctionArn"]) == ("FunctionUpdate", f"{ARN}:1")
    assert lambda_client.get_runtime_management_config(FunctionName="fn")["UpdateRuntimeOn"] == "Auto"
    with pytest.raises(ClientError) as info:
        lambda_client.put_runtime_management_config(
            FunctionName="fn", Qualifier="live", UpdateRuntimeOn="Auto"
        )
    assert error_of(info) == (
        "InvalidParameterValueException",
        f"The provided function name {ARN}:live is invalid. Aliases are not allowed.",
    )
    with pytest.raises(ClientError) as info:
        lambda_client.get_runtime_management_config(FunctionName="fn", Qualifier="9")
    assert error_of(info) == ("ResourceNotFoundException", f"Function not found: {ARN}:9")
    # A deleted version's setting goes with it.
    lambda_client.delete_alias(FunctionName="fn", Name="live")
    lambda_client.delete_function(FunctionName="fn", Qualifier="1")
    with pytest.raises(ClientError) as info:
        lambda_client.get_runtime_management_config(FunctionName="fn", Qualifier="1")
    assert error_of(info)[0] == "ResourceNotFoundException"


def test_recursion_config(create, lambda_client):
    create("fn")
    assert lambda_client.get_function_recursion_config(FunctionName="fn")["RecursiveLoop"] == "Terminate"
    answer = lambda_client.put_function_recursion_config(FunctionName="fn", RecursiveLoop="Allow")
    assert answer["RecursiveLoop"] == "Allow"
    assert lambda_client.get_function_recursion_config(FunctionName=ARN)["RecursiveLoop"] == "Allow"
    lambda_client.put_function_recursion_config(FunctionName="fn", RecursiveLoop="Terminate")
    assert lambda_client.get_function_recursion_config(FunctionName="fn")["RecursiveLoop"] == "Terminate"


def test_settings_need_the_function(lambda_client):
    for call in (
        lambda: lambda_client.get_function_recursion_config(FunctionName="nope"),
        lambda: lambda_client.put_function_recursion_config(FunctionName="nope", RecursiveLoop="Allow"),
        lambda: lambda_client.get_runtime_management_config(FunctionName="nope"),
        lambda: lambda_client.put_runtime_management_config(FunctionName="nope", UpdateRuntimeOn="Auto"),
    ):
        with pytest.raises(ClientError) as info:
            call()
        assert error_of(info) == ("ResourceNotFoundException", f"Function not found: {ARN[:-2]}nope")
