"""TransactWriteItems and TransactGetItems: atomicity, cancellation reasons in order,
idempotency tokens, and transactions racing each other."""

import threading

from botocore.exceptions import ClientError

from .support import refused


def _key(name: str) -> dict:
    return {"id": {"S": name}}


def _put(table: str, name: str, **extra) -> dict:
    return {"Put": {"TableName": table, "Item": {**_key(name), **extra}}}


def test_all_actions_commit_together(ddb, simple_table):
    ddb.put_item(TableName=simple_table, Item={**_key("counter"), "n": {"N": "1"}})
    ddb.put_item(TableName=simple_table, Item=_key("old"))
    ddb.transact_write_items(
        TransactItems=[
            _put(simple_table, "new", v={"S": "x"}),
            {"Delete": {"TableName": simple_table, "Key": _key("old")}},
            {
                "Update": {
                    "TableName": simple_table,
                    "Key": _key("counter"),
                    "UpdateExpression": "SET n = n + :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            },
        ]
    )
    items = {item["id"]["S"]: item for item in ddb.scan(TableName=simple_table)["Items"]}
    assert set(items) == {"new", "counter"}
    assert items["counter"]["n"] == {"N": "2"}


def test_a_failed_condition_cancels_everything_with_reasons_in_order(ddb, simple_table):
    ddb.put_item(TableName=simple_table, Item={**_key("guarded"), "state": {"S": "locked"}})
    try:
        ddb.transact_write_items(
            TransactItems=[
                _put(simple_table, "first"),
                {
                    "ConditionCheck": {
                        "TableName": simple_table,
                        "Key": _key("guarded"),
                        "ConditionExpression": "#s = :open",
                        "ExpressionAttributeNames": {"#s": "state"},
                        "ExpressionAttributeValues": {":open": {"S": "open"}},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                },
                _put(simple_table, "third"),
            ]
        )
        raise AssertionError("the transaction was not cancelled")
    except ClientError as error:
        response = error.response
    assert response["Error"]["Code"] == "TransactionCanceledException"
    assert response["Error"]["Message"] == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None]"
    )
    reasons = response["CancellationReasons"]
    assert [reason["Code"] for reason in reasons] == ["None", "ConditionalCheckFailed", "None"]
    assert reasons[1]["Item"] == {**_key("guarded"), "state": {"S": "locked"}}
    assert ddb.scan(TableName=simple_table)["Count"] == 1


def test_one_item_twice_is_refused(ddb, simple_table):
    code, message = refused(
        ddb.transact_write_items,
        TransactItems=[_put(simple_table, "a"), {"Delete": {"TableName": simple_table, "Key": _key("a")}}],
    )
    assert (code, message) == (
        "ValidationException",
        "Transaction request cannot include multiple operations on one item",
    )


def test_client_request_token_makes_it_idempotent(ddb, simple_table, stratus_server):
    update = {
        "Update": {
            "TableName": simple_table,
            "Key": _key("counter"),
            "UpdateExpression": "ADD n :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    }
    for _ in range(3):
        ddb.transact_write_items(TransactItems=[update], ClientRequestToken="token-1")
    assert ddb.get_item(TableName=simple_table, Key=_key("counter"))["Item"]["n"] == {"N": "1"}
    code, _ = refused(
        ddb.transact_write_items, TransactItems=[_put(simple_table, "other")], ClientRequestToken="token-1"
    )
    assert code == "IdempotentParameterMismatchException"
    stratus_server.advance_clock(601)  # the token lasts 10 minutes
    ddb.transact_write_items(TransactItems=[update], ClientRequestToken="token-1")
    assert ddb.get_item(TableName=simple_table, Key=_key("counter"))["Item"]["n"] == {"N": "2"}


def test_transact_get_items_in_order_with_projection(ddb, simple_table):
    ddb.put_item(TableName=simple_table, Item={**_key("a"), "x": {"N": "1"}, "y": {"N": "2"}})
    answer = ddb.transact_get_items(
        TransactItems=[
            {"Get": {"TableName": simple_table, "Key": _key("missing")}},
            {"Get": {"TableName": simple_table, "Key": _key("a"), "ProjectionExpression": "y"}},
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert answer["Responses"] == [{}, {"Item": {"y": {"N": "2"}}}]
    assert answer["ConsumedCapacity"] == [{"TableName": simple_table, "CapacityUnits": 4.0}]


def test_concurrent_transactions_never_lose_an_increment(aws_client, simple_table):
    ddb = aws_client("dynamodb")
    ddb.put_item(TableName=simple_table, Item={**_key("a"), "n": {"N": "0"}})
    ddb.put_item(TableName=simple_table, Item={**_key("b"), "n": {"N": "0"}})
    errors: list[Exception] = []

    def worker() -> None:
        client = aws_client("dynamodb")
        for _ in range(10):
            try:
                client.transact_write_items(
                    TransactItems=[
                        {
                            "Update": {
                                "TableName": simple_table,
                                "Key": _key(name),
                                "UpdateExpression": "SET n = n + :one",
                                "ExpressionAttributeValues": {":one": {"N": "1"}},
                            }
                        }
                        for name in ("a", "b")
                    ]
                )
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for name in ("a", "b"):
        assert ddb.get_item(TableName=simple_table, Key=_key(name), ConsistentRead=True)["Item"]["n"] == {
            "N": "40"
        }
