"""/aws/reference/secretsmanager/<secret-id>: Secrets Manager secrets read through Parameter Store.
The wordings asserted are AWS's as third-party measurements report them."""

from __future__ import annotations

import json

import pytest

from .support import error_of

PREFIX = "/aws/reference/secretsmanager/"


@pytest.fixture
def secrets(aws_client):
    return aws_client("secretsmanager")


def test_the_current_value(ssm, secrets):
    arn = secrets.create_secret(Name="app/db", SecretString="first")["ARN"]
    secrets.put_secret_value(SecretId="app/db", SecretString="second")
    parameter = ssm.get_parameter(Name=PREFIX + "app/db", WithDecryption=True)["Parameter"]
    assert (parameter["Name"], parameter["Type"], parameter["Value"], parameter["Version"]) == (
        PREFIX + "app/db",
        "SecureString",
        "second",
        0,
    )
    assert parameter["ARN"] == arn
    source = json.loads(parameter["SourceResult"])
    assert (source["ARN"], source["name"], source["secretString"], source["versionStages"]) == (
        arn,
        "app/db",
        "second",
        ["AWSCURRENT"],
    )


def test_a_staging_label_or_version_id_selects(ssm, secrets):
    first = secrets.create_secret(Name="rotating", SecretString="old")["VersionId"]
    secrets.put_secret_value(SecretId="rotating", SecretString="new")
    previous = ssm.get_parameter(Name=PREFIX + "rotating:AWSPREVIOUS", WithDecryption=True)["Parameter"]
    assert (previous["Value"], previous["Selector"]) == ("old", ":AWSPREVIOUS")
    by_id = ssm.get_parameter(Name=f"{PREFIX}rotating:{first}", WithDecryption=True)["Parameter"]
    assert by_id["Value"] == "old"
    code, message = error_of(ssm.get_parameter, Name=PREFIX + "rotating:NOSUCH", WithDecryption=True)
    assert code == "ParameterNotFound"
    assert message == (
        "An error occurred (ParameterNotFound) when referencing Secrets Manager: "
        "Secret aws/reference/secretsmanager/rotating:NOSUCH not found."
    )


def test_decryption_is_required(ssm, secrets):
    secrets.create_secret(Name="plain", SecretString="x")
    code, message = error_of(ssm.get_parameter, Name=PREFIX + "plain")
    assert (code, message) == (
        "ValidationException",
        "WithDecryption flag must be True for retrieving a Secret Manager secret.",
    )


def test_a_missing_secret(ssm):
    code, message = error_of(ssm.get_parameter, Name=PREFIX + "nothing", WithDecryption=True)
    assert code == "ParameterNotFound"
    assert message == (
        "An error occurred (ParameterNotFound) when referencing Secrets Manager: "
        "Secret aws/reference/secretsmanager/nothingnull not found."
    )


def test_get_parameters_answers_references(ssm, secrets):
    secrets.create_secret(Name="batch", SecretString="b")
    answer = ssm.get_parameters(Names=[PREFIX + "batch", PREFIX + "missing"], WithDecryption=True)
    assert [p["Value"] for p in answer["Parameters"]] == ["b"]
    assert answer["InvalidParameters"] == [PREFIX + "missing"]
    assert ssm.get_parameters(Names=[PREFIX + "batch"])["InvalidParameters"] == [PREFIX + "batch"]
