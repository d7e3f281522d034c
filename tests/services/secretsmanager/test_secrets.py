"""CreateSecret, DescribeSecret and UpdateSecret's metadata: names, ARNs, idempotency, errors."""

from __future__ import annotations

import uuid

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from .support import ARN, error_of


def test_create_answers_an_arn_with_a_random_suffix(sm):
    answer = sm.create_secret(Name="prod/db-password", SecretString="hunter2")
    match = ARN.fullmatch(answer["ARN"])
    assert match is not None and match["name"] == "prod/db-password"
    assert answer["Name"] == "prod/db-password"
    assert uuid.UUID(answer["VersionId"])
    # Created again after deletion, the same name gets a new suffix (old policies don't match it).
    sm.delete_secret(SecretId="prod/db-password", ForceDeleteWithoutRecovery=True)
    again = sm.create_secret(Name="prod/db-password", SecretString="hunter2")
    assert again["ARN"] != answer["ARN"]


def test_describe_answers_only_fields_with_a_value(sm):
    created = sm.create_secret(Name="plain", SecretString="x")
    described = sm.describe_secret(SecretId="plain")
    assert described["ARN"] == created["ARN"]
    assert described["Name"] == "plain"
    assert described["VersionIdsToStages"] == {created["VersionId"]: ["AWSCURRENT"]}
    assert described["CreatedDate"] <= described["LastChangedDate"]
    for absent in (
        "Description",
        "KmsKeyId",
        "RotationEnabled",
        "RotationRules",
        "LastAccessedDate",
        "DeletedDate",
        "Tags",
        "PrimaryRegion",
        "ReplicationStatus",
        "NextRotationDate",
    ):
        assert absent not in described


def test_a_secret_without_a_value_has_no_versions(sm):
    created = sm.create_secret(Name="empty", Description="later")
    assert "VersionId" not in created
    described = sm.describe_secret(SecretId="empty")
    assert "VersionIdsToStages" not in described
    assert described["Description"] == "later"
    with pytest.raises(ClientError) as caught:
        sm.get_secret_value(SecretId="empty")
    assert error_of(caught) == (
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    )


def test_a_secret_is_found_by_name_arn_and_partial_arn(sm, secret):
    arn = secret["ARN"]
    partial = arn.rsplit("-", 1)[0]
    for secret_id in ("app/db", arn, partial):
        assert sm.describe_secret(SecretId=secret_id)["ARN"] == arn


def test_unknown_secrets_are_not_found(sm, secret):
    wrong_suffix = secret["ARN"][:-6] + "zzzzzz"
    other_region = secret["ARN"].replace("us-east-1", "eu-west-1")
    for secret_id in (
        "nope",
        "arn:aws:secretsmanager:us-east-1:000000000000:secret:nope-abcdef",
        other_region,
    ):
        with pytest.raises(ClientError) as caught:
            sm.describe_secret(SecretId=secret_id)
        assert error_of(caught) == (
            "ResourceNotFoundException",
            "Secrets Manager can't find the specified secret.",
        )
    # A complete ARN with the wrong suffix is a partial ARN of a name that does not exist.
    with pytest.raises(ClientError):
        sm.describe_secret(SecretId=wrong_suffix)


@pytest.mark.parametrize("name", ["Inv Name", " Inv Name", " Inv*Name? ", "a#b"])
def test_names_hold_letters_digits_and_a_few_marks(sm, name):
    message = "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!"
    with pytest.raises(ClientError) as caught:
        sm.create_secret(Name=name, SecretString="x")
    assert error_of(caught) == ("ValidationException", message)
    with pytest.raises(ClientError) as caught:
        sm.describe_secret(SecretId=name)
    assert error_of(caught) == ("ValidationException", message)


