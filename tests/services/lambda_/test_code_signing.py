"""Code signing configurations and their use by functions (black-box), and the deployment check
functions.py calls (Stratus cannot verify signatures: Enforce refuses, Warn lets the code in)."""

import os
import re

import pytest
from botocore.exceptions import ClientError

from stratus.services.lambda_ import code_signing

from .conftest import BOOTSTRAP_ZIP, error_of

PROFILE = "arn:aws:signer:us-east-1:000000000000:/signing-profiles/MyProfile/abcdef1234"
OTHER_PROFILE = "arn:aws:signer:us-east-1:000000000000:/signing-profiles/Other/0123456789"
CSC_ARN = re.compile(r"arn:aws:lambda:us-east-1:000000000000:code-signing-config:csc-[0-9a-f]{17}")
MISSING = "arn:aws:lambda:us-east-1:000000000000:code-signing-config:csc-0123456789abcdef0"


def new_config(lambda_client, **kwargs) -> dict:
    params = {"AllowedPublishers": {"SigningProfileVersionArns": [PROFILE]}}
    params.update(kwargs)
    return lambda_client.create_code_signing_config(**params)["CodeSigningConfig"]


def test_create_get_update_list_delete(lambda_client):
    created = new_config(lambda_client, Description="signed only", Tags={"team": "a"})
    assert CSC_ARN.fullmatch(created["CodeSigningConfigArn"])
    assert created["CodeSigningConfigArn"].endswith(created["CodeSigningConfigId"])
    assert created["Description"] == "signed only"
    assert created["AllowedPublishers"] == {"SigningProfileVersionArns": [PROFILE]}
    assert created["CodeSigningPolicies"] == {"UntrustedArtifactOnDeployment": "Warn"}  # AWS's default
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000", created["LastModified"])
    arn = created["CodeSigningConfigArn"]
    assert lambda_client.get_code_signing_config(CodeSigningConfigArn=arn)["CodeSigningConfig"] == created

    updated = lambda_client.update_code_signing_config(
        CodeSigningConfigArn=arn,
        AllowedPublishers={"SigningProfileVersionArns": [PROFILE, OTHER_PROFILE]},
        CodeSigningPolicies={"UntrustedArtifactOnDeployment": "Enforce"},
    )["CodeSigningConfig"]
    assert updated["Description"] == "signed only"  # what the update does not name is kept
    assert updated["AllowedPublishers"]["SigningProfileVersionArns"] == [PROFILE, OTHER_PROFILE]
    assert updated["CodeSigningPolicies"] == {"UntrustedArtifactOnDeployment": "Enforce"}

    second = new_config(lambda_client)
    listed = lambda_client.list_code_signing_configs()["CodeSigningConfigs"]
    assert sorted(c["CodeSigningConfigArn"] for c in listed) == sorted([arn, second["CodeSigningConfigArn"]])
    first_page = lambda_client.list_code_signing_configs(MaxItems=1)
    assert len(first_page["CodeSigningConfigs"]) == 1
    rest = lambda_client.list_code_signing_configs(Marker=first_page["NextMarker"])
    assert len(rest["CodeSigningConfigs"]) == 1 and "NextMarker" not in rest
    assert rest["CodeSigningConfigs"][0] != first_page["CodeSigningConfigs"][0]

    lambda_client.delete_code_signing_config(CodeSigningConfigArn=arn)
    with pytest.raises(ClientError) as info:
        lambda_client.get_code_signing_config(CodeSigningConfigArn=arn)
    assert error_of(info) == (
        "ResourceNotFoundException",
        f"The Lambda code signing configuration {arn} can not be found.",
    )


def test_unknown_configurations(lambda_client, create):
    for call in (
        lambda: lambda_client.get_code_signing_config(CodeSigningConfigArn=MISSING),
        lambda: lambda_client.update_code_signing_config(CodeSigningConfigArn=MISSING, Description="x"),
        lambda: lambda_client.delete_code_signing_config(CodeSigningConfigArn=MISSING),
        lambda: lambda_client.list_functions_by_code_signing_config(CodeSigningConfigArn=MISSING),
    ):
        with pytest.raises(ClientError) as info:
            call()
        assert error_of(info)[0] == "ResourceNotFoundException"
    create("fn")
    with pytest.raises(ClientError) as info:
        lambda_client.put_function_code_signing_config(CodeSigningConfigArn=MISSING, FunctionName="fn")
    assert error_of(info) == (
        "CodeSigningConfigNotFoundException",
        "The code signing configuration cannot be found. Check that the provided configuration is not "
        f"deleted: {MISSING}.",
    )


def test_a_profile_arn_must_be_an_arn(lambda_client):
    with pytest.raises(ClientError) as info:
        lambda_client.create_code_signing_config(AllowedPublishers={"SigningProfileVersionArns": ["profile"]})
    code, message = error_of(info)
    assert code == "ValidationException"
    assert message.startswith(
        "1 validation error detected: Value 'profile' at 'allowedPublishers.signingProfileVersionArns.1.member'"
    )


