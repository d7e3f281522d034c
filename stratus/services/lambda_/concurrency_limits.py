"""The account's concurrency limit (AWS's default quota is 1,000 concurrent executions per
region), configurable with STRATUS_LAMBDA_CONCURRENCY so a test can provoke account throttling."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_ACCOUNT_CONCURRENCY = 1000
MIN_UNRESERVED = 100  # Lambda keeps at least this much unreserved


@dataclass(frozen=True, slots=True)
class ConcurrencyLimits:
    account: int = DEFAULT_ACCOUNT_CONCURRENCY

    @property
    def min_unreserved(self) -> int:
        # A limit below 1,000 (only possible here) keeps a tenth unreserved, as 100 is of 1,000.
        return min(MIN_UNRESERVED, max(1, self.account // 10))

    @classmethod
    def from_environment(cls) -> ConcurrencyLimits:
        raw = os.environ.get("STRATUS_LAMBDA_CONCURRENCY")
        if raw is None or not raw.strip():
            return cls()
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(f"STRATUS_LAMBDA_CONCURRENCY must be a positive integer, not {raw!r}") from None
        if value < 1:
            raise ValueError(f"STRATUS_LAMBDA_CONCURRENCY must be a positive integer, not {raw!r}")
        return cls(value)


def idle_seconds_from_environment(default: float) -> float:
    raw = os.environ.get("STRATUS_LAMBDA_IDLE_SECONDS")
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"STRATUS_LAMBDA_IDLE_SECONDS must be a number of seconds, not {raw!r}") from None
    if value <= 0:
        raise ValueError(f"STRATUS_LAMBDA_IDLE_SECONDS must be positive, not {raw!r}")
    return value
