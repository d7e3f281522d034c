"""Helpers shared by the CloudWatch Logs tests."""

from __future__ import annotations

import time

ACCOUNT = "000000000000"
REGION = "us-east-1"
MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS


def error_of(excinfo) -> tuple[str, str]:
    """(code, message) of a ClientError caught by pytest.raises."""
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def now_ms(advanced_seconds: float = 0) -> int:
    """The server's clock in epoch ms (real time after a reset, plus what the test advanced)."""
    return int((time.time() + advanced_seconds) * 1000)


def put(logs, group: str, stream: str, *events: tuple[int, str]) -> dict:
    return logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": timestamp, "message": message} for timestamp, message in events],
    )


def messages(events: list[dict]) -> list[str]:
    return [event["message"] for event in events]


def eventually(check, timeout: float = 3.0):
    """Poll `check()` until it returns something truthy (background sweeps run on their own)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.02)
