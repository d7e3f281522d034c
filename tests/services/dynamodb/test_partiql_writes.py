"""PartiQL writes through ExecuteStatement, with boto3: INSERT, UPDATE and DELETE, their refusals,
and the stream records they produce.

Messages come from DynamoDB's PartiQL front end (as DynamoDB Local ships it) unless a comment
says "guessed".
"""

import pytest
from botocore.exceptions import ClientError

from .partiql_support import NOT_WELL_FORMED, _get, _insert
from .support import definitions, key_schema, refused

# -- INSERT ------------------------------------------------------------------------------------------


def test_insert_writes_every_literal_type(ddb, table):
    answer = ddb.execute_statement(
        Statement="INSERT INTO \"items\" VALUE {'pk': 'a', 'sk': 1.50, 's': 'it''s', 'n': -2e2, 'yes': TRUE, "
        "'nothing': NULL, 'l': [1, 'two', [false]], 'm': {'inner': {'deep': 3}}, 'ss': <<'x', 'y'>>, "
        "'ns': <<1, 2>>}"
    )
    assert answer["Items"] == []
    assert _get(ddb, "a", 1.5) == {
        "pk": {"S": "a"},
        "sk": {"N": "1.5"},
        "s": {"S": "it's"},
        "n": {"N": "-200"},
        "yes": {"BOOL": True},
        "nothing": {"NULL": True},
        "l": {"L": [{"N": "1"}, {"S": "two"}, {"L": [{"BOOL": False}]}]},
        "m": {"M": {"inner": {"M": {"deep": {"N": "3"}}}}},
        "ss": {"SS": ["x", "y"]},
        "ns": {"NS": ["1", "2"]},
    }


def test_insert_binds_parameters_in_order(ddb, table):
    ddb.execute_statement(
        Statement="INSERT INTO items VALUE {'pk': ?, 'sk': ?, 'b': ?, 'bs': ?}",
        Parameters=[{"S": "p"}, {"N": "7"}, {"B": b"\x00\x01"}, {"BS": [b"a", b"b"]}],
    )
    item = _get(ddb, "p", 7)
    assert item["b"] == {"B": b"\x00\x01"}
    assert item["bs"] == {"BS": [b"a", b"b"]}


def test_insert_of_an_existing_key_is_a_duplicate(ddb, table):
    _insert(ddb, "a", 1, v="'first'")
    code, message = refused(
        ddb.execute_statement, Statement="INSERT INTO items VALUE {'pk': 'a', 'sk': 1, 'v': 'second'}"
    )
    assert (code, message) == ("DuplicateItemException", "Duplicate primary key exists in table")
    assert _get(ddb, "a", 1)["v"] == {"S": "first"}


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("INSERT INTO items VALUE {'pk': 'a'}", "Key attribute should be present in the item: Key sk"),
        (
            "INSERT INTO items VALUE {'pk': 1, 'sk': 1}",
            "Key attribute's data type should match its data type in table's schema: Key pk",
        ),
        (
            "INSERT INTO items VALUE {'pk': 'a', 'sk': 1} RETURNING ALL OLD *",
            "RETURNING is not supported in INSERT",
        ),
        ("INSERT INTO items VALUE {'pk': 'a', 'sk': 1, 's': <<>>}", "Empty bags are not supported"),
        (
            "INSERT INTO items VALUE {'pk': 'a', 'sk': 1, 's': <<'a', 1>>}",
            "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags",
        ),
        (
            "INSERT INTO items VALUE ['pk', 'a']",
            "Unsupported format in item expression. Please use struct format {...} to express item values "
            "for insert statement.",
        ),
        # "under item" is guessed: DynamoDB names the place of the duplicate in its own way
        (
            "INSERT INTO items VALUE {'pk': 'a', 'sk': 1, 'pk': 'b'}",
            "Duplicate keys in tuple. Key: pk under item",
        ),
        (
            "INSERT INTO items VALUES ('a', 1)",
            NOT_WELL_FORMED + "Unexpected token: VALUES",  # detail guessed
        ),
    ],
)
def test_insert_refusals(ddb, table, statement, message):
    assert refused(ddb.execute_statement, Statement=statement) == ("ValidationException", message)
    assert ddb.scan(TableName="items")["Count"] == 0


# -- UPDATE and DELETE ---------------------------------------------------------------------------------


def test_update_sets_removes_and_returns(ddb, table):
    _insert(ddb, "a", 1, n="1", gone="'x'", l="[1]", s="<<'p'>>", t="<<'q', 'r'>>")
    answer = ddb.execute_statement(
        Statement="UPDATE items SET n = n + ?, added = 'new' REMOVE gone SET l = list_append(l, [2]) "
        "SET s = set_add(s, <<'z'>>) SET t = set_delete(t, <<'q'>>) WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *",
        Parameters=[{"N": "4"}],
    )
    expected = {
        "pk": {"S": "a"},
        "sk": {"N": "1"},
        "n": {"N": "5"},
        "added": {"S": "new"},
        "l": {"L": [{"N": "1"}, {"N": "2"}]},
        "s": {"SS": ["p", "z"]},
        "t": {"SS": ["r"]},
    }
    assert answer["Items"] == [expected]
    assert _get(ddb, "a", 1) == expected
    modified = ddb.execute_statement(
        Statement="UPDATE items SET n = 9 WHERE pk = 'a' AND sk = 1 RETURNING MODIFIED OLD *"
    )
    assert modified["Items"] == [{"n": {"N": "5"}}]
    plain = ddb.execute_statement(Statement="UPDATE items SET n = 10 WHERE pk = 'a' AND sk = 1")
    assert plain["Items"] == []


