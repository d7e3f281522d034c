"""DynamoDB UpdateExpression checks that need the placeholders bound: undefined names and values,
overlapping and conflicting paths, and operand types of functions and arithmetic.

Expected messages come from DynamoDB's answers as recorded by suites that run against it
(dynalite's and ScyllaDB Alternator's), from AWS's documentation examples, and from errors users
quoted from DynamoDB. Cases marked `# guessed` assert Stratus's chosen wording where DynamoDB's
could not be confirmed.
"""

from __future__ import annotations

import pytest

from stratus.services.dynamodb.expressions import prepare_expressions

from .expression_parser_support import N, S, refusal

# -- UpdateExpression checks needing the placeholders ---------------------------------------------

UPDATE_BINDING_ERRORS = [
    (
        "set d[1] = a, d.b = a, c[1].a = a, #c = if_not_exists(a)",
        {"#c": "c", "#d": "[3]"},
        None,
        "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [c, [1], a], path two: [c]",
    ),
    (
        "set #c[3].#d = a, #c[3] = a",
        {"#c": "c", "#d": "[3]"},
        None,
        "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [c, [3], [3]], path two: [c, [3]]",
    ),
    (
        "set #c[3].#d = a, #c.#d[3] = if_not_exists(a)",
        {"#c": "c", "#d": "[3]"},
        None,
        "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [c, [3], [3]], path two: [c, [3], [3]]",
    ),
    (
        "remove a.#c set a[1] = #d",
        {"#c": "c", "#d": "[3]"},
        None,
        "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, c], path two: [a, [1]]",
    ),
    (
        "SET a = :v REMOVE a",
        None,
        {":v": S("hi")},
        "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]",
    ),
    (
        "SET f = :v1, f = :v2",
        None,
        {":v1": S("x"), ":v2": S("y")},
        "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [f], path two: [f]",
    ),
    (
        "SET #a1 = :v1, #a2 = :v2",
        {"#a1": "a", "#a2": "a"},
        {":v1": S("x"), ":v2": S("y")},
        "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]",
    ),
    (
        "SET profile.#n = :v REMOVE profile",
        {"#n": "name"},
        {":v": S("x")},
        "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [profile, name], path two: [profile]",
    ),
    (
        "SET a = :v, a.b = :w",
        None,
        {":v": S("x"), ":w": S("y")},
        "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]",
    ),
    (
        "SET a[1][1] = :v, a[1] = :w",
        None,
        {":v": S("x"), ":w": S("y")},
        "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, [1], [1]], path two: [a, [1]]",
    ),
    (
        "SET a.b.c = :v, a.b[2] = :w",
        None,
        {":v": S("x"), ":w": S("y")},
        "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b, c], path two: [a, b, [2]]",
    ),
    (
        "ADD a :v DELETE a :w",
        None,
        {":v": {"SS": ["x"]}, ":w": {"SS": ["y"]}},
        "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]",
    ),
    (
        "set b = list_append(:a, a), c = if_not_exists(a) add a.b :a",
        None,
        {":a": S("a")},
        "Incorrect operand type for operator or function; operator: ADD, operand type: STRING",
    ),
    (
        "delete a.b :a",
        None,
        {":a": S("a")},
        "Incorrect operand type for operator or function; operator: DELETE, operand type: STRING",
    ),
    (
        "add a.b :a",
        None,
        {":a": {"NULL": True}},
        "Incorrect operand type for operator or function; operator: ADD, operand type: NULL",
    ),
    (
        "delete a.b :a",
        None,
        {":a": {"NULL": True}},
        "Incorrect operand type for operator or function; operator: DELETE, operand type: NULL",
    ),
    (
        "add a.b :a",
        None,
        {":a": {"BOOL": False}},
        "Incorrect operand type for operator or function; operator: ADD, operand type: BOOLEAN",
    ),
    (
        "delete a.b :a",
        None,
        {":a": {"BOOL": False}},
        "Incorrect operand type for operator or function; operator: DELETE, operand type: BOOLEAN",
    ),
    (
        "add a.b :a",
        None,
        {":a": {"B": b"a"}},
        "Incorrect operand type for operator or function; operator: ADD, operand type: BINARY",
    ),
    (
        "delete a.b :a",
        None,
        {":a": {"B": b"a"}},
        "Incorrect operand type for operator or function; operator: DELETE, operand type: BINARY",
    ),
    (
        "add a.b :a",
        None,
        {":a": {"M": {"a": {"L": [N("1")]}}}},
        "Incorrect operand type for operator or function; operator: ADD, operand type: MAP",
    ),
    (
        "delete a.b :a",
        None,
        {":a": {"M": {}}},
        "Incorrect operand type for operator or function; operator: DELETE, operand type: MAP",
    ),
    (
        "add a.b :a",
        None,
        {":a": {"L": [N("1")]}},
        "Incorrect operand type for operator or function; operator: ADD, operand type: LIST",
    ),
    (
        "delete a.b :a",
        None,
        {":a": {"L": [N("1")]}},
        "Incorrect operand type for operator or function; operator: DELETE, operand type: LIST",
    ),
    (
        "delete a.b :a",
        None,
        {":a": N("1")},
        "Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER",
    ),
    (
        "set a = if_not_exists(c)",
        None,
        None,
        "Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1",
    ),
    (
        "set a = list_append(c)",
        None,
        None,
        "Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1",
    ),
    (
        "SET a = list_append(:val1, :val2, :val3)",
        None,
        {":val1": {"L": []}, ":val2": {"L": []}, ":val3": {"L": []}},
        "Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 3",
    ),
    (
        "set a = if_not_exists(:a, c)",
        None,
        {":a": S("a")},
        "Operator or function requires a document path; operator or function: if_not_exists",
    ),
    (
        "set a = if_not_exists(list_append(a, b), c)",
        None,
        None,
        "Operator or function requires a document path; operator or function: if_not_exists",
    ),
]

