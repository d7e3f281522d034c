"""Shared by the event source mapping tests: a Python function that records every event it gets
(one JSON line per invocation, in a file of the test's own) and fails on purpose when told to,
and helpers to wait for what it recorded. No tests here."""

import json
import sys
import time

import pytest

from .conftest import make_zip

PYTHON_RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"

# MODE: "raise" (default) raises for a batch holding a failing record; "report" answers
# batchItemFailures naming them; "invalid" answers an item that is not in the batch.
# A record fails when its SQS body or its DynamoDB NewImage mentions "fail"; one mentioning
# "flaky" fails only the first time it is seen.
RECORDER = """
import json, os

def _text(record):
    if "body" in record:
        return record["body"]
    return json.dumps(record.get("dynamodb", {}).get("NewImage", {}))

def _identifier(record):
    return record.get("messageId") or record["dynamodb"]["SequenceNumber"]

def _fails(record):
    text = _text(record)
    if "flaky" in text:
        marker = os.environ["RECORD_FILE"] + ".flaky." + _identifier(record)
        if os.path.exists(marker):
            return False
        open(marker, "w").close()
        return True
    return "fail" in text

def handler(event, context):
    with open(os.environ["RECORD_FILE"], "a") as out:
        out.write(json.dumps(event) + "\\n")
    mode = os.environ.get("MODE", "raise")
    failing = [record for record in event["Records"] if _fails(record)]
    if mode == "report":
        return {"batchItemFailures": [{"itemIdentifier": _identifier(r)} for r in failing]}
    if mode == "invalid" and failing:
        return {"batchItemFailures": [{"itemIdentifier": "not-in-the-batch"}]}
    if failing:
        raise ValueError("failing on purpose")
    return "ok"
"""


@pytest.fixture(name="recorder")
def recorder_fixture(lambda_client, role_arn, stratus_server, tmp_path):
    """`recorder(name, mode=...)` creates the recording function; returns the file it writes to."""

    def make(name="recorder", mode="raise", **kwargs):
        record_file = tmp_path / f"{name}.jsonl"
        lambda_client.create_function(
            FunctionName=name,
            Runtime=PYTHON_RUNTIME,
            Role=role_arn,
            Handler="app.handler",
            Code={"ZipFile": make_zip({"app.py": RECORDER})},
            Timeout=10,
            Environment={"Variables": {"RECORD_FILE": str(record_file), "MODE": mode}},
            **kwargs,
        )
        return record_file

    yield make
    stratus_server.reset()  # no runtime process outlives its test


def events_in(record_file) -> list[dict]:
    if not record_file.exists():
        return []
    return [json.loads(line) for line in record_file.read_text().splitlines() if line]


def records_in(record_file) -> list[dict]:
    return [record for event in events_in(record_file) for record in event["Records"]]


def wait_for(check, timeout=8.0, interval=0.1, advance=None, server=None):
    """Poll `check()` until it returns something truthy; optionally moving the Stratus clock by
    `advance` seconds between polls (to end visibility timeouts or retry delays)."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        if advance:
            server.advance_clock(advance)
        time.sleep(interval)


def settle(seconds=0.5):
    """Let the pollers run for a moment (to show that something does *not* happen)."""
    time.sleep(seconds)
