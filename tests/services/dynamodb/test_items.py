"""Single items: PutItem, GetItem, DeleteItem, UpdateItem — values, keys, conditions, ReturnValues,
consumed capacity, and the errors DynamoDB answers."""

import pytest

from .support import refused

INVALID = "One or more parameter values were invalid: "


def _key(pk="a", sk="1"):
    return {"pk": {"S": pk}, "sk": {"N": sk}}


def test_put_then_get_returns_the_item_with_numbers_normalized(ddb, table):
    item = {
        **_key(),
        "n": {"N": "0042.500"},
        "s": {"S": "héllo"},
        "b": {"B": b"\x00\xff"},
        "flag": {"BOOL": True},
        "none": {"NULL": True},
        "list": {"L": [{"N": "1.0"}, {"S": "x"}]},
        "map": {"M": {"inner": {"NS": ["3", "1.50"]}}},
        "ss": {"SS": ["b", "a"]},
        "bs": {"BS": [b"1", b"2"]},
        "empty": {"S": ""},
    }
    assert ddb.put_item(TableName=table, Item=item)["ResponseMetadata"]["HTTPStatusCode"] == 200
    got = ddb.get_item(TableName=table, Key=_key(sk="1.0"))["Item"]
    assert got["n"] == {"N": "42.5"}
    assert got["list"] == {"L": [{"N": "1"}, {"S": "x"}]}
    assert sorted(got["map"]["M"]["inner"]["NS"]) == ["1.5", "3"]
    assert got["b"] == {"B": b"\x00\xff"}
    assert got["bs"] == {"BS": [b"1", b"2"]}
    assert got["empty"] == {"S": ""}
    assert got["s"] == {"S": "héllo"}


def test_get_of_a_missing_item_has_no_item(ddb, table):
    answer = ddb.get_item(TableName=table, Key=_key())
    assert "Item" not in answer


def test_item_operations_on_a_missing_table(ddb):
    missing = ("ResourceNotFoundException", "Requested resource not found")
    assert refused(ddb.get_item, TableName="nope", Key=_key()) == missing
    assert refused(ddb.put_item, TableName="nope", Item=_key()) == missing


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"pk": {"S": "a"}}, INVALID + "Missing the key sk in the item"),
        ({"pk": {"S": "a"}, "sk": {"S": "1"}}, INVALID + "Type mismatch for key sk expected: N actual: S"),
        (
            {"pk": {"S": ""}, "sk": {"N": "1"}},
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain "
            "an empty string value. Key: pk",
        ),
    ],
)
def test_put_refuses_bad_keys(ddb, table, item, message):
    assert refused(ddb.put_item, TableName=table, Item=item) == ("ValidationException", message)


@pytest.mark.parametrize(
    "key",
    [
        {"pk": {"S": "a"}},
        {"pk": {"S": "a"}, "sk": {"N": "1"}, "extra": {"S": "x"}},
        {"pk": {"N": "1"}, "sk": {"N": "1"}},
    ],
)
def test_get_refuses_keys_that_do_not_match_the_schema(ddb, table, key):
    assert refused(ddb.get_item, TableName=table, Key=key) == (
        "ValidationException",
        "The provided key element does not match the schema",
    )


def test_items_over_400_kb_are_refused(ddb, table):
    item = {**_key(), "big": {"S": "x" * (400 * 1024)}}
    assert refused(ddb.put_item, TableName=table, Item=item) == (
        "ValidationException",
        "Item size has exceeded the maximum allowed size",
    )


def test_put_replaces_and_returns_the_old_item(ddb, table):
    ddb.put_item(TableName=table, Item={**_key(), "v": {"S": "one"}})
    answer = ddb.put_item(TableName=table, Item={**_key(), "w": {"S": "two"}}, ReturnValues="ALL_OLD")
    assert answer["Attributes"] == {**_key(), "v": {"S": "one"}}
    assert ddb.get_item(TableName=table, Key=_key())["Item"] == {**_key(), "w": {"S": "two"}}
    assert "Attributes" not in ddb.put_item(TableName=table, Item=_key("new"), ReturnValues="ALL_OLD")


def test_put_refuses_return_values_it_does_not_offer(ddb, table):
    assert refused(ddb.put_item, TableName=table, Item=_key(), ReturnValues="ALL_NEW") == (
        "ValidationException",
        "Return values set to invalid value",
    )


