"""Resolved document paths: reading them in an item, printing them as AWS does, and AWS's rule
that the paths of one UpdateExpression or ProjectionExpression may not overlap or conflict."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from stratus.services.dynamodb.expressions import messages
from stratus.services.dynamodb.expressions.ast import DocumentPath


def path_text(path: DocumentPath) -> str:
    """`[a, b, [2], c]` for a.b[2].c, the form AWS's messages use."""
    return "[" + ", ".join(f"[{step}]" if isinstance(step, int) else step for step in path) + "]"


def value_at(item: Mapping[str, dict] | None, path: DocumentPath) -> dict | None:
    """The attribute value at `path` in `item`, or None when any step is missing or of the wrong
    kind (a name into something not a map, an index into something not a list)."""
    if not item:
        return None
    value = item.get(path[0])  # type: ignore[arg-type]
    for step in path[1:]:
        if value is None:
            return None
        if isinstance(step, int):
            members = value.get("L")
            if members is None or step >= len(members):
                return None
            value = members[step]
        else:
            entries = value.get("M")
            if entries is None:
                return None
            value = entries.get(step)
    return value


def _relation(first: DocumentPath, second: DocumentPath) -> str | None:
    for step_one, step_two in zip(first, second, strict=False):
        if isinstance(step_one, int) != isinstance(step_two, int):
            return "conflict"  # a.b and a[1]: no value is both a map and a list
        if step_one != step_two:
            return None
    return "overlap"  # equal, or one holds the other


def overlap_error(paths: Sequence[DocumentPath]) -> str | None:
    """AWS's message for the first pair of paths (in the order written) where one equals or holds
    the other, else for the first pair that conflicts, else None."""
    conflict: str | None = None
    for index, second in enumerate(paths):
        for first in paths[:index]:
            relation = _relation(first, second)
            if relation == "overlap":
                return messages.paths_overlap(path_text(first), path_text(second))
            if relation == "conflict" and conflict is None:
                conflict = messages.paths_conflict(path_text(first), path_text(second))
    return conflict
