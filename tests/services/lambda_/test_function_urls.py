"""Function URL configurations: Create/Get/Update/Delete/ListFunctionUrlConfigs, their checks and
AWS's errors (black-box, boto3 against the in-process server)."""

import re

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"
ARN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn"
URL = re.compile(r"http://([a-z0-9]{32})\.lambda-url\.us-east-1\.localhost\.localstack\.cloud:(\d+)/")
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")


def error_of(call, **kwargs) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response = caught.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def test_create_answers_the_new_url(create, lambda_client, stratus_endpoint):
    create()
    answer = lambda_client.create_function_url_config(FunctionName="fn", AuthType="NONE")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 201
    match = URL.fullmatch(answer["FunctionUrl"])
    assert match, answer["FunctionUrl"]
    assert stratus_endpoint.endswith(f":{match.group(2)}")  # the port Stratus listens on
    assert answer["FunctionArn"] == ARN
    assert answer["AuthType"] == "NONE"
    assert answer["InvokeMode"] == "BUFFERED"
    assert TIME.fullmatch(answer["CreationTime"])
    assert "LastModifiedTime" not in answer  # Create's output has none, as on AWS
    assert "Cors" not in answer


def test_get_shows_the_configuration(create, lambda_client):
    create()
    created = lambda_client.create_function_url_config(
        FunctionName=ARN, AuthType="AWS_IAM", InvokeMode="RESPONSE_STREAM"
    )
    got = lambda_client.get_function_url_config(FunctionName="fn")
    assert got["FunctionUrl"] == created["FunctionUrl"]
    assert got["FunctionArn"] == ARN
    assert got["AuthType"] == "AWS_IAM"
    assert got["InvokeMode"] == "RESPONSE_STREAM"
    assert got["CreationTime"] == created["CreationTime"]
    assert got["LastModifiedTime"] == created["CreationTime"]
    assert "Cors" not in got


def test_each_url_has_its_own_id(create, lambda_client):
    create("one")
    create("two")
    first = lambda_client.create_function_url_config(FunctionName="one", AuthType="NONE")["FunctionUrl"]
    second = lambda_client.create_function_url_config(FunctionName="two", AuthType="NONE")["FunctionUrl"]
    assert URL.fullmatch(first).group(1) != URL.fullmatch(second).group(1)


def test_a_second_url_for_the_same_function_conflicts(create, lambda_client):
    create()
    lambda_client.create_function_url_config(FunctionName="fn", AuthType="NONE")
    code, message, status = error_of(
        lambda_client.create_function_url_config, FunctionName="fn", AuthType="NONE"
    )
    assert (code, status) == ("ResourceConflictException", 409)
    assert message == (
        f"Failed to create function url config for [functionArn = {ARN}]. "
        "Error message:  FunctionUrlConfig exists for this Lambda function"
    )


def test_missing_function_and_missing_url(create, lambda_client):
    # AWS's words differ by operation: "Function does not exist" where the function is looked up
    # for a change, "The resource you requested does not exist." for reads and deletes.
    missing = ("ResourceNotFoundException", "Function does not exist", 404)
    resource = ("ResourceNotFoundException", "The resource you requested does not exist.", 404)
    assert error_of(lambda_client.create_function_url_config, FunctionName="nope", AuthType="NONE") == missing
    assert error_of(lambda_client.update_function_url_config, FunctionName="nope", AuthType="NONE") == missing
    assert error_of(lambda_client.list_function_url_configs, FunctionName="nope") == missing
    assert error_of(lambda_client.get_function_url_config, FunctionName="nope") == resource
    assert error_of(lambda_client.delete_function_url_config, FunctionName="nope") == resource
    create()
    assert error_of(lambda_client.get_function_url_config, FunctionName="fn") == resource
    assert error_of(lambda_client.update_function_url_config, FunctionName="fn", AuthType="NONE") == resource
    assert error_of(lambda_client.delete_function_url_config, FunctionName="fn") == resource
    assert lambda_client.list_function_url_configs(FunctionName="fn")["FunctionUrlConfigs"] == []


def test_versions_and_latest_are_refused(create, lambda_client):
    create()
    latest = error_of(
        lambda_client.create_function_url_config, FunctionName="fn", Qualifier="$LATEST", AuthType="NONE"
    )
    assert latest == (
        "ValidationException",
        "1 validation error detected: Value '$LATEST' at 'qualifier' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)",
        400,
    )
    # A qualifier in the function name is judged the same way.
    assert (
        error_of(lambda_client.get_function_url_config, FunctionName="fn:$LATEST")[0] == "ValidationException"
    )
    version = error_of(lambda_client.get_function_url_config, FunctionName="fn", Qualifier="1")
    assert version == (
        "ValidationException",
        "1 validation error detected: Value '1' at 'qualifier' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: (^\\$LATEST$)|((?!^[0-9]+$)([a-zA-Z0-9-_]+))",
        400,
    )


