"""Helpers shared by the CloudWatch Logs filter-pattern tests (test_filter_patterns_*.py): `cases`,
which turns a pattern and its matching and non-matching messages into table rows.
"""

from __future__ import annotations

import pytest


def cases(pattern: str, matching: tuple[str, ...] = (), not_matching: tuple[str, ...] = ()) -> list:
    """One row per message: (pattern, message, expected)."""
    rows = []
    for expected, messages in ((True, matching), (False, not_matching)):
        for message in messages:
            label = f"{pattern[:50]}|{message[:40]}|{'match' if expected else 'no'}"
            rows.append(pytest.param(pattern, message, expected, id=label))
    return rows
