"""On-demand backups and RestoreTableFromBackup through boto3.

Sources: the API reference of CreateBackup, DescribeBackup, ListBackups, DeleteBackup and
RestoreTableFromBackup; the developer guide ("Backup and restore for DynamoDB": a backup is a full
copy of the table's data and settings; a restore makes a new table and does not bring back
streams, TTL, tags or PITR); the AWS CLI examples (CreateBackup answers CREATING, DescribeBackup
AVAILABLE, ARNs `table/<name>/backup/<14-digit ms>-<8 hex>`, RestoreSummary with
RestoreInProgress); and behaviour recorded against live DynamoDB (error messages such as
'Table not found: <name>', 'Backup not found: <arn>', 'Invalid Backup ARN', 'Table already exists:
<name>', the restore override messages, ListBackups' [lower, upper) time range and USER default).
Messages marked "guessed" were chosen to read like AWS's.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from .support import definitions, key_schema, refused

BACKUP_ARN = re.compile(
    r"arn:aws:dynamodb:us-east-1:\d{12}:table/(?P<table>[\w.-]+)/backup/(?P<ms>\d{14})-[0-9a-f]{8}"
)


def put(ddb, table, pk, sk, **attributes):
    item = {"pk": {"S": pk}, "sk": {"N": str(sk)}}
    item.update(attributes)
    ddb.put_item(TableName=table, Item=item)


def scan_all(ddb, table) -> list[dict]:
    items = ddb.scan(TableName=table, ConsistentRead=True)["Items"]
    return sorted(items, key=lambda item: (item["pk"]["S"], item["sk"]["N"]))


def backup(ddb, table="items", name="nightly") -> dict:
    return ddb.create_backup(TableName=table, BackupName=name)["BackupDetails"]


@pytest.fixture
def indexed(ddb):
    """A provisioned table with a GSI and an LSI."""
    ddb.create_table(
        TableName="indexed",
        AttributeDefinitions=definitions(pk="S", sk="N", colour="S", size="N"),
        KeySchema=key_schema("pk", "sk"),
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-colour",
                "KeySchema": key_schema("colour"),
                "Projection": {"ProjectionType": "ALL"},
                "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
            }
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by-size",
                "KeySchema": key_schema("pk", "size"),
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
    )
    return "indexed"


# -- CreateBackup / DescribeBackup -----------------------------------------------------------------


def test_create_backup_answers_creating_then_describe_shows_available(ddb, table):
    put(ddb, table, "a", 1, colour={"S": "red"})
    size = ddb.describe_table(TableName=table)["Table"]["TableSizeBytes"]
    details = backup(ddb)
    match = BACKUP_ARN.fullmatch(details["BackupArn"])
    assert match and match["table"] == "items"
    assert details["BackupName"] == "nightly"
    assert details["BackupStatus"] == "CREATING"
    assert details["BackupType"] == "USER"
    assert details["BackupSizeBytes"] == size > 0
    assert "BackupExpiryDateTime" not in details
    # the ARN's id starts with the creation time in epoch milliseconds
    assert int(match["ms"]) == int(details["BackupCreationDateTime"].timestamp() * 1000)

    described = ddb.describe_backup(BackupArn=details["BackupArn"])["BackupDescription"]
    assert described["BackupDetails"] == {**details, "BackupStatus": "AVAILABLE"}
    source = described["SourceTableDetails"]
    table_description = ddb.describe_table(TableName=table)["Table"]
    assert source["TableName"] == "items"
    assert source["TableArn"] == table_description["TableArn"]
    assert source["TableId"] == table_description["TableId"]
    assert source["KeySchema"] == table_description["KeySchema"]
    assert source["TableCreationDateTime"] == table_description["CreationDateTime"]
    assert source["ItemCount"] == 1
    assert source["TableSizeBytes"] == size
    assert source["BillingMode"] == "PAY_PER_REQUEST"
    assert source["ProvisionedThroughput"] == {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
    assert described["SourceTableFeatureDetails"] == {}


def test_backup_records_indexes_stream_ttl_and_encryption(ddb, indexed):
    ddb.update_table(
        TableName=indexed,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": "alias/aws/dynamodb"},
    )
    ddb.update_time_to_live(
        TableName=indexed, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"}
    )
    arn = backup(ddb, indexed)["BackupArn"]
    described = ddb.describe_backup(BackupArn=arn)["BackupDescription"]
    assert described["SourceTableDetails"]["ProvisionedThroughput"] == {
        "ReadCapacityUnits": 5,
        "WriteCapacityUnits": 5,
    }
    assert described["SourceTableDetails"]["BillingMode"] == "PROVISIONED"
    features = described["SourceTableFeatureDetails"]
    assert features["GlobalSecondaryIndexes"] == [
        {
            "IndexName": "by-colour",
            "KeySchema": key_schema("colour"),
            "Projection": {"ProjectionType": "ALL"},
            "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
        }
    ]
    assert features["LocalSecondaryIndexes"] == [
        {
            "IndexName": "by-size",
            "KeySchema": key_schema("pk", "size"),
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }
    ]
    assert features["StreamDescription"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    assert features["TimeToLiveDescription"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "ttl"}
    assert features["SSEDescription"]["Status"] == "ENABLED"
    assert features["SSEDescription"]["SSEType"] == "KMS"


def test_create_backup_of_a_missing_table(ddb):
    assert refused(ddb.create_backup, TableName="nope", BackupName="first") == (
        "TableNotFoundException",
        "Table not found: nope",
    )


def test_backup_names_are_not_unique(ddb, table):
    first, second = backup(ddb), backup(ddb)
    assert first["BackupArn"] != second["BackupArn"]
    assert first["BackupName"] == second["BackupName"]


def test_describe_backup_errors(ddb, table):
    arn = backup(ddb)["BackupArn"]
    missing = arn[: -len("00000000")] + "00000000"
    assert refused(ddb.describe_backup, BackupArn=missing) == (
        "BackupNotFoundException",
        f"Backup not found: {missing}",
    )
    table_arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    assert refused(ddb.describe_backup, BackupArn=table_arn + "/stream/2024") == (
        "ValidationException",
        "Invalid Backup ARN",
    )
    other_account = arn.replace(arn.split(":")[4], "111122223333")
    assert refused(ddb.describe_backup, BackupArn=other_account) == (
        "AccessDeniedException",
        "Access is denied",
    )


# -- the backup is a copy --------------------------------------------------------------------------


def test_backup_is_a_copy_taken_at_that_moment(ddb, table):
    put(ddb, table, "a", 1, data={"B": b"\x00\x01binary"}, tags={"SS": ["x", "y"]})
    put(ddb, table, "b", 2, nested={"M": {"list": {"L": [{"N": "1.50"}, {"NULL": True}]}}})
    before = scan_all(ddb, table)
    arn = backup(ddb)["BackupArn"]
    put(ddb, table, "c", 3)
    ddb.delete_item(TableName=table, Key={"pk": {"S": "a"}, "sk": {"N": "1"}})
    ddb.update_item(
        TableName=table,
        Key={"pk": {"S": "b"}, "sk": {"N": "2"}},
        UpdateExpression="SET changed = :t",
        ExpressionAttributeValues={":t": {"BOOL": True}},
    )

    ddb.restore_table_from_backup(TargetTableName="items-restored", BackupArn=arn)
    assert scan_all(ddb, "items-restored") == before
    restored = ddb.describe_table(TableName="items-restored")["Table"]
    assert restored["TableStatus"] == "ACTIVE"
    assert restored["ItemCount"] == 2
    assert len(scan_all(ddb, table)) == 2  # the source kept its own changes


def test_backup_outlives_its_table(ddb, table):
    put(ddb, table, "a", 1)
    arn = backup(ddb)["BackupArn"]
    ddb.delete_table(TableName=table)
    assert (
        ddb.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]["BackupStatus"]
        == "AVAILABLE"
    )
    listed = ddb.list_backups(TableName=table)["BackupSummaries"]
    assert [summary["BackupArn"] for summary in listed] == [arn]
    # restoring into the old name brings the table back
    ddb.restore_table_from_backup(TargetTableName=table, BackupArn=arn)
    assert [item["pk"]["S"] for item in scan_all(ddb, table)] == ["a"]


# -- ListBackups ------------------------------------------------------------------------------------


def test_list_backups_filters_and_pages(ddb, table, simple_table, stratus_server):
    first = backup(ddb, table, "one")
    stratus_server.advance_clock(10)
    second = backup(ddb, table, "two")
    stratus_server.advance_clock(10)
    other = backup(ddb, simple_table, "three")

    everything = ddb.list_backups()["BackupSummaries"]
    assert [summary["BackupArn"] for summary in everything] == [
        first["BackupArn"],
        second["BackupArn"],
        other["BackupArn"],
    ]
    summary = everything[0]
    assert summary["TableName"] == "items"
    assert summary["TableArn"].endswith(":table/items")
    assert summary["BackupStatus"] == "AVAILABLE"
    assert summary["BackupType"] == "USER"
    assert summary["BackupName"] == "one"
    assert summary["BackupCreationDateTime"] == first["BackupCreationDateTime"]
    assert "LastEvaluatedBackupArn" not in ddb.list_backups(Limit=3)

    by_table = ddb.list_backups(TableName=simple_table)["BackupSummaries"]
    assert [summary["BackupName"] for summary in by_table] == ["three"]

    # the lower bound is inclusive, the upper bound exclusive (boto3 sends whole seconds)
    window = ddb.list_backups(
        TimeRangeLowerBound=second["BackupCreationDateTime"],
        TimeRangeUpperBound=other["BackupCreationDateTime"],
    )["BackupSummaries"]
    assert [summary["BackupName"] for summary in window] == ["two"]
    later = ddb.list_backups(TimeRangeLowerBound=second["BackupCreationDateTime"] + timedelta(seconds=1))
    assert [summary["BackupName"] for summary in later["BackupSummaries"]] == ["three"]

    page = ddb.list_backups(Limit=2)
    assert [summary["BackupName"] for summary in page["BackupSummaries"]] == ["one", "two"]
    assert page["LastEvaluatedBackupArn"] == second["BackupArn"]
    rest = ddb.list_backups(Limit=2, ExclusiveStartBackupArn=page["LastEvaluatedBackupArn"])
    assert [summary["BackupName"] for summary in rest["BackupSummaries"]] == ["three"]
    assert "LastEvaluatedBackupArn" not in rest

    assert ddb.list_backups(BackupType="SYSTEM")["BackupSummaries"] == []
    assert len(ddb.list_backups(BackupType="ALL")["BackupSummaries"]) == 3
    assert ddb.list_backups(TableName="never-was")["BackupSummaries"] == []


def test_list_backups_refuses_an_inverted_time_range(ddb, table):
    details = backup(ddb)
    moment = details["BackupCreationDateTime"]
    assert refused(
        ddb.list_backups, TimeRangeLowerBound=moment + timedelta(seconds=1), TimeRangeUpperBound=moment
    ) == ("ValidationException", "Time range lower bound must be less than or equal to upper bound")


def test_list_backups_cursor_may_name_a_deleted_backup(ddb, table):
    first, second = backup(ddb, table, "one"), backup(ddb, table, "two")
    ddb.delete_backup(BackupArn=first["BackupArn"])
    after = ddb.list_backups(ExclusiveStartBackupArn=first["BackupArn"])["BackupSummaries"]
    assert [summary["BackupArn"] for summary in after] == [second["BackupArn"]]


# -- DeleteBackup -----------------------------------------------------------------------------------


def test_delete_backup_answers_deleted_and_the_backup_is_gone(ddb, table):
    arn = backup(ddb)["BackupArn"]
    deleted = ddb.delete_backup(BackupArn=arn)["BackupDescription"]
    assert deleted["BackupDetails"]["BackupStatus"] == "DELETED"
    assert deleted["SourceTableDetails"]["TableName"] == "items"
    assert refused(ddb.describe_backup, BackupArn=arn)[0] == "BackupNotFoundException"
    assert refused(ddb.delete_backup, BackupArn=arn) == (
        "BackupNotFoundException",
        f"Backup not found: {arn}",
    )
    assert ddb.list_backups()["BackupSummaries"] == []
    assert refused(ddb.restore_table_from_backup, TargetTableName="again", BackupArn=arn)[0] == (
        "BackupNotFoundException"
    )


# -- RestoreTableFromBackup ------------------------------------------------------------------------


def test_restore_answer_shows_the_restore_in_progress(ddb, table):
    put(ddb, table, "a", 1)
    details = backup(ddb)
    answer = ddb.restore_table_from_backup(TargetTableName="copy", BackupArn=details["BackupArn"])[
        "TableDescription"
    ]
    assert answer["TableName"] == "copy"
    assert answer["TableStatus"] == "CREATING"
    assert answer["TableArn"].endswith(":table/copy")
    assert answer["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    source_arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    assert answer["RestoreSummary"] == {
        "SourceBackupArn": details["BackupArn"],
        "SourceTableArn": source_arn,
        "RestoreDateTime": details["BackupCreationDateTime"],
        "RestoreInProgress": True,
    }
    described = ddb.describe_table(TableName="copy")["Table"]
    assert described["TableStatus"] == "ACTIVE"
    assert "RestoreSummary" not in described  # DynamoDB drops it once the table is ACTIVE
    assert (
        described["TableId"] == answer["TableId"] != ddb.describe_table(TableName=table)["Table"]["TableId"]
    )
    assert described["ItemCount"] == 1


def test_restore_into_an_existing_name(ddb, table, simple_table):
    arn = backup(ddb)["BackupArn"]
    assert refused(ddb.restore_table_from_backup, TargetTableName=simple_table, BackupArn=arn) == (
        "TableAlreadyExistsException",
        f"Table already exists: {simple_table}",
    )
    assert refused(ddb.restore_table_from_backup, TargetTableName=table, BackupArn=arn)[0] == (
        "TableAlreadyExistsException"
    )


def test_restore_keeps_indexes_and_their_entries(ddb, indexed):
    put(ddb, indexed, "a", 1, colour={"S": "red"}, size={"N": "10"})
    put(ddb, indexed, "a", 2, colour={"S": "blue"}, size={"N": "5"})
    put(ddb, indexed, "b", 1, colour={"S": "red"})
    arn = backup(ddb, indexed)["BackupArn"]
    ddb.restore_table_from_backup(TargetTableName="indexed-copy", BackupArn=arn)
    described = ddb.describe_table(TableName="indexed-copy")["Table"]
    assert described["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    gsi = described["GlobalSecondaryIndexes"][0]
    assert gsi["IndexName"] == "by-colour"
    assert gsi["ProvisionedThroughput"]["WriteCapacityUnits"] == 4
    assert gsi["ItemCount"] == 3
    reds = ddb.query(
        TableName="indexed-copy",
        IndexName="by-colour",
        KeyConditionExpression="colour = :c",
        ExpressionAttributeValues={":c": {"S": "red"}},
    )["Items"]
    assert sorted(item["pk"]["S"] for item in reds) == ["a", "b"]
    by_size = ddb.query(
        TableName="indexed-copy",
        IndexName="by-size",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "a"}},
    )["Items"]
    assert [item["sk"]["N"] for item in by_size] == ["2", "1"]


def test_restore_drops_stream_ttl_deletion_protection_and_tags(ddb, table):
    arn_of_table = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    ddb.update_table(
        TableName=table,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
        DeletionProtectionEnabled=True,
        SSESpecification={"Enabled": True, "SSEType": "KMS"},
    )
    ddb.update_time_to_live(
        TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"}
    )
    ddb.tag_resource(ResourceArn=arn_of_table, Tags=[{"Key": "team", "Value": "a"}])
    ddb.update_continuous_backups(
        TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    arn = backup(ddb)["BackupArn"]
    ddb.restore_table_from_backup(TargetTableName="plain", BackupArn=arn)
    restored = ddb.describe_table(TableName="plain")["Table"]
    assert "StreamSpecification" not in restored
    assert "LatestStreamArn" not in restored
    assert restored["DeletionProtectionEnabled"] is False
    assert restored["SSEDescription"]["SSEType"] == "KMS"  # encryption is kept
    assert (
        ddb.describe_time_to_live(TableName="plain")["TimeToLiveDescription"]["TimeToLiveStatus"]
        == "DISABLED"
    )
    assert ddb.list_tags_of_resource(ResourceArn=restored["TableArn"]).get("Tags", []) == []
    recovery = ddb.describe_continuous_backups(TableName="plain")["ContinuousBackupsDescription"]
    assert recovery["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED"


def test_restore_billing_overrides(ddb, table):
    put(ddb, table, "a", 1)
    arn = backup(ddb)["BackupArn"]
    assert refused(
        ddb.restore_table_from_backup,
        TargetTableName="t-one",
        BackupArn=arn,
        ProvisionedThroughputOverride={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
    ) == ("ValidationException", "Cannot override ProvisionedThroughput unless BillingMode is PROVISIONED")
    assert refused(
        ddb.restore_table_from_backup,
        TargetTableName="t-one",
        BackupArn=arn,
        BillingModeOverride="PROVISIONED",
    ) == (
        "ValidationException",
        "Must override ProvisionedThroughput if BillingMode is overridden to PROVISIONED",
    )
    assert (
        refused(ddb.describe_table, TableName="t-one")[0] == "ResourceNotFoundException"
    )  # no target was made

    ddb.restore_table_from_backup(
        TargetTableName="t-one",
        BackupArn=arn,
        BillingModeOverride="PROVISIONED",
        ProvisionedThroughputOverride={"ReadCapacityUnits": 7, "WriteCapacityUnits": 8},
    )
    described = ddb.describe_table(TableName="t-one")["Table"]
    assert described["ProvisionedThroughput"]["ReadCapacityUnits"] == 7
    assert described["ProvisionedThroughput"]["WriteCapacityUnits"] == 8
    assert described.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED") == "PROVISIONED"
    assert described["ItemCount"] == 1


def test_restore_to_on_demand_drops_index_throughput(ddb, indexed):
    arn = backup(ddb, indexed)["BackupArn"]
    ddb.restore_table_from_backup(
        TargetTableName="on-demand", BackupArn=arn, BillingModeOverride="PAY_PER_REQUEST"
    )
    described = ddb.describe_table(TableName="on-demand")["Table"]
    assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert described["ProvisionedThroughput"]["ReadCapacityUnits"] == 0
    assert described["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]["ReadCapacityUnits"] == 0


def test_restore_index_overrides(ddb, indexed):
    put(ddb, indexed, "a", 1, colour={"S": "red"}, size={"N": "1"})
    arn = backup(ddb, indexed)["BackupArn"]
    ddb.restore_table_from_backup(
        TargetTableName="no-indexes",
        BackupArn=arn,
        GlobalSecondaryIndexOverride=[],
        LocalSecondaryIndexOverride=[],
    )
    described = ddb.describe_table(TableName="no-indexes")["Table"]
    assert "GlobalSecondaryIndexes" not in described
    assert "LocalSecondaryIndexes" not in described
    assert described["AttributeDefinitions"] == definitions(pk="S", sk="N")

    # an override must match a source index by keys and projection; it may rename it
    ddb.restore_table_from_backup(
        TargetTableName="renamed",
        BackupArn=arn,
        GlobalSecondaryIndexOverride=[
            {
                "IndexName": "colours",
                "KeySchema": key_schema("colour"),
                "Projection": {"ProjectionType": "ALL"},
                "ProvisionedThroughput": {"ReadCapacityUnits": 9, "WriteCapacityUnits": 9},
            }
        ],
    )
    gsis = ddb.describe_table(TableName="renamed")["Table"]["GlobalSecondaryIndexes"]
    assert [
        (gsi["IndexName"], gsi["ProvisionedThroughput"]["ReadCapacityUnits"], gsi["ItemCount"])
        for gsi in gsis
    ] == [("colours", 9, 1)]
    assert refused(
        ddb.restore_table_from_backup,
        TargetTableName="new-index",
        BackupArn=arn,
        GlobalSecondaryIndexOverride=[
            {
                "IndexName": "by-size-global",
                "KeySchema": key_schema("size"),
                "Projection": {"ProjectionType": "ALL"},
                "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
            }
        ],
    ) == (
        "ValidationException",
        "Index by-size-global does not match a secondary index that existed in the source table and cannot be "
        "created during the restore operation",
    )


def test_restore_encryption_override(ddb, table):
    ddb.update_table(TableName=table, SSESpecification={"Enabled": True, "SSEType": "KMS"})
    arn = backup(ddb)["BackupArn"]
    ddb.restore_table_from_backup(
        TargetTableName="owned-key", BackupArn=arn, SSESpecificationOverride={"Enabled": False}
    )
    assert "SSEDescription" not in ddb.describe_table(TableName="owned-key")["Table"]