def test_conditional_put(ddb, table):
    guard = {"ConditionExpression": "attribute_not_exists(pk)"}
    ddb.put_item(TableName=table, Item={**_key(), "v": {"N": "1"}}, **guard)
    assert refused(ddb.put_item, TableName=table, Item=_key(), **guard) == (
        "ConditionalCheckFailedException",
        "The conditional request failed",
    )
    answer = None
    try:
        ddb.put_item(TableName=table, Item=_key(), ReturnValuesOnConditionCheckFailure="ALL_OLD", **guard)
    except ddb.exceptions.ConditionalCheckFailedException as error:
        answer = error.response
    assert answer is not None and answer["Item"] == {**_key(), "v": {"N": "1"}}
    assert ddb.get_item(TableName=table, Key=_key())["Item"]["v"] == {"N": "1"}


def test_conditions_with_values_and_names(ddb, table):
    ddb.put_item(TableName=table, Item={**_key(), "status": {"S": "open"}, "n": {"N": "5"}})
    ddb.put_item(
        TableName=table,
        Item={**_key(), "status": {"S": "closed"}},
        ConditionExpression="#s = :open AND n BETWEEN :low AND :high",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":open": {"S": "open"}, ":low": {"N": "1"}, ":high": {"N": "10"}},
    )
    assert ddb.get_item(TableName=table, Key=_key())["Item"]["status"] == {"S": "closed"}


def test_unused_expression_values_are_refused(ddb, table):
    code, message = refused(
        ddb.put_item,
        TableName=table,
        Item=_key(),
        ConditionExpression="attribute_not_exists(pk)",
        ExpressionAttributeValues={":unused": {"S": "x"}},
    )
    assert code == "ValidationException"
    assert message == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}"


def test_delete_returns_the_old_item_and_honours_conditions(ddb, table):
    ddb.put_item(TableName=table, Item={**_key(), "v": {"N": "1"}})
    assert (
        refused(
            ddb.delete_item,
            TableName=table,
            Key=_key(),
            ConditionExpression="v = :two",
            ExpressionAttributeValues={":two": {"N": "2"}},
        )[0]
        == "ConditionalCheckFailedException"
    )
    answer = ddb.delete_item(TableName=table, Key=_key(), ReturnValues="ALL_OLD")
    assert answer["Attributes"] == {**_key(), "v": {"N": "1"}}
    assert "Item" not in ddb.get_item(TableName=table, Key=_key())
    assert "Attributes" not in ddb.delete_item(TableName=table, Key=_key(), ReturnValues="ALL_OLD")


def test_update_creates_the_item_and_applies_each_clause(ddb, table):
    answer = ddb.update_item(
        TableName=table,
        Key=_key(),
        UpdateExpression="SET n = :one, tags = :tags ADD hits :one",
        ExpressionAttributeValues={":one": {"N": "1"}, ":tags": {"SS": ["a"]}},
        ReturnValues="ALL_NEW",
    )
    assert answer["Attributes"] == {**_key(), "n": {"N": "1"}, "tags": {"SS": ["a"]}, "hits": {"N": "1"}}
    answer = ddb.update_item(
        TableName=table,
        Key=_key(),
        UpdateExpression="SET n = n + :two REMOVE hits ADD more :b DELETE tags :a",
        ExpressionAttributeValues={":two": {"N": "2"}, ":a": {"SS": ["a"]}, ":b": {"SS": ["b"]}},
        ReturnValues="UPDATED_NEW",
    )
    # UPDATED_NEW: what the updated paths hold now (the emptied set and the removed attribute are gone)
    assert answer["Attributes"] == {"n": {"N": "3"}, "more": {"SS": ["b"]}}
    assert ddb.get_item(TableName=table, Key=_key())["Item"] == {
        **_key(),
        "n": {"N": "3"},
        "more": {"SS": ["b"]},
    }


