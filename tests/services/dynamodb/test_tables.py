"""Tables: create (with DynamoDB's validation), describe, list, delete, limits, endpoints, tags."""

import pytest

from .support import definitions, key_schema, refused

INVALID = "One or more parameter values were invalid: "


def _create(ddb, name="orders", **overrides):
    request = {
        "TableName": name,
        "AttributeDefinitions": definitions(pk="S", sk="N"),
        "KeySchema": key_schema("pk", "sk"),
        "BillingMode": "PAY_PER_REQUEST",
    }
    request.update(overrides)
    return ddb.create_table(**request)["TableDescription"]


def test_create_answers_creating_then_the_table_is_active(ddb):
    created = _create(ddb)
    assert created["TableStatus"] == "CREATING"
    assert created["TableArn"] == "arn:aws:dynamodb:us-east-1:000000000000:table/orders"
    assert created["KeySchema"] == key_schema("pk", "sk")
    assert created["BillingModeSummary"] == {"BillingMode": "PAY_PER_REQUEST"}
    assert created["ProvisionedThroughput"] == {
        "NumberOfDecreasesToday": 0,
        "ReadCapacityUnits": 0,
        "WriteCapacityUnits": 0,
    }
    ddb.get_waiter("table_exists").wait(TableName="orders", WaiterConfig={"Delay": 1, "MaxAttempts": 2})
    described = ddb.describe_table(TableName="orders")["Table"]
    assert described["TableStatus"] == "ACTIVE"
    assert (described["ItemCount"], described["TableSizeBytes"]) == (0, 0)
    assert described["TableId"] == created["TableId"]
    assert described["DeletionProtectionEnabled"] is False


def test_provisioned_table_shows_its_throughput(ddb):
    created = _create(
        ddb,
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 7},
    )
    assert created["ProvisionedThroughput"] == {
        "NumberOfDecreasesToday": 0,
        "ReadCapacityUnits": 5,
        "WriteCapacityUnits": 7,
    }
    assert "BillingModeSummary" not in created


def test_a_table_by_its_arn(ddb):
    arn = _create(ddb)["TableArn"]
    assert ddb.describe_table(TableName=arn)["Table"]["TableName"] == "orders"


def test_create_an_existing_table(ddb):
    _create(ddb)
    assert refused(_create, ddb) == ("ResourceInUseException", "Table already exists: orders")


def test_describe_and_delete_missing_tables(ddb):
    missing = ("ResourceNotFoundException", "Requested resource not found: Table: nope not found")
    assert refused(ddb.describe_table, TableName="nope") == missing
    assert refused(ddb.delete_table, TableName="nope") == missing


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"AttributeDefinitions": definitions(pk="S", sk="N", extra="S")},
            INVALID
            + "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions",
        ),
        (
            {"AttributeDefinitions": definitions(pk="S"), "KeySchema": key_schema("pk", "sk")},
            "Invalid KeySchema: Some index key attribute have no definition",
        ),
        (
            {"AttributeDefinitions": definitions(other="S"), "KeySchema": key_schema("pk")},
            INVALID
            + "Some index key attributes are not defined in AttributeDefinitions. Keys: [pk], AttributeDefinitions: [other]",
        ),
        (
            {
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "RANGE"},
                    {"AttributeName": "sk", "KeyType": "HASH"},
                ]
            },
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
        ),
        (
            {
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "sk", "KeyType": "HASH"},
                ]
            },
            "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type",
        ),
        (
            {"BillingMode": "PROVISIONED"},
            INVALID
            + "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED",
        ),
        (
            {"ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}},
            INVALID
            + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
        ),
    ],
)
def test_create_refuses_inconsistent_definitions(ddb, overrides, message):
    assert refused(_create, ddb, **overrides) == ("ValidationException", message)
    assert ddb.list_tables()["TableNames"] == []


def _index(name, hash_key, range_key=None, projection="ALL", **extra):
    return {
        "IndexName": name,
        "KeySchema": key_schema(hash_key, range_key),
        "Projection": {"ProjectionType": projection},
        **extra,
    }


def test_create_with_secondary_indexes(ddb):
    created = _create(
        ddb,
        AttributeDefinitions=definitions(pk="S", sk="N", status="S", placed="N"),
        LocalSecondaryIndexes=[_index("by-placed", "pk", "placed", "KEYS_ONLY")],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-status",
                "KeySchema": key_schema("status", "placed"),
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]},
            }
        ],
    )
    (lsi,) = created["LocalSecondaryIndexes"]
    assert lsi["IndexArn"] == created["TableArn"] + "/index/by-placed"
    assert lsi["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    (gsi,) = created["GlobalSecondaryIndexes"]
    assert gsi["IndexStatus"] == "ACTIVE"
    assert gsi["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]}
    assert (gsi["ItemCount"], gsi["IndexSizeBytes"]) == (0, 0)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"LocalSecondaryIndexes": [_index("by-placed", "other", "placed")]},
            INVALID
            + "Index KeySchema does not have the same leading hash key as table KeySchema for index: by-placed. "
            "index hash key: other, table hash key: pk",
        ),
        (
            {"LocalSecondaryIndexes": [_index("by-placed", "pk")]},
            INVALID + "Index KeySchema does not have a range key for index: by-placed",
        ),
        (
            {
                "LocalSecondaryIndexes": [_index("twice", "pk", "placed")],
                "GlobalSecondaryIndexes": [_index("twice", "other")],
            },
            INVALID + "Duplicate index name: twice",
        ),
        (
            {"GlobalSecondaryIndexes": [_index("by-other", "missing")]},
            INVALID + "Some index key attributes are not defined in AttributeDefinitions. Keys: [missing], "
            "AttributeDefinitions: [pk, sk, other, placed]",
        ),
        (
            {
                "GlobalSecondaryIndexes": [
                    {
                        "IndexName": "by-other",
                        "KeySchema": key_schema("other"),
                        "Projection": {"ProjectionType": "ALL", "NonKeyAttributes": ["x"]},
                    }
                ]
            },
            INVALID + "ProjectionType is ALL, but NonKeyAttributes is specified",
        ),
        (
            {"GlobalSecondaryIndexes": [_index("by-other", "other")]},
            INVALID
            + "Some AttributeDefinitions are not used. AttributeDefinitions: [pk, sk, other, placed], "
            "keys used: [pk, sk, other]",
        ),
    ],
)
def test_create_refuses_inconsistent_indexes(ddb, overrides, message):
    overrides.setdefault("AttributeDefinitions", definitions(pk="S", sk="N", other="S", placed="N"))
    assert refused(_create, ddb, **overrides) == ("ValidationException", message)


