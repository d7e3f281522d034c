"""Helpers shared by the Secrets Manager tests."""

from __future__ import annotations

import re
import time

ACCOUNT = "000000000000"
REGION = "us-east-1"
DAY = 86_400
ARN = re.compile(
    rf"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:(?P<name>.+)-(?P<suffix>[A-Za-z0-9]{{6}})"
)


def error_of(excinfo) -> tuple[str, str]:
    """(code, message) of a ClientError caught by pytest.raises."""
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def eventually(check, timeout: float = 10.0, interval: float = 0.05):
    """Poll `check()` until it returns something truthy (background work runs on its own)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)


def stages(sm, secret_id: str, **kwargs) -> dict[str, list[str]]:
    """{version_id: labels} of a secret, from ListSecretVersionIds."""
    answer = sm.list_secret_version_ids(SecretId=secret_id, **kwargs)
    return {version["VersionId"]: version.get("VersionStages", []) for version in answer["Versions"]}
