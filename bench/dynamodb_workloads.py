"""DynamoDB workloads: item writes and reads, a 100-item Query, a 25-item batch, a 10,000-item
Scan and a conditional update, each on its own table (keys pk S, sk N, on demand)."""

from __future__ import annotations

from bench.workloads import Workload, _unique, boto3_client, register

ITEM_PAYLOAD = {"payload": {"S": "x" * 100}, "count": {"N": "1"}}


def _table(fill_partitions: int = 0, items_per_partition: int = 0):
    """A table with `fill_partitions` partitions of `items_per_partition` items; the state is its name."""

    def setup(endpoint: str) -> str:
        ddb = boto3_client("dynamodb", endpoint)
        name = _unique("bench-table")
        ddb.create_table(
            TableName=name,
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"},
            ],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
        items = [
            {"pk": {"S": f"p{p}"}, "sk": {"N": str(n)}, **ITEM_PAYLOAD}
            for p in range(fill_partitions)
            for n in range(items_per_partition)
        ]
        for start in range(0, len(items), 25):
            batch = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
            ddb.batch_write_item(RequestItems={name: batch})
        return name

    return setup


def _drop(endpoint: str, name: str) -> None:
    boto3_client("dynamodb", endpoint).delete_table(TableName=name)


register(
    Workload(
        name="dynamodb.PutItem",
        service="dynamodb",
        operation="PutItem",
        setup=_table(),
        teardown=_drop,
        params=lambda name, i: {
            "TableName": name,
            "Item": {"pk": {"S": f"p{i % 64}"}, "sk": {"N": "1"}, **ITEM_PAYLOAD},
        },
        pool_size=64,
        description="a ~130-byte item (overwrites 64 keys in turn)",
    )
)
register(
    Workload(
        name="dynamodb.GetItem",
        service="dynamodb",
        operation="GetItem",
        setup=_table(64, 1),
        teardown=_drop,
        params=lambda name, i: {"TableName": name, "Key": {"pk": {"S": f"p{i % 64}"}, "sk": {"N": "0"}}},
        pool_size=64,
        description="an eventually consistent read of one item",
    )
)
register(
    Workload(
        name="dynamodb.Query-100",
        service="dynamodb",
        operation="Query",
        setup=_table(4, 100),
        teardown=_drop,
        params=lambda name, i: {
            "TableName": name,
            "KeyConditionExpression": "pk = :p",
            "ExpressionAttributeValues": {":p": {"S": f"p{i % 4}"}},
        },
        pool_size=4,
        description="one partition of 100 items",
    )
)
register(
    Workload(
        name="dynamodb.BatchWriteItem-25",
        service="dynamodb",
        operation="BatchWriteItem",
        setup=_table(),
        teardown=_drop,
        params=lambda name, i: {
            "RequestItems": {
                name: [
                    {"PutRequest": {"Item": {"pk": {"S": f"b{i % 16}"}, "sk": {"N": str(n)}, **ITEM_PAYLOAD}}}
                    for n in range(25)
                ]
            }
        },
        pool_size=16,
        description="25 puts in one batch",
    )
)
register(
    Workload(
        name="dynamodb.Scan-10000",
        service="dynamodb",
        operation="Scan",
        setup=_table(100, 100),
        teardown=_drop,
        params=lambda name, i: {"TableName": name},
        description="a whole 10,000-item table (one 1 MB page)",
    )
)
register(
    Workload(
        name="dynamodb.UpdateItem-condition",
        service="dynamodb",
        operation="UpdateItem",
        setup=_table(64, 1),
        teardown=_drop,
        params=lambda name, i: {
            "TableName": name,
            "Key": {"pk": {"S": f"p{i % 64}"}, "sk": {"N": "0"}},
            "UpdateExpression": "SET #c = #c + :one",
            "ConditionExpression": "attribute_exists(pk) AND #c < :max",
            "ExpressionAttributeNames": {"#c": "count"},
            "ExpressionAttributeValues": {":one": {"N": "1"}, ":max": {"N": "1000000000"}},
        },
        pool_size=64,
        description="an increment guarded by a condition",
    )
)
