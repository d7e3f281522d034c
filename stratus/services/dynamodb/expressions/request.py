"""All the expressions of one request, validated together as DynamoDB does.

Order (DynamoDB's): the two placeholder maps (keys, then the values as AttributeValues); then UpdateExpression, ConditionExpression,
KeyConditionExpression, FilterExpression and ProjectionExpression, each parsed (cached) and bound
to the placeholders; then entries of either map that no expression used; last, the shape of the
KeyConditionExpression. The first problem raises ValidationException with AWS's message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from stratus.services.dynamodb.expressions.condition_check import BoundCondition, bind_condition
from stratus.services.dynamodb.expressions.condition_parser import parse_condition
from stratus.services.dynamodb.expressions.key_condition import KeyTerm, key_condition_terms
from stratus.services.dynamodb.expressions.placeholders import (
    Placeholders,
    check_placeholder_maps,
    normalized_values,
)
from stratus.services.dynamodb.expressions.projection import BoundProjection, bind_projection
from stratus.services.dynamodb.expressions.projection_parser import parse_projection
from stratus.services.dynamodb.expressions.update_check import BoundUpdate, bind_update
from stratus.services.dynamodb.expressions.update_parser import parse_update


@dataclass(frozen=True, slots=True)
class RequestExpressions:
    """The bound expressions of a request (None where the request has none)."""

    update: BoundUpdate | None = None
    condition: BoundCondition | None = None
    key_condition: BoundCondition | None = None
    key_terms: tuple[KeyTerm, ...] | None = None
    filter: BoundCondition | None = None
    projection: BoundProjection | None = None


def prepare_expressions(
    *,
    update_expression: str | None = None,
    condition_expression: str | None = None,
    key_condition_expression: str | None = None,
    filter_expression: str | None = None,
    projection_expression: str | None = None,
    expression_attribute_names: Mapping[str, str] | None = None,
    expression_attribute_values: Mapping[str, dict] | None = None,
) -> RequestExpressions:
    """Validate and bind a request's expressions and placeholders together (arguments named as the
    request members, values as the protocol layer gives them: B and BS as bytes)."""
    check_placeholder_maps(expression_attribute_names, expression_attribute_values)
    values = normalized_values(expression_attribute_values)
    placeholders = Placeholders(expression_attribute_names, values)
    update = condition = key_condition = filter_ = projection = None
    if update_expression is not None:
        update = bind_update(parse_update(update_expression), placeholders)
    if condition_expression is not None:
        condition = _condition(condition_expression, "ConditionExpression", placeholders)
    if key_condition_expression is not None:
        key_condition = _condition(key_condition_expression, "KeyConditionExpression", placeholders)
    if filter_expression is not None:
        filter_ = _condition(filter_expression, "FilterExpression", placeholders)
    if projection_expression is not None:
        projection = bind_projection(parse_projection(projection_expression), placeholders)
    placeholders.check_all_used()
    key_terms = key_condition_terms(key_condition) if key_condition is not None else None
    return RequestExpressions(update, condition, key_condition, key_terms, filter_, projection)


def _condition(text: str, label: str, placeholders: Placeholders) -> BoundCondition:
    return bind_condition(parse_condition(text, label), placeholders, label)