def test_valid_marks_are_accepted(sm):
    answer = sm.create_secret(Name="Valid/_+=.@-Name-a1b2c3", SecretString="x")
    assert answer["Name"] == "Valid/_+=.@-Name-a1b2c3"
    assert sm.describe_secret(SecretId="Valid/_+=.@-Name-a1b2c3")["ARN"] == answer["ARN"]


def test_creating_an_existing_name_fails(sm, secret):
    with pytest.raises(ClientError) as caught:
        sm.create_secret(Name="app/db", SecretString="other")
    assert error_of(caught) == (
        "ResourceExistsException",
        "The operation failed because the secret app/db already exists.",
    )


def test_create_is_idempotent_for_the_same_token_and_value(sm):
    token = str(uuid.uuid4())
    first = sm.create_secret(Name="idem", SecretString="v1", ClientRequestToken=token)
    again = sm.create_secret(Name="idem", SecretString="v1", ClientRequestToken=token)
    assert {k: again[k] for k in ("ARN", "Name", "VersionId")} == {
        k: first[k] for k in ("ARN", "Name", "VersionId")
    }
    assert len(sm.list_secret_version_ids(SecretId="idem")["Versions"]) == 1
    with pytest.raises(ClientError) as caught:
        sm.create_secret(Name="idem", SecretString="v2", ClientRequestToken=token)
    # The code is AWS's; the wording is from memory (guessed).
    assert error_of(caught)[0] == "ResourceExistsException"


def test_creating_a_name_scheduled_for_deletion_fails(sm, secret):
    sm.delete_secret(SecretId="app/db")
    with pytest.raises(ClientError) as caught:
        sm.create_secret(Name="app/db", SecretString="x")
    assert error_of(caught) == (
        "InvalidRequestException",
        "You can't create this secret because a secret with this name is already scheduled for deletion.",
    )


def test_string_and_binary_together_are_refused(sm):
    with pytest.raises(ClientError) as caught:
        sm.create_secret(Name="both", SecretString="x", SecretBinary=b"y")
    # guessed wording
    assert error_of(caught) == (
        "InvalidParameterException",
        "You can't specify both a binary secret value and a string secret value in the same secret.",
    )


def test_model_limits_are_validated(aws_client):
    raw = aws_client("secretsmanager", config=Config(parameter_validation=False, retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as caught:
        raw.get_secret_value(SecretId="app/db", VersionId="short")
    code, message = error_of(caught)
    assert code == "ValidationException"
    assert "versionId" in message and "length greater than or equal to 32" in message


def test_update_changes_the_description_without_a_new_version(sm, secret):
    answer = sm.update_secret(SecretId="app/db", Description="the database")
    assert answer == {"ARN": secret["ARN"], "Name": "app/db", "ResponseMetadata": answer["ResponseMetadata"]}
    described = sm.describe_secret(SecretId="app/db")
    assert described["Description"] == "the database"
    assert list(described["VersionIdsToStages"]) == [secret["VersionId"]]


def test_update_with_a_value_makes_a_new_current_version(sm, secret):
    answer = sm.update_secret(SecretId="app/db", SecretString="rotated", Description="d")
    assert answer["VersionId"] != secret["VersionId"]
    assert sm.get_secret_value(SecretId="app/db")["SecretString"] == "rotated"
    assert sm.describe_secret(SecretId="app/db")["VersionIdsToStages"] == {
        answer["VersionId"]: ["AWSCURRENT"],
        secret["VersionId"]: ["AWSPREVIOUS"],
    }


def test_update_moves_last_changed_date(sm, secret, stratus_server):
    before = sm.describe_secret(SecretId="app/db")["LastChangedDate"]
    stratus_server.advance_clock(60)
    sm.update_secret(SecretId="app/db", SecretString="new")
    after = sm.describe_secret(SecretId="app/db")["LastChangedDate"]
    assert after > before


def test_type_is_stored_and_described(sm):
    sm.create_secret(Name="partner", SecretString="x", Type="SomePartner")
    assert sm.describe_secret(SecretId="partner")["Type"] == "SomePartner"
