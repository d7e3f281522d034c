"""DynamoDB expression errors the text alone shows (redundant parentheses, unknown functions, empty
or oversized expressions, too many IN operands), and which expression of a request is judged first.

Expected messages come from DynamoDB's answers as recorded by suites that run against it
(dynalite's and ScyllaDB Alternator's), from AWS's documentation examples, and from errors users
quoted from DynamoDB. Cases marked `# guessed` assert Stratus's chosen wording where DynamoDB's
could not be confirmed.
"""

from __future__ import annotations

import pytest

from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.expressions import prepare_expressions

from .expression_parser_support import _PARSERS, N, S, condition_refusal, refusal

# -- errors the text alone shows ------------------------------------------------------------------

TEXT_ERRORS = [
    # (language, expression, message)
    ("condition", "a=a and a > ((views))", "The expression has redundant parentheses;"),
    ("condition", "(a)between(((b.c)).d)and(c)", "The expression has redundant parentheses;"),
    ("condition", "a > whatever((:things), ((a)))", "The expression has redundant parentheses;"),
    ("condition", "a=a AND ((a=a AND a=a)) AND a=a", "The expression has redundant parentheses;"),
    ("condition", "a=a OR ((a=a OR a=a)) OR a=a", "The expression has redundant parentheses;"),
    ("condition", "a=a AND ((a=a AND (a=a AND a=a)))", "The expression has redundant parentheses;"),
    ("condition", "((attribute_not_exists(pk)))", "The expression has redundant parentheses;"),
    ("key", "((pk = :v))", "The expression has redundant parentheses;"),
    ("condition", "a=a and whatever((:things)) > a", "Invalid function name; function: whatever"),
    ("condition", "attRIbute_exIsts((views), #a)", "Invalid function name; function: attRIbute_exIsts"),
    ("condition", "dog(a)=:arg", "Invalid function name; function: dog"),
    ("condition", "SIZE(a) > :v", "Invalid function name; function: SIZE"),
    ("update", "SET a = f(b,c,d)", "Invalid function name; function: f"),
    ("update", "SET a = f123_hi(b,c,d)", "Invalid function name; function: f123_hi"),
    ("update", "SET a = LIST_APPEND(:val1, :val2)", "Invalid function name; function: LIST_APPEND"),
    ("update", "set #c = if_not_exist(:c) set c = d", "Invalid function name; function: if_not_exist"),
    (
        "condition",
        "a=a and attribute_exists((views), (#a)) > b",
        "The function is not allowed to be used this way in an expression; function: attribute_exists",
    ),
    (
        "condition",
        "attribute_not_exists(things) > b",
        "The function is not allowed to be used this way in an expression; function: attribute_not_exists",
    ),
    (
        "condition",
        "attribute_type(things, :a) > b",
        "The function is not allowed to be used this way in an expression; function: attribute_type",
    ),
    (
        "condition",
        "begins_with(things, a) > b",
        "The function is not allowed to be used this way in an expression; function: begins_with",
    ),
    (
        "condition",
        "contains(:things, c) > b",
        "The function is not allowed to be used this way in an expression; function: contains",
    ),
    (
        "condition",
        "size(contains(a, b)) > a",
        "The function is not allowed to be used this way in an expression; function: contains",
    ),
    (
        "condition",
        "size(things)",
        "The function is not allowed to be used this way in an expression; function: size",
    ),
    (
        "condition",
        "a between b and attribute_exists(things)",
        "The function is not allowed to be used this way in an expression; function: attribute_exists",
    ),
    (
        "condition",
        "a in (b, attribute_exists(things))",
        "The function is not allowed to be used this way in an expression; function: attribute_exists",
    ),
    (
        "condition",
        "if_not_exists(a, a)=:arg",
        "The function is not allowed to be used this way in an expression; function: if_not_exists",
    ),
    (
        "condition",
        "list_append(a, a)=:arg",
        "The function is not allowed to be used this way in an expression; function: list_append",
    ),
    (
        "update",
        "SET a = list_append(list_append(:val1, :val2), :val3)",
        "The function is not allowed to be used this way in an expression; function: list_append",
    ),
    (
        "update",
        "SET a = if_not_exists(b, if_not_exists(c, :val1))",  # guessed
        "The function is not allowed to be used this way in an expression; function: if_not_exists",
    ),
    (
        "update",
        "SET a = size(b)",  # guessed
        "The function is not allowed to be used this way in an expression; function: size",
    ),
    (
        "condition",
        "attribute_exists(views, #a)",
        "Attribute name is a reserved keyword; reserved keyword: views",
    ),
    ("update", "set a = #c set c = :d", 'The "SET" section can only be used once in an update expression;'),
    (
        "update",
        "remove #d set a = b remove e",
        'The "REMOVE" section can only be used once in an update expression;',
    ),
    (
        "update",
        "add #d :e set a = b add e :f",
        'The "ADD" section can only be used once in an update expression;',
    ),
    (
        "update",
        "delete #d :e set a = b delete #e :f",
        'The "DELETE" section can only be used once in an update expression;',
    ),
    (
        "update",
        "SET a = :v1 REMOVE a SET b = :v2",
        'The "SET" section can only be used once in an update expression;',
    ),
    # precedence among them (DynamoDB's order): parentheses, function name, misuse, reserved word
    ("condition", "status = :v AND ((a = b))", "The expression has redundant parentheses;"),
    ("condition", "status = :v AND dog(a) = :v", "Invalid function name; function: dog"),
    (
        "condition",
        "status = :v AND size(a)",
        "The function is not allowed to be used this way in an expression; function: size",
    ),
    (
        "update",
        "SET status = f(a) SET b = :v",
        "Attribute name is a reserved keyword; reserved keyword: status",
    ),
    ("update", "SET a = f(a) SET b = :v", "Invalid function name; function: f"),
]


