"""DynamoDB ProjectionExpression checks: document paths that overlap or conflict.

Expected messages come from DynamoDB's answers as recorded by suites that run against it
(dynalite's and ScyllaDB Alternator's), from AWS's documentation examples, and from errors users
quoted from DynamoDB. Cases marked `# guessed` assert Stratus's chosen wording where DynamoDB's
could not be confirmed.
"""

from __future__ import annotations

import pytest

from .expression_parser_support import refusal

# -- ProjectionExpression checks ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "a, a",
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]",
        ),
        (
            "a.b, a.b",
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, b]",
        ),
        (
            "a[1], a[1]",
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, [1]], path two: [a, [1]]",
        ),
        (
            "a, a.b",
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]",
        ),
        (
            "a.b, a",
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]",
        ),
        (
            "a.b, a.b[2]",
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, b, [2]]",
        ),
        (
            "a, a.b[2].c",
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b, [2], c]",
        ),
        (
            "a.b.d.e, a.b",
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b, d, e], path two: [a, b]",
        ),
        (
            "a.b[0],a.b[0]",
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b, [0]], path two: [a, b, [0]]",
        ),
        (
            "a.b, a[1]",
            "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]",
        ),
        (
            "#a, a",
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]",
        ),
    ],
)
def test_projection_overlaps_and_conflicts(expression, message):
    names = {"#a": "a"} if "#a" in expression else None
    assert refusal(projection_expression=expression, expression_attribute_names=names) == (
        f"Invalid ProjectionExpression: {message}"
    )
