"""Compiling CloudWatch Logs filter patterns: the kind of pattern detected, the cache of compiled
patterns (and no pattern meaning every event), and speed on long events with many fields.
"""

from __future__ import annotations

import pytest

from stratus.services.logs.filter_pattern_syntax import FilterPatternError
from stratus.services.logs.filter_patterns import compile_pattern


@pytest.mark.parametrize(
    ("pattern", "kind"),
    [
        ("", "all"),
        ("  ", "all"),
        ("ERROR", "terms"),
        ('"a b"', "terms"),
        ("%a%", "regex"),
        ("{ $.a = 1 }", "json"),
        ("[a, b]", "delimited"),
        ("  { $.a = 1 }  ", "json"),
    ],
)
def test_pattern_kind(pattern: str, kind: str) -> None:
    assert compile_pattern(pattern).kind == kind


def test_compiled_patterns_are_cached_and_none_means_everything() -> None:
    assert compile_pattern("ERROR -WARN") is compile_pattern("ERROR -WARN")
    assert compile_pattern(None)("anything") is True
    with pytest.raises(FilterPatternError):
        compile_pattern("%(x)%")
    with pytest.raises(FilterPatternError):  # errors are not cached away
        compile_pattern("%(x)%")


def test_long_events_and_many_fields_stay_fast() -> None:
    message = " ".join(f"f{index}" for index in range(2000))
    pattern = compile_pattern("[..., a = f1, ..., b = f1998, ..., c = nowhere, ...]")
    assert pattern(message) is False
    assert compile_pattern("[..., a = f1, ..., b = f1998, ...]")(message) is True
