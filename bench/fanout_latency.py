"""Publish → receivable latency: how long after an SNS publish is sent the message can be
received from a subscribed SQS queue (the last of N subscriptions), one message at a time.

    python -m bench.fanout_latency --endpoint http://127.0.0.1:4566 [--compare URL]
                                   [--subscriptions 1,10] [--messages 200]

Each sample is: publish (boto3), then long-poll receive on the queue until the message is
there; the figure is the wall time from just before the publish to the receive that returned
it. It includes two SDK round trips, so it is an upper bound of the delivery delay itself.
"""

from __future__ import annotations

import argparse
import json
import time

from bench.workloads import _delete_topic_and_queues, _topic_with_queues, boto3_client


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def measure(endpoint: str, subscriptions: int, messages: int) -> dict:
    state = _topic_with_queues(subscriptions)(endpoint)
    topic_arn, urls = state
    sns, sqs = boto3_client("sns", endpoint), boto3_client("sqs", endpoint)
    samples: list[float] = []
    try:
        for n in range(messages):
            started = time.perf_counter()
            sns.publish(TopicArn=topic_arn, Message=f"m{n}")
            while True:
                received = sqs.receive_message(QueueUrl=urls[-1], WaitTimeSeconds=5).get("Messages", [])
                if received:
                    samples.append(time.perf_counter() - started)
                    sqs.delete_message(QueueUrl=urls[-1], ReceiptHandle=received[0]["ReceiptHandle"])
                    break
    finally:
        _delete_topic_and_queues(endpoint, state)
    return {
        "endpoint": endpoint,
        "subscriptions": subscriptions,
        "messages": messages,
        "p50_ms": round(_percentile(samples, 0.5) * 1000, 2),
        "p99_ms": round(_percentile(samples, 0.99) * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", default="http://127.0.0.1:4566")
    parser.add_argument("--compare", default=None)
    parser.add_argument("--subscriptions", default="1,10")
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    endpoints = [args.endpoint] + ([args.compare] if args.compare else [])
    results = []
    for count in (int(part) for part in args.subscriptions.split(",")):
        for endpoint in endpoints:
            results.append(measure(endpoint, count, args.messages))
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'endpoint':40} {'subs':>5} {'p50 ms':>8} {'p99 ms':>8}")
    for row in results:
        print(f"{row['endpoint']:40} {row['subscriptions']:>5} {row['p50_ms']:>8} {row['p99_ms']:>8}")


if __name__ == "__main__":
    main()
