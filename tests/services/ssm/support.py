"""Helpers shared by the Parameter Store tests."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"
REGION = "us-east-1"


def error_of(call, *args, **kwargs) -> tuple[str, str]:
    """(code, message) of the ClientError the call raises."""
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    error = caught.value.response["Error"]
    return error["Code"], error.get("Message", "")


def put(ssm, name: str, value: str = "v", type_: str = "String", **kwargs) -> dict:
    return ssm.put_parameter(Name=name, Value=value, Type=type_, **kwargs)


def eventually(check, timeout: float = 3.0):
    """Poll `check()` until it returns something truthy (background sweeps run on their own)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.02)


def names_of(parameters: list[dict]) -> list[str]:
    return [parameter["Name"] for parameter in parameters]
