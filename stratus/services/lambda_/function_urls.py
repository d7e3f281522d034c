"""Function URL configurations (being built)."""

from __future__ import annotations


class FunctionUrlOperations:
    pass
