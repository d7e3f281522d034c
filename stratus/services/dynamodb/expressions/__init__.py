"""DynamoDB's expression languages, pure Python: parsing, placeholder binding, evaluation.

A request's expressions go through `prepare_expressions` (all of them together, as DynamoDB
validates them), then:

    exprs = prepare_expressions(condition_expression=..., update_expression=...,
                                expression_attribute_names=..., expression_attribute_values=...)
    if exprs.condition and not evaluate_condition(exprs.condition, stored_item): ...
    new_item = apply_update(stored_item, exprs.update, key=request_key)
    visible = project(item, exprs.projection.paths)
    key = resolve_key_condition(exprs.key_terms, partition_key="pk", sort_key="sk")

Parsing is cached by expression text (the trees are immutable); binding is per request. Every
error is a ValidationException carrying AWS's message.
"""

from stratus.services.dynamodb.expressions.condition_check import BoundCondition, bind_condition
from stratus.services.dynamodb.expressions.condition_parser import parse_condition
from stratus.services.dynamodb.expressions.document_paths import path_text, value_at
from stratus.services.dynamodb.expressions.evaluate import evaluate_condition
from stratus.services.dynamodb.expressions.key_condition import (
    KeyCondition,
    KeyTerm,
    SortKeyCondition,
    check_filter_excludes_keys,
    key_condition_terms,
    resolve_key_condition,
)
from stratus.services.dynamodb.expressions.placeholders import Placeholders, check_placeholder_maps
from stratus.services.dynamodb.expressions.projection import BoundProjection, bind_projection, project
from stratus.services.dynamodb.expressions.projection_parser import parse_projection
from stratus.services.dynamodb.expressions.request import RequestExpressions, prepare_expressions
from stratus.services.dynamodb.expressions.update import apply_update, check_key_not_updated
from stratus.services.dynamodb.expressions.update_check import BoundUpdate, bind_update
from stratus.services.dynamodb.expressions.update_parser import parse_update

__all__ = [
    "BoundCondition",
    "BoundProjection",
    "BoundUpdate",
    "KeyCondition",
    "KeyTerm",
    "Placeholders",
    "RequestExpressions",
    "SortKeyCondition",
    "apply_update",
    "bind_condition",
    "bind_projection",
    "bind_update",
    "check_filter_excludes_keys",
    "check_key_not_updated",
    "check_placeholder_maps",
    "evaluate_condition",
    "key_condition_terms",
    "parse_condition",
    "parse_projection",
    "parse_update",
    "path_text",
    "prepare_expressions",
    "project",
    "resolve_key_condition",
    "value_at",
]