@pytest.mark.parametrize(("language", "expression", "message"), TEXT_ERRORS)
def test_errors_the_text_alone_shows(language, expression, message):
    parse, label = _PARSERS[language]
    with pytest.raises(ValidationException) as excinfo:
        parse(expression)
    assert excinfo.value.message == f"Invalid {label}: {message}"


@pytest.mark.parametrize(
    ("member", "label"),
    [
        ("update_expression", "UpdateExpression"),
        ("condition_expression", "ConditionExpression"),
        ("key_condition_expression", "KeyConditionExpression"),
        ("filter_expression", "FilterExpression"),
        ("projection_expression", "ProjectionExpression"),
    ],
)
def test_empty_and_oversized_expressions(member, label):
    assert refusal(**{member: ""}) == f"Invalid {label}: The expression can not be empty;"
    too_long = "a" * 4097
    assert refusal(**{member: too_long}) == (
        f"Invalid {label}: Expression size has exceeded the maximum allowed size; expression size: 4097"
    )


def test_expression_size_counts_utf8_bytes():
    # 2049 characters but 4098 bytes: refused for its size, before any syntax error
    assert refusal(condition_expression="é" * 2049) == (
        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 4098"
    )
    padded = "a = :v" + " " * (4096 - 6)  # exactly 4096 bytes: accepted
    assert prepare_expressions(
        condition_expression=padded, expression_attribute_values={":v": S("x")}
    ).condition


def test_in_accepts_99_values_and_refuses_more():
    values = {f":v{i}": N(str(i)) for i in range(100)}
    ninety_nine = ", ".join(list(values)[:99])
    prepare_expressions(
        condition_expression=f"a IN ({ninety_nine})",
        expression_attribute_values={key: values[key] for key in list(values)[:99]},
    )
    # guessed: DynamoDB's wording for PartiQL's IN, and the count including the subject
    assert condition_refusal(f"a IN ({', '.join(values)})", values=values) == (
        "Invalid ConditionExpression: The IN operator is provided with too many operands; number of operands: 101"
    )


def test_order_of_expressions_in_a_request():
    # DynamoDB reads UpdateExpression, ConditionExpression, KeyConditionExpression,
    # FilterExpression, then ProjectionExpression; the first error wins.
    assert refusal(update_expression="", condition_expression="") == (
        "Invalid UpdateExpression: The expression can not be empty;"
    )
    assert refusal(key_condition_expression="", filter_expression="", projection_expression="") == (
        "Invalid KeyConditionExpression: The expression can not be empty;"
    )
    assert (
        refusal(
            key_condition_expression="attribute_type(a, :a)",
            filter_expression="",
            projection_expression="",
            expression_attribute_values={":a": S("N")},
        )
        == "Invalid FilterExpression: The expression can not be empty;"
    )
    assert (
        refusal(
            key_condition_expression="attribute_type(a, :a)",
            filter_expression="a > b",
            projection_expression="",
            expression_attribute_values={":a": S("N")},
        )
        == "Invalid ProjectionExpression: The expression can not be empty;"
    )
    # an unused entry is reported only once every expression parsed
    assert (
        refusal(
            condition_expression="a = :v",
            projection_expression="status",
            expression_attribute_values={":v": S("x"), ":w": S("y")},
        )
        == "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: status"
    )