def test_qualifiers_in_name_and_parameter_must_agree(create, lambda_client):
    create()
    code, message, _ = error_of(
        lambda_client.create_function_url_config, FunctionName="fn:live", Qualifier="prod", AuthType="NONE"
    )
    assert code == "InvalidParameterValueException"
    assert message == "The derived qualifier from the function name does not match the specified qualifier."


def test_an_alias_that_does_not_exist(create, lambda_client):
    create()
    assert error_of(
        lambda_client.create_function_url_config, FunctionName="fn", Qualifier="live", AuthType="NONE"
    ) == ("ResourceNotFoundException", "Function does not exist", 404)
    assert error_of(lambda_client.get_function_url_config, FunctionName="fn:live") == (
        "ResourceNotFoundException",
        "The resource you requested does not exist.",
        404,
    )


def test_model_constraints(create, lambda_client):
    create()
    code, message, _ = error_of(lambda_client.create_function_url_config, FunctionName="fn", AuthType="OPEN")
    assert code == "ValidationException"
    assert "Member must satisfy enum value set: [NONE, AWS_IAM]" in message
    code, message, _ = error_of(
        lambda_client.create_function_url_config, FunctionName="fn", AuthType="NONE", InvokeMode="STREAM"
    )
    assert code == "ValidationException" and "[BUFFERED, RESPONSE_STREAM]" in message
    code, message, _ = error_of(
        lambda_client.create_function_url_config,
        FunctionName="fn",
        AuthType="NONE",
        Cors={"AllowOrigins": ["*"], "MaxAge": 86401},
    )
    assert code == "ValidationException" and "Member must have value less than or equal to 86400" in message


CORS = {
    "AllowCredentials": True,
    "AllowHeaders": ["x-custom-header", "content-type"],
    "AllowMethods": ["GET", "POST"],
    "AllowOrigins": ["https://www.example.com"],
    "ExposeHeaders": ["x-request-id"],
    "MaxAge": 300,
}


def test_cors_settings_round_trip(create, lambda_client):
    create()
    created = lambda_client.create_function_url_config(FunctionName="fn", AuthType="NONE", Cors=CORS)
    assert created["Cors"] == CORS
    assert lambda_client.get_function_url_config(FunctionName="fn")["Cors"] == CORS
    listed = lambda_client.list_function_url_configs(FunctionName="fn")["FunctionUrlConfigs"]
    assert listed[0]["Cors"] == CORS


def test_cors_checks(create, lambda_client):
    create()
    code, message, _ = error_of(
        lambda_client.create_function_url_config,
        FunctionName="fn",
        AuthType="NONE",
        Cors={"AllowMethods": ["GET"]},
    )
    assert (code, message) == (
        "InvalidParameterValueException",
        "You can't leave AllowOrigins as empty when Cors is enabled.",
    )
    code, message, _ = error_of(
        lambda_client.create_function_url_config,
        FunctionName="fn",
        AuthType="NONE",
        Cors={"AllowOrigins": ["*"], "AllowMethods": ["TRACE"]},
    )
    assert code == "InvalidParameterValueException"
    # Guessed wording; AWS's documented list of methods ends it.
    assert message.endswith(
        "You can use GET, PUT, POST, DELETE, HEAD, PATCH, and the wildcard character (*)."
    )
    # Nothing was created by the refused calls.
    assert lambda_client.list_function_url_configs(FunctionName="fn")["FunctionUrlConfigs"] == []


