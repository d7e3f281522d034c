"""ProjectionExpression: binding its paths, and projecting an item onto them.

A projected item keeps the structure of the original (measured by others' suites against
DynamoDB): `a.b` gives `{"a": {"M": {"b": ...}}}`; list elements keep their order and close up, so
`a[0], a[2]` gives a two-element list; a path that is missing, or that goes through the wrong kind
of value, contributes nothing (and a map or list left empty that way is left out).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from stratus.services.dynamodb.expressions import messages
from stratus.services.dynamodb.expressions.ast import DocumentPath, ParsedProjection
from stratus.services.dynamodb.expressions.comparison import type_of
from stratus.services.dynamodb.expressions.document_paths import overlap_error
from stratus.services.dynamodb.expressions.placeholders import Placeholders

_WHOLE = object()  # marks a requested path's end in the tree of paths


@dataclass(frozen=True, slots=True)
class BoundProjection:
    paths: tuple[DocumentPath, ...]


def bind_projection(parsed: ParsedProjection, placeholders: Placeholders) -> BoundProjection:
    """Resolve the paths' `#names`; ValidationException `Invalid ProjectionExpression: ...` for an
    undefined name, then for two paths that overlap or conflict."""
    paths: list[DocumentPath] = []
    undefined: str | None = None
    for operand in parsed.paths:
        path, missing = placeholders.path(operand)
        undefined = undefined or missing
        paths.append(path or ())
    if undefined:
        raise messages.invalid("ProjectionExpression", messages.undefined_name(undefined))
    overlap = overlap_error(paths)
    if overlap:
        raise messages.invalid("ProjectionExpression", overlap)
    return BoundProjection(tuple(paths))


def project(item: Mapping[str, dict], paths: Iterable[DocumentPath]) -> dict:
    """The part of `item` that `paths` select, structured as in the item."""
    tree: dict = {}
    for path in paths:
        node = tree
        for step in path:
            node = node.setdefault(step, {})
        node[_WHOLE] = True
    projected: dict = {}
    for name, node in tree.items():
        if isinstance(name, str) and name in item:
            value = _extract(item[name], node)
            if value is not None:
                projected[name] = value
    return projected


def _extract(value: dict, node: dict) -> dict | None:
    if _WHOLE in node:
        return value
    kind = type_of(value)
    if kind == "M":
        members = value["M"]
        picked = {}
        for step, child in node.items():
            if isinstance(step, str) and step in members:
                extracted = _extract(members[step], child)
                if extracted is not None:
                    picked[step] = extracted
        return {"M": picked} if picked else None
    if kind == "L":
        elements = value["L"]
        indexes = sorted(step for step in node if isinstance(step, int) and step < len(elements))
        kept = [
            extracted
            for index in indexes
            if (extracted := _extract(elements[index], node[index])) is not None
        ]
        return {"L": kept} if kept else None
    return None
