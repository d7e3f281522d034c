"""Legacy read parameters converted into expressions: AttributesToGet (projection) and KeyConditions
(key conditions, beside user expressions and their placeholders).

Sources of the expected results: AWS's API reference (ExpectedAttributeValue, Condition,
AttributeValueUpdate, "Legacy conditional parameters"); dynalite's suite, recorded against
DynamoDB; ExtendDB's dual-target tests and paritysuite/dynamodb-conformance (run against DynamoDB,
eu-west-2 and us-east-1, 2026-10) for the mixing lists, ConditionalOperator rules and the
`1 validation error detected: ` envelope on PutItem/UpdateItem/DeleteItem; AWS's DAX client, which
converts legacy requests into expressions, for NE (true on a missing attribute) and NOT_CONTAINS
(false on a missing attribute). Messages marked `# guessed` could not be confirmed.
"""

from __future__ import annotations

import pytest

from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.expressions import evaluate_condition, project, resolve_key_condition
from stratus.services.dynamodb.legacy import expression_members

from .legacy_support import ITEM, N, S, cond, prepared, refusal

# -- AttributesToGet ---------------------------------------------------------------------------


@pytest.mark.parametrize("operation", ["GetItem", "BatchGetItem", "Query", "Scan"])
def test_attributes_to_get_projects(operation):
    req = {"AttributesToGet": ["s", "a.b", "missing", "name"]}
    if operation == "Query":
        req["KeyConditions"] = {"id": cond("EQ", S("k"))}
    item = {**ITEM, "a.b": S("dotted"), "a": {"M": {"b": S("nested")}}, "name": S("reserved word")}
    bound = prepared(req, operation)
    assert project(item, bound.projection.paths) == {
        "s": S("hello"),
        "a.b": S("dotted"),
        "name": S("reserved word"),
    }


def test_select_specific_attributes_with_attributes_to_get_is_accepted():
    members = expression_members({"AttributesToGet": ["a"], "Select": "SPECIFIC_ATTRIBUTES"}, "Scan")
    assert members["ExpressionAttributeNames"][members["ProjectionExpression"]] == "a"


# -- KeyConditions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort_condition", "operator", "values"),
    [
        (cond("EQ", N("1")), "EQ", (N("1"),)),
        (cond("LT", N("5")), "LT", (N("5"),)),
        (cond("GE", N("5")), "GE", (N("5"),)),
        (cond("BETWEEN", N("1"), N("9")), "BETWEEN", (N("1"), N("9"))),
        (cond("BEGINS_WITH", S("ab")), "BEGINS_WITH", (S("ab"),)),
    ],
)
def test_key_conditions(sort_condition, operator, values):
    req = {"KeyConditions": {"sk": sort_condition, "pk": cond("EQ", S("p"))}}
    terms = prepared(req, "Query").key_terms
    key = resolve_key_condition(terms, partition_key="pk", sort_key="sk")
    assert key.partition_value == S("p")
    assert (key.sort.operator, key.sort.values) == (operator, values)


def test_key_conditions_meet_the_key_schema_checks():
    # The same checks as a KeyConditionExpression; their messages are the legacy ones too.
    terms = prepared({"KeyConditions": {"pk": cond("GT", S("p"))}}, "Query").key_terms
    with pytest.raises(ValidationException, match="^Query key condition not supported$"):
        resolve_key_condition(terms, partition_key="pk", sort_key="sk")
    terms = prepared({"KeyConditions": {"other": cond("EQ", S("p"))}}, "Query").key_terms
    with pytest.raises(ValidationException, match="^Query condition missed key schema element: pk$"):
        resolve_key_condition(terms, partition_key="pk", sort_key="sk")


def test_key_conditions_beside_user_expressions_get_their_own_placeholders():
    req = {
        "KeyConditions": {"pk": cond("EQ", S("p"))},
        "FilterExpression": "#0 = :0",
        "ProjectionExpression": "#1",
        "ExpressionAttributeNames": {"#0": "a", "#1": "b"},
        "ExpressionAttributeValues": {":0": S("x")},
    }
    members = expression_members(req, "Query")
    assert members["FilterExpression"] == "#0 = :0"
    assert members["ProjectionExpression"] == "#1"
    generated_names = set(members["ExpressionAttributeNames"]) - {"#0", "#1"}
    assert [members["ExpressionAttributeNames"][name] for name in generated_names] == ["pk"]
    bound = prepared(req, "Query")
    assert resolve_key_condition(bound.key_terms, partition_key="pk").partition_value == S("p")
    assert evaluate_condition(bound.filter, {"a": S("x")}) is True


def test_generated_values_never_stand_in_for_a_users_undefined_placeholder():
    req = {"KeyConditions": {"pk": cond("EQ", S("p"))}, "FilterExpression": "a = :0"}
    assert refusal(req, "Query") == (
        "Invalid FilterExpression: An expression attribute value used in expression is not defined; "
        "attribute value: :0"
    )


def test_a_users_empty_map_is_still_refused_by_the_engine():
    req = {
        "KeyConditions": {"pk": cond("EQ", S("p"))},
        "FilterExpression": "a = :v",
        "ExpressionAttributeNames": {},
    }
    assert refusal(req, "Query") == "ExpressionAttributeNames must not be empty"