def test_update_changes_what_it_names(create, lambda_client, stratus_server):
    create()
    created = lambda_client.create_function_url_config(FunctionName="fn", AuthType="NONE", Cors=CORS)
    stratus_server.advance_clock(60)
    updated = lambda_client.update_function_url_config(FunctionName="fn", AuthType="AWS_IAM")
    assert updated["AuthType"] == "AWS_IAM"
    assert updated["Cors"] == CORS  # untouched when not given
    assert updated["InvokeMode"] == "BUFFERED"
    assert updated["FunctionUrl"] == created["FunctionUrl"]  # a URL never changes
    assert updated["CreationTime"] == created["CreationTime"]
    assert updated["LastModifiedTime"] > created["CreationTime"]
    narrower = {"AllowOrigins": ["http://localhost:3000"]}
    updated = lambda_client.update_function_url_config(
        FunctionName="fn", Cors=narrower, InvokeMode="RESPONSE_STREAM"
    )
    assert updated["Cors"] == narrower  # replaced whole, not merged
    assert updated["AuthType"] == "AWS_IAM"
    assert updated["InvokeMode"] == "RESPONSE_STREAM"
    # An empty Cors removes the settings (how Terraform drops a cors block).
    updated = lambda_client.update_function_url_config(FunctionName="fn", Cors={})
    assert "Cors" not in updated
    assert "Cors" not in lambda_client.get_function_url_config(FunctionName="fn")


def test_delete_then_create_gives_a_new_url(create, lambda_client):
    create()
    first = lambda_client.create_function_url_config(FunctionName="fn", AuthType="NONE")["FunctionUrl"]
    answer = lambda_client.delete_function_url_config(FunctionName="fn")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert (
        error_of(lambda_client.get_function_url_config, FunctionName="fn")[0] == "ResourceNotFoundException"
    )
    second = lambda_client.create_function_url_config(FunctionName="fn", AuthType="NONE")["FunctionUrl"]
    assert second != first


def test_list_shows_the_functions_urls(create, lambda_client):
    create()
    create("other")
    lambda_client.create_function_url_config(FunctionName="other", AuthType="NONE")
    created = lambda_client.create_function_url_config(FunctionName="fn", AuthType="AWS_IAM")
    answer = lambda_client.list_function_url_configs(FunctionName="fn", MaxItems=1)
    assert "NextMarker" not in answer
    [config] = answer["FunctionUrlConfigs"]
    assert config["FunctionUrl"] == created["FunctionUrl"]
    assert config["FunctionArn"] == ARN
    assert config["AuthType"] == "AWS_IAM"
    assert TIME.fullmatch(config["CreationTime"]) and TIME.fullmatch(config["LastModifiedTime"])


def test_deleting_the_function_deletes_its_url(create, lambda_client):
    create()
    lambda_client.create_function_url_config(FunctionName="fn", AuthType="NONE")
    lambda_client.delete_function(FunctionName="fn")
    create()  # the same name again is another function
    assert (
        error_of(lambda_client.get_function_url_config, FunctionName="fn")[0] == "ResourceNotFoundException"
    )
    assert lambda_client.list_function_url_configs(FunctionName="fn")["FunctionUrlConfigs"] == []
    lambda_client.create_function_url_config(FunctionName="fn", AuthType="NONE")


def _aliases_or_skip(lambda_client) -> None:
    """Aliases are being added to Stratus at the same time; these tests run once they exist."""
    try:
        version = lambda_client.publish_version(FunctionName="fn")["Version"]
        lambda_client.create_alias(FunctionName="fn", Name="live", FunctionVersion=version)
        lambda_client.create_alias(FunctionName="fn", Name="test", FunctionVersion=version)
    except ClientError as error:
        if error.response["ResponseMetadata"]["HTTPStatusCode"] == 501:
            pytest.skip("needs versions and aliases")
        raise


def test_urls_of_aliases_and_paging(create, lambda_client):
    create()
    _aliases_or_skip(lambda_client)
    unqualified = lambda_client.create_function_url_config(FunctionName="fn", AuthType="NONE")
    live = lambda_client.create_function_url_config(FunctionName="fn", Qualifier="live", AuthType="NONE")
    test = lambda_client.create_function_url_config(FunctionName="fn:test", AuthType="AWS_IAM")
    assert live["FunctionArn"] == f"{ARN}:live"
    assert test["FunctionArn"] == f"{ARN}:test"
    assert len({unqualified["FunctionUrl"], live["FunctionUrl"], test["FunctionUrl"]}) == 3
    assert lambda_client.get_function_url_config(FunctionName="fn", Qualifier="test")["AuthType"] == "AWS_IAM"
    seen, marker = [], None
    while True:
        page = lambda_client.list_function_url_configs(
            FunctionName="fn", MaxItems=2, **({"Marker": marker} if marker else {})
        )
        assert len(page["FunctionUrlConfigs"]) <= 2
        seen.extend(config["FunctionArn"] for config in page["FunctionUrlConfigs"])
        marker = page.get("NextMarker")
        if not marker:
            break
    assert sorted(seen) == [ARN, f"{ARN}:live", f"{ARN}:test"]