_TYPED_VALUES = {
    ":a": S("a"),
    ":b": N("1"),
    ":c": {"B": b"a"},
    ":d": {"BOOL": False},
    ":e": {"NULL": True},
    ":f": {"SS": ["a"]},
    ":g": {"NS": ["1"]},
    ":h": {"BS": [b"a"]},
    ":i": {"M": {}},
    ":j": {"L": []},
}

# The function-operand cases of dynalite's suite, each with its own value map.
for _expression, _function, _type in [
    ("set a = list_append(:a, a)", "list_append", "S"),
    ("set a = list_append(a, :b)", "list_append", "N"),
    ("set a = list_append(:c, a)", "list_append", "B"),
    ("set a = list_append(:d, a)", "list_append", "BOOL"),
    ("set a = list_append(:e, a)", "list_append", "NULL"),
    ("set a = list_append(:f, a)", "list_append", "SS"),
    ("set a = list_append(:g, a)", "list_append", "NS"),
    ("set a = list_append(:h, a)", "list_append", "BS"),
    ("set a = list_append(:i, a)", "list_append", "M"),
    ("set a = a + :a", "+", "S"),
    ("set a = :c + a", "+", "B"),
    ("set a = a + :d", "+", "BOOL"),
    ("set a = a + :e", "+", "NULL"),
    ("set a = a + :f", "+", "SS"),
    ("set a = a + :g", "+", "NS"),
    ("set a = a + :h", "+", "BS"),
    ("set a = a + :i", "+", "M"),
    ("set a = a + :j", "+", "L"),
    ("set a = a - :a", "-", "S"),
    ("set a = :c - a", "-", "B"),
    ("set a = a - :d", "-", "BOOL"),
    ("set a = a - :e", "-", "NULL"),
    ("set a = a - :f", "-", "SS"),
    ("set a = a - :g", "-", "NS"),
    ("set a = a - :h", "-", "BS"),
    ("set a = a - :i", "-", "M"),
    ("set a = a - :j", "-", "L"),
]:
    _used = {key: value for key, value in _TYPED_VALUES.items() if key in _expression}
    UPDATE_BINDING_ERRORS.append(
        (
            _expression,
            None,
            _used,
            f"Incorrect operand type for operator or function; operator or function: {_function}, operand type: {_type}",
        )
    )
UPDATE_BINDING_ERRORS.append(
    (
        "set a = :a + :c",
        None,
        {":a": S("a"), ":c": {"B": b"a"}},
        "Incorrect operand type for operator or function; operator or function: +, operand type: S",
    )
)


@pytest.mark.parametrize(("expression", "names", "values", "message"), UPDATE_BINDING_ERRORS)
def test_update_errors_found_with_the_placeholders(expression, names, values, message):
    assert (
        refusal(
            update_expression=expression, expression_attribute_names=names, expression_attribute_values=values
        )
        == f"Invalid UpdateExpression: {message}"
    )


@pytest.mark.parametrize(
    "expression",
    [
        "SET a.b = :v, a.c = :v",
        "SET a.b.d = :v, a.b.e = :v",
        "SET a[1] = :v, a[2] = :v",
        "SET a.b = :v, a.c[2] = :v",
        "SET a = :v, b = a",  # reading a path another action writes is allowed
        "REMOVE a SET b = a",
    ],
)
def test_update_paths_that_neither_overlap_nor_conflict(expression):
    values = {":v": N("1")} if ":v" in expression else None
    assert prepare_expressions(update_expression=expression, expression_attribute_values=values).update
