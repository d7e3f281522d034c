"""python -m bench.dynamodb_query_scale: whether a Query's latency depends on the table's size.
Reports figures only; nothing passes or fails.

Tables of 1,000 and of N items (partitions of 100 items each) are filled through BatchWriteItem on
a running endpoint; then one partition's 100 items are queried repeatedly and the median and p99
latencies reported for each size. A Query is a range read of one partition, so the two should
match.

    .venv/bin/python -m bench.dynamodb_query_scale --endpoint http://127.0.0.1:4566 --items 1000000
"""

from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

from bench.workloads import _unique, boto3_client

PARTITION_ITEMS = 100


def fill(endpoint: str, items: int, threads: int = 4) -> str:
    ddb = boto3_client("dynamodb", endpoint)
    name = _unique("bench-scale")
    ddb.create_table(
        TableName=name,
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        BillingMode="PAY_PER_REQUEST",
    )
    batches = [range(start, min(start + 25, items)) for start in range(0, items, 25)]

    def write(numbers: range) -> None:
        client = clients.setdefault_client()
        request = [
            {
                "PutRequest": {
                    "Item": {
                        "pk": {"S": f"p{n // PARTITION_ITEMS}"},
                        "sk": {"N": str(n % PARTITION_ITEMS)},
                        "payload": {"S": "x" * 100},
                    }
                }
            }
            for n in numbers
        ]
        client.batch_write_item(RequestItems={name: request})

    clients = _Clients(endpoint)
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(write, batches))
    return name


class _Clients:
    """One boto3 client per filling thread."""

    def __init__(self, endpoint: str) -> None:
        import threading

        self._endpoint = endpoint
        self._local = threading.local()

    def setdefault_client(self):
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = boto3_client("dynamodb", self._endpoint)
        return client


def time_queries(endpoint: str, table: str, partitions: int, repeat: int) -> dict:
    ddb = boto3_client("dynamodb", endpoint)
    samples = []
    for n in range(repeat):
        started = time.perf_counter()
        answer = ddb.query(
            TableName=table,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": f"p{(n * 7919) % partitions}"}},
        )
        samples.append((time.perf_counter() - started) * 1000)
        assert answer["Count"] == PARTITION_ITEMS, answer["Count"]
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p99_ms": round(samples[int(len(samples) * 0.99) - 1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", default="http://127.0.0.1:4566")
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    for items in (1000, args.items):
        started = time.perf_counter()
        table = fill(args.endpoint, items)
        filled = time.perf_counter() - started
        figures = time_queries(args.endpoint, table, items // PARTITION_ITEMS, args.repeat)
        print({"items": items, "fill_seconds": round(filled, 1), "query_100_items": figures}, flush=True)
        boto3_client("dynamodb", args.endpoint).delete_table(TableName=table)


if __name__ == "__main__":
    main()
