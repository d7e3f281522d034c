"""PutParameter: creation, Overwrite, what an overwrite keeps, AllowedPattern, DataType."""

from __future__ import annotations

from .support import error_of, put


def test_create_then_overwrite_counts_versions(ssm):
    assert put(ssm, "/app/url", "a")["Version"] == 1
    answer = ssm.put_parameter(Name="/app/url", Value="b", Overwrite=True)
    assert (answer["Version"], answer["Tier"]) == (2, "Standard")
    parameter = ssm.get_parameter(Name="/app/url")["Parameter"]
    assert (parameter["Value"], parameter["Version"], parameter["Type"]) == ("b", 2, "String")


def test_an_existing_name_without_overwrite_is_refused(ssm):
    put(ssm, "/app/url", "a")
    code, message = error_of(put, ssm, "/app/url", "b")
    assert code == "ParameterAlreadyExists"
    assert message == (
        "The parameter already exists. To overwrite this value, set the overwrite option in the request to true."
    )
    assert ssm.get_parameter(Name="/app/url")["Parameter"]["Value"] == "a"


def test_overwrite_creates_a_missing_parameter(ssm):
    assert put(ssm, "/app/new", "x", Overwrite=True)["Version"] == 1


def test_tags_and_overwrite_cannot_go_together(ssm):
    code, message = error_of(put, ssm, "/app/t", Overwrite=True, Tags=[{"Key": "k", "Value": "v"}])
    assert code == "ValidationException"
    assert message.startswith("Invalid request: tags and overwrite can't be used together.")


def test_a_new_parameter_needs_a_type(ssm):
    code, message = error_of(ssm.put_parameter, Name="/app/typeless", Value="x")
    # Guessed wording: AWS documents that the type is required on creation only.
    assert (code, message) == (
        "ValidationException",
        "A parameter type is required when you create a parameter.",
    )


def test_an_empty_value_is_refused(ssm):
    code, message = error_of(put, ssm, "/app/empty", "")
    assert code == "ValidationException"
    assert "Member must have length greater than or equal to 1" in message


def test_an_unknown_type_is_refused_by_the_model(ssm):
    code, message = error_of(put, ssm, "/app/x", "v", "Number")
    assert code == "ValidationException"
    assert "Member must satisfy enum value set: [String, StringList, SecureString]" in message


def test_overwrite_keeps_type_description_and_pattern_unless_given(ssm):
    put(ssm, "/app/list", "a,b", "StringList", Description="first", AllowedPattern="^[a-z,]+$")
    ssm.put_parameter(Name="/app/list", Value="c,d", Overwrite=True)
    [meta] = ssm.describe_parameters()["Parameters"]
    assert (meta["Type"], meta["Description"], meta["AllowedPattern"]) == ("StringList", "first", "^[a-z,]+$")
    ssm.put_parameter(Name="/app/list", Value="e", Overwrite=True, Description="second", Type="String")
    [meta] = ssm.describe_parameters()["Parameters"]
    assert (meta["Type"], meta["Description"], meta["Version"]) == ("String", "second", 3)


def test_the_value_must_match_the_allowed_pattern_on_every_write(ssm):
    put(ssm, "/app/port", "8080", AllowedPattern=r"^\d+$")
    code, message = error_of(ssm.put_parameter, Name="/app/port", Value="eighty", Overwrite=True)
    assert code == "ParameterPatternMismatchException"
    assert message == r"Parameter value, cannot be validated against allowedPattern: ^\d+$"
    assert ssm.get_parameter(Name="/app/port")["Parameter"]["Value"] == "8080"
    code, _ = error_of(put, ssm, "/app/other", "abc", AllowedPattern=r"^\d+$")
    assert code == "ParameterPatternMismatchException"


def test_a_broken_allowed_pattern_is_refused(ssm):
    code, message = error_of(put, ssm, "/app/p", "x", AllowedPattern="([a-z")
    assert (code, message) == (
        "InvalidAllowedPatternException",
        "The request doesn't meet the regular expression requirement.",
    )


def test_data_types(ssm):
    put(ssm, "/app/ami", "ami-0123456789abcdef0", DataType="aws:ec2:image")
    assert ssm.get_parameter(Name="/app/ami")["Parameter"]["DataType"] == "aws:ec2:image"
    assert ssm.get_parameter(Name="/app/ami")["Parameter"]["Value"] == "ami-0123456789abcdef0"
    put(ssm, "/app/plain", "x")
    assert ssm.get_parameter(Name="/app/plain")["Parameter"]["DataType"] == "text"
    code, message = error_of(put, ssm, "/app/bad", "x", DataType="AWS:EC2:IMAGE")
    assert code == "ValidationException"
    assert (
        message
        == "The following data type is not supported: AWS:EC2:IMAGE (Data type names are all lowercase.)"
    )


def test_an_image_value_that_is_no_ami_id_is_dropped_as_aws_does_asynchronously(ssm):
    answer = put(ssm, "/app/ami", "not-an-ami", DataType="aws:ec2:image")
    assert answer["Version"] == 1  # AWS answers success, then its validation fails
    assert error_of(ssm.get_parameter, Name="/app/ami")[0] == "ParameterNotFound"
    put(ssm, "/app/ami", "ami-12345678", DataType="aws:ec2:image")
    answer = ssm.put_parameter(Name="/app/ami", Value="ami-nope", Overwrite=True)
    assert answer["Version"] == 2
    assert ssm.get_parameter(Name="/app/ami")["Parameter"]["Value"] == "ami-12345678"


def test_key_id_pattern_is_checked(ssm):
    code, message = error_of(put, ssm, "/app/s", "x", "SecureString", KeyId="bad key")
    assert code == "ValidationException"
    assert "at 'keyId' failed to satisfy constraint" in message


def test_tags_given_at_creation_are_kept(ssm):
    put(ssm, "/app/tagged", Tags=[{"Key": "team", "Value": "core"}])
    tags = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/app/tagged")["TagList"]
    assert tags == [{"Key": "team", "Value": "core"}]


def test_last_modified_user_is_the_caller(ssm):
    put(ssm, "/app/who")
    [meta] = ssm.describe_parameters()["Parameters"]
    assert meta["LastModifiedUser"] == "arn:aws:iam::000000000000:root"


def test_accounts_and_regions_are_apart(ssm, aws_client):
    put(ssm, "/app/shared", "home")
    other_region = aws_client("ssm", region_name="eu-west-1")
    other_account = aws_client("ssm", aws_access_key_id="111111111111", aws_secret_access_key="x")
    for client in (other_region, other_account):
        assert error_of(client.get_parameter, Name="/app/shared")[0] == "ParameterNotFound"
        put(client, "/app/shared", "away")
    assert ssm.get_parameter(Name="/app/shared")["Parameter"]["Value"] == "home"
    arn = other_account.get_parameter(Name="/app/shared")["Parameter"]["ARN"]
    assert arn == "arn:aws:ssm:us-east-1:111111111111:parameter/app/shared"
