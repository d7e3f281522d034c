"""Lambda behaviour that needs a server of its own: the account concurrency limit (set by
STRATUS_LAMBDA_CONCURRENCY at start) and asynchronous events surviving a SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError

from stratus.testing.process import client as new_client
from stratus.testing.process import free_port, start_server

from .conftest import TRUST_LAMBDA, make_zip

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(os.environ.get("STRATUS_ENDPOINT")), reason="starts and kills its own servers"),
]
PYTHON_RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"
HANDLER = """
import boto3, json, time

def handler(event, context):
    if event.get("sleep"):
        time.sleep(event["sleep"])
    if event.get("trace"):
        boto3.client("sqs").send_message(QueueUrl=event["trace"], MessageBody=json.dumps(event))
    return "ok"
"""


def create_function(port: int, name: str = "fn") -> None:
    iam = new_client("iam", port)
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))["Role"]["Arn"]
    new_client("lambda", port).create_function(
        FunctionName=name,
        Runtime=PYTHON_RUNTIME,
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": make_zip({"app.py": HANDLER})},
        Timeout=10,
    )


def advance_clock(port: int, seconds: float) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/_stratus/clock",
        data=json.dumps({"advance_seconds": seconds}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=5).read()


def stop(server) -> None:
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=15)


def test_account_concurrency_limit_throttles(tmp_path):
    port = free_port()
    server = start_server(tmp_path, port, {"STRATUS_LAMBDA_CONCURRENCY": "2"})
    try:
        create_function(port)
        lam = new_client("lambda", port, read_timeout=20)
        assert lam.get_account_settings()["AccountLimit"]["ConcurrentExecutions"] == 2

        def call(_):
            try:
                lam.invoke(FunctionName="fn", Payload=json.dumps({"sleep": 1.5}))
                return "ok"
            except ClientError as error:
                return (error.response["Error"]["Code"], error.response.get("Reason"))

        with ThreadPoolExecutor(3) as pool:
            outcomes = list(pool.map(call, range(3)))
        assert outcomes.count("ok") == 2
        assert ("TooManyRequestsException", "ConcurrentInvocationLimitExceeded") in outcomes
    finally:
        stop(server)


def test_async_event_survives_a_kill(tmp_path):
    port = free_port()
    server = start_server(tmp_path, port)
    try:
        create_function(port)
        sqs = new_client("sqs", port)
        trace = sqs.create_queue(QueueName="trace")["QueueUrl"]
        lam = new_client("lambda", port)
        lam.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=0)
        assert (
            lam.invoke(FunctionName="fn", InvocationType="Event", Payload=json.dumps({"trace": trace}))[
                "StatusCode"
            ]
            == 202
        )
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
    server = start_server(tmp_path, port)
    try:
        new_client("lambda", port).delete_function_concurrency(FunctionName="fn")
        advance_clock(port, 600)  # past the throttling back-off
        sqs = new_client("sqs", port)
        deadline, messages = time.monotonic() + 15, []
        while not messages and time.monotonic() < deadline:
            messages = sqs.receive_message(QueueUrl=trace, WaitTimeSeconds=1).get("Messages", [])
        assert [json.loads(m["Body"]) for m in messages] == [{"trace": trace}]
    finally:
        stop(server)
