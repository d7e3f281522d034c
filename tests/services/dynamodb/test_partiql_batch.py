"""PartiQL BatchExecuteStatement, with boto3: batches of reads and of writes, each statement's
answer, refusals and consumed capacity.

Messages come from DynamoDB's PartiQL front end (as DynamoDB Local ships it) unless a comment
says "guessed".
"""

from .partiql_support import (
    NOT_WELL_FORMED,
    _get,
    _insert,
    rows_fixture,  # noqa: F401
)
from .support import refused

# -- BatchExecuteStatement -----------------------------------------------------------------------------


def test_batch_of_reads(ddb, rows):
    answer = ddb.batch_execute_statement(
        Statements=[
            {"Statement": "SELECT color FROM items WHERE pk = 'a' AND sk = 1"},
            {
                "Statement": "SELECT * FROM items WHERE pk = ? AND sk = ?",
                "Parameters": [{"S": "x"}, {"N": "9"}],
            },
            {"Statement": "SELECT * FROM items WHERE pk = 'a'"},
            {"Statement": "SELECT * FROM items WHERE pk = 'a' AND sk = 1 AND color = 'red'"},
            {"Statement": "SELEC * FROM items"},
            {"Statement": "SELECT * FROM nosuch WHERE pk = 'a' AND sk = 1"},
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert answer["Responses"] == [
        {"TableName": "items", "Item": {"color": {"S": "red"}}},
        {"TableName": "items"},
        {"Error": {"Code": "ValidationError", "Message": "Only single item select is supported"}},
        {"Error": {"Code": "ValidationError", "Message": "Only single item select is supported"}},
        {"Error": {"Code": "ValidationError", "Message": NOT_WELL_FORMED + "Expected data manipulation"}},
        {"Error": {"Code": "ResourceNotFound", "Message": "Requested resource not found"}},
    ]
    assert answer["ConsumedCapacity"] == [{"TableName": "items", "CapacityUnits": 1.0}]


def test_batch_of_writes_answers_each_statement(ddb, table):
    _insert(ddb, "a", 1, v="1")
    _insert(ddb, "a", 2, v="1")
    answer = ddb.batch_execute_statement(
        Statements=[
            {"Statement": "INSERT INTO items VALUE {'pk': 'b', 'sk': 1}"},
            {"Statement": "INSERT INTO items VALUE {'pk': 'a', 'sk': 1}"},
            {
                "Statement": "UPDATE items SET v = 2 WHERE pk = 'a' AND sk = 2 AND v = 5",
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            },
            {"Statement": "UPDATE items SET w = 3 WHERE pk = 'c' AND sk = 1"},
            {"Statement": "DELETE FROM items WHERE pk = 'd' AND sk = 1 RETURNING ALL OLD *"},
            {"Statement": "UPDATE items SET w = 1 WHERE pk = 'e'"},
        ]
    )
    assert answer["Responses"] == [
        {"TableName": "items"},
        {
            "TableName": "items",
            "Error": {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"},
        },
        {
            "TableName": "items",
            "Error": {
                "Code": "ConditionalCheckFailed",
                "Message": "The conditional request failed",
                "Item": {"pk": {"S": "a"}, "sk": {"N": "2"}, "v": {"N": "1"}},
            },
        },
        {
            "TableName": "items",
            "Error": {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
        },
        {"TableName": "items"},
        {
            "Error": {
                "Code": "ValidationError",
                "Message": "Where clause does not contain a mandatory equality on all key attributes",
            }
        },
    ]
    assert _get(ddb, "b", 1) == {"pk": {"S": "b"}, "sk": {"N": "1"}}
    assert _get(ddb, "a", 2)["v"] == {"N": "1"}


def test_batch_refusals(ddb, table):
    mixed = [
        {"Statement": "SELECT * FROM items WHERE pk = 'a' AND sk = 1"},
        {"Statement": "INSERT INTO items VALUE {'pk': 'b', 'sk': 1}"},
    ]
    assert refused(ddb.batch_execute_statement, Statements=mixed) == (
        "ValidationException",
        "Read and write requests together in the same batch is not supported.",
    )
    twice = [
        {"Statement": "INSERT INTO items VALUE {'pk': 'b', 'sk': 1}"},
        {"Statement": "DELETE FROM items WHERE pk = 'b' AND sk = 1"},
    ]
    assert refused(ddb.batch_execute_statement, Statements=twice) == (
        "ValidationException",
        "Provided list of item keys contains duplicates",
    )
    code, message = refused(
        ddb.batch_execute_statement,
        Statements=[{"Statement": "DELETE FROM items WHERE pk = 'b' AND sk = 1"}] * 26,
    )
    assert code == "ValidationException"
    assert "Member must have length less than or equal to 25" in message
    assert ddb.scan(TableName="items")["Count"] == 0


def test_batch_write_capacity_per_table(ddb, table, simple_table):
    answer = ddb.batch_execute_statement(
        Statements=[
            {"Statement": "INSERT INTO items VALUE {'pk': 'a', 'sk': 1}"},
            {"Statement": "INSERT INTO items VALUE {'pk': 'a', 'sk': 2}"},
            {"Statement": "INSERT INTO simple VALUE {'id': 'x'}"},
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert answer["ConsumedCapacity"] == [
        {"TableName": "items", "CapacityUnits": 2.0},
        {"TableName": "simple", "CapacityUnits": 1.0},
    ]
