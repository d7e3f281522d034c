"""Multi-Region secrets: the replica is a real secret in the other region, kept in step with every
change of its primary; RemoveRegionsFromReplication and StopReplicationToReplica."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from .support import error_of, stages

WEST = "us-west-2"


@pytest.fixture
def west(aws_client):
    return aws_client("secretsmanager", region_name=WEST)


@pytest.fixture
def replicated(sm):
    return sm.create_secret(
        Name="global", SecretString="v1", Description="everywhere", AddReplicaRegions=[{"Region": WEST}]
    )


def test_create_with_a_replica(sm, west, replicated):
    assert replicated["ReplicationStatus"] == [
        {
            "Region": WEST,
            "KmsKeyId": "alias/aws/secretsmanager",
            "Status": "InSync",
            "StatusMessage": "Replication succeeded",  # guessed
        }
    ]
    replica_arn = replicated["ARN"].replace("us-east-1", WEST)
    described = west.describe_secret(SecretId="global")
    assert described["ARN"] == replica_arn
    assert described["PrimaryRegion"] == "us-east-1"
    assert described["Description"] == "everywhere"
    value = west.get_secret_value(SecretId=replica_arn)
    assert value["SecretString"] == "v1" and value["VersionId"] == replicated["VersionId"]
    primary = sm.describe_secret(SecretId="global")
    assert primary["PrimaryRegion"] == "us-east-1"
    assert [status["Region"] for status in primary["ReplicationStatus"]] == [WEST]


def test_every_change_of_the_primary_reaches_the_replica(sm, west, replicated):
    second = sm.put_secret_value(SecretId="global", SecretString="v2")["VersionId"]
    assert west.get_secret_value(SecretId="global")["SecretString"] == "v2"
    assert stages(west, "global") == stages(sm, "global")
    sm.update_secret(SecretId="global", Description="changed")
    sm.tag_resource(SecretId="global", Tags=[{"Key": "team", "Value": "core"}])
    sm.update_secret_version_stage(
        SecretId="global",
        VersionStage="AWSCURRENT",
        MoveToVersionId=replicated["VersionId"],
        RemoveFromVersionId=second,
    )
    described = west.describe_secret(SecretId="global")
    assert described["Description"] == "changed"
    assert described["Tags"] == [{"Key": "team", "Value": "core"}]
    assert west.get_secret_value(SecretId="global")["SecretString"] == "v1"
    assert west.get_secret_value(SecretId="global", VersionStage="AWSPREVIOUS")["SecretString"] == "v2"


def test_replicas_refuse_changes(west, replicated):
    message = "Operation not permitted on a replica secret. Call must be made in primary secret's region."
    for call in (
        lambda: west.put_secret_value(SecretId="global", SecretString="x"),
        lambda: west.update_secret(SecretId="global", Description="x"),
        lambda: west.tag_resource(SecretId="global", Tags=[{"Key": "a", "Value": "b"}]),
        lambda: west.delete_secret(SecretId="global"),
    ):
        with pytest.raises(ClientError) as caught:
            call()
        assert error_of(caught) == ("InvalidRequestException", message)


def test_replicate_an_existing_secret_with_its_own_key(sm, aws_client, west, secret):
    kms_west = aws_client("kms", region_name=WEST)
    key = kms_west.create_key()["KeyMetadata"]
    sm.put_secret_value(SecretId="app/db", SecretString="second")
    answer = sm.replicate_secret_to_regions(
        SecretId="app/db", AddReplicaRegions=[{"Region": WEST, "KmsKeyId": key["Arn"]}]
    )
    assert answer["ARN"] == secret["ARN"]
    assert answer["ReplicationStatus"][0]["KmsKeyId"] == key["Arn"]
    assert west.describe_secret(SecretId="app/db")["KmsKeyId"] == key["Arn"]
    assert west.get_secret_value(SecretId="app/db", VersionStage="AWSPREVIOUS")["SecretString"] == "s3cr3t"
    # The replica's values depend on its own key.
    kms_west.disable_key(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as caught:
        west.get_secret_value(SecretId="app/db")
    assert error_of(caught)[0] == "DecryptionFailure"
    assert sm.get_secret_value(SecretId="app/db")["SecretString"] == "second"


def test_a_name_taken_in_the_replica_region(sm, west):
    west.create_secret(Name="clash", SecretString="theirs")
    answer = sm.create_secret(Name="clash", SecretString="ours", AddReplicaRegions=[{"Region": WEST}])
    [status] = answer["ReplicationStatus"]
    assert status["Status"] == "Failed"
    assert (
        status["StatusMessage"] == f"Replication failed: Secret name clash already exists in region {WEST}."
    )
    assert west.get_secret_value(SecretId="clash")["SecretString"] == "theirs"
    # Forcing overwrites the secret there.
    forced = sm.replicate_secret_to_regions(
        SecretId="clash", AddReplicaRegions=[{"Region": WEST}], ForceOverwriteReplicaSecret=True
    )
    assert forced["ReplicationStatus"][0]["Status"] == "InSync"
    assert west.get_secret_value(SecretId="clash")["SecretString"] == "ours"


def test_replica_region_errors(sm, replicated):
    # guessed wordings
    with pytest.raises(ClientError) as caught:
        sm.replicate_secret_to_regions(SecretId="global", AddReplicaRegions=[{"Region": "us-east-1"}])
    assert error_of(caught)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as caught:
        sm.replicate_secret_to_regions(SecretId="global", AddReplicaRegions=[{"Region": WEST}])
    assert error_of(caught)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as caught:
        sm.replicate_secret_to_regions(SecretId="global", AddReplicaRegions=[{"Region": "not a region"}])
    assert error_of(caught)[0] == "ValidationException"


def test_remove_regions_deletes_the_replica(sm, west, replicated):
    answer = sm.remove_regions_from_replication(SecretId="global", RemoveReplicaRegions=[WEST])
    assert answer["ARN"] == replicated["ARN"] and answer["ReplicationStatus"] == []
    with pytest.raises(ClientError) as caught:
        west.describe_secret(SecretId="global")
    assert error_of(caught)[0] == "ResourceNotFoundException"
    assert "ReplicationStatus" not in sm.describe_secret(SecretId="global")


def test_a_primary_with_replicas_cannot_be_deleted(sm, replicated):
    with pytest.raises(ClientError) as caught:
        sm.delete_secret(SecretId="global")
    assert error_of(caught)[0] == "InvalidRequestException"  # wording guessed
    sm.remove_regions_from_replication(SecretId="global", RemoveReplicaRegions=[WEST])
    sm.delete_secret(SecretId="global", ForceDeleteWithoutRecovery=True)


def test_stop_replication_promotes_the_replica(sm, west, replicated):
    replica_arn = replicated["ARN"].replace("us-east-1", WEST)
    assert west.stop_replication_to_replica(SecretId="global")["ARN"] == replica_arn
    described = west.describe_secret(SecretId="global")
    assert "PrimaryRegion" not in described
    # Now a secret of its own: it takes changes, and the old primary no longer reaches it.
    west.put_secret_value(SecretId="global", SecretString="west only")
    sm.put_secret_value(SecretId="global", SecretString="east only")
    assert west.get_secret_value(SecretId="global")["SecretString"] == "west only"
    assert "ReplicationStatus" not in sm.describe_secret(SecretId="global")
    with pytest.raises(ClientError) as caught:
        sm.stop_replication_to_replica(SecretId="global")
    assert error_of(caught)[0] == "InvalidRequestException"  # wording guessed


def test_replicas_are_listed_in_their_region(sm, west, replicated):
    [entry] = west.list_secrets()["SecretList"]
    assert entry["Name"] == "global" and entry["PrimaryRegion"] == "us-east-1"
    assert [
        s["Name"]
        for s in west.list_secrets(Filters=[{"Key": "primary-region", "Values": ["us-east"]}])["SecretList"]
    ] == ["global"]


def test_a_replica_that_cannot_follow_is_marked_failed(sm, aws_client, west, secret):
    kms_west = aws_client("kms", region_name=WEST)
    key = kms_west.create_key()["KeyMetadata"]
    sm.replicate_secret_to_regions(
        SecretId="app/db", AddReplicaRegions=[{"Region": WEST, "KmsKeyId": key["Arn"]}]
    )
    kms_west.disable_key(KeyId=key["KeyId"])
    # The primary's change goes through; the replica falls out of sync.
    sm.put_secret_value(SecretId="app/db", SecretString="newer")
    [status] = sm.describe_secret(SecretId="app/db")["ReplicationStatus"]
    assert status["Status"] == "Failed" and "disabled" in status["StatusMessage"]  # wording guessed
    kms_west.enable_key(KeyId=key["KeyId"])
    assert west.get_secret_value(SecretId="app/db")["SecretString"] == "s3cr3t"
    # Replicating to the region again brings it back in sync.
    again = sm.replicate_secret_to_regions(
        SecretId="app/db", AddReplicaRegions=[{"Region": WEST, "KmsKeyId": key["Arn"]}]
    )
    assert again["ReplicationStatus"][0]["Status"] == "InSync"
    assert west.get_secret_value(SecretId="app/db")["SecretString"] == "newer"
