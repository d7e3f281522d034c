"""python -m bench.lambda_scenarios --endpoint URL: the Lambda figures that are not a load loop.

  * cold start: CreateFunction, then the first Invoke (a new environment: process, runtime, init);
  * warm latency: p50/p90/p99 of 300 sequential Invokes of a warm function;
  * concurrency: 100 simultaneous Invokes of a function that sleeps 100 ms (how long until all
    have answered; environments are started as needed, as Lambda does);
  * idle environment memory: the RSS of a warm, idle Python environment's process tree, read from
    /proc (only when the server runs on this machine; the pid comes from the function itself).
Reports medians over `--runs`; no assertion: benchmarks report, tests assert.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.lambda_workloads import SLEEP_HANDLER, create_function
from bench.workloads import boto3_client

PID_HANDLER = "import os\n\ndef handler(event, context):\n    return {'pid': os.getpid()}\n"


def cold_start(endpoint: str) -> tuple[float, float]:
    """(seconds to create an Active function, seconds of its first Invoke)."""
    started = time.perf_counter()
    name = create_function(endpoint)
    created = time.perf_counter() - started
    lam = boto3_client("lambda", endpoint)
    started = time.perf_counter()
    lam.invoke(FunctionName=name, Payload=b"{}")
    first = time.perf_counter() - started
    lam.delete_function(FunctionName=name)
    return created, first


def warm_latencies(endpoint: str, count: int = 300) -> list[float]:
    name = create_function(endpoint)
    lam = boto3_client("lambda", endpoint)
    lam.invoke(FunctionName=name, Payload=b"{}")
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        lam.invoke(FunctionName=name, Payload=b'{"hello": "world"}')
        samples.append(time.perf_counter() - started)
    lam.delete_function(FunctionName=name)
    return samples


def concurrent_sleepers(endpoint: str, count: int = 100, sleep: float = 0.1) -> float:
    """Seconds until `count` simultaneous invocations of a `sleep`-second function have answered."""
    import boto3
    from botocore.config import Config

    name = create_function(endpoint, SLEEP_HANDLER)
    session = boto3.session.Session()
    config = Config(max_pool_connections=count, read_timeout=60, retries={"max_attempts": 0})
    clients = [
        session.client(
            "lambda",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=config,
        )
        for _ in range(8)
    ]
    payload = json.dumps({"sleep": sleep}).encode()

    def call(i: int) -> str | None:
        answer = clients[i % len(clients)].invoke(FunctionName=name, Payload=payload)
        return answer.get("FunctionError")

    started = time.perf_counter()
    with ThreadPoolExecutor(count) as pool:
        errors = [error for error in pool.map(call, range(count)) if error]
    elapsed = time.perf_counter() - started
    boto3_client("lambda", endpoint).delete_function(FunctionName=name)
    if errors:
        raise RuntimeError(f"{len(errors)} invocations failed: {errors[:3]}")
    return elapsed


def idle_environment_rss_mib(endpoint: str) -> float | None:
    """The RSS (MiB) of a warm, idle environment's runtime process and its children, or None when
    its /proc entry cannot be read (the server runs elsewhere)."""
    name = create_function(endpoint, PID_HANDLER)
    lam = boto3_client("lambda", endpoint)
    pid = json.loads(lam.invoke(FunctionName=name, Payload=b"{}")["Payload"].read())["pid"]
    time.sleep(0.5)  # idle
    try:
        return _tree_rss_kib(pid) / 1024
    except OSError:
        return None
    finally:
        lam.delete_function(FunctionName=name)


def _tree_rss_kib(pid: int) -> int:
    total = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1])
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        total += _tree_rss_kib(int(child))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    colds = [cold_start(args.endpoint) for _ in range(args.runs)]
    print(f"create → Active: {statistics.median(c for c, _ in colds) * 1000:.0f} ms (median of {args.runs})")
    print(f"cold start (first Invoke): {statistics.median(f for _, f in colds) * 1000:.0f} ms")
    samples = sorted(warm_latencies(args.endpoint))
    quantile = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))] * 1000  # noqa: E731
    print(
        f"warm Invoke latency: p50 {quantile(0.5):.2f} ms, p90 {quantile(0.9):.2f} ms, p99 {quantile(0.99):.2f} ms "
        f"({len(samples)} sequential)"
    )
    spans = [concurrent_sleepers(args.endpoint) for _ in range(args.runs)]
    print(f"100 concurrent 100 ms invocations: all answered in {statistics.median(spans):.2f} s (median)")
    rss = idle_environment_rss_mib(args.endpoint)
    print(
        "idle environment RSS: " + (f"{rss:.1f} MiB" if rss is not None else "not readable (remote server)")
    )


if __name__ == "__main__":
    main()
