"""A server killed with SIGKILL under concurrent item writes, updates and transactions keeps every
acknowledged write (and its index entries and stream records), and shows no half-done one."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from stratus.testing.process import client as new_client
from stratus.testing.process import free_port, kill_during, start_server

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(os.environ.get("STRATUS_ENDPOINT")), reason="starts and kills its own servers"),
]


def _create(ddb) -> None:
    ddb.create_table(
        TableName="durable",
        AttributeDefinitions=[
            {"AttributeName": "id", "AttributeType": "S"},
            {"AttributeName": "group", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-group",
                "KeySchema": [{"AttributeName": "group", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    ddb.put_item(TableName="durable", Item={"id": {"S": "counter-a"}, "n": {"N": "0"}})
    ddb.put_item(TableName="durable", Item={"id": {"S": "counter-b"}, "n": {"N": "0"}})


def test_kill_9_keeps_every_acknowledged_write(tmp_path):
    port = free_port()
    server = start_server(tmp_path, port)
    _create(new_client("dynamodb", port))
    written: set[str] = set()
    transactions = [0]
    stop, lock = threading.Event(), threading.Lock()

    def writer(worker: int) -> None:
        client, n = new_client("dynamodb", port), 0
        while not stop.is_set():
            name = f"w{worker}-{n}"
            n += 1
            try:
                client.put_item(
                    TableName="durable",
                    Item={"id": {"S": name}, "group": {"S": f"g{worker}"}, "v": {"S": name}},
                )
            except Exception:
                return  # the server is gone: not acknowledged
            with lock:
                written.add(name)

    def transactor() -> None:
        client = new_client("dynamodb", port)
        while not stop.is_set():
            try:
                client.transact_write_items(
                    TransactItems=[
                        {
                            "Update": {
                                "TableName": "durable",
                                "Key": {"id": {"S": name}},
                                "UpdateExpression": "ADD n :one",
                                "ExpressionAttributeValues": {":one": {"N": "1"}},
                            }
                        }
                        for name in ("counter-a", "counter-b")
                    ]
                )
            except Exception:
                return
            with lock:
                transactions[0] += 1

    kill_during(server, [lambda i=i: writer(i) for i in range(3)] + [transactor], stop)
    assert len(written) > 30 and transactions[0] > 5, (len(written), transactions[0])

    server = start_server(tmp_path, port)
    try:
        ddb = new_client("dynamodb", port)
        stored = {}
        for page in ddb.get_paginator("scan").paginate(TableName="durable", ConsistentRead=True):
            stored.update({item["id"]["S"]: item for item in page["Items"]})
        assert written <= set(stored), sorted(written - set(stored))[:5]
        a, b = (int(stored[name]["n"]["N"]) for name in ("counter-a", "counter-b"))
        assert a == b, (a, b)  # a transaction is all or nothing, even when cut by the kill
        assert transactions[0] <= a <= transactions[0] + 1
        indexed = set()
        for worker in range(3):
            for page in ddb.get_paginator("query").paginate(
                TableName="durable",
                IndexName="by-group",
                KeyConditionExpression="#g = :g",
                ExpressionAttributeNames={"#g": "group"},
                ExpressionAttributeValues={":g": {"S": f"g{worker}"}},
            ):
                indexed.update(item["id"]["S"] for item in page["Items"])
        assert indexed == {name for name in stored if name.startswith("w")}
        assert ddb.describe_table(TableName="durable")["Table"]["ItemCount"] == len(stored)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
