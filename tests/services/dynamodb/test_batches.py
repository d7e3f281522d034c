"""BatchWriteItem and BatchGetItem, through the client and boto3's Table resource."""

from .support import refused


def _item(n: int, **extra) -> dict:
    return {"id": {"S": f"item-{n}"}, "n": {"N": str(n)}, **extra}


def test_batch_write_puts_and_deletes(ddb, simple_table):
    ddb.put_item(TableName=simple_table, Item=_item(0))
    answer = ddb.batch_write_item(
        RequestItems={
            simple_table: [{"PutRequest": {"Item": _item(n)}} for n in range(1, 4)]
            + [{"DeleteRequest": {"Key": {"id": {"S": "item-0"}}}}]
        },
        ReturnConsumedCapacity="TOTAL",
    )
    assert answer["UnprocessedItems"] == {}
    assert answer["ConsumedCapacity"] == [{"TableName": simple_table, "CapacityUnits": 4.0}]
    assert sorted(item["id"]["S"] for item in ddb.scan(TableName=simple_table)["Items"]) == [
        "item-1",
        "item-2",
        "item-3",
    ]


def test_batch_write_limits_and_duplicates_change_nothing(ddb, simple_table):
    too_many = {simple_table: [{"PutRequest": {"Item": _item(n)}} for n in range(26)]}
    code, _ = refused(ddb.batch_write_item, RequestItems=too_many)
    assert code == "ValidationException"
    duplicates = {
        simple_table: [
            {"PutRequest": {"Item": _item(1)}},
            {"DeleteRequest": {"Key": {"id": {"S": "item-1"}}}},
        ]
    }
    assert refused(ddb.batch_write_item, RequestItems=duplicates) == (
        "ValidationException",
        "Provided list of item keys contains duplicates",
    )
    bad_key = {
        simple_table: [{"PutRequest": {"Item": _item(1)}}, {"PutRequest": {"Item": {"n": {"N": "1"}}}}]
    }
    assert refused(ddb.batch_write_item, RequestItems=bad_key)[0] == "ValidationException"
    assert ddb.scan(TableName=simple_table)["Count"] == 0


def test_batch_write_to_a_missing_table(ddb):
    assert refused(ddb.batch_write_item, RequestItems={"nope": [{"PutRequest": {"Item": _item(1)}}]}) == (
        "ResourceNotFoundException",
        "Requested resource not found",
    )


def test_batch_get_across_tables_with_projection(ddb, simple_table, table):
    for n in range(3):
        ddb.put_item(TableName=simple_table, Item=_item(n, extra={"S": "x"}))
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "sk": {"N": "1"}})
    answer = ddb.batch_get_item(
        RequestItems={
            simple_table: {
                "Keys": [{"id": {"S": "item-0"}}, {"id": {"S": "item-2"}}, {"id": {"S": "missing"}}],
                "ProjectionExpression": "id, n",
            },
            table: {"Keys": [{"pk": {"S": "a"}, "sk": {"N": "1"}}], "ConsistentRead": True},
        },
        ReturnConsumedCapacity="TOTAL",
    )
    assert sorted(item["id"]["S"] for item in answer["Responses"][simple_table]) == ["item-0", "item-2"]
    assert all(set(item) == {"id", "n"} for item in answer["Responses"][simple_table])
    assert answer["Responses"][table] == [{"pk": {"S": "a"}, "sk": {"N": "1"}}]
    assert answer["UnprocessedKeys"] == {}
    capacity = {entry["TableName"]: entry["CapacityUnits"] for entry in answer["ConsumedCapacity"]}
    assert capacity == {simple_table: 1.5, table: 1.0}


def test_batch_get_refuses_duplicate_keys(ddb, simple_table):
    assert refused(
        ddb.batch_get_item, RequestItems={simple_table: {"Keys": [{"id": {"S": "a"}}, {"id": {"S": "a"}}]}}
    ) == ("ValidationException", "Provided list of item keys contains duplicates")


def test_the_table_resource_and_its_batch_writer(ddb_resource, simple_table):
    from boto3.dynamodb.conditions import Attr, Key

    resource = ddb_resource
    handle = resource.Table(simple_table)
    with handle.batch_writer() as writer:
        for n in range(40):
            writer.put_item(Item={"id": f"item-{n}", "n": n, "even": n % 2 == 0})
    assert handle.get_item(Key={"id": "item-7"})["Item"] == {"id": "item-7", "n": 7, "even": False}
    evens = handle.scan(FilterExpression=Attr("even").eq(True) & Attr("n").gte(30))["Items"]
    assert sorted(item["n"] for item in evens) == [30, 32, 34, 36, 38]
    assert handle.query(KeyConditionExpression=Key("id").eq("item-3"))["Items"][0]["n"] == 3


def test_batch_get_hands_back_what_exceeds_16_mb(ddb, simple_table):
    big = {"S": "x" * 390_000}
    for n in range(50):
        ddb.put_item(TableName=simple_table, Item={"id": {"S": f"big-{n:02d}"}, "data": big})
    keys = [{"id": {"S": f"big-{n:02d}"}} for n in range(50)]
    answer = ddb.batch_get_item(RequestItems={simple_table: {"Keys": keys, "ConsistentRead": True}})
    got = answer["Responses"][simple_table]
    left = answer["UnprocessedKeys"][simple_table]
    assert 40 <= len(got) < 50  # 16 MB of ~390 KB items
    assert left["ConsistentRead"] is True
    assert sorted(item["id"]["S"] for item in got) + sorted(key["id"]["S"] for key in left["Keys"]) == [
        key["id"]["S"] for key in keys
    ]
