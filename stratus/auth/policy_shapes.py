"""Reading a policy document's loose shapes: one statement or a list of them, one value or a list."""

from __future__ import annotations


def statements_of(document: dict) -> list[dict]:
    """The document's statements as a list (a single statement object counts as one)."""
    statements = document.get("Statement")
    if isinstance(statements, dict):
        return [statements]
    return [s for s in statements if isinstance(s, dict)] if isinstance(statements, list) else []


def as_list(value: object) -> list:
    """A policy element (Action, Resource, a principal's AWS ...) as a list; absent is empty."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
