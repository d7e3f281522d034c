"""Global tables: version 2019.11.21 replicas (UpdateTable ReplicaUpdates), the replica auto scaling
operations, and the legacy 2017.11.29 operations DynamoDB no longer creates tables for."""

from __future__ import annotations

import pytest

from .support import definitions, key_schema, refused

NAME = "music"


@pytest.fixture
def west(aws_client):
    return aws_client("dynamodb", region_name="eu-west-1")


@pytest.fixture
def music(ddb):
    """An on-demand table with a GSI and two items, in us-east-1, without a stream."""
    ddb.create_table(
        TableName=NAME,
        AttributeDefinitions=definitions(artist="S", song="S", genre="S"),
        KeySchema=key_schema("artist", "song"),
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-genre",
                "KeySchema": key_schema("genre"),
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName=NAME, Item={"artist": {"S": "a"}, "song": {"S": "s1"}, "genre": {"S": "jazz"}})
    ddb.put_item(TableName=NAME, Item={"artist": {"S": "b"}, "song": {"S": "s2"}, "genre": {"S": "rock"}})
    return NAME


def add_replica(ddb, region: str, **params) -> dict:
    return ddb.update_table(TableName=NAME, ReplicaUpdates=[{"Create": {"RegionName": region, **params}}])


def test_adding_a_replica_makes_the_table_in_the_other_region(ddb, west, music):
    answer = add_replica(ddb, "eu-west-1")["TableDescription"]
    assert answer["TableStatus"] == "UPDATING"
    assert answer["GlobalTableVersion"] == "2019.11.21"

    home = ddb.describe_table(TableName=NAME)["Table"]
    assert home["TableStatus"] == "ACTIVE"
    assert home["GlobalTableVersion"] == "2019.11.21"
    assert home["Replicas"] == [{"RegionName": "eu-west-1", "ReplicaStatus": "ACTIVE"}]
    # DynamoDB turns a NEW_AND_OLD_IMAGES stream on for the replication
    assert home["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}

    replica = west.describe_table(TableName=NAME)["Table"]
    assert replica["TableArn"].startswith("arn:aws:dynamodb:eu-west-1:")
    assert replica["TableId"] != home["TableId"]
    assert replica["KeySchema"] == home["KeySchema"]
    assert replica["AttributeDefinitions"] == home["AttributeDefinitions"]
    assert [gsi["IndexName"] for gsi in replica["GlobalSecondaryIndexes"]] == ["by-genre"]
    assert replica["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert replica["Replicas"] == [{"RegionName": "us-east-1", "ReplicaStatus": "ACTIVE"}]
    assert replica["GlobalTableVersion"] == "2019.11.21"
    assert replica["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert replica["LatestStreamArn"].startswith(replica["TableArn"] + "/stream/")


def test_the_replica_starts_with_the_tables_items_and_index(ddb, west, music):
    add_replica(ddb, "eu-west-1")
    item = west.get_item(TableName=NAME, Key={"artist": {"S": "a"}, "song": {"S": "s1"}})["Item"]
    assert item["genre"] == {"S": "jazz"}
    found = west.query(
        TableName=NAME,
        IndexName="by-genre",
        KeyConditionExpression="genre = :g",
        ExpressionAttributeValues={":g": {"S": "rock"}},
    )["Items"]
    assert [i["song"]["S"] for i in found] == ["s2"]
    assert west.describe_table(TableName=NAME)["Table"]["ItemCount"] == 2


def test_an_existing_stream_of_another_view_type_is_kept(ddb, west):
    ddb.create_table(
        TableName=NAME,
        AttributeDefinitions=definitions(artist="S"),
        KeySchema=key_schema("artist"),
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )
    label = ddb.describe_table(TableName=NAME)["Table"]["LatestStreamLabel"]
    add_replica(ddb, "eu-west-1")
    home = ddb.describe_table(TableName=NAME)["Table"]
    assert home["StreamSpecification"]["StreamViewType"] == "KEYS_ONLY"
    assert home["LatestStreamLabel"] == label


def test_removing_the_last_replica_makes_the_table_regional_again(ddb, west, music):
    add_replica(ddb, "eu-west-1")
    ddb.update_table(TableName=NAME, ReplicaUpdates=[{"Delete": {"RegionName": "eu-west-1"}}])
    assert refused(west.describe_table, TableName=NAME)[0] == "ResourceNotFoundException"
    home = ddb.describe_table(TableName=NAME)["Table"]
    assert "Replicas" not in home
    assert "GlobalTableVersion" not in home
    assert home["StreamSpecification"]["StreamEnabled"] is True  # the stream stays, as in DynamoDB
    # the region is free again: the replica can be re-added
    add_replica(ddb, "eu-west-1")
    assert west.describe_table(TableName=NAME)["Table"]["Replicas"][0]["RegionName"] == "us-east-1"


def test_each_member_lists_the_others_in_the_order_they_were_added(ddb, west, aws_client, music):
    add_replica(ddb, "eu-west-1")
    west.update_table(TableName=NAME, ReplicaUpdates=[{"Create": {"RegionName": "ap-south-1"}}])
    south = aws_client("dynamodb", region_name="ap-south-1")

    def regions(client):
        return [r["RegionName"] for r in client.describe_table(TableName=NAME)["Table"]["Replicas"]]

    assert regions(ddb) == ["eu-west-1", "ap-south-1"]
    assert regions(west) == ["us-east-1", "ap-south-1"]
    assert regions(south) == ["us-east-1", "eu-west-1"]
    # any member can remove a replica, and the others forget it
    south.update_table(TableName=NAME, ReplicaUpdates=[{"Delete": {"RegionName": "eu-west-1"}}])
    assert regions(ddb) == ["ap-south-1"]
    assert regions(south) == ["us-east-1"]


def test_a_replica_update_sets_its_overrides(ddb, west, music):
    add_replica(ddb, "eu-west-1")
    ddb.update_table(
        TableName=NAME,
        ReplicaUpdates=[
            {"Update": {"RegionName": "eu-west-1", "TableClassOverride": "STANDARD_INFREQUENT_ACCESS"}}
        ],
    )
    entry = ddb.describe_table(TableName=NAME)["Table"]["Replicas"][0]
    assert entry["ReplicaTableClassSummary"] == {"TableClass": "STANDARD_INFREQUENT_ACCESS"}
    replica = west.describe_table(TableName=NAME)["Table"]
    assert replica["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"


def test_replica_update_errors(ddb, west, music):
    def replica_error(*updates, **other):
        return refused(ddb.update_table, TableName=NAME, ReplicaUpdates=list(updates), **other)

    assert replica_error({"Create": {"RegionName": "us-east-1"}}) == (
        "ValidationException",
        "Cannot add or delete the local region through ReplicaUpdates. "
        "Use CreateTable, DeleteTable, or UpdateTable as required.",
    )
    code, message = replica_error({"Create": {"RegionName": "us-fake-1"}})
    assert code == "ValidationException"
    assert message.startswith(
        "Region us-fake-1 is not supported. The latest version of global tables are only supported "
        "in the following regions: ["
    )
    assert replica_error({"Delete": {"RegionName": "ca-central-1"}}) == (
        "ValidationException",
        "Update global table operation failed because one or more replicas were not part of the "
        "global table. Please retry the request without these replicas: [ca-central-1].",
    )
    assert replica_error({"Create": {"RegionName": "eu-west-1"}, "Delete": {"RegionName": "eu-west-1"}}) == (
        "ValidationException",
        "Update table operation with more than one type of replica actions not allowed.",
    )
    assert replica_error(
        {"Create": {"RegionName": "eu-west-1"}}, {"Create": {"RegionName": "eu-west-2"}}
    ) == (
        "ValidationException",
        "Update table operation with more than one create or delete replica actions not allowed",
    )
    assert replica_error({"Create": {"RegionName": "eu-west-1"}}, DeletionProtectionEnabled=True) == (
        "ValidationException",
        "One or more parameter values were invalid: Replica modification must be the only operation in the request",
    )
    assert replica_error({}) == (
        "ValidationException",
        "There are no actions specified in the Replica Update Action of the request.",
    )
    # nothing was changed by the refused requests
    assert "Replicas" not in ddb.describe_table(TableName=NAME)["Table"]
    assert refused(west.describe_table, TableName=NAME)[0] == "ResourceNotFoundException"

    add_replica(ddb, "eu-west-1")
    assert replica_error({"Update": {"RegionName": "eu-west-1"}}) == (
        "ValidationException",
        "There are no actions specified in the Replica Update Action of the request.",
    )
    # a member (or any same-name table) in the region: DynamoDB's message, typo and quotes included
    assert replica_error({"Create": {"RegionName": "eu-west-1"}}) == (
        "ValidationException",
        "Failed to create a the new replica of table with name: \u2018music\u2019 because one or more "
        "replicas already existed as tables.",
    )


def test_a_same_name_table_in_the_region_blocks_the_replica(ddb, west, music):
    west.create_table(
        TableName=NAME,
        AttributeDefinitions=definitions(id="S"),
        KeySchema=key_schema("id"),
        BillingMode="PAY_PER_REQUEST",
    )
    code, message = refused(add_replica, ddb, "eu-west-1")
    assert code == "ValidationException"
    assert "because one or more replicas already existed as tables." in message


def test_provisioned_tables_need_write_auto_scaling(ddb, west):
    ddb.create_table(
        TableName=NAME,
        AttributeDefinitions=definitions(artist="S"),
        KeySchema=key_schema("artist"),
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    assert refused(add_replica, ddb, "eu-west-1") == (
        "ValidationException",
        "Table write capacity should either be Pay-Per-Request or AutoScaled.",
    )


def test_deletion_protection_of_the_replica_blocks_its_removal(ddb, west, music):
    add_replica(ddb, "eu-west-1")
    west.update_table(TableName=NAME, DeletionProtectionEnabled=True)
    code, message = refused(
        ddb.update_table, TableName=NAME, ReplicaUpdates=[{"Delete": {"RegionName": "eu-west-1"}}]
    )
    assert (code, message) == (
        "ValidationException",
        "Cannot delete table music in region eu-west-1 because it has deletion protection enabled. "
        "Disable deletion protection first.",
    )
    assert west.describe_table(TableName=NAME)["Table"]["TableStatus"] == "ACTIVE"


# ---------------------------------------------------------------- replica auto scaling


def test_replica_auto_scaling_answers_only_for_global_tables(ddb, music):
    missing = ("ResourceNotFoundException", "Global table with name: 'music' does not exist.")
    assert refused(ddb.describe_table_replica_auto_scaling, TableName=NAME) == missing
    write = {"AutoScalingDisabled": True}
    assert (
        refused(
            ddb.update_table_replica_auto_scaling,
            TableName=NAME,
            ProvisionedWriteCapacityAutoScalingUpdate=write,
        )
        == missing
    )
    assert refused(ddb.describe_table_replica_auto_scaling, TableName="nothing")[1] == (
        "Global table with name: 'nothing' does not exist."
    )


def test_replica_auto_scaling_of_an_on_demand_global_table(ddb, west, music):
    add_replica(ddb, "eu-west-1")
    described = ddb.describe_table_replica_auto_scaling(TableName=NAME)["TableAutoScalingDescription"]
    assert described["TableName"] == NAME
    assert described["TableStatus"] == "ACTIVE"
    assert [r["RegionName"] for r in described["Replicas"]] == ["eu-west-1", "us-east-1"]
    replica = described["Replicas"][0]
    assert replica["ReplicaStatus"] == "ACTIVE"
    assert replica["ReplicaProvisionedWriteCapacityAutoScalingSettings"] == {"AutoScalingDisabled": True}
    assert replica["GlobalSecondaryIndexes"][0]["IndexName"] == "by-genre"

    code, message = refused(
        ddb.update_table_replica_auto_scaling,
        TableName=NAME,
        ProvisionedWriteCapacityAutoScalingUpdate={
            "MinimumUnits": 1,
            "MaximumUnits": 10,
            "ScalingPolicyUpdate": {"TargetTrackingScalingPolicyConfiguration": {"TargetValue": 70.0}},
        },
    )
    assert code == "ValidationException"
    assert "BillingMode is PayPerRequest. You must convert table's BillingMode to PROVISIONED" in message
    # disabling is accepted on demand
    ddb.update_table_replica_auto_scaling(
        TableName=NAME, ProvisionedWriteCapacityAutoScalingUpdate={"AutoScalingDisabled": True}
    )


def test_replica_auto_scaling_update_shapes(ddb, west, music):
    add_replica(ddb, "eu-west-1")
    code, message = refused(
        ddb.update_table_replica_auto_scaling,
        TableName=NAME,
        ProvisionedWriteCapacityAutoScalingUpdate={"MinimumUnits": 1, "MaximumUnits": 10},
    )
    assert (code, message) == (
        "ValidationException",
        "Failed to update settings for global table with name: \u2018music\u2019: Parameters "
        "'ScalingPolicyUpdate' are required unless auto scaling is being disabled.",
    )
    code, message = refused(
        ddb.update_table_replica_auto_scaling,
        TableName=NAME,
        GlobalSecondaryIndexUpdates=[
            {"IndexName": "nope", "ProvisionedWriteCapacityAutoScalingUpdate": {"AutoScalingDisabled": True}}
        ],
    )
    assert (code, message) == (
        "ResourceNotFoundException",
        "Failed to update settings for global table with name: \u2018music\u2019 because the global "
        "secondary indexes with names: \u2018[nope]\u2019 do not exist.",
    )


# ---------------------------------------------------------------- version 2017.11.29 (legacy)


def test_legacy_global_tables_are_no_longer_created(ddb, west):
    for client in (ddb, west):
        client.create_table(
            TableName=NAME,
            AttributeDefinitions=definitions(artist="S"),
            KeySchema=key_schema("artist"),
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
    code, message = refused(
        ddb.create_global_table, GlobalTableName=NAME, ReplicationGroup=[{"RegionName": "eu-west-1"}]
    )
    assert code == "ValidationException"
    assert message == (
        "One or more parameter values were invalid: DynamoDB global tables version 2017.11.29 is not "
        "supported. We recommend using DynamoDB global tables version 2019.11.21, instead of version "
        "2017.11.29 (Legacy)."
    )
    assert ddb.list_global_tables()["GlobalTables"] == []


def test_legacy_operations_do_not_see_version_2019_global_tables(ddb, west, music):
    add_replica(ddb, "eu-west-1")
    # guessed quoting: DynamoDB's "Global table with name '<name>' does not exist." as reported
    not_found = ("GlobalTableNotFoundException", "Global table with name 'music' does not exist.")
    assert refused(ddb.describe_global_table, GlobalTableName=NAME) == not_found
    assert refused(ddb.describe_global_table_settings, GlobalTableName=NAME) == not_found
    assert (
        refused(
            ddb.update_global_table_settings, GlobalTableName=NAME, GlobalTableBillingMode="PAY_PER_REQUEST"
        )
        == not_found
    )
    assert (
        refused(
            ddb.update_global_table,
            GlobalTableName=NAME,
            ReplicaUpdates=[{"Delete": {"RegionName": "eu-west-1"}}],
        )
        == not_found
    )
    assert ddb.list_global_tables(RegionName="us-east-1")["GlobalTables"] == []