def test_update_needs_an_existing_item_meeting_the_where(ddb, table):
    assert refused(ddb.execute_statement, Statement="UPDATE items SET v = 1 WHERE pk = 'zz' AND sk = 1") == (
        "ConditionalCheckFailedException",
        "The conditional request failed",
    )
    assert _get(ddb, "zz", 1) is None
    _insert(ddb, "a", 1, v="1")
    with pytest.raises(ClientError) as excinfo:
        ddb.execute_statement(
            Statement="UPDATE items SET v = 2 WHERE pk = 'a' AND sk = 1 AND v = 5",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert excinfo.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert excinfo.value.response["Item"] == {"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"N": "1"}}
    ddb.execute_statement(Statement="UPDATE items SET v = 2 WHERE pk = 'a' AND sk = 1 AND (v = 5 OR v = 1)")
    assert _get(ddb, "a", 1)["v"] == {"N": "2"}


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (
            "UPDATE items SET v = 1 WHERE pk = 'a'",
            "Where clause does not contain a mandatory equality on all key attributes",
        ),
        (
            "UPDATE items SET v = 1",
            "Where clause does not contain a mandatory equality on all key attributes",
        ),
        (
            "UPDATE items SET v = 1 WHERE pk = 'a' AND sk = 1 AND sk = 2",
            "Multiple conditions on same key sk. Only single item Update/Insert/Delete are supported",
        ),
        (
            "UPDATE items SET v = 1 WHERE pk = 'a' AND sk = '1'",
            "Key attribute's data type should match its data type in table's schema: Key sk",
        ),
        (
            "UPDATE items SET v = 1 WHERE pk = ['a'] AND sk = 1",
            "Key value must be of type S, N, or B. Key name: pk, Key type: L",
        ),
        (
            "UPDATE items SET s = set_add(t, <<'x'>>) WHERE pk = 'a' AND sk = 1",
            "The first argument to SET_ADD must equal the assignment value",
        ),
        (
            "UPDATE items SET s = set_add(s, 'x') WHERE pk = 'a' AND sk = 1",
            "The second argument to SET_ADD must be a value with type SET",
        ),
        (
            "UPDATE items SET v = 1 WHERE pk = 'a' AND sk = 1 RETURNING ALL OLD v",
            "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause",
        ),
        (
            "DELETE FROM items WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *",
            "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements.",
        ),
        (
            "DELETE FROM items WHERE sk = 1",
            "Where clause does not contain a mandatory equality on all key attributes",
        ),
    ],
)
def test_write_refusals(ddb, table, statement, message):
    assert refused(ddb.execute_statement, Statement=statement) == ("ValidationException", message)


def test_update_of_a_key_attribute_is_the_update_apis_refusal(ddb, table):
    _insert(ddb, "a", 1)
    assert refused(
        ddb.execute_statement, Statement="UPDATE items SET pk = 'b' WHERE pk = 'a' AND sk = 1"
    ) == (
        "ValidationException",
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key",
    )


def test_delete(ddb, table):
    _insert(ddb, "a", 1, v="1")
    _insert(ddb, "a", 2, v="2")
    assert ddb.execute_statement(Statement="DELETE FROM items WHERE pk = 'nobody' AND sk = 1")["Items"] == []
    assert refused(
        ddb.execute_statement, Statement="DELETE FROM items WHERE pk = 'a' AND sk = 1 AND v = 7"
    ) == (
        "ConditionalCheckFailedException",
        "The conditional request failed",
    )
    answer = ddb.execute_statement(
        Statement="DELETE FROM items WHERE pk = ? AND sk = ? AND v = 1 RETURNING ALL OLD *",
        Parameters=[{"S": "a"}, {"N": "1"}],
        ReturnConsumedCapacity="TOTAL",
    )
    assert answer["Items"] == [{"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"N": "1"}}]
    assert answer["ConsumedCapacity"] == {"TableName": "items", "CapacityUnits": 1.0}
    ddb.execute_statement(Statement="DELETE FROM items WHERE pk = 'a' AND sk = 2")
    assert ddb.scan(TableName="items")["Count"] == 0


def test_statements_feed_streams_like_item_writes(ddb, aws_client):
    streams = aws_client("dynamodbstreams")
    arn = ddb.create_table(
        TableName="streamed",
        AttributeDefinitions=definitions(id="S"),
        KeySchema=key_schema("id"),
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]["LatestStreamArn"]
    ddb.execute_statement(Statement="INSERT INTO streamed VALUE {'id': 'x', 'v': 1}")
    ddb.execute_statement(Statement="UPDATE streamed SET v = 2 WHERE id = 'x'")
    ddb.execute_statement(Statement="DELETE FROM streamed WHERE id = 'x'")
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    position = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=position["ShardIterator"])["Records"]
    assert [record["eventName"] for record in records] == ["INSERT", "MODIFY", "REMOVE"]
    assert records[1]["dynamodb"]["NewImage"] == {"id": {"S": "x"}, "v": {"N": "2"}}
