"""UpdateSecretVersionStage and ListSecretVersionIds: labels moved as AWS moves them, deprecated
versions, the 100-version and 20-label limits."""

from __future__ import annotations

import base64

import pytest
from botocore.exceptions import ClientError

from .support import DAY, error_of, stages


def test_moving_awscurrent_moves_awsprevious(sm, secret):
    first = secret["VersionId"]
    pending = sm.put_secret_value(SecretId="app/db", SecretString="S2", VersionStages=["AWSPENDING"])[
        "VersionId"
    ]
    assert stages(sm, "app/db") == {first: ["AWSCURRENT"], pending: ["AWSPENDING"]}
    answer = sm.update_secret_version_stage(
        SecretId="app/db", VersionStage="AWSCURRENT", MoveToVersionId=pending, RemoveFromVersionId=first
    )
    assert answer["ARN"] == secret["ARN"] and answer["Name"] == "app/db"
    assert stages(sm, "app/db") == {first: ["AWSPREVIOUS"], pending: ["AWSCURRENT", "AWSPENDING"]}
    assert sm.get_secret_value(SecretId="app/db")["SecretString"] == "S2"
    # The next pending value takes AWSPENDING away from the current version.
    third = sm.put_secret_value(SecretId="app/db", SecretString="S3", VersionStages=["AWSPENDING"])[
        "VersionId"
    ]
    assert stages(sm, "app/db") == {first: ["AWSPREVIOUS"], pending: ["AWSCURRENT"], third: ["AWSPENDING"]}


def test_custom_labels_travel_with_their_version(sm, secret):
    v2 = sm.put_secret_value(SecretId="app/db", SecretString="2", VersionStages=["AWSCURRENT", "PUT0"])[
        "VersionId"
    ]
    v3 = sm.put_secret_value(SecretId="app/db", SecretString="3", VersionStages=["AWSPENDING", "PUT1"])[
        "VersionId"
    ]
    sm.update_secret_version_stage(
        SecretId="app/db", VersionStage="AWSCURRENT", MoveToVersionId=v3, RemoveFromVersionId=v2
    )
    assert stages(sm, "app/db") == {v2: ["AWSPREVIOUS", "PUT0"], v3: ["AWSCURRENT", "AWSPENDING", "PUT1"]}


def test_moving_a_held_label_needs_remove_from_version_id(sm, secret):
    other = sm.put_secret_value(SecretId="app/db", SecretString="2", VersionStages=["X"])["VersionId"]
    with pytest.raises(ClientError) as caught:
        sm.update_secret_version_stage(SecretId="app/db", VersionStage="AWSCURRENT", MoveToVersionId=other)
    assert error_of(caught) == (
        "InvalidParameterException",
        "The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently attached to "
        f"version {secret['VersionId']}, so you must explicitly reference that version in RemoveFromVersionId.",
    )


def test_a_label_can_be_added_and_removed(sm, secret):
    version = secret["VersionId"]
    sm.update_secret_version_stage(SecretId="app/db", VersionStage="BLUE", MoveToVersionId=version)
    assert stages(sm, "app/db") == {version: ["AWSCURRENT", "BLUE"]}
    assert sm.get_secret_value(SecretId="app/db", VersionStage="BLUE")["VersionId"] == version
    sm.update_secret_version_stage(SecretId="app/db", VersionStage="BLUE", RemoveFromVersionId=version)
    assert stages(sm, "app/db") == {version: ["AWSCURRENT"]}


def test_awscurrent_cannot_just_be_removed(sm, secret):
    with pytest.raises(ClientError) as caught:
        sm.update_secret_version_stage(
            SecretId="app/db", VersionStage="AWSCURRENT", RemoveFromVersionId=secret["VersionId"]
        )
    assert error_of(caught)[0] == "InvalidParameterException"  # wording guessed


def test_unknown_versions_are_not_found(sm, secret):
    with pytest.raises(ClientError) as caught:
        sm.update_secret_version_stage(SecretId="app/db", VersionStage="X", MoveToVersionId="0" * 32)
    assert error_of(caught)[0] == "ResourceNotFoundException"  # wording guessed


