"""Helpers shared by the DynamoDB expression-parser tests (test_expression_*.py): attribute-value
builders, the refusal helpers around prepare_expressions, and the parser for each expression kind.
"""

from __future__ import annotations

import pytest

from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.expressions import (
    parse_condition,
    parse_projection,
    parse_update,
    prepare_expressions,
)


def S(text):
    return {"S": text}


def N(text):
    return {"N": text}


def refusal(**request) -> str:
    """The ValidationException message prepare_expressions gives for a request."""
    with pytest.raises(ValidationException) as excinfo:
        prepare_expressions(**request)
    return excinfo.value.message


def condition_refusal(expression, names=None, values=None, member="condition_expression") -> str:
    return refusal(
        **{member: expression}, expression_attribute_names=names, expression_attribute_values=values
    )


_PARSERS = {
    "update": (parse_update, "UpdateExpression"),
    "condition": (lambda text: parse_condition(text, "FilterExpression"), "FilterExpression"),
    "key": (lambda text: parse_condition(text, "KeyConditionExpression"), "KeyConditionExpression"),
    "projection": (parse_projection, "ProjectionExpression"),
}
