"""PartiQL ExecuteTransaction, with boto3: writes that commit together, cancellation reasons,
reads, the client request token, and refusals.

Messages come from DynamoDB's PartiQL front end (as DynamoDB Local ships it) unless a comment
says "guessed".
"""

import pytest
from botocore.exceptions import ClientError

from .partiql_support import (
    NOT_WELL_FORMED,
    _get,
    _insert,
    rows_fixture,  # noqa: F401
)
from .support import refused

# -- ExecuteTransaction --------------------------------------------------------------------------------


def test_transaction_of_writes_commits_together(ddb, table, simple_table):
    _insert(ddb, "a", 1, n="1")
    _insert(ddb, "gone", 1)
    ddb.execute_statement(Statement="INSERT INTO simple VALUE {'id': 'lock', 'state': 'open'}")
    ddb.execute_transaction(
        TransactStatements=[
            {"Statement": "INSERT INTO items VALUE {'pk': ?, 'sk': 2}", "Parameters": [{"S": "new"}]},
            {"Statement": "UPDATE items SET n = n + 1 WHERE pk = 'a' AND sk = 1"},
            {"Statement": "DELETE FROM items WHERE pk = 'gone' AND sk = 1"},
            {"Statement": "EXISTS(SELECT * FROM simple WHERE id = 'lock' AND state = 'open')"},
        ]
    )
    assert _get(ddb, "new", 2) is not None
    assert _get(ddb, "a", 1)["n"] == {"N": "2"}
    assert _get(ddb, "gone", 1) is None


def test_transaction_cancellation_reasons(ddb, table):
    _insert(ddb, "a", 1, v="1")
    _insert(ddb, "a", 2, v="1")
    with pytest.raises(ClientError) as excinfo:
        ddb.execute_transaction(
            TransactStatements=[
                {"Statement": "INSERT INTO items VALUE {'pk': 'fresh', 'sk': 1}"},
                {"Statement": "INSERT INTO items VALUE {'pk': 'a', 'sk': 1}"},
                {
                    "Statement": "EXISTS(SELECT * FROM items WHERE pk = 'a' AND sk = 2 AND v = 2)",
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                },
                {"Statement": "UPDATE items SET v = 1 WHERE pk = 'missing' AND sk = 1"},
            ]
        )
    response = excinfo.value.response
    assert response["Error"]["Code"] == "TransactionCanceledException"
    # the DuplicateItem reason is guessed (DynamoDB Local answers ValidationError with this message)
    assert response["Error"]["Message"] == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[None, DuplicateItem, ConditionalCheckFailed, ConditionalCheckFailed]"
    )
    assert response["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"},
        {
            "Code": "ConditionalCheckFailed",
            "Message": "The conditional request failed",
            "Item": {"pk": {"S": "a"}, "sk": {"N": "2"}, "v": {"N": "1"}},
        },
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
    ]
    assert _get(ddb, "fresh", 1) is None


def test_transaction_of_reads(ddb, rows):
    answer = ddb.execute_transaction(
        TransactStatements=[
            {"Statement": "SELECT color, weight FROM items WHERE pk = 'a' AND sk = 2"},
            {
                "Statement": "SELECT * FROM items WHERE pk = ? AND sk = ?",
                "Parameters": [{"S": "no"}, {"N": "1"}],
            },
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert answer["Responses"] == [{"Item": {"color": {"S": "blue"}, "weight": {"N": "5"}}}, {}]
    assert answer["ConsumedCapacity"] == [{"TableName": "items", "CapacityUnits": 4.0}]


def test_transaction_token_makes_it_run_once(ddb, table):
    _insert(ddb, "a", 1, n="1")
    statements = [{"Statement": "UPDATE items SET n = n + 1 WHERE pk = 'a' AND sk = 1"}]
    ddb.execute_transaction(TransactStatements=statements, ClientRequestToken="token-1")
    ddb.execute_transaction(TransactStatements=statements, ClientRequestToken="token-1")
    assert _get(ddb, "a", 1)["n"] == {"N": "2"}
    other = [{"Statement": "UPDATE items SET n = n + 5 WHERE pk = 'a' AND sk = 1"}]
    code, _ = refused(ddb.execute_transaction, TransactStatements=other, ClientRequestToken="token-1")
    assert code == "IdempotentParameterMismatchException"


@pytest.mark.parametrize(
    ("statements", "code", "message"),
    [
        (
            ["SELECT * FROM items WHERE pk = 'a' AND sk = 1", "DELETE FROM items WHERE pk = 'a' AND sk = 1"],
            "ValidationException",
            "ExecuteTransaction API does not support both read and write operations in the same request.",
        ),
        (
            ["SELECT * FROM items WHERE pk = 'a'"],
            "ValidationException",
            "Validation failed in TransactStatements[0]: Select statements within ExecuteTransaction must "
            "specify the primary key in the where clause.",
        ),
        (
            [
                "DELETE FROM items WHERE pk = 'a' AND sk = 1",
                "UPDATE items SET v = 1 WHERE pk = 'b' AND sk = 1 RETURNING ALL NEW *",
            ],
            "ValidationException",
            "Validation failed in TransactStatements[1]: RETURNING clause is not supported in ExecuteTransaction.",
        ),
        (
            ["EXISTS(SELECT * FROM items WHERE pk = 'a' AND sk = 1)"],
            "ValidationException",
            "Validation failed in TransactStatements[0]: EXISTS() must contain a single item read with additional condition",
        ),
        (
            ["DELETE FROM items WHERE pk = 'a' AND sk = 1", "DELETE FROM items WHERE sk = 1 AND pk = 'a'"],
            "ValidationException",
            "Transaction request cannot include multiple operations on one item",
        ),
        (
            ["DELETE FROM nosuch WHERE pk = 'a' AND sk = 1"],
            "ResourceNotFoundException",
            "Requested resource not found",
        ),
        (["DELET FROM items"], "ValidationException", NOT_WELL_FORMED + "Expected data manipulation"),
    ],
)
def test_transaction_refusals(ddb, table, statements, code, message):
    answer = refused(ddb.execute_transaction, TransactStatements=[{"Statement": text} for text in statements])
    assert answer == (code, message)


def test_transaction_key_type_mismatch_cancels(ddb, table):
    with pytest.raises(ClientError) as excinfo:
        ddb.execute_transaction(
            TransactStatements=[
                {"Statement": "INSERT INTO items VALUE {'pk': 'a', 'sk': 1}"},
                {"Statement": "INSERT INTO items VALUE {'pk': 'a', 'sk': 'one'}"},
            ]
        )
    response = excinfo.value.response
    assert response["Error"]["Code"] == "TransactionCanceledException"
    assert response["CancellationReasons"] == [
        {"Code": "None"},
        {
            "Code": "ValidationError",
            "Message": "Key attribute's data type should match its data type in table's schema: Key sk",
        },
    ]
    assert ddb.scan(TableName="items")["Count"] == 0
