"""A mapping's FilterCriteria, compiled once per distinct set of patterns: a record is passed to the
function when any filter matches it (filters are OR'ed)."""

from __future__ import annotations

from functools import lru_cache

from stratus.core.event_patterns import Pattern, PatternError, parse_pattern
from stratus.services.lambda_.esm_store import Mapping


def filters_of(mapping: Mapping) -> tuple[Pattern, ...]:
    """The compiled filters (empty: everything passes)."""
    criteria = mapping.config.get("FilterCriteria") or {}
    return _compiled(tuple(item["Pattern"] for item in criteria.get("Filters") or []))


@lru_cache(maxsize=256)
def _compiled(patterns: tuple[str, ...]) -> tuple[Pattern, ...]:
    compiled = []
    for text in patterns:
        try:
            compiled.append(parse_pattern(text))
        except PatternError:  # checked when stored; a pattern that no longer parses matches nothing
            continue
    return tuple(compiled)


def passes(patterns: tuple[Pattern, ...], view: dict) -> bool:
    return not patterns or any(pattern.matches(view) for pattern in patterns)
