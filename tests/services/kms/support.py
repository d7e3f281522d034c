"""Helpers shared by the KMS tests."""

from __future__ import annotations

import time

ACCOUNT = "000000000000"
OTHER_ACCOUNT = "111111111111"
REGION = "us-east-1"
DAY = 86_400


def key_arn(key_id: str, region: str = REGION, account: str = ACCOUNT) -> str:
    return f"arn:aws:kms:{region}:{account}:key/{key_id}"


def alias_arn(name: str, region: str = REGION, account: str = ACCOUNT) -> str:
    return f"arn:aws:kms:{region}:{account}:{name}"


def error_of(excinfo) -> tuple[str, str]:
    """(code, message) of a ClientError caught by pytest.raises."""
    error = excinfo.value.response["Error"]
    return error["Code"], error.get("Message", "")


def eventually(check, timeout: float = 3.0):
    """Poll `check()` until it returns something truthy (background sweeps run on their own)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.02)