def test_functions_use_a_configuration(lambda_client, create):
    arn = new_config(lambda_client)["CodeSigningConfigArn"]
    create("a")
    create("b")
    create("c")
    assert (
        lambda_client.get_function_code_signing_config(FunctionName="a").get("CodeSigningConfigArn") is None
    )
    for name in ("b", "a"):
        answer = lambda_client.put_function_code_signing_config(CodeSigningConfigArn=arn, FunctionName=name)
        assert (answer["CodeSigningConfigArn"], answer["FunctionName"]) == (arn, name)
    got = lambda_client.get_function_code_signing_config(
        FunctionName="arn:aws:lambda:us-east-1:000000000000:function:a"
    )
    assert (got["CodeSigningConfigArn"], got["FunctionName"]) == (arn, "a")
    base = "arn:aws:lambda:us-east-1:000000000000:function:"
    assert lambda_client.list_functions_by_code_signing_config(CodeSigningConfigArn=arn)["FunctionArns"] == [
        base + "a",
        base + "b",
    ]
    page = lambda_client.list_functions_by_code_signing_config(CodeSigningConfigArn=arn, MaxItems=1)
    assert page["FunctionArns"] == [base + "a"]
    rest = lambda_client.list_functions_by_code_signing_config(
        CodeSigningConfigArn=arn, Marker=page["NextMarker"]
    )
    assert rest["FunctionArns"] == [base + "b"]

    # A configuration in use cannot be deleted (the wording is a guess; AWS documents the rule).
    with pytest.raises(ClientError) as info:
        lambda_client.delete_code_signing_config(CodeSigningConfigArn=arn)
    assert error_of(info)[0] == "ResourceConflictException"
    lambda_client.delete_function_code_signing_config(FunctionName="a")
    lambda_client.delete_function(FunctionName="b")  # a deleted function lets go of it too
    assert lambda_client.list_functions_by_code_signing_config(CodeSigningConfigArn=arn)["FunctionArns"] == []
    lambda_client.delete_code_signing_config(CodeSigningConfigArn=arn)


def test_function_operations_need_the_function(lambda_client):
    arn = new_config(lambda_client)["CodeSigningConfigArn"]
    with pytest.raises(ClientError) as info:
        lambda_client.put_function_code_signing_config(CodeSigningConfigArn=arn, FunctionName="nope")
    assert error_of(info) == (
        "ResourceNotFoundException",
        "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope",
    )
    with pytest.raises(ClientError) as info:
        lambda_client.get_function_code_signing_config(FunctionName="nope")
    assert error_of(info)[0] == "ResourceNotFoundException"


@pytest.mark.skipif(bool(os.environ.get("STRATUS_ENDPOINT")), reason="calls the hook inside the server")
def test_the_deployment_check(lambda_client, stratus_server):
    warn = new_config(lambda_client)["CodeSigningConfigArn"]
    enforce = new_config(lambda_client, CodeSigningPolicies={"UntrustedArtifactOnDeployment": "Enforce"})[
        "CodeSigningConfigArn"
    ]
    provider = stratus_server.runtime.providers.get("lambda")

    async def check(arn):
        try:
            code_signing.check_deployment(provider.db(), arn)
            return "deployed"
        except Exception as error:
            return getattr(error, "code", repr(error))

    assert stratus_server.call_on_loop(check(None)) == "deployed"
    assert stratus_server.call_on_loop(check(warn)) == "deployed"
    assert stratus_server.call_on_loop(check(enforce)) == "CodeVerificationFailedException"
    assert stratus_server.call_on_loop(check(MISSING)) == "CodeSigningConfigNotFoundException"


def test_create_function_with_an_enforcing_configuration_is_refused(lambda_client, create):
    enforce = new_config(lambda_client, CodeSigningPolicies={"UntrustedArtifactOnDeployment": "Enforce"})[
        "CodeSigningConfigArn"
    ]
    warn = new_config(lambda_client)["CodeSigningConfigArn"]
    create("warned", CodeSigningConfigArn=warn)
    got = lambda_client.get_function_code_signing_config(FunctionName="warned")
    assert got["CodeSigningConfigArn"] == warn
    with pytest.raises(ClientError) as info:
        create("enforced", CodeSigningConfigArn=enforce)
    assert error_of(info)[0] == "CodeVerificationFailedException"
    lambda_client.put_function_code_signing_config(CodeSigningConfigArn=enforce, FunctionName="warned")
    with pytest.raises(ClientError) as info:
        lambda_client.update_function_code(FunctionName="warned", ZipFile=BOOTSTRAP_ZIP)
    assert error_of(info)[0] == "CodeVerificationFailedException"