def test_local_indexes_need_a_table_sort_key(ddb):
    code, message = refused(
        _create,
        ddb,
        AttributeDefinitions=definitions(pk="S", placed="N"),
        KeySchema=key_schema("pk"),
        LocalSecondaryIndexes=[_index("by-placed", "pk", "placed")],
    )
    assert (code, message) == (
        "ValidationException",
        INVALID
        + "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex",
    )


def test_streams_get_a_label_and_arn(ddb):
    created = _create(
        ddb, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    )
    assert created["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert created["LatestStreamArn"] == f"{created['TableArn']}/stream/{created['LatestStreamLabel']}"


def test_list_tables_pages_in_name_order(ddb):
    for name in ("ccc", "aaa", "bbb", "ddd"):
        _create(ddb, name=name)
    first = ddb.list_tables(Limit=3)
    assert first["TableNames"] == ["aaa", "bbb", "ccc"]
    assert first["LastEvaluatedTableName"] == "ccc"
    rest = ddb.list_tables(ExclusiveStartTableName="ccc", Limit=3)
    assert rest["TableNames"] == ["ddd"]
    assert "LastEvaluatedTableName" not in rest
    paged = [
        name
        for page in ddb.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 1})
        for name in page["TableNames"]
    ]
    assert paged == ["aaa", "bbb", "ccc", "ddd"]


def test_tables_are_per_region(aws_client, ddb):
    _create(ddb)
    assert aws_client("dynamodb", region_name="eu-west-1").list_tables()["TableNames"] == []


def test_delete_answers_deleting_and_the_table_is_gone(ddb):
    _create(ddb)
    deleted = ddb.delete_table(TableName="orders")["TableDescription"]
    assert deleted["TableStatus"] == "DELETING"
    assert ddb.list_tables()["TableNames"] == []
    _create(ddb)  # the name is free again


def test_deletion_protection(ddb):
    _create(ddb, DeletionProtectionEnabled=True)
    assert refused(ddb.delete_table, TableName="orders") == (
        "ValidationException",
        "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.",
    )
    assert ddb.describe_table(TableName="orders")["Table"]["DeletionProtectionEnabled"] is True


def test_limits_and_endpoints(ddb):
    limits = ddb.describe_limits()
    assert limits["AccountMaxReadCapacityUnits"] == 80000
    assert limits["TableMaxWriteCapacityUnits"] == 40000
    (endpoint,) = ddb.describe_endpoints()["Endpoints"]
    assert endpoint["CachePeriodInMinutes"] == 1440
    assert endpoint["Address"]


def test_tags(ddb):
    arn = _create(ddb, Tags=[{"Key": "team", "Value": "a"}])["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "test"}, {"Key": "team", "Value": "b"}])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "env", "Value": "test"},
        {"Key": "team", "Value": "b"},
    ]
    ddb.untag_resource(ResourceArn=arn, TagKeys=["team", "absent"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "test"}]
    missing = arn.replace("orders", "nope")
    assert refused(ddb.list_tags_of_resource, ResourceArn=missing) == (
        "ResourceNotFoundException",
        f"Requested resource not found: ResourcArn: {missing} not found",
    )


def test_warm_throughput_is_stored_and_shown(ddb):
    created = _create(ddb, WarmThroughput={"ReadUnitsPerSecond": 15000, "WriteUnitsPerSecond": 5000})
    assert created["WarmThroughput"] == {
        "ReadUnitsPerSecond": 15000,
        "WriteUnitsPerSecond": 5000,
        "Status": "ACTIVE",
    }
    ddb.update_table(TableName="orders", WarmThroughput={"ReadUnitsPerSecond": 20000})
    shown = ddb.describe_table(TableName="orders")["Table"]["WarmThroughput"]
    assert (shown["ReadUnitsPerSecond"], shown["WriteUnitsPerSecond"]) == (20000, 5000)
    _create(ddb, name="plain")
    plain = ddb.describe_table(TableName="plain")["Table"]["WarmThroughput"]
    assert (plain["ReadUnitsPerSecond"], plain["WriteUnitsPerSecond"]) == (12000, 4000)


def test_global_table_options_stratus_lacks_answer_501(ddb):
    _create(ddb)
    code, message = refused(ddb.update_table, TableName="orders", MultiRegionConsistency="STRONG")
    assert code == "NotImplemented" and "MultiRegionConsistency" in message
    code, _ = refused(
        _create, ddb, name="copy", GlobalTableSourceArn="arn:aws:dynamodb:us-east-1:111122223333:table/orders"
    )
    assert code == "NotImplemented"
    assert ddb.list_tables()["TableNames"] == ["orders"]
