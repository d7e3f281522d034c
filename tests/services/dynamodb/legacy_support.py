"""Helpers shared by the DynamoDB legacy-parameter tests (test_legacy_*.py): attribute-value and
Condition builders, conversion of a legacy request into prepared expressions, the refusal
helper, the messages' common prefixes and the sample item.
"""

from __future__ import annotations

import pytest

from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.expressions import evaluate_condition, prepare_expressions
from stratus.services.dynamodb.legacy import expression_members

ARGUMENTS = {
    "UpdateExpression": "update_expression",
    "ConditionExpression": "condition_expression",
    "KeyConditionExpression": "key_condition_expression",
    "FilterExpression": "filter_expression",
    "ProjectionExpression": "projection_expression",
    "ExpressionAttributeNames": "expression_attribute_names",
    "ExpressionAttributeValues": "expression_attribute_values",
}
INVALID = "One or more parameter values were invalid: "
ONE = "1 validation error detected: "
MIXING = "Can not use both expression and non-expression parameters in the same request: "


def S(text):
    return {"S": text}


def N(text):
    return {"N": text}


def B(data):
    return {"B": data}


def SS(*members):
    return {"SS": list(members)}


def NS(*members):
    return {"NS": list(members)}


def L(*members):
    return {"L": list(members)}


def cond(operator, *values):
    condition = {"ComparisonOperator": operator}
    if values:
        condition["AttributeValueList"] = list(values)
    return condition


def prepared(req, operation):
    members = expression_members(req, operation)
    return prepare_expressions(**{ARGUMENTS[name]: value for name, value in members.items()})


def expected_holds(expected, item, conditional_operator=None):
    req = {"Expected": expected}
    if conditional_operator:
        req["ConditionalOperator"] = conditional_operator
    return evaluate_condition(prepared(req, "PutItem").condition, item)


def refusal(req, operation):
    with pytest.raises(ValidationException) as excinfo:
        prepared(req, operation)
    return excinfo.value.message


ITEM = {
    "id": S("k"),
    "s": S("hello"),
    "six": S("6"),
    "n": N("10"),
    "b": B(b"\x01\x02\x03"),
    "ss": SS("dog", "cat"),
    "ns": NS("1", "2.5"),
    "bs": {"BS": [b"x", b"y"]},
    "l": L(N("7"), S("dog")),
    "m": {"M": {"x": N("1")}},
    "z": {"NULL": True},
    "t": {"BOOL": True},
}


KEY = {"id": S("k")}


EXPECTED_A = {"a": cond("EQ", S("x"))}
KEY_CONDITIONS = {"pk": cond("EQ", S("p"))}
