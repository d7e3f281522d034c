"""GetSecretValue, PutSecretValue and BatchGetSecretValue: versions, staging labels, idempotency."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError

from .support import DAY, error_of, stages


def test_get_answers_the_current_value(sm, secret):
    answer = sm.get_secret_value(SecretId="app/db")
    assert answer["SecretString"] == "s3cr3t"
    assert answer["VersionId"] == secret["VersionId"]
    assert answer["VersionStages"] == ["AWSCURRENT"]
    assert answer["ARN"] == secret["ARN"] and answer["Name"] == "app/db"
    assert "SecretBinary" not in answer
    assert answer["CreatedDate"] is not None


def test_binary_values_come_back_as_bytes(sm):
    blob = bytes(range(256))
    sm.create_secret(Name="cert", SecretBinary=blob)
    answer = sm.get_secret_value(SecretId="cert")
    assert answer["SecretBinary"] == blob
    assert "SecretString" not in answer


def test_put_moves_awscurrent_and_awsprevious(sm, secret):
    first = secret["VersionId"]
    second = sm.put_secret_value(SecretId="app/db", SecretString="two")
    assert second["VersionStages"] == ["AWSCURRENT"]
    third = sm.put_secret_value(SecretId="app/db", SecretString="three")
    assert stages(sm, "app/db") == {second["VersionId"]: ["AWSPREVIOUS"], third["VersionId"]: ["AWSCURRENT"]}
    # The first version lost its last label: deprecated, listed only on request, still readable.
    assert stages(sm, "app/db", IncludeDeprecated=True)[first] == []
    assert sm.get_secret_value(SecretId="app/db", VersionId=first)["SecretString"] == "s3cr3t"
    assert sm.get_secret_value(SecretId="app/db", VersionStage="AWSPREVIOUS")["SecretString"] == "two"


def test_put_with_custom_stages_leaves_awscurrent_alone(sm, secret):
    answer = sm.put_secret_value(SecretId="app/db", SecretString="v1", VersionStages=["SAMPLE1", "SAMPLE0"])
    assert answer["VersionStages"] == ["SAMPLE0", "SAMPLE1"]
    assert sm.get_secret_value(SecretId="app/db")["SecretString"] == "s3cr3t"
    again = sm.put_secret_value(SecretId="app/db", SecretString="v2", VersionStages=["SAMPLE0", "SAMPLE1"])
    # The labels moved to the new version; the old one is deprecated.
    assert stages(sm, "app/db") == {
        secret["VersionId"]: ["AWSCURRENT"],
        again["VersionId"]: ["SAMPLE0", "SAMPLE1"],
    }


def test_put_moving_some_labels_keeps_the_others(sm, secret):
    two = sm.put_secret_value(SecretId="app/db", SecretString="2", VersionStages=["one", "two", "three"])
    three = sm.put_secret_value(SecretId="app/db", SecretString="3", VersionStages=["four", "one", "two"])
    assert stages(sm, "app/db") == {
        secret["VersionId"]: ["AWSCURRENT"],
        two["VersionId"]: ["three"],
        three["VersionId"]: ["four", "one", "two"],
    }


def test_put_is_idempotent_for_the_same_token_and_value(sm, secret):
    token = str(uuid.uuid4())
    first = sm.put_secret_value(SecretId="app/db", SecretString="new", ClientRequestToken=token)
    again = sm.put_secret_value(SecretId="app/db", SecretString="new", ClientRequestToken=token)
    assert again["VersionId"] == first["VersionId"] == token
    assert again["VersionStages"] == ["AWSCURRENT"]
    assert len(stages(sm, "app/db", IncludeDeprecated=True)) == 2
    with pytest.raises(ClientError) as caught:
        sm.put_secret_value(SecretId="app/db", SecretString="different", ClientRequestToken=token)
    assert error_of(caught)[0] == "ResourceExistsException"  # wording from memory (guessed)


def test_put_without_a_value_is_refused(sm, secret):
    with pytest.raises(ClientError) as caught:
        sm.put_secret_value(SecretId="app/db")
    assert error_of(caught)[0] == "InvalidRequestException"  # wording guessed


def test_put_into_a_secret_without_versions_makes_it_current(sm):
    sm.create_secret(Name="later")
    answer = sm.put_secret_value(SecretId="later", SecretString="now", VersionStages=["MINE"])
    assert answer["VersionStages"] == ["AWSCURRENT", "MINE"]
    assert sm.get_secret_value(SecretId="later")["SecretString"] == "now"


def test_version_and_stage_errors(sm, secret):
    unknown = str(uuid.uuid4())
    with pytest.raises(ClientError) as caught:
        sm.get_secret_value(SecretId="app/db", VersionId=unknown)
    assert error_of(caught) == (
        "ResourceNotFoundException",
        f"Secrets Manager can't find the specified secret value for VersionId: {unknown}",
    )
    with pytest.raises(ClientError) as caught:
        sm.get_secret_value(SecretId="app/db", VersionStage="AWSPREVIOUS")
    assert error_of(caught) == (
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS",
    )
    with pytest.raises(ClientError) as caught:
        sm.get_secret_value(SecretId="app/db", VersionId=secret["VersionId"], VersionStage="AWSPENDING")
    assert error_of(caught) == (
        "InvalidRequestException",
        "You provided a VersionStage that is not associated to the provided VersionId.",
    )
    both = sm.get_secret_value(SecretId="app/db", VersionId=secret["VersionId"], VersionStage="AWSCURRENT")
    assert both["SecretString"] == "s3cr3t"


def test_last_accessed_date_is_the_day_of_the_last_read(sm, secret, stratus_server):
    assert "LastAccessedDate" not in sm.describe_secret(SecretId="app/db")
    sm.get_secret_value(SecretId="app/db")
    first = sm.describe_secret(SecretId="app/db")["LastAccessedDate"]
    assert (first.hour, first.minute, first.second) == (0, 0, 0)
    version = sm.list_secret_version_ids(SecretId="app/db")["Versions"][0]
    assert version["LastAccessedDate"] == first
    stratus_server.advance_clock(DAY)
    sm.get_secret_value(SecretId="app/db")
    assert (sm.describe_secret(SecretId="app/db")["LastAccessedDate"] - first).days == 1


def test_deleted_secrets_have_no_value(sm, secret):
    sm.delete_secret(SecretId="app/db", RecoveryWindowInDays=7)
    for call in (
        lambda: sm.get_secret_value(SecretId="app/db"),
        lambda: sm.put_secret_value(SecretId="app/db", SecretString="x"),
        lambda: sm.update_secret(SecretId="app/db", Description="x"),
    ):
        with pytest.raises(ClientError) as caught:
            call()
        assert error_of(caught) == (
            "InvalidRequestException",
            "You can't perform this operation on the secret because it was marked for deletion.",
        )


def test_batch_get_by_ids_reports_errors_per_secret(sm, secret):
    sm.create_secret(Name="other", SecretString="o")
    sm.create_secret(Name="gone", SecretString="g")
    sm.delete_secret(SecretId="gone")
    answer = sm.batch_get_secret_value(SecretIdList=["app/db", "missing", "other", "gone"])
    assert [value["Name"] for value in answer["SecretValues"]] == ["app/db", "other"]
    assert answer["SecretValues"][0]["SecretString"] == "s3cr3t"
    assert answer["SecretValues"][0]["VersionStages"] == ["AWSCURRENT"]
    errors = {error["SecretId"]: error["ErrorCode"] for error in answer["Errors"]}
    assert errors == {"missing": "ResourceNotFoundException", "gone": "InvalidRequestException"}


def test_batch_get_by_filters_pages(sm):
    for index in range(5):
        sm.create_secret(Name=f"team/s{index}", SecretString=f"v{index}")
    sm.create_secret(Name="elsewhere", SecretString="no")
    first = sm.batch_get_secret_value(Filters=[{"Key": "name", "Values": ["team/"]}], MaxResults=3)
    assert [value["SecretString"] for value in first["SecretValues"]] == ["v0", "v1", "v2"]
    second = sm.batch_get_secret_value(
        Filters=[{"Key": "name", "Values": ["team/"]}], MaxResults=3, NextToken=first["NextToken"]
    )
    assert [value["SecretString"] for value in second["SecretValues"]] == ["v3", "v4"]
    assert "NextToken" not in second


def test_batch_get_needs_ids_or_filters(sm, secret):
    # guessed wordings
    with pytest.raises(ClientError) as caught:
        sm.batch_get_secret_value()
    assert error_of(caught)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as caught:
        sm.batch_get_secret_value(SecretIdList=["app/db"], Filters=[{"Key": "name", "Values": ["a"]}])
    assert error_of(caught)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as caught:
        sm.batch_get_secret_value(SecretIdList=["app/db"], MaxResults=5)
    assert error_of(caught)[0] == "InvalidParameterException"


def test_raw_requests_need_a_client_request_token(sm, secret, stratus_endpoint):
    import json
    import urllib.error
    import urllib.request

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    body = json.dumps({"SecretId": "app/db", "SecretString": "raw"})
    request = AWSRequest(
        method="POST",
        url=stratus_endpoint + "/",
        data=body,
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "secretsmanager.PutSecretValue",
        },
    )
    SigV4Auth(Credentials("test", "test"), "secretsmanager", "us-east-1").add_auth(request)
    raw = urllib.request.Request(
        request.url, data=body.encode(), headers=dict(request.headers), method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(raw)
    error = json.loads(caught.value.read())
    assert error["__type"].endswith("InvalidRequestException")
    assert (
        error.get("message") or error.get("Message")
    ) == "You must provide a ClientRequestToken value. We recommend a UUID-type value."