def test_update_return_values(ddb, table):
    ddb.put_item(TableName=table, Item={**_key(), "a": {"N": "1"}, "b": {"N": "2"}})
    update = {"UpdateExpression": "SET a = :v", "ExpressionAttributeValues": {":v": {"N": "9"}}}
    assert ddb.update_item(TableName=table, Key=_key(), ReturnValues="UPDATED_OLD", **update)[
        "Attributes"
    ] == {"a": {"N": "1"}}
    assert ddb.update_item(TableName=table, Key=_key(), ReturnValues="ALL_OLD", **update)["Attributes"] == {
        **_key(),
        "a": {"N": "9"},
        "b": {"N": "2"},
    }
    assert "Attributes" not in ddb.update_item(TableName=table, Key=_key(), **update)


def test_update_refuses_key_attributes(ddb, table):
    code, message = refused(
        ddb.update_item,
        TableName=table,
        Key=_key(),
        UpdateExpression="SET pk = :v",
        ExpressionAttributeValues={":v": {"S": "b"}},
    )
    assert (code, message) == (
        "ValidationException",
        INVALID + "Cannot update attribute pk. This attribute is part of the key",
    )


def test_update_with_a_failed_condition_changes_nothing(ddb, table):
    code, _ = refused(
        ddb.update_item,
        TableName=table,
        Key=_key(),
        UpdateExpression="SET v = :v",
        ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeValues={":v": {"N": "1"}},
    )
    assert code == "ConditionalCheckFailedException"
    assert "Item" not in ddb.get_item(TableName=table, Key=_key())


def test_get_with_a_projection(ddb, table):
    ddb.put_item(
        TableName=table,
        Item={**_key(), "a": {"M": {"b": {"L": [{"N": "1"}, {"N": "2"}]}, "c": {"S": "x"}}}, "d": {"S": "y"}},
    )
    answer = ddb.get_item(
        TableName=table, Key=_key(), ProjectionExpression="a.b[1], #d", ExpressionAttributeNames={"#d": "d"}
    )
    assert answer["Item"] == {"a": {"M": {"b": {"L": [{"N": "2"}]}}}, "d": {"S": "y"}}


def test_consumed_capacity(ddb, table):
    put = ddb.put_item(
        TableName=table, Item={**_key(), "big": {"S": "x" * 3000}}, ReturnConsumedCapacity="TOTAL"
    )
    assert put["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 3.0}
    eventual = ddb.get_item(TableName=table, Key=_key(), ReturnConsumedCapacity="TOTAL")
    assert eventual["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 0.5}
    strong = ddb.get_item(TableName=table, Key=_key(), ConsistentRead=True, ReturnConsumedCapacity="INDEXES")
    assert strong["ConsumedCapacity"] == {
        "TableName": table,
        "CapacityUnits": 1.0,
        "Table": {"CapacityUnits": 1.0},
    }
    assert "ConsumedCapacity" not in ddb.get_item(TableName=table, Key=_key())


def test_item_count_and_size_follow_writes(ddb, table):
    ddb.put_item(TableName=table, Item={**_key("a"), "v": {"S": "abc"}})
    ddb.put_item(TableName=table, Item={**_key("b"), "v": {"S": "abc"}})
    ddb.delete_item(TableName=table, Key=_key("b"))
    described = ddb.describe_table(TableName=table)["Table"]
    assert described["ItemCount"] == 1
    assert described["TableSizeBytes"] > 0


def test_item_collection_metrics_for_tables_with_local_indexes(ddb, table):
    ddb.create_table(
        TableName="with-lsi",
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "at", "AttributeType": "N"},
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by-at",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "at", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    answer = ddb.put_item(
        TableName="with-lsi", Item={**_key(), "at": {"N": "5"}}, ReturnItemCollectionMetrics="SIZE"
    )
    assert answer["ItemCollectionMetrics"] == {
        "ItemCollectionKey": {"pk": {"S": "a"}},
        "SizeEstimateRangeGB": [0.0, 1.0],
    }
    batch = ddb.batch_write_item(
        RequestItems={"with-lsi": [{"PutRequest": {"Item": _key(sk="2")}}]},
        ReturnItemCollectionMetrics="SIZE",
    )
    assert batch["ItemCollectionMetrics"]["with-lsi"][0]["ItemCollectionKey"] == {"pk": {"S": "a"}}
    # a table without local indexes has no item collections to report
    plain = ddb.put_item(TableName=table, Item=_key(), ReturnItemCollectionMetrics="SIZE")
    assert "ItemCollectionMetrics" not in plain