def test_rolling_back_to_the_previous_version(sm, secret):
    first = secret["VersionId"]
    second = sm.put_secret_value(SecretId="app/db", SecretString="bad")["VersionId"]
    sm.update_secret_version_stage(
        SecretId="app/db", VersionStage="AWSCURRENT", MoveToVersionId=first, RemoveFromVersionId=second
    )
    assert stages(sm, "app/db") == {first: ["AWSCURRENT"], second: ["AWSPREVIOUS"]}
    assert sm.get_secret_value(SecretId="app/db")["SecretString"] == "s3cr3t"


def test_list_versions_shows_kms_keys_and_pages(sm, secret):
    ids = [secret["VersionId"]]
    for index in range(4):
        ids.append(
            sm.put_secret_value(SecretId="app/db", SecretString=str(index), VersionStages=[f"L{index}"])[
                "VersionId"
            ]
        )
    first = sm.list_secret_version_ids(SecretId="app/db", MaxResults=2)
    assert [v["VersionId"] for v in first["Versions"]] == ids[:2]
    assert first["Versions"][0]["KmsKeyIds"] == ["DefaultEncryptionKey"]
    assert first["ARN"] == secret["ARN"] and first["Name"] == "app/db"
    rest = sm.list_secret_version_ids(SecretId="app/db", MaxResults=2, NextToken=first["NextToken"])
    assert [v["VersionId"] for v in rest["Versions"]] == ids[2:4]
    last = sm.list_secret_version_ids(SecretId="app/db", MaxResults=2, NextToken=rest["NextToken"])
    assert [v["VersionId"] for v in last["Versions"]] == ids[4:]
    assert "NextToken" not in last


def test_deprecated_versions_are_kept_until_the_limit(sm, secret, stratus_server):
    # 99 more versions: 100 in all, the oldest 98 deprecated.
    for index in range(99):
        sm.put_secret_value(SecretId="app/db", SecretString=f"v{index}")
    assert len(stages(sm, "app/db", IncludeDeprecated=True)) == 100
    # None of them is a day old: Secrets Manager keeps them, so a 101st version is refused.
    with pytest.raises(ClientError) as caught:
        sm.put_secret_value(SecretId="app/db", SecretString="one too many")
    assert error_of(caught)[0] == "LimitExceededException"  # wording guessed
    stratus_server.advance_clock(DAY + 1)
    sm.put_secret_value(SecretId="app/db", SecretString="fits now")
    kept = stages(sm, "app/db", IncludeDeprecated=True)
    assert len(kept) == 100
    assert secret["VersionId"] not in kept  # the oldest deprecated version went


def test_at_most_twenty_labels(sm, secret):
    labels = [f"L{index}" for index in range(19)]
    sm.put_secret_value(SecretId="app/db", SecretString="x", VersionStages=labels)
    with pytest.raises(ClientError) as caught:
        sm.update_secret_version_stage(
            SecretId="app/db", VersionStage="ONE_MORE", MoveToVersionId=secret["VersionId"]
        )
    assert error_of(caught)[0] == "LimitExceededException"  # wording guessed


def test_list_secret_version_ids_pages_and_refuses_a_token_it_did_not_give(sm):
    sm.create_secret(Name="paged", SecretString="v1")
    sm.put_secret_value(SecretId="paged", SecretString="v2")
    first = sm.list_secret_version_ids(SecretId="paged", MaxResults=1)
    assert len(first["Versions"]) == 1 and "NextToken" in first
    rest = sm.list_secret_version_ids(SecretId="paged", MaxResults=1, NextToken=first["NextToken"])
    assert len(rest["Versions"]) == 1
    assert rest["Versions"][0]["VersionId"] != first["Versions"][0]["VersionId"]
    stale = base64.urlsafe_b64encode(b"not-a-version-of-this-secret").decode()
    with pytest.raises(ClientError) as caught:
        sm.list_secret_version_ids(SecretId="paged", NextToken=stale)
    assert caught.value.response["Error"]["Code"] == "InvalidNextTokenException"
