"""DynamoDB ExpressionAttributeNames and ExpressionAttributeValues: undefined, unused and malformed
placeholders, invalid attribute values, and how the values are bound.

Expected messages come from DynamoDB's answers as recorded by suites that run against it
(dynalite's and ScyllaDB Alternator's), from AWS's documentation examples, and from errors users
quoted from DynamoDB. Cases marked `# guessed` assert Stratus's chosen wording where DynamoDB's
could not be confirmed.
"""

from __future__ import annotations

import pytest

from stratus.services.dynamodb.expressions import prepare_expressions

from .expression_parser_support import N, S, refusal

# -- placeholders ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_members", "message"),
    [
        (
            {
                "condition_expression": "a = :v",
                "expression_attribute_names": {},
                "expression_attribute_values": {},
            },
            "ExpressionAttributeNames must not be empty",
        ),
        (
            {"condition_expression": "a = :v", "expression_attribute_names": {"a": "a"}},
            'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"',
        ),
        (
            {"condition_expression": "a = :v", "expression_attribute_names": {"#sryLiyD8D-": "x"}},
            'ExpressionAttributeNames contains invalid key: Syntax error; key: "#sryLiyD8D-"',
        ),
        (
            {"condition_expression": "a = :v", "expression_attribute_names": {"#": "x"}},
            'ExpressionAttributeNames contains invalid key: Syntax error; key: "#"',
        ),
        (
            {"condition_expression": "a = :v", "expression_attribute_values": {}},
            "ExpressionAttributeValues must not be empty",
        ),
        (
            {"condition_expression": "a = :v", "expression_attribute_values": {":b": S("a"), "b": S("a")}},
            'ExpressionAttributeValues contains invalid key: Syntax error; key: "b"',
        ),
        (
            {"condition_expression": "", "expression_attribute_names": {"a": "a"}},
            'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"',
        ),
        (
            {
                "update_expression": "remove a set b = list_append(b, if_not_exists(a, :a))",
                "condition_expression": "a = :b",
                "expression_attribute_values": {":a": S("a"), ":b": S("a")},
                "expression_attribute_names": {"#a": "a", "#b": "b"},
            },
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}",
        ),
        (
            {
                "update_expression": "remove a",
                "condition_expression": "a = :b",
                "expression_attribute_values": {":a": S("a"), ":b": S("a"), ":c": S("a")},
            },
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:a, :c}",
        ),
        (
            {
                "update_expression": "SET #a = :val1",
                "expression_attribute_names": {"#a": "hello", "#b": "hi"},
                "expression_attribute_values": {":val1": N("3"), ":val2": N("4")},
            },
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}",
        ),
        (
            {"projection_expression": "#name", "expression_attribute_names": {"#name": "a", "#unused": "b"}},
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}",
        ),
        (
            {
                "update_expression": "SET #one = #two",
                "expression_attribute_names": {"#one": "c", "#two": "a", "#three": "z"},
            },
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#three}",
        ),
        (
            {
                "update_expression": "SET #c = if_not_exists(:c)",
                "expression_attribute_names": {"#a": "a", "#b": "b"},
            },
            "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; "
            "attribute name: #c",
        ),
        (
            {"update_expression": "SET #a = if_not_exists(:c)", "expression_attribute_names": {"#a": "a"}},
            "Invalid UpdateExpression: An expression attribute value used in expression is not defined; "
            "attribute value: :c",
        ),
        (
            {
                "update_expression": "SET #subscriptionStatus = :v",
                "expression_attribute_values": {":v": S("x")},
            },
            "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; "
            "attribute name: #subscriptionStatus",
        ),
        (
            {"update_expression": "SET a = :v"},
            "Invalid UpdateExpression: An expression attribute value used in expression is not defined; "
            "attribute value: :v",
        ),
        (
            {"projection_expression": "a.#n2", "expression_attribute_names": {"#wrong": "b"}},
            "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; "
            "attribute name: #n2",
        ),
    ],
)
def test_placeholder_errors(request_members, message):
    assert refusal(**request_members) == message


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
        (
            {"M": {"a": {}}},
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        ),
        (
            {"L": [{}]},
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        ),
        (
            {"NULL": False},
            "One or more parameter values were invalid: Null attribute value types must have the value of true",
        ),
        ({"SS": []}, "One or more parameter values were invalid: An string set  may not be empty"),
        ({"NS": []}, "One or more parameter values were invalid: An number set  may not be empty"),
        ({"BS": []}, "One or more parameter values were invalid: Binary sets should not be empty"),
        (
            {"SS": ["a", "a"]},
            "One or more parameter values were invalid: Input collection [a, a] contains duplicates.",
        ),
        ({"S": "a", "N": ""}, "The parameter cannot be converted to a numeric value"),
        ({"S": "a", "N": "b"}, "The parameter cannot be converted to a numeric value: b"),
        ({"NS": ["1", "b"]}, "The parameter cannot be converted to a numeric value: b"),
        ({"NS": ["1", "1"]}, "Input collection contains duplicates"),
        (
            {"S": "a", "N": "1"},
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes",
        ),
    ],
)
def test_invalid_expression_attribute_values(value, reason):
    assert refusal(update_expression="SET a = :b", expression_attribute_values={":b": value}) == (
        f"ExpressionAttributeValues contains invalid value: {reason} for key :b"
    )


def test_keys_are_checked_before_values_and_values_before_expressions():
    assert (
        refusal(update_expression="SET a = :b", expression_attribute_values={":b": {"a": ""}, "b": S("a")})
        == 'ExpressionAttributeValues contains invalid key: Syntax error; key: "b"'
    )
    assert refusal(update_expression="", expression_attribute_values={":b": {}}) == (
        "ExpressionAttributeValues contains invalid value: Supplied AttributeValue is empty, "
        "must contain exactly one of the supported datatypes for key :b"
    )


def test_values_are_bound_in_canonical_form():
    bound = prepare_expressions(
        condition_expression="a = :v", expression_attribute_values={":v": {"N": "010.50"}}
    )
    assert bound.condition.root.right.value == {"N": "10.5"}


def test_names_and_values_are_used_across_all_expressions():
    bound = prepare_expressions(
        key_condition_expression="#name1 = :val1",
        projection_expression="#name2",
        expression_attribute_names={"#name1": "p", "#name2": "a"},
        expression_attribute_values={":val1": S("x")},
    )
    assert bound.key_terms[0].attribute == "p"
    assert bound.projection.paths == (("a",),)


def test_update_errors_name_before_value_before_overlap():
    # DynamoDB's order for UpdateExpression: undefined name, undefined value, overlap, conflict,
    # ADD/DELETE operand type, then function errors.
    assert refusal(update_expression="SET a = :v, a = #x") == (
        "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; "
        "attribute name: #x"
    )
    assert refusal(update_expression="SET a = :v, a = b", expression_attribute_values={":w": S("x")}) == (
        "Invalid UpdateExpression: An expression attribute value used in expression is not defined; "
        "attribute value: :v"
    )
